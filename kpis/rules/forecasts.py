"""年度末見込み: what a fiscal year would show at its end if a forecast came true, marked as a forecast.

A 上期 report (and central staff's 上期 entry) may carry the value expected for the whole year: a
flow's count for the year, a level's value at the year's end. Its status is the one rule's answer
(kpis/rules/judgement.py) for that year, on the figures as they stand with the forecast standing in
for the year's own, as of the day after the year ends:

- 〇 △ × where the documents judge the year at its end (a yearly target, the last year of a
  cumulative goal, a goal's own year), against the same target and thresholds;
- 順調 / 遅れ / 進行中 where they do not (an interim year of a cumulative goal or of a baseline →
  target goal): progress against the same pace a dashboard names.

Always printed with 見込み, and never counted with results: `tally.count` takes Judgements, and a
ForecastStatus is not one. At risk: the forecast falls short of the year's target (△ ×) or behind
its pace (遅れ).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from kpis.rules.inputs import CY, FLOW, FY, ActualFigure, IndicatorFigures
from kpis.rules.judged import Judgement, Kind
from kpis.rules.judgement import judgement
from kpis.rules.status import Progress, Status, Thresholds
from kpis.rules.view_periods import View, year_end, year_period_of

FORECAST = "見込み"
# What a forecast at risk falls short of: the year's target, or the pace of an interim year.
SHORT_OF_TARGET = (Status.PARTLY, Status.NOT_ACHIEVED)
SHORT_OF_PACE = (Progress.BEHIND,)


@dataclass(frozen=True)
class ForecastStatus:
    """A forecast of `year` and what the year would show with it: `outlook` is the Judgement of the
    year as it would stand at its end (its rate, target and pace); read it, never count it."""

    value: Decimal
    year: int
    outlook: Judgement

    @property
    def applies(self) -> bool:
        """False when the year has nothing to judge (no numeric target, none for that year)."""
        return self.outlook.kind is not Kind.NONE

    @property
    def is_final(self) -> bool:
        """True when the year's end would settle the target (a 見込み 〇△×), False for progress."""
        return self.outlook.is_final

    @property
    def mark(self) -> str:
        """〇 △ × as the year-end would print it, or "" (progress, nothing to judge)."""
        return self.outlook.mark

    @property
    def word(self) -> str:
        """〇 △ × 順調 遅れ 進行中, or "" when nothing applies."""
        return self.outlook.label if self.applies else ""

    @property
    def label(self) -> str:
        """Always marked as a forecast ("見込み 〇", "見込み △", "見込み 遅れ"); "" when nothing applies."""
        return f"{FORECAST} {self.word}" if self.applies else ""

    @property
    def rate_text(self) -> str:
        return self.outlook.rate_text

    @property
    def target_value(self) -> Decimal | None:
        return self.outlook.target_value

    @property
    def at_risk(self) -> bool:
        """The forecast falls short of the year's target (△ ×) or of its pace (遅れ)."""
        if not self.applies:
            return False
        short = SHORT_OF_TARGET if self.is_final else SHORT_OF_PACE
        return self.outlook.status in short


def forecast_status(
    figures: IndicatorFigures, year: int, value: Decimal, *, thresholds: Thresholds
) -> ForecastStatus:
    """What `year` (a fiscal year, or a calendar year for a 年 indicator) would show at its end with
    `value` as its figure. The figures of that year are set aside for it (a year-end value includes
    its 上期); the other years' figures count as they stand."""
    year_period = year_period_of(figures)
    stand_in = ActualFigure(period=CY if year_period == CY else FY, year=year, value=value)
    actuals = tuple(a for a in figures.actuals if a.year != year) + (stand_in,)
    after_year_end = year_end(year, year_period) + datetime.timedelta(days=1)
    outlook = judgement(
        replace(figures, actuals=actuals),
        View.fiscal_year(year),
        as_of=after_year_end,
        thresholds=thresholds,
    )
    return ForecastStatus(value=value, year=year, outlook=outlook)


def below_first_half(forecast: Decimal, first_half: Decimal | None, aggregation: str) -> bool:
    """A flow's year-end forecast includes its 上期: one below the 上期's own figure is a mistake
    (most likely the 下期 alone). A level may end the year lower than it stood in September."""
    return aggregation == FLOW and first_half is not None and forecast < first_half


@dataclass(frozen=True)
class ForecastCount:
    """Forecasts with something to judge: by what the year would show, and how many are at risk."""

    items: int = 0
    achieved: int = 0
    partly: int = 0
    not_achieved: int = 0
    on_pace: int = 0
    behind: int = 0
    under_way: int = 0
    at_risk: int = 0


_FIELDS = {
    Status.ACHIEVED: "achieved",
    Status.PARTLY: "partly",
    Status.NOT_ACHIEVED: "not_achieved",
    Progress.ON_PACE: "on_pace",
    Progress.BEHIND: "behind",
    Progress.UNDER_WAY: "under_way",
}


def count_forecasts(statuses: Iterable[ForecastStatus]) -> ForecastCount:
    """Forecasts counted apart from results: a block's or the nation's 見込み and at-risk items."""
    counts = dict.fromkeys(("items", *_FIELDS.values(), "at_risk"), 0)
    for status in statuses:
        if not status.applies:
            continue
        counts["items"] += 1
        field = _FIELDS.get(status.outlook.status)
        if field is not None:
            counts[field] += 1
        counts["at_risk"] += status.at_risk
    return ForecastCount(**counts)
