"""Achievement of an indicator, computed the way the plans' documents compute it.

Plain functions on plain values: no ORM and no clock inside (callers pass `as_of`), so every rule
can be tested from the documents' printed figures without a database. kpis/figures.py builds the
inputs from the ORM.

The string constants below equal the choice values in kpis.models (Period, Indicator.TargetShape,
Indicator.Direction, Indicator.Aggregation). They are repeated here, not imported, so that this
module imports without Django being set up.

Rates are percentages kept unrounded (267 ÷ 250 → Decimal("106.8")); only display rounds them.
"""

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from plans.fiscal import fiscal_year_of

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

HUNDRED = Decimal(100)


class Status(enum.StrEnum):
    """達成状況. The values of ○ △ × equal plans.models.Measure.Mark's."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    ACHIEVED = "achieved", "○"
    PARTLY = "partly", "△"
    NOT_ACHIEVED = "not_achieved", "×"
    NOT_REPORTED = "not_reported", "未報告"
    NOT_APPLICABLE = "not_applicable", "対象外"


@dataclass(frozen=True)
class Thresholds:
    """Rates (percent) from which a result is ○ and △: a plan's achieved_percent and partial_percent."""

    achieved: Decimal = Decimal(100)
    partial: Decimal = Decimal(80)

    def __post_init__(self):
        if self.partial > self.achieved:
            raise ValueError("the partial threshold cannot exceed the achieved threshold")


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetFigure:
    period: str
    year: int
    value: Decimal
    start_year: int | None = None
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    due_date: datetime.date | None = None


@dataclass(frozen=True)
class ActualFigure:
    period: str
    year: int
    value: Decimal
    achieved_on: datetime.date | None = None
    # 速報: a submitted figure not yet approved (the engine judges it like any other; pages mark it)
    preliminary: bool = False


@dataclass(frozen=True)
class Rules:
    """How an indicator is judged: Indicator.target_shape, direction and aggregation."""

    target_shape: str
    direction: str = HIGHER
    aggregation: str = FLOW


@dataclass(frozen=True)
class IndicatorFigures:
    rules: Rules
    targets: tuple[TargetFigure, ...] = ()
    actuals: tuple[ActualFigure, ...] = ()
    # Where a cumulative target has no start year, the count starts with the plan.
    plan_start_year: int | None = None


# --- outputs ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """An actual value for a period, the figures it came from, and how many halves of a year it covers."""

    value: Decimal
    used: tuple[ActualFigure, ...]
    halves: int = 2


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

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else whole_percent(self.rate)

    @property
    def has_target(self) -> bool:
        return self.status is not Status.NOT_APPLICABLE


# --- status and display -----------------------------------------------------------------------


def status_for_rate(rate: Decimal, thresholds: Thresholds) -> Status:
    # The unrounded rate decides: 1,399 of 1,400 prints "100%" but is not achieved.
    if rate >= thresholds.achieved:
        return Status.ACHIEVED
    if rate >= thresholds.partial:
        return Status.PARTLY
    return Status.NOT_ACHIEVED


def round_percent(rate: Decimal, places: int = 0) -> Decimal:
    """Half up, as the documents print: 198.5 → 199 where banker's rounding gives 198."""
    return rate.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def whole_percent(rate: Decimal) -> int:
    return int(round_percent(rate))


def format_rate(rate: Decimal) -> str:
    """515 of 400 → "129%"."""
    return f"{whole_percent(rate)}%"


def items_rate(achieved: int, total: int) -> Decimal | None:
    """Achieved items ÷ items with a target, percent unrounded; None when no item had a target."""
    return None if total == 0 else Decimal(achieved) * HUNDRED / Decimal(total)


def format_items_rate(achieved: int, total: int) -> str:
    """136 of 148 → "91.9%" (one decimal, as 003 prints 90/114 → 78.9%)."""
    rate = items_rate(achieved, total)
    return "" if rate is None else f"{round_percent(rate, 1)}%"


def format_approximate_rate(achieved: int, total: int) -> str:
    """136 of 148 → "約92%" (000 §5), rounded from the exact rate, not from 91.9."""
    rate = items_rate(achieved, total)
    return "" if rate is None else f"約{whole_percent(rate)}%"


def tally(results: Iterable[Achievement]) -> tuple[int, int, Decimal | None]:
    """(achieved, total, rate) of a block or the nation: items with a numeric target, ○ as achieved."""
    counted = [result for result in results if result.has_target]
    achieved = sum(1 for result in counted if result.status is Status.ACHIEVED)
    return achieved, len(counted), items_rate(achieved, len(counted))


# --- reading the actuals ----------------------------------------------------------------------


def _figure(figures, periods, year):
    """The figure for `year` in the first of `periods` that has one."""
    for period in periods:
        for figure in figures:
            if figure.period == period and figure.year == year:
                return figure
    return None


def year_reading(actuals: Iterable[ActualFigure], year: int, aggregation: str) -> Reading | None:
    """A year's value: its fy (or cy) figure; else a flow year sums its halves, a level year takes
    its last reported half (a share or a stock does not add up)."""
    actuals = tuple(actuals)
    whole = _figure(actuals, YEAR_PERIODS, year)
    if whole is not None:
        return Reading(whole.value, (whole,))
    halves = tuple(f for h in HALVES if (f := _figure(actuals, (h,), year)) is not None)
    if not halves:
        return None
    if aggregation == LEVEL:
        return Reading(halves[-1].value, halves[-1:])
    return Reading(sum((f.value for f in halves), Decimal(0)), halves, halves=len(halves))


