"""What central staff confirm (確定), shown before it is published: each value typed beside the
target and the published actual, with the plausibility warnings (kpis/plausibility.py) of a value
far from the indicator's history or its pace. Read-only: three queries whatever the plan's size."""

from dataclasses import dataclass

from kpis.figures import target_of, with_figures
from kpis.models import Indicator
from kpis.plausibility import warnings_of
from kpis.rules.plausibility import Warning
from plans.models import Plan
from reports.central.reading import central_indicators
from reports.display.labels import indicator_title, target_label

HALVES = ("h1", "h2")


@dataclass(frozen=True)
class ConfirmRow:
    indicator: Indicator
    title: str
    value: object  # Decimal, or None: the draft is withdrawn
    note: str
    target: str
    published: object
    warnings: tuple[Warning, ...]


def confirmation_rows(plan: Plan, fiscal_year: int, period: str, values) -> list[ConfirmRow]:
    """A row per indicator the form holds (`values`: reports.central.entry.read_form's)."""
    indicators = with_figures(central_indicators(plan).filter(pk__in=list(values)))
    rows = []
    for indicator in indicators:
        posted = values[indicator.pk]
        target = target_of(indicator, fiscal_year, half=period if period in HALVES else None)
        published = next(
            (a.value for a in indicator.actuals.all() if (a.period, a.year) == (period, fiscal_year)), None
        )
        rows.append(
            ConfirmRow(
                indicator=indicator,
                title=indicator_title(indicator),
                value=posted.value,
                note=posted.note,
                target=target_label(target, indicator.unit) if target else "",
                published=published,
                warnings=warnings_of(indicator, fiscal_year, period, posted.value),
            )
        )
    return rows
