"""Achievement of an indicator in a fiscal year or half, as the dashboards read it today.

Plain functions on plain values: no ORM and no clock inside (callers pass `as_of`), so every rule
can be tested from the documents' printed figures without a database. kpis/figures.py builds the
inputs from the ORM.

This module judges every year and half the same way, against the target in force; the rule for what
a view period may judge (a final mark only once the target's period is complete, progress against a
pace before that) is kpis/rules/judgement.py (docs/judgement.md), which the pages move to.

The rules it shares with that module live in kpis/rules/ and are re-exported here under the names
callers have always imported from kpis.achievement.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FLOW,
    FY,
    H1,
    H2,
    HALVES,
    HIGHER,
    LEVEL,
    LOWER,
    MILESTONE,
    NO_TARGET,
    PER_YEAR,
    SHARE,
    YEAR_PERIODS,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.rates import (
    HUNDRED,
    format_approximate_rate,
    format_items_rate,
    format_rate,
    items_rate,
    round_percent,
    whole_percent,
)
from kpis.rules.readings import (
    Reading,
    cumulative_reading,
    figure_of,
    half_reading,
    latest_reading,
    year_reading,
)
from kpis.rules.status import Status, Thresholds, judge, status_for_rate
from kpis.rules.targets import cumulative_target, gap_closed, pro_rata, target_in_force
from plans.fiscal import fiscal_year_of

__all__ = [
    "BASELINE",
    "CUM",
    "CUMULATIVE",
    "CY",
    "FLOW",
    "FY",
    "H1",
    "H2",
    "HALVES",
    "HIGHER",
    "HUNDRED",
    "LEVEL",
    "LOWER",
    "MILESTONE",
    "NO_TARGET",
    "PER_YEAR",
    "SHARE",
    "YEAR_PERIODS",
    "Achievement",
    "ActualFigure",
    "IndicatorFigures",
    "Reading",
    "Rules",
    "Status",
    "TargetFigure",
    "Thresholds",
    "achievement",
    "achievement_to_date",
    "cumulative_reading",
    "cumulative_target",
    "format_approximate_rate",
    "format_items_rate",
    "format_rate",
    "gap_closed",
    "half_reading",
    "items_rate",
    "judge",
    "latest_reading",
    "pro_rata",
    "round_percent",
    "status_for_rate",
    "tally",
    "target_in_force",
    "whole_percent",
    "year_reading",
]


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Achievement:
    status: Status
    rate: Decimal | None = None  # percent, unrounded; target ÷ actual when lower is better
    target_value: Decimal | None = None  # what the actual was compared with
    actual_value: Decimal | None = None
    targets_used: tuple[TargetFigure, ...] = ()
    actuals_used: tuple[ActualFigure, ...] = ()
    against_half_of_year_target: bool = False
    complete: bool = True  # False for a flow year only partly reported (h1 without h2)
    expected: Decimal | None = None  # cumulative: the target's pro-rata share for the time elapsed
    on_track: bool | None = None
    baseline_value: Decimal | None = None
    gap_closed: Decimal | None = None  # baseline: percent of the baseline → target gap closed
    rate_places: int = 0  # the indicator's: the decimals its source prints the rate with

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else whole_percent(self.rate)

    @property
    def rate_text(self) -> str:
        """The rate as the source prints it: "129%", "167.3%"; "" without a rate."""
        return "" if self.rate is None else format_rate(self.rate, self.rate_places)

    @property
    def has_target(self) -> bool:
        return self.status is not Status.NOT_APPLICABLE


def tally(results: Iterable[Achievement]) -> tuple[int, int, Decimal | None]:
    """(achieved, total, rate) of a block or the nation: items with a numeric target, ○ as achieved."""
    counted = [result for result in results if result.has_target]
    achieved = sum(1 for result in counted if result.status is Status.ACHIEVED)
    return achieved, len(counted), items_rate(achieved, len(counted))


# --- judging ----------------------------------------------------------------------------------


def _own_half_target(targets, year, half):
    return None if half is None else figure_of(tuple(targets), (half,), year)


def _against_target(figures, year, reading, thresholds, *, half=None, halve=False) -> Achievement:
    """Judge a reading against the target in force for `year` (or the half's own target)."""
    rules = figures.rules
    target = _own_half_target(figures.targets, year, half)
    if target is None:
        target = target_in_force(figures.targets, year, shape=rules.target_shape)
    else:
        halve = False
    if target is None:
        return Achievement(Status.NOT_APPLICABLE, actual_value=reading.value if reading else None)
    # A flow half is measured against half the year's target.
    target_value = target.value / 2 if halve else target.value
    actual = reading.value if reading else None
    status, rate = judge(actual, target_value, rules.direction, thresholds)
    return Achievement(
        status,
        rate=rate,
        target_value=target_value,
        actual_value=actual,
        targets_used=(target,),
        actuals_used=reading.used if reading else (),
        against_half_of_year_target=halve,
        complete=reading is None or half is not None or rules.aggregation == LEVEL or reading.halves == 2,
        baseline_value=target.baseline_value,
        gap_closed=gap_closed(actual, target),
    )


def _cumulative(figures, fiscal_year, half, thresholds) -> Achievement:
    target = cumulative_target(figures.targets, fiscal_year)
    if target is None:
        return Achievement(Status.NOT_APPLICABLE)
    start = target.start_year or figures.plan_start_year
    reading = cumulative_reading(figures.actuals, fiscal_year, half, start=start)
    actual = reading.value if reading else None
    status, rate = judge(actual, target.value, figures.rules.direction, thresholds)
    expected = pro_rata(target, start, fiscal_year, half)
    on_track = None
    if expected is not None and actual is not None and status is not Status.NOT_APPLICABLE:
        on_track = actual <= expected if figures.rules.direction == LOWER else actual >= expected
    return Achievement(
        status,
        rate=rate,
        target_value=target.value,
        actual_value=actual,
        targets_used=(target,),
        actuals_used=reading.used if reading else (),
        expected=expected,
        on_track=on_track,
    )


def _done_in_time(done: ActualFigure, due: datetime.date | None) -> bool:
    if due is None:
        return True
    if done.achieved_on is not None:
        return done.achieved_on <= due
    return done.year <= fiscal_year_of(due)  # without a date, the year it was reported in


def _milestone(figures, fiscal_year, as_of) -> Achievement:
    target = target_in_force(figures.targets, fiscal_year, shape=MILESTONE)
    if target is None or target.value == 0:
        return Achievement(Status.NOT_APPLICABLE)
    reached = [a for a in figures.actuals if a.year <= fiscal_year and a.value >= target.value]
    done = min(reached, key=lambda a: (a.achieved_on or datetime.date.max, a.year), default=None)
    if done is not None:
        # Done after the due date was not done "by" it.
        status = Status.ACHIEVED if _done_in_time(done, target.due_date) else Status.NOT_ACHIEVED
    elif target.due_date is not None and as_of > target.due_date:
        status = Status.NOT_ACHIEVED
    else:
        status = Status.NOT_REPORTED
    return Achievement(
        status,
        target_value=target.value,
        actual_value=done.value if done else None,
        targets_used=(target,),
        actuals_used=(done,) if done else (),
    )


def _per_year_flow_to_date(figures, fiscal_year, half, thresholds) -> Achievement:
    """Sum of the years reported so far ÷ the sum of their targets; an unreported year is left out."""
    first = min((t.year for t in figures.targets if t.period in YEAR_PERIODS), default=fiscal_year)
    actual, target_sum = Decimal(0), Decimal(0)
    targets, used = [], []
    for year in range(first, fiscal_year + 1):
        if year == fiscal_year and half == H1:
            reading = half_reading(figures.actuals, year, H1, FLOW)
        else:
            reading = year_reading(figures.actuals, year, FLOW)
        target = target_in_force(figures.targets, year, shape=PER_YEAR)
        if reading is None or target is None:
            continue
        actual += reading.value
        target_sum += target.value * reading.halves / 2
        targets.append(target)
        used.extend(reading.used)
    if not used:
        return _against_target(figures, fiscal_year, None, thresholds)
    status, rate = judge(actual, target_sum, figures.rules.direction, thresholds)
    return Achievement(
        status,
        rate=rate,
        target_value=target_sum,
        actual_value=actual,
        targets_used=tuple(dict.fromkeys(targets)),
        actuals_used=tuple(used),
    )


# --- entry points -----------------------------------------------------------------------------


def _check_half(half: str | None) -> None:
    if half not in (None, *HALVES):
        raise ValueError(f"unknown half: {half!r}")


def achievement(
    figures: IndicatorFigures,
    *,
    fiscal_year: int,
    half: str | None = None,
    as_of: datetime.date,
    thresholds: Thresholds,
) -> Achievement:
    """Achievement in `fiscal_year`, or in one half of it (half="h1"/"h2").

    Cumulative targets and milestones are judged on everything up to then.
    """
    _check_half(half)
    result = _achievement(figures, fiscal_year, half, as_of, thresholds)
    return replace(result, rate_places=figures.rules.rate_places)


def _achievement(figures, fiscal_year, half, as_of, thresholds) -> Achievement:
    rules = figures.rules
    if rules.target_shape == NO_TARGET:
        return Achievement(Status.NOT_APPLICABLE)
    if rules.target_shape == MILESTONE:
        return _milestone(figures, fiscal_year, as_of)
    if rules.target_shape == CUMULATIVE:
        return _cumulative(figures, fiscal_year, half, thresholds)
    if half is None:
        reading = year_reading(figures.actuals, fiscal_year, rules.aggregation)
    else:
        reading = half_reading(figures.actuals, fiscal_year, half, rules.aggregation)
    halve = half is not None and rules.aggregation == FLOW
    return _against_target(figures, fiscal_year, reading, thresholds, half=half, halve=halve)


def achievement_to_date(
    figures: IndicatorFigures,
    *,
    fiscal_year: int,
    half: str | None = None,
    as_of: datetime.date,
    thresholds: Thresholds,
) -> Achievement:
    """The plan so far, through `fiscal_year` (or its first half): per-year flows add up; a level,
    baseline or share takes the latest value; cumulative and milestone are as in `achievement`."""
    _check_half(half)
    rules = figures.rules
    if rules.target_shape in (NO_TARGET, MILESTONE, CUMULATIVE):
        return achievement(figures, fiscal_year=fiscal_year, half=half, as_of=as_of, thresholds=thresholds)
    if rules.target_shape == PER_YEAR and rules.aggregation == FLOW:
        result = _per_year_flow_to_date(figures, fiscal_year, half, thresholds)
    else:
        reading = latest_reading(figures.actuals, fiscal_year, half, rules.aggregation)
        halve = rules.aggregation == FLOW and reading is not None and reading.halves == 1
        result = _against_target(figures, fiscal_year, reading, thresholds, halve=halve)
    return replace(result, rate_places=rules.rate_places)
