"""Properties of the one rule for every view period (kpis/rules/judgement.py), over made-up figures
of every target shape: a mark only for a complete period, the same final result from every view
that reaches it, counts that never show a fraction, tallies that count final results only."""

import datetime
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FLOW,
    FY,
    H1,
    H2,
    HIGHER,
    LEVEL,
    LOWER,
    MILESTONE,
    PER_YEAR,
    SHARE,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import Kind, PaceKind, Progress, Scope, Status, Thresholds, View, judgement
from kpis.rules.status import MARKED
from kpis.rules.tally import count
from kpis.rules.texts import pace_text
from kpis.rules.view_periods import is_over, period_end, year_end

YEARS = range(2020, 2024)
D = Decimal
counts = st.integers(min_value=0, max_value=60).map(D)
as_of_days = st.dates(min_value=datetime.date(2020, 4, 1), max_value=datetime.date(2025, 6, 30))


@st.composite
def targets_of(draw, shape):
    value = D(draw(st.integers(min_value=1, max_value=50)))
    if shape == PER_YEAR:
        years = draw(st.sets(st.sampled_from(YEARS), min_size=1))
        return tuple(
            TargetFigure(FY, y, D(draw(st.integers(min_value=0, max_value=50)))) for y in sorted(years)
        )
    if shape == CUMULATIVE:
        start = draw(st.sampled_from([None, 2020, 2021]))
        return (TargetFigure(CUM, draw(st.sampled_from([2021, 2022, 2023])), value * 3, start_year=start),)
    if shape == MILESTONE:
        year = draw(st.sampled_from([2021, 2022]))
        due = draw(st.sampled_from([None, datetime.date(year + 1, 3, 31), datetime.date(year, 12, 31)]))
        return (TargetFigure(FY, year, D(1), due_date=due),)
    period = draw(st.sampled_from([FY, CY])) if shape == BASELINE else FY
    goal_year = draw(st.sampled_from([2021, 2022, 2023]))
    baseline = draw(st.sampled_from([None, 2018, 2020]))
    baseline_value = None if baseline is None else D(draw(st.integers(min_value=0, max_value=40)))
    return (TargetFigure(period, goal_year, value, baseline_value=baseline_value, baseline_year=baseline),)


@st.composite
def actuals_of(draw, year_period, shape):
    actuals = []
    for year in YEARS:
        kind = draw(
            st.sampled_from(
                ["none", "year", "h1", "halves", "cum"] if year_period == FY else ["none", "year"]
            )
        )
        if kind == "year":
            actuals.append(ActualFigure(year_period, year, draw(counts)))
        elif kind == "h1":
            actuals.append(ActualFigure(H1, year, draw(counts)))
        elif kind == "halves":
            actuals += [ActualFigure(H1, year, draw(counts)), ActualFigure(H2, year, draw(counts))]
        elif kind == "cum" and shape == CUMULATIVE:
            actuals.append(ActualFigure(CUM, year, draw(counts)))
    if shape == MILESTONE and actuals and draw(st.booleans()):
        first = actuals[0]
        day = draw(
            st.dates(
                min_value=datetime.date(first.year, 4, 1), max_value=datetime.date(first.year + 1, 3, 31)
            )
        )
        actuals[0] = ActualFigure(first.period, first.year, D(1), achieved_on=day)
    return tuple(actuals)


@st.composite
def indicators(draw):
    shape = draw(st.sampled_from([PER_YEAR, CUMULATIVE, BASELINE, SHARE, MILESTONE]))
    targets = draw(targets_of(shape))
    year_period = CY if targets[0].period == CY else FY
    rules = Rules(
        target_shape=shape,
        direction=draw(st.sampled_from([HIGHER, LOWER])) if shape != MILESTONE else HIGHER,
        aggregation=draw(st.sampled_from([FLOW, LEVEL])) if shape != MILESTONE else LEVEL,
    )
    plan_start = draw(st.sampled_from([None, 2020]))
    return IndicatorFigures(rules, targets, draw(actuals_of(year_period, shape)), plan_start_year=plan_start)


def every_view(as_of: datetime.date) -> list[View]:
    views = [View.cut_off(as_of), View.cut_off(as_of + datetime.timedelta(days=400))]
    for year in range(2019, 2025):
        views += [
            View.fiscal_year(year),
            View.calendar_year(year),
            View.fiscal_half(year, H1),
            View.fiscal_half(year, H2),
            View.plan_to_date(year),
            View.plan_to_date(year, H1),
        ]
    return views