def half_reading(actuals: Iterable[ActualFigure], year: int, half: str, aggregation: str) -> Reading | None:
    actuals = tuple(actuals)
    # A level's year-end figure is its second-half value too; a flow year cannot be split.
    periods = (H2, *YEAR_PERIODS) if aggregation == LEVEL and half == H2 else (half,)
    figure = _figure(actuals, periods, year)
    return None if figure is None else Reading(figure.value, (figure,), halves=1)


def latest_reading(
    actuals: Iterable[ActualFigure], fiscal_year: int, half: str | None, aggregation: str
) -> Reading | None:
    """The latest year's (or first half's) value reported through `fiscal_year` and `half`."""
    actuals = tuple(actuals)
    years = sorted({a.year for a in actuals if a.period != CUM and a.year <= fiscal_year}, reverse=True)
    for year in years:
        if year == fiscal_year and half == H1:
            reading = half_reading(actuals, year, H1, aggregation)
        else:
            reading = year_reading(actuals, year, aggregation)
        if reading is not None:
            return reading
    return None


def cumulative_reading(
    actuals: Iterable[ActualFigure], fiscal_year: int, half: str | None = None, *, start: int | None = None
) -> Reading | None:
    """The total to date: the latest `cum` figure, plus the flows reported after it (or from `start`)."""
    actuals = tuple(actuals)
    last_full_year = fiscal_year - 1 if half == H1 else fiscal_year
    cums = [a for a in actuals if a.period == CUM and a.year <= last_full_year]
    base = max(cums, key=lambda a: a.year) if cums else None
    if base is not None:
        first = base.year + 1
    elif start is not None:
        first = start
    else:
        first = min((a.year for a in actuals if a.period != CUM), default=last_full_year + 1)
    readings = [year_reading(actuals, year, FLOW) for year in range(first, last_full_year + 1)]
    if half == H1:
        readings.append(half_reading(actuals, fiscal_year, H1, FLOW))
    used = ((base,) if base else ()) + tuple(f for r in readings if r for f in r.used)
    if not used:
        return None
    total = (base.value if base else Decimal(0)) + sum((r.value for r in readings if r), Decimal(0))
    return Reading(total, used)


# --- finding the target -----------------------------------------------------------------------


def target_in_force(targets: Iterable[TargetFigure], year: int, *, shape: str) -> TargetFigure | None:
    """The year's own fy (or cy) target; else the latest earlier one, which stays in force until revised.

    A goal (baseline, share, milestone) is set for a later year and earlier years are measured
    against it: 000 prints 北海道 FY2018 121 ÷ the FY2019 goal 130 = 93%.
    """
    by_year: dict[int, TargetFigure] = {}
    for target in targets:
        if target.period in YEAR_PERIODS and not (target.period == CY and target.year in by_year):
            by_year[target.year] = target
    if year in by_year:
        return by_year[year]
    later = [y for y in by_year if y > year]
    if shape in (BASELINE, SHARE, MILESTONE) and later:
        return by_year[min(later)]
    earlier = [y for y in by_year if y < year]
    return by_year[max(earlier)] if earlier else None


def cumulative_target(targets: Iterable[TargetFigure], year: int) -> TargetFigure | None:
    """The `cum` target whose period still runs in `year`; after the last one ends, the last one."""
    cums = sorted((t for t in targets if t.period == CUM), key=lambda t: t.year)
    ahead = [t for t in cums if t.year >= year]
    return ahead[0] if ahead else (cums[-1] if cums else None)


def pro_rata(
    target: TargetFigure, start: int | None, fiscal_year: int, half: str | None = None
) -> Decimal | None:
    """The share of a cumulative target expected by the end of `fiscal_year` (or its first half)."""
    if start is None:
        return None
    span = target.year - start + 1
    elapsed = Decimal(fiscal_year - start) + (Decimal("0.5") if half == H1 else 1)
    return target.value * min(max(elapsed, Decimal(0)), Decimal(span)) / span


def gap_closed(actual: Decimal | None, target: TargetFigure) -> Decimal | None:
    """(latest − baseline) ÷ (target − baseline), percent: how far from the baseline to the goal."""
    baseline = target.baseline_value
    if actual is None or baseline is None or target.value == baseline:
        return None
    return (actual - baseline) * HUNDRED / (target.value - baseline)


# --- judging ----------------------------------------------------------------------------------


def judge(
    actual: Decimal | None, target: Decimal | None, direction: str, thresholds: Thresholds
) -> tuple[Status, Decimal | None]:
    """Status and rate of an actual against a target."""
    # A zero target for a higher-is-better figure is met by doing nothing: it sets no goal, so it
    # is 対象外 and left out of the totals. Lower-is-better keeps it (0 incidents is a real goal).
    if target is None or (direction == HIGHER and target == 0):
        return Status.NOT_APPLICABLE, None
    if actual is None:
        return Status.NOT_REPORTED, None
    if direction == LOWER:
        if actual == 0:
            return Status.ACHIEVED, None  # cannot be lower; target ÷ 0 has no rate
        rate = target * HUNDRED / actual
    else:
        rate = actual * HUNDRED / target
    return status_for_rate(rate, thresholds), rate


def _own_half_target(targets, year, half):
    return None if half is None else _figure(tuple(targets), (half,), year)


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
        return _per_year_flow_to_date(figures, fiscal_year, half, thresholds)
    reading = latest_reading(figures.actuals, fiscal_year, half, rules.aggregation)
    halve = rules.aggregation == FLOW and reading is not None and reading.halves == 1
    return _against_target(figures, fiscal_year, reading, thresholds, halve=halve)
