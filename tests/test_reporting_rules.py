"""What the half-year report form tells the officer, on plain values (kpis/rules/reporting.py): the
pace the half is measured against, and for a cumulative goal the total so far and what remains."""

from decimal import Decimal

import pytest

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    FY,
    H1,
    H2,
    LOWER,
    PER_YEAR,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import Kind, PaceKind
from kpis.rules.reporting import half_pace, running_total
from kpis.rules.status import Thresholds
from kpis.rules.texts import pace_text

D = Decimal
DEFAULT = Thresholds()


def target(period, year, value, **kwargs):
    return TargetFigure(period=period, year=year, value=D(value), **kwargs)


def actual(period, year, value):
    return ActualFigure(period=period, year=year, value=D(value))


def figures(shape, targets=(), actuals=(), **rules):
    return IndicatorFigures(
        rules=Rules(target_shape=shape, **rules),
        targets=tuple(targets),
        actuals=tuple(actuals),
        plan_start_year=2020,
    )


SEMINARS = [target(FY, y, 5) for y in (2020, 2021, 2022)]  # 002 別添2 神奈川(1): 年5回
HANDS_ON = [target(CUM, 2022, 750, start_year=2020)]  # 001 §5-1: 750社（2020～2022年度累計）
HANDS_ON_ACTUALS = [actual(FY, 2020, 267), actual(FY, 2021, 256)]  # 003


@pytest.mark.parametrize(
    ("fig", "year", "half", "expected"),
    [
        (figures(PER_YEAR, SEMINARS), 2022, H1, "年5回の半分（上期）のペース"),
        (figures(PER_YEAR, [target(FY, 2022, 4)]), 2022, H1, "年4回のうち上期2回のペース"),
        # a 下期 completes the year: the year's target, whether the 上期 was reported or not
        (figures(PER_YEAR, SEMINARS, [actual(H1, 2022, 3)]), 2022, H2, "目標値5回（2022年度）"),
        (figures(PER_YEAR, SEMINARS), 2022, H2, "目標値5回（2022年度）"),
        (
            figures(CUMULATIVE, HANDS_ON, HANDS_ON_ACTUALS),
            2022,
            H1,
            "2020〜2022年度累計750社のうち2022年度上期までの按分625社",
        ),
        (
            figures(CUMULATIVE, HANDS_ON, HANDS_ON_ACTUALS),
            2021,
            H2,
            "2020〜2022年度累計750社のうち2021年度までの按分500社",
        ),
    ],
)
def test_the_pace_of_the_half_says_what_the_half_is_measured_against(fig, year, half, expected):
    unit = "社" if fig.rules.target_shape == CUMULATIVE else "回"
    result = half_pace(fig, year, half, thresholds=DEFAULT)
    assert result.kind is Kind.PROGRESS
    assert pace_text(result, unit) == expected


def test_an_interim_year_of_a_goal_is_measured_against_the_trajectory_and_says_whose_reading_it_is():
    goal = target(FY, 2019, 95000, baseline_value=D(80000), baseline_year=2015)
    result = half_pace(figures(BASELINE, [goal]), 2017, H1, thresholds=DEFAULT)
    assert result.pace.kind is PaceKind.TRAJECTORY
    text = pace_text(result, "件")
    assert text.startswith("経過目標 2017年度 87,500件の半分（上期）")
    assert "文書が定めた目標ではありません" in text


def test_the_pace_of_a_half_is_the_same_whatever_was_reported_in_it():
    before = half_pace(figures(PER_YEAR, SEMINARS), 2022, H1, thresholds=DEFAULT)
    after = half_pace(figures(PER_YEAR, SEMINARS, [actual(H1, 2022, 9)]), 2022, H1, thresholds=DEFAULT)
    assert before.pace == after.pace and before.target == after.target


def test_the_running_total_of_a_cumulative_goal_and_what_remains():
    fig = figures(CUMULATIVE, HANDS_ON, [*HANDS_ON_ACTUALS, actual(H1, 2022, 100)])
    first_half = running_total(fig, 2022, H1)
    assert (first_half.total, first_half.remaining, first_half.through) == (D(523), D(227), (2021, None))
    assert first_half.goal.value == D(750) and first_half.start == 2020
    # what the report being written would make it
    assert (first_half.after(D(120)).total, first_half.after(D(120)).remaining) == (D(643), D(107))
    second_half = running_total(fig, 2022, H2)
    assert (second_half.total, second_half.remaining, second_half.through) == (D(623), D(127), (2022, H1))


def test_the_first_half_of_the_span_starts_from_nothing():
    total = running_total(figures(CUMULATIVE, HANDS_ON), 2020, H1)
    assert (total.total, total.remaining, total.through) == (D(0), D(750), None)


def test_a_total_written_as_a_cumulative_figure_counts_from_there():
    fig = figures(CUMULATIVE, HANDS_ON, [actual(CUM, 2021, 530), actual(H1, 2022, 10)])
    assert running_total(fig, 2022, H2).total == D(540)


def test_nothing_remains_once_the_goal_is_passed():
    fig = figures(CUMULATIVE, HANDS_ON, [actual(FY, 2020, 500), actual(FY, 2021, 400)])
    assert running_total(fig, 2022, H1).remaining == D(0)


@pytest.mark.parametrize(
    "fig",
    [
        figures(PER_YEAR, SEMINARS),
        figures(CUMULATIVE, [target(CUM, 2021, 60, start_year=2020)]),  # 2022 is outside its span
        figures(CUMULATIVE, HANDS_ON, direction=LOWER),
    ],
)
def test_no_running_total_without_a_cumulative_goal_to_reach_in_the_year(fig):
    assert running_total(fig, 2022, H1) is None
