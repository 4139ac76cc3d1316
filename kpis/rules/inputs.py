"""What an indicator is judged on: its targets and actuals as plain values, and how it is judged.

The string constants equal the choice values in kpis.models (Period, Measure, Indicator.TargetShape,
Indicator.Direction, Indicator.Aggregation). They are repeated here, not imported, so that the
rules import without Django being set up.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

# kpis.models.Period
H1, H2, FY, CY, CUM = "h1", "h2", "fy", "cy", "cum"
# A calendar-year figure (年) counts like the fiscal year with the same number.
YEAR_PERIODS = (FY, CY)
HALVES = (H1, H2)

# kpis.models.Indicator.TargetShape
PER_YEAR = "per_year"
CUMULATIVE = "cumulative"
BASELINE = "baseline"
SHARE = "share"
MILESTONE = "milestone"
NO_TARGET = "none"
# kpis.models.Indicator.Direction
HIGHER, LOWER = "higher", "lower"
# kpis.models.Indicator.Aggregation
FLOW, LEVEL = "flow", "level"
# kpis.models.Measure
COUNT, PERCENT, QUANTITY = "count", "percent", "quantity"


@dataclass(frozen=True, slots=True)  # thousands kept in memory (judged_memo)
class TargetFigure:
    period: str
    year: int
    value: Decimal
    start_year: int | None = None
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    due_date: datetime.date | None = None


@dataclass(frozen=True, slots=True)  # thousands kept in memory (judged_memo)
class ActualFigure:
    period: str
    year: int
    value: Decimal
    achieved_on: datetime.date | None = None
    # 速報: a submitted figure not yet approved (the engine judges it like any other; pages mark it)
    preliminary: bool = False


@dataclass(frozen=True)
class Rules:
    """How an indicator is judged and printed: Indicator.target_shape, direction, aggregation, measure
    and rate_places (the decimals its source prints a rate with: 0 → 129%, 1 → 167.3%)."""

    target_shape: str
    direction: str = HIGHER
    aggregation: str = FLOW
    measure: str = COUNT
    rate_places: int = 0


@dataclass(frozen=True)
class IndicatorFigures:
    rules: Rules
    targets: tuple[TargetFigure, ...] = ()
    actuals: tuple[ActualFigure, ...] = ()
    # Where a cumulative target has no start year, the count starts with the plan.
    plan_start_year: int | None = None
