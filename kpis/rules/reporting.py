"""What a half-year report's form tells the officer about one indicator, from the one rule:

- `half_pace`: what the half's figure will be measured against once reported (the pace a progress
  view of that half names: 上期のペース, 計画期間の按分, 経過目標, 目標値 …);
- `running_total`: for a cumulative goal, the total reported before the half and what remains.

Pure: the caller passes the figures; no ORM, no clock (a half is placed on its own last day).
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from kpis.rules.inputs import CUM, CUMULATIVE, H1, H2, LOWER, ActualFigure, IndicatorFigures, TargetFigure
from kpis.rules.judged import Judgement
from kpis.rules.judgement import judgement
from kpis.rules.readings import cumulative_reading
from kpis.rules.status import Thresholds
from kpis.rules.targets import target_for
from kpis.rules.view_periods import View
from plans.fiscal import half_bounds


def half_pace(figures: IndicatorFigures, year: int, half: str, *, thresholds: Thresholds) -> Judgement:
    """The half's Judgement as it stands on its last day with the half reported: read its target and
    `pace` (kpis.rules.texts.pace_text), not its status, which a stand-in figure decides.

    The stand-ins matter for a 下期 only: a flow year with one half reported reads as its first half,
    while a 下期's report completes the year, measured against the year's target (a 上期 never
    reported stands in too).
    """
    halves = (half,) if half == H1 else (H1, H2)
    reported = {(a.period, a.year) for a in figures.actuals}
    stand_ins = tuple(
        ActualFigure(period=h, year=year, value=Decimal(0))
        for h in halves
        if h == half or (h, year) not in reported
    )
    actuals = tuple(a for a in figures.actuals if (a.period, a.year) != (half, year)) + stand_ins
    return judgement(
        replace(figures, actuals=actuals),
        View.fiscal_half(year, half),
        as_of=half_bounds(year, half)[1],
        thresholds=thresholds,
    )


@dataclass(frozen=True)
class RunningTotal:
    """A cumulative goal's total reported before a half (`through`: the fiscal year, and "h1" when
    it runs through a first half; None when nothing came before) and what remains of the goal."""

    goal: TargetFigure
    start: int
    total: Decimal
    through: tuple[int, str | None] | None

    @property
    def remaining(self) -> Decimal:
        """What is left to reach the goal; 0 once it is reached."""
        return max(self.goal.value - self.total, Decimal(0))

    def after(self, value: Decimal) -> "RunningTotal":
        """The total with the half's own figure added (what the report being written would make it)."""
        return replace(self, total=self.total + value)


def running_total(figures: IndicatorFigures, year: int, half: str) -> RunningTotal | None:
    """The cumulative goal in force for `year` with the total reported before `half` of it; None
    for any other target shape, outside the goal's span, or for a goal where lower is better."""
    rules = figures.rules
    if rules.target_shape != CUMULATIVE or rules.direction == LOWER:
        return None
    goal = target_for(figures.targets, year, shape=CUMULATIVE, plan_start_year=figures.plan_start_year)
    start = None if goal is None else (goal.start_year or figures.plan_start_year)
    if goal is None or goal.period != CUM or start is None:
        return None
    through = _period_before(year, half, start)
    reading = None if through is None else cumulative_reading(figures.actuals, *through, start=start)
    return RunningTotal(
        goal=goal,
        start=start,
        total=reading.value if reading else Decimal(0),
        through=through,
    )


def _period_before(year: int, half: str, start: int) -> tuple[int, str | None] | None:
    """The fiscal year (and "h1") a half follows; None for the first half of a goal's span."""
    if half != H1:
        return (year, H1)
    return (year - 1, None) if year > start else None
