"""The sheets of a plan workbook. `SHEETS` is their order in a workbook; `IMPORT_ORDER` the order an
import reads them in (a measure needs its basic policy, a KPI its industrial vision, a target its
indicator)."""

from kpis.workbook.columns import INSTRUCTIONS_TITLE
from kpis.workbook.kpi_columns import ACTUALS, INDICATORS, KPIS, PREDECESSORS, TARGETS, VISIONS
from kpis.workbook.plan_columns import DESIGNATIONS, MEASURES, PLAN, POLICIES, REPORTED

__all__ = [
    "ACTUALS",
    "DESIGNATIONS",
    "INDICATORS",
    "INSTRUCTIONS_TITLE",
    "KPIS",
    "MEASURES",
    "PLAN",
    "POLICIES",
    "PREDECESSORS",
    "REPORTED",
    "TARGETS",
    "VISIONS",
]

SHEETS = (
    PLAN,
    POLICIES,
    MEASURES,
    VISIONS,
    KPIS,
    INDICATORS,
    TARGETS,
    ACTUALS,
    REPORTED,
    PREDECESSORS,
    DESIGNATIONS,
)
IMPORT_ORDER = (
    PLAN,
    POLICIES,
    MEASURES,
    VISIONS,
    DESIGNATIONS,
    KPIS,
    INDICATORS,
    PREDECESSORS,
    TARGETS,
    ACTUALS,
    REPORTED,
)
SHEET_OF_NAME = {name: sheet for sheet in SHEETS for name in (sheet.title, sheet.alias)}
