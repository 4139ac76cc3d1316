"""Judging targets set per year (年6回, 250社/年度) and cumulative goals (750社 2020～2022年度累計)."""

from decimal import Decimal

from kpis.rules import pace as paces
from kpis.rules.inputs import CUM, CUMULATIVE, FLOW, H1, HALVES, PER_YEAR, IndicatorFigures, TargetFigure
from kpis.rules.judged import (
    LAST_YEAR_MISSING,
    NO_TARGET_THIS_YEAR,
    SECOND_HALF_MISSING,
    Judgement,
    final,
    nothing,
    progress,
)
from kpis.rules.readings import (
    Reading,
    cumulative_reading,
    figure_of,
    half_reading,
    latest_reading,
    year_reading,
)
from kpis.rules.status import Thresholds
from kpis.rules.targets import last_cumulative_before, target_for
from kpis.rules.view_periods import Position, is_over, period_end, year_end


def own_half(
    figures: IndicatorFigures, at: Position, thresholds: Thresholds, target: TargetFigure
) -> Judgement:
    """A half with a target of its own: final once the half is over, on the half's own figure."""
    reading = half_reading(figures.actuals, at.year, target.period, figures.rules.aggregation)
    if is_over(period_end(target.period, at.year), at.as_of):
        return final(target, reading, figures.rules, thresholds, year=at.year)
    return progress(target, reading, paces.goal(target, at.half), figures.rules, year=at.year, half=at.half)


def one_year(
    figures: IndicatorFigures, at: Position, thresholds: Thresholds, target: TargetFigure
) -> Judgement:
    """The target of `at.year` itself (a year's own target, or a goal in its goal year): final once the
    year is over; before that, a flow is measured by the halves reported, a level against the target."""
    rules = figures.rules
    flow = rules.aggregation == FLOW
    if at.half == H1:
        reading = half_reading(figures.actuals, at.year, H1, rules.aggregation)
        pace = paces.half_year(target, at.year) if flow else paces.goal(target, H1)
        return progress(target, reading, pace, rules, year=at.year, half=H1)
    reading = level_or_year_reading(figures, at.year)
    partial = flow and reading is not None and reading.halves == 1
    if is_over(year_end(at.year, at.year_period), at.as_of):
        return final(
            target, reading, rules, thresholds, year=at.year, missing=SECOND_HALF_MISSING if partial else ""
        )
    if partial:
        return progress(target, reading, paces.half_year(target, at.year), rules, year=at.year, half=H1)
    return progress(target, reading, paces.goal(target), rules, year=at.year)


def level_or_year_reading(figures: IndicatorFigures, year: int) -> Reading | None:
    """The year's reading; a level written as a total to date (累計) stands for its year-end value."""
    reading = year_reading(figures.actuals, year, figures.rules.aggregation)
    if reading is None and figures.rules.aggregation != FLOW:
        total = figure_of(figures.actuals, (CUM,), year)
        reading = Reading(total.value, (total,)) if total else None
    return reading


def per_year(figures: IndicatorFigures, at: Position, thresholds: Thresholds) -> Judgement:
    target = target_for(figures.targets, at.year, shape=PER_YEAR, half=at.half)
    if target is None:
        return nothing(NO_TARGET_THIS_YEAR, year=at.year)
    if target.period in HALVES:
        return own_half(figures, at, thresholds, target)
    if not at.to_date:
        return one_year(figures, at, thresholds, target)
    if figures.rules.aggregation == FLOW:
        return _flows_to_date(figures, at)
    reading = latest_reading(figures.actuals, at.year, at.half, figures.rules.aggregation)
    return progress(target, reading, paces.goal(target, at.half), figures.rules, year=at.year, half=at.half)


def _flows_to_date(figures: IndicatorFigures, at: Position) -> Judgement:
    """The plan so far of a yearly flow: the years' actuals added up against their targets added up,
    over the years (and the first half) reported. Never final: the documents judge each year."""
    first = min((t.year for t in figures.targets if t.period not in (*HALVES, CUM)), default=at.year)
    actual, target_sum, used = Decimal(0), Decimal(0), []
    for year in range(first, at.year + 1):
        if year == at.year and at.half == H1:
            reading = half_reading(figures.actuals, year, H1, FLOW)
        else:
            reading = year_reading(figures.actuals, year, FLOW)
        target = target_for(figures.targets, year, shape=PER_YEAR)
        if reading is None or target is None:
            continue
        actual += reading.value
        target_sum += target.value * reading.halves / 2
        used.extend(reading.used)
    target = target_for(figures.targets, at.year, shape=PER_YEAR)
    reading = Reading(actual, tuple(used)) if used else None
    pace = paces.years_to_date(target_sum, first, at.year, at.half)
    return progress(target, reading, pace, figures.rules, year=at.year, half=at.half)


def cumulative(figures: IndicatorFigures, at: Position, thresholds: Thresholds) -> Judgement:
    """Final once the goal's last year is over (on the total through that year, whatever the view);
    before that, the total to date against the goal spread over its span."""
    start_year = figures.plan_start_year
    target = target_for(figures.targets, at.year, shape=CUMULATIVE, half=at.half, plan_start_year=start_year)
    if target is None and at.to_date:
        target = last_cumulative_before(figures.targets, at.year)
    if target is None:
        return nothing(NO_TARGET_THIS_YEAR, year=at.year)
    if target.period in HALVES:
        return own_half(figures, at, thresholds, target)
    start = target.start_year or start_year
    reaches_end = at.year > target.year or (at.year == target.year and at.half != H1)
    if reaches_end and is_over(period_end(CUM, target.year), at.as_of):
        return _cumulative_final(figures, target, start, thresholds)
    half = at.half
    if half != H1:
        this_year = level_or_year_reading(figures, at.year) or _own_total(figures, at.year)
        if this_year is None:
            return progress(target, None, _share(target, start, at.year, None), figures.rules, year=at.year)
        if this_year.halves == 1 and not is_over(year_end(at.year, at.year_period), at.as_of):
            half = H1  # the year so far is its first half
    elif half_reading(figures.actuals, at.year, H1, FLOW) is None:
        return progress(
            target, None, _share(target, start, at.year, H1), figures.rules, year=at.year, half=H1
        )
    reading = cumulative_reading(figures.actuals, at.year, half, start=start)
    return progress(
        target, reading, _share(target, start, at.year, half), figures.rules, year=at.year, half=half
    )


def _own_total(figures: IndicatorFigures, year: int) -> Reading | None:
    total = figure_of(figures.actuals, (CUM,), year)
    return None if total is None else Reading(total.value, (total,))


def _share(target: TargetFigure, start: int | None, year: int, half: str | None) -> paces.Pace:
    return paces.goal(target, half) if start is None else paces.plan_share(target, start, year, half)


def _cumulative_final(figures, target, start, thresholds) -> Judgement:
    last_year = year_reading(figures.actuals, target.year, FLOW)
    own_total = figure_of(figures.actuals, (CUM,), target.year)
    # Without a total of its own, a last year unreported, or with its 上期 only, leaves the total short.
    complete = own_total is not None or (last_year is not None and last_year.halves == 2)
    reading = cumulative_reading(figures.actuals, target.year, start=start)
    missing = "" if complete else LAST_YEAR_MISSING
    return final(target, reading, figures.rules, thresholds, year=target.year, missing=missing)