def judged_in_every_view(figures, as_of):
    return [
        (view, judgement(figures, view, as_of=as_of, thresholds=Thresholds())) for view in every_view(as_of)
    ]


def complete(figures: IndicatorFigures, result, as_of: datetime.date) -> bool:
    """Whether the period a final result judges is over by `as_of` (a milestone: done, or past due)."""
    target = result.target
    shape = figures.rules.target_shape
    if shape == MILESTONE:
        due = target.due_date or year_end(target.year, FY)
        return result.status is Status.ACHIEVED or is_over(due, as_of)
    if shape == CUMULATIVE:
        return is_over(period_end(CUM, target.year), as_of)
    return is_over(year_end(result.year, result.year_period), as_of)


@settings(max_examples=300, deadline=None)
@given(figures=indicators(), as_of=as_of_days)
def test_no_mark_for_a_period_that_is_not_complete(figures, as_of):
    for view, result in judged_in_every_view(figures, as_of):
        if result.mark:
            assert complete(figures, result, as_of), (view, result)
        if result.kind is Kind.PROGRESS:
            assert isinstance(result.status, Progress) and result.mark == ""
        if result.kind is Kind.FINAL:
            assert isinstance(result.status, Status) and result.status is not Status.NOT_APPLICABLE
        if view.scope is Scope.HALF and view.half == H1 and figures.rules.target_shape != MILESTONE:
            assert result.status not in MARKED, (view, result)


@settings(max_examples=300, deadline=None)
@given(figures=indicators(), as_of=as_of_days)
def test_a_final_result_never_depends_on_the_view_period_chosen(figures, as_of):
    finals = {}
    for view, result in judged_in_every_view(figures, as_of):
        if result.kind is Kind.FINAL:
            key = (result.target, result.year)
            seen = (result.status, result.rate, result.actual_value, result.complete, result.year_period)
            assert finals.setdefault(key, (view, seen))[1] == seen, (finals[key][0], view)


@given(
    yearly=st.integers(min_value=1, max_value=100_000),
    first_half=st.integers(min_value=0, max_value=100_000),
    year=st.sampled_from(YEARS),
)
def test_a_half_year_pace_never_shows_a_fractional_count(yearly, first_half, year):
    figures = IndicatorFigures(
        Rules(target_shape=PER_YEAR),
        (TargetFigure(FY, year, D(yearly)),),
        (ActualFigure(H1, year, D(first_half)),),
    )
    result = judgement(
        figures, View.fiscal_half(year, H1), as_of=datetime.date(year, 11, 1), thresholds=Thresholds()
    )
    assert (result.kind, result.pace.kind, result.pace.value * 2) == (
        Kind.PROGRESS,
        PaceKind.HALF_YEAR,
        yearly,
    )
    text = pace_text(result, "回")
    assert not re.search(r"\d\.\d", text), text
    assert text.startswith(f"年{yearly:,}回")
    assert result.rate is None  # a half's share of the whole year is not printed as a rate


@settings(max_examples=200, deadline=None)
@given(figures=indicators(), as_of=as_of_days)
def test_no_count_pace_is_ever_printed_with_a_fraction(figures, as_of):
    for _view, result in judged_in_every_view(figures, as_of):
        assert not re.search(r"\d\.\d", pace_text(result, "件")), result


@settings(max_examples=200, deadline=None)
@given(figures=st.lists(indicators(), min_size=1, max_size=8), as_of=as_of_days, year=st.sampled_from(YEARS))
def test_tallies_count_final_results_only(figures, as_of, year):
    results = [judgement(f, View.fiscal_year(year), as_of=as_of, thresholds=Thresholds()) for f in figures]
    counted = count(results)
    finals = [r for r in results if r.kind is Kind.FINAL]
    assert counted.final.items == len(finals)
    assert counted.final.achieved == sum(r.status is Status.ACHIEVED for r in finals)
    assert counted.progress.items == sum(r.kind is Kind.PROGRESS for r in results)
    if not is_over(datetime.date(year, 12, 31), as_of):  # neither 年度 nor 年 `year` is over
        # so no target's period is complete: only a milestone already done is final
        assert all(
            f.rules.target_shape == MILESTONE for f, r in zip(figures, results, strict=True) if r.is_final
        )
