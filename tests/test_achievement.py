"""The achievement engine's rules (kpis/achievement.py), on plain values: no database.

Figures come from the documents where they print one (cited); the rest are small made-up cases
for the rules the documents only imply.
"""

import datetime
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.achievement import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FLOW,
    FY,
    H1,
    H2,
    LEVEL,
    LOWER,
    MILESTONE,
    NO_TARGET,
    PER_YEAR,
    SHARE,
    Achievement,
    ActualFigure,
    IndicatorFigures,
    Rules,
    Status,
    TargetFigure,
    Thresholds,
    achievement,
    achievement_to_date,
    format_approximate_rate,
    format_items_rate,
    format_rate,
    items_rate,
    round_percent,
    status_for_rate,
    tally,
    whole_percent,
    year_reading,
)

D = Decimal
AS_OF = datetime.date(2024, 3, 31)
DEFAULT = Thresholds()


def target(period, year, value, **kwargs):
    return TargetFigure(period=period, year=year, value=D(value), **kwargs)


def actual(period, year, value, **kwargs):
    return ActualFigure(period=period, year=year, value=D(value), **kwargs)


def figures(shape, targets=(), actuals=(), *, direction="higher", aggregation=FLOW, plan_start_year=None):
    return IndicatorFigures(
        rules=Rules(target_shape=shape, direction=direction, aggregation=aggregation),
        targets=tuple(targets),
        actuals=tuple(actuals),
        plan_start_year=plan_start_year,
    )


def of_year(fig, year, *, half=None, as_of=AS_OF, thresholds=DEFAULT) -> Achievement:
    return achievement(fig, fiscal_year=year, half=half, as_of=as_of, thresholds=thresholds)


def to_date(fig, year, *, half=None, as_of=AS_OF, thresholds=DEFAULT) -> Achievement:
    return achievement_to_date(fig, fiscal_year=year, half=half, as_of=as_of, thresholds=thresholds)


# --- status and display -----------------------------------------------------------------------


def test_the_status_labels_are_the_documents_marks():
    assert [s.label for s in Status] == ["〇", "△", "×", "未報告", "対象外"]
    # 〇 △ × share their values with plans.models.Measure.Mark
    assert [Status.ACHIEVED, Status.PARTLY, Status.NOT_ACHIEVED] == ["achieved", "partly", "not_achieved"]


@pytest.mark.parametrize(
    ("rate", "thresholds", "status"),
    [
        (D("100"), DEFAULT, Status.ACHIEVED),
        (D("99.99"), DEFAULT, Status.PARTLY),
        (D("80"), DEFAULT, Status.PARTLY),
        (D("79.99"), DEFAULT, Status.NOT_ACHIEVED),
        # a plan with other thresholds: 〇 from 95%, △ from 90%
        (D("95.75"), Thresholds(achieved=D(95), partial=D(90)), Status.ACHIEVED),
        (D("92"), Thresholds(achieved=D(95), partial=D(90)), Status.PARTLY),
        (D("82"), Thresholds(achieved=D(95), partial=D(90)), Status.NOT_ACHIEVED),
    ],
)
def test_status_follows_the_thresholds(rate, thresholds, status):
    assert status_for_rate(rate, thresholds) is status


def test_thresholds_cannot_be_reversed():
    with pytest.raises(ValueError):
        Thresholds(achieved=D(80), partial=D(90))


def test_the_unrounded_rate_decides_the_status_not_the_printed_percent():
    result = of_year(figures(PER_YEAR, [target(FY, 2019, 1400)], [actual(FY, 2019, 1399)]), 2019)
    assert (result.percent, result.status) == (100, Status.PARTLY)


@pytest.mark.parametrize(
    ("actual_value", "target_value", "printed"),
    [
        (515, 400, "129%"),  # 003 I-2(2)①1)ii)b 128.75
        (213, 250, "85%"),  # 003 I-2(2)①1)ii)a 85.2
        (2779, 1400, "199%"),  # 000 成果事例 和歌山: 198.5, half up (banker's rounding gives 198)
        (89, 30, "297%"),  # 000 成果事例 山形: 296.67
    ],
)
def test_rates_print_as_whole_percent_rounded_half_up(actual_value, target_value, printed):
    rate = D(actual_value) * 100 / D(target_value)
    assert format_rate(rate) == printed


def test_a_rate_prints_with_the_indicators_places():
    # 003 I-2(2)①2)i): 251社 (達成率 167.3%) of 150社 (2020～2022年度累計)
    rate = D(251) * 100 / D(150)
    assert (format_rate(rate), format_rate(rate, 1)) == ("167%", "167.3%")
    effect = IndicatorFigures(
        rules=Rules(target_shape=CUMULATIVE, rate_places=1),
        targets=(target(CUM, 2022, 150, start_year=2020),),
        actuals=(actual(CUM, 2022, 251),),
    )
    assert of_year(effect, 2022).rate_text == "167.3%"
    assert of_year(C04, 2020).rate_text == "129%"  # whole percent by default
    assert of_year(C04, 2023).rate_text == ""


def test_half_up_differs_from_pythons_round_at_198_5():
    assert round(D("198.5")) == 198
    assert whole_percent(D("198.5")) == 199


def test_a_rate_can_keep_one_decimal_as_003_prints_167_3():
    # 003 I-2(2)①2)i): 251社 (達成率 167.3%) of 150
    assert round_percent(D(251) * 100 / D(150), 1) == D("167.3")


@pytest.mark.parametrize(
    ("achieved", "total", "one_decimal", "approximate"),
    [
        (136, 148, "91.9%", "約92%"),  # 000 §5 全国計 約92％（136項目／148項目）
        (90, 114, "78.9%", "約79%"),  # 003 I-2(2)② 114項目中90項目 (78.9%)
        (4, 4, "100.0%", "約100%"),  # 000 §5 北海道 4項目／4項目
        (0, 0, "", ""),
    ],
)
def test_block_and_national_results_are_items_achieved_over_items_set(
    achieved, total, one_decimal, approximate
):
    assert format_items_rate(achieved, total) == one_decimal
    assert format_approximate_rate(achieved, total) == approximate


def test_tally_counts_only_items_with_a_target_and_only_circles_as_achieved():
    results = [
        Achievement(Status.ACHIEVED),
        Achievement(Status.PARTLY),
        Achievement(Status.NOT_ACHIEVED),
        Achievement(Status.NOT_REPORTED),
        Achievement(Status.NOT_APPLICABLE),
    ]
    assert tally(results) == (1, 4, D(25))
    assert tally([]) == (0, 0, None)
    assert items_rate(136, 148) == D(136) * 100 / D(148)


# --- per-year flows ---------------------------------------------------------------------------

C04_TARGETS = [target(FY, year, 400) for year in (2020, 2021, 2022)]
C04 = figures(PER_YEAR, C04_TARGETS, [actual(FY, 2020, 515), actual(FY, 2021, 383), actual(FY, 2022, 328)])


@pytest.mark.parametrize(
    ("year", "rate", "percent", "status"),
    [
        # 003 I-2(2)①1)ii)b: 2020年度 515件(129%)、2021年度 383件(96%)、2022年度 328件(82%)
        (2020, D("128.75"), 129, Status.ACHIEVED),
        (2021, D("95.75"), 96, Status.PARTLY),
        (2022, D("82"), 82, Status.PARTLY),
        (2023, None, None, Status.NOT_REPORTED),  # the 2022 target stays in force; nothing reported
    ],
)
def test_a_per_year_flow_is_the_years_actual_over_the_years_target(year, rate, percent, status):
    result = of_year(C04, year)
    assert (result.rate, result.percent, result.status) == (rate, percent, status)
    assert result.target_value == D(400)


def test_a_flow_year_without_a_year_figure_is_the_sum_of_its_halves():
    fig = figures(PER_YEAR, [target(FY, 2021, 250)], [actual(H1, 2021, 120), actual(H2, 2021, 140)])
    result = of_year(fig, 2021)
    assert (result.actual_value, result.percent, result.status, result.complete) == (
        D(260),
        104,
        Status.ACHIEVED,
        True,
    )
    assert [a.period for a in result.actuals_used] == [H1, H2]


def test_a_year_figure_wins_over_its_halves():
    fig = figures(PER_YEAR, [target(FY, 2021, 250)], [actual(H1, 2021, 120), actual(FY, 2021, 256)])
    assert of_year(fig, 2021).actual_value == D(256)


def test_a_year_with_only_the_first_half_reported_is_incomplete():
    fig = figures(PER_YEAR, [target(FY, 2021, 250)], [actual(H1, 2021, 120)])
    year = of_year(fig, 2021)
    assert (year.actual_value, year.rate, year.status, year.complete) == (
        D(120),
        D(48),
        Status.NOT_ACHIEVED,
        False,
    )


@pytest.mark.parametrize(
    ("half", "actual_value", "rate", "status"),
    [
        (H1, D(120), D(96), Status.PARTLY),  # 120 of 250 ÷ 2
        (H2, None, None, Status.NOT_REPORTED),
    ],
)
def test_a_flow_half_is_measured_against_half_the_years_target(half, actual_value, rate, status):
    fig = figures(PER_YEAR, [target(FY, 2021, 250)], [actual(H1, 2021, 120)])
    result = of_year(fig, 2021, half=half)
    assert (result.actual_value, result.rate, result.status) == (actual_value, rate, status)
    assert (result.target_value, result.against_half_of_year_target) == (D(125), True)


def test_a_half_with_its_own_target_uses_it_whole():
    fig = figures(PER_YEAR, [target(FY, 2021, 250), target(H1, 2021, 100)], [actual(H1, 2021, 120)])
    result = of_year(fig, 2021, half=H1)
    assert (result.target_value, result.against_half_of_year_target, result.rate) == (D(100), False, D(120))


REVISED = figures(
    PER_YEAR,
    [target(FY, 2020, 250), target(FY, 2021, 300)],  # revised upwards from FY2021
    [actual(FY, 2020, 260), actual(FY, 2021, 270), actual(FY, 2022, 330)],
)


@pytest.mark.parametrize(
    ("year", "target_year", "target_value", "status"),
    [
        (2020, 2020, D(250), Status.ACHIEVED),
        (2021, 2021, D(300), Status.PARTLY),  # 270 of the revised 300
        (2022, 2021, D(300), Status.ACHIEVED),  # no own target: the latest earlier one is in force
    ],
)
def test_each_year_uses_the_target_in_force_that_year(year, target_year, target_value, status):
    result = of_year(REVISED, year)
    assert (result.targets_used[0].year, result.target_value, result.status) == (
        target_year,
        target_value,
        status,
    )


def test_a_year_before_any_per_year_target_has_no_target():
    assert of_year(REVISED, 2019).status is Status.NOT_APPLICABLE


@pytest.mark.parametrize("value", [0, 5])
def test_a_zero_target_for_a_higher_is_better_count_is_not_applicable(value):
    result = of_year(figures(PER_YEAR, [target(FY, 2021, 0)], [actual(FY, 2021, value)]), 2021)
    assert (result.status, result.rate, result.has_target) == (Status.NOT_APPLICABLE, None, False)


def test_an_indicator_without_a_numeric_target_is_not_applicable():
    fig = figures(NO_TARGET, [], [actual(CY, 2019, 14038)])
    assert of_year(fig, 2019).status is Status.NOT_APPLICABLE


def test_an_unknown_half_is_refused():
    with pytest.raises(ValueError):
        of_year(C04, 2020, half="h3")


# --- levels, baselines, shares ----------------------------------------------------------------


def test_a_level_year_is_its_last_half_never_the_sum():
    fig = figures(
        SHARE, [target(FY, 2021, 40)], [actual(H1, 2021, 35), actual(H2, 2021, 42)], aggregation=LEVEL
    )
    result = of_year(fig, 2021)
    assert (result.actual_value, result.rate, result.status) == (D(42), D(105), Status.ACHIEVED)
    assert [a.period for a in result.actuals_used] == [H2]


def test_a_level_year_with_only_the_first_half_takes_it():
    fig = figures(SHARE, [target(FY, 2021, 40)], [actual(H1, 2021, 35)], aggregation=LEVEL)
    assert (of_year(fig, 2021).actual_value, of_year(fig, 2021).complete) == (D(35), True)


def test_a_level_half_is_measured_against_the_whole_target():
    fig = figures(SHARE, [target(FY, 2021, 40)], [actual(H1, 2021, 36)], aggregation=LEVEL)
    result = of_year(fig, 2021, half=H1)
    assert (result.target_value, result.against_half_of_year_target, result.rate) == (D(40), False, D(90))


HOKKAIDO = figures(
    BASELINE,
    [target(FY, 2019, 130, baseline_value=D(113), baseline_year=2016)],
    [actual(FY, 2018, 121), actual(FY, 2019, 143)],
)


@pytest.mark.parametrize(
    ("year", "percent", "gap_closed"),
    [
        # 000 成果事例 北海道: 平成30年度 121件（達成率93％）, 令和元年度 143件（達成率110％） of 130, from 113
        (2018, 93, D(121 - 113) * 100 / D(130 - 113)),
        (2019, 110, D(143 - 113) * 100 / D(130 - 113)),
    ],
)
def test_a_baseline_target_gives_the_rate_and_the_share_of_the_gap_closed(year, percent, gap_closed):
    result = of_year(HOKKAIDO, year)
    assert (result.percent, result.gap_closed, result.baseline_value) == (percent, gap_closed, D(113))
    assert result.targets_used[0].year == 2019  # the goal year's target, also for FY2018


def test_calendar_year_figures_count_like_fiscal_years():
    # 001 §5-1 / 003 I-2(2)①2)ii): PCT 4,379件(2018年) → 5,000件(2022年); 2020年 5,072件
    pct = figures(
        BASELINE,
        [target(CY, 2022, 5000, baseline_value=D(4379), baseline_year=2018)],
        [actual(CY, 2020, 5072), actual(CY, 2022, 4700)],
    )
    assert (of_year(pct, 2020).percent, of_year(pct, 2020).status) == (101, Status.ACHIEVED)
    assert (of_year(pct, 2022).percent, of_year(pct, 2022).status) == (94, Status.PARTLY)


@pytest.mark.parametrize(
    ("months", "rate", "status"),
    [
        (D(8), D(125), Status.ACHIEVED),
        (D(10), D(100), Status.ACHIEVED),
        (D("12.5"), D(80), Status.PARTLY),
        (D(20), D(50), Status.NOT_ACHIEVED),
        (D(0), None, Status.ACHIEVED),  # nothing lower is possible; target ÷ 0 has no rate
    ],
)
def test_lower_is_better_inverts_the_rate(months, rate, status):
    pendency = figures(BASELINE, [target(FY, 2022, 10)], [actual(FY, 2022, months)], direction=LOWER)
    result = of_year(pendency, 2022)
    assert (result.rate, result.status) == (rate, status)


def test_lower_is_better_closes_the_gap_downwards():
    pendency = figures(
        BASELINE, [target(FY, 2022, 8, baseline_value=D(10))], [actual(FY, 2022, 9)], direction=LOWER
    )
    assert of_year(pendency, 2022).gap_closed == D(50)


def test_a_zero_target_for_lower_is_better_is_a_real_goal():
    incidents = figures(PER_YEAR, [target(FY, 2022, 0)], [actual(FY, 2022, 3)], direction=LOWER)
    assert (of_year(incidents, 2022).rate, of_year(incidents, 2022).status) == (D(0), Status.NOT_ACHIEVED)


# --- cumulative -------------------------------------------------------------------------------

HANDS_ON = figures(
    CUMULATIVE,
    [target(CUM, 2022, 750, start_year=2020)],  # 001 §5-1: 750社 (2020～2022年度累計)
    [actual(FY, 2020, 267), actual(FY, 2021, 256), actual(H1, 2022, 100)],  # 003 I-2(2)①1)i) + a made-up h1
)


@pytest.mark.parametrize(
    ("year", "half", "to_date", "expected", "on_track"),
    [
        (2020, None, D(267), D(250), True),
        (2021, None, D(523), D(500), True),  # after 2 of 3 years, 2/3 of 750
        (2022, H1, D(623), D(625), False),  # after 2.5 of 3 years
        (2020, H1, None, D(125), None),
    ],
)
def test_a_cumulative_target_sums_to_date_against_a_pro_rata_expectation(
    year, half, to_date, expected, on_track
):
    result = of_year(HANDS_ON, year, half=half)
    assert (result.actual_value, result.expected, result.on_track) == (to_date, expected, on_track)
    assert result.target_value == D(750)


def test_a_cumulative_rate_is_against_the_whole_plan_target():
    result = of_year(HANDS_ON, 2021)
    assert (result.percent, result.status) == (70, Status.NOT_ACHIEVED)  # 523 of 750


def test_a_cumulative_figure_is_taken_as_it_stands():
    # 003 I-2(2)①1)ii)a: 213件(85%) of 250 (2020～2022年度累計)
    fig = figures(CUMULATIVE, [target(CUM, 2022, 250, start_year=2020)], [actual(CUM, 2022, 213)])
    result = of_year(fig, 2022)
    assert (result.percent, result.status, result.expected, result.on_track) == (
        85,
        Status.PARTLY,
        D(250),
        False,
    )


def test_flows_after_the_latest_cumulative_figure_add_to_it():
    fig = figures(CUMULATIVE, [target(CUM, 2019, 20)], [actual(CUM, 2018, 19), actual(FY, 2019, 12)])
    assert of_year(fig, 2019).actual_value == D(31)


def test_without_a_start_year_the_plan_start_sets_the_pro_rata():
    # 000 成果事例 島根: 平成31年度までに20社以上; 平成30年度 19件（達成率95％）; 1st plan FY2016–2019
    fig = figures(CUMULATIVE, [target(CUM, 2019, 20)], [actual(CUM, 2018, 19)], plan_start_year=2016)
    result = of_year(fig, 2018)
    assert (result.percent, result.expected, result.on_track) == (95, D(15), True)
    no_start = figures(CUMULATIVE, [target(CUM, 2019, 20)], [actual(CUM, 2018, 19)])
    assert (of_year(no_start, 2018).expected, of_year(no_start, 2018).on_track) == (None, None)


# --- milestones -------------------------------------------------------------------------------

DUE = datetime.date(2021, 3, 31)  # 「2020年度までに研究会を立ち上げる」: the fiscal year's last day


def milestone(*actuals):
    return figures(MILESTONE, [target(FY, 2020, 1, due_date=DUE)], actuals)


@pytest.mark.parametrize(
    ("actuals", "year", "as_of", "status"),
    [
        ([actual(FY, 2020, 1, achieved_on=datetime.date(2020, 12, 1))], 2020, DUE, Status.ACHIEVED),
        ([actual(FY, 2020, 1)], 2020, DUE, Status.ACHIEVED),  # no date: reported in the due year
        ([], 2020, datetime.date(2020, 12, 1), Status.NOT_REPORTED),  # not yet due
        ([], 2020, DUE, Status.NOT_REPORTED),  # the due date itself has not passed
        ([], 2020, datetime.date(2021, 4, 1), Status.NOT_ACHIEVED),
        ([actual(FY, 2020, 0)], 2021, datetime.date(2021, 4, 1), Status.NOT_ACHIEVED),  # reported, not done
        # done after the due date was not done by it
        ([actual(FY, 2021, 1, achieved_on=datetime.date(2021, 5, 1))], 2021, AS_OF, Status.NOT_ACHIEVED),
        ([actual(FY, 2021, 1)], 2021, AS_OF, Status.NOT_ACHIEVED),
        # judging FY2019 (before the due year) looks at the goal ahead
        ([], 2019, datetime.date(2020, 3, 31), Status.NOT_REPORTED),
    ],
)
def test_a_milestone_is_done_by_its_due_date_or_not(actuals, year, as_of, status):
    result = of_year(milestone(*actuals), year, as_of=as_of)
    assert result.status is status
    assert result.rate is None


def test_a_milestone_without_a_due_date_is_never_overdue():
    fig = figures(MILESTONE, [target(FY, 2020, 1)], [])
    assert of_year(fig, 2020, as_of=datetime.date(2030, 1, 1)).status is Status.NOT_REPORTED


# --- the plan so far --------------------------------------------------------------------------


def test_per_year_flows_add_up_over_the_plan_so_far():
    # 003 I-2(2)①1)i): 267 + 256 of 250 + 250
    c01 = figures(
        PER_YEAR,
        [target(FY, y, 250) for y in (2020, 2021, 2022)],
        [actual(FY, 2020, 267), actual(FY, 2021, 256)],
    )
    result = to_date(c01, 2021)
    assert (result.actual_value, result.target_value, result.rate) == (D(523), D(500), D("104.6"))


def test_the_plan_so_far_counts_a_first_half_against_half_a_year():
    c01 = figures(
        PER_YEAR, [target(FY, y, 250) for y in (2020, 2021)], [actual(FY, 2020, 267), actual(H1, 2021, 100)]
    )
    result = to_date(c01, 2021, half=H1)
    assert (result.actual_value, result.target_value) == (D(367), D(375))


def test_an_unreported_year_is_left_out_of_the_plan_so_far():
    c01 = figures(PER_YEAR, [target(FY, y, 250) for y in (2020, 2021)], [actual(FY, 2021, 256)])
    assert (to_date(c01, 2021).target_value, to_date(c01, 2021).percent) == (D(250), 102)
    assert to_date(figures(PER_YEAR, [target(FY, 2020, 250)]), 2021).status is Status.NOT_REPORTED


def test_a_level_so_far_is_its_latest_value():
    fig = figures(
        SHARE, [target(FY, 2022, 40)], [actual(FY, 2020, 33), actual(H1, 2021, 36)], aggregation=LEVEL
    )
    result = to_date(fig, 2022)
    assert (result.actual_value, result.rate) == (D(36), D(90))


# --- invariants -------------------------------------------------------------------------------

RANK = {Status.NOT_ACHIEVED: 0, Status.PARTLY: 1, Status.ACHIEVED: 2}
counts = st.integers(min_value=0, max_value=100_000).map(Decimal)
values = st.decimals(min_value=0, max_value=1_000_000, places=2)


@st.composite
def thresholds(draw):
    partial = draw(st.integers(min_value=0, max_value=150))
    achieved = draw(st.integers(min_value=partial, max_value=200))
    return Thresholds(achieved=D(achieved), partial=D(partial))


@given(
    shape=st.sampled_from([PER_YEAR, BASELINE]),
    target_value=st.integers(min_value=1, max_value=10_000),
    smaller=counts,
    larger=counts,
    limits=thresholds(),
)
def test_a_larger_actual_never_gives_a_worse_status_when_higher_is_better(
    shape, target_value, smaller, larger, limits
):
    smaller, larger = sorted((smaller, larger))

    def status(value):
        fig = figures(shape, [target(FY, 2021, target_value)], [actual(FY, 2021, value)])
        return of_year(fig, 2021, thresholds=limits).status

    assert RANK[status(smaller)] <= RANK[status(larger)]


@given(
    target_value=st.integers(min_value=0, max_value=10_000),
    smaller=counts,
    larger=counts,
    limits=thresholds(),
)
def test_a_smaller_actual_never_gives_a_worse_status_when_lower_is_better(
    target_value, smaller, larger, limits
):
    smaller, larger = sorted((smaller, larger))

    def status(value):
        fig = figures(PER_YEAR, [target(FY, 2021, target_value)], [actual(FY, 2021, value)], direction=LOWER)
        return of_year(fig, 2021, thresholds=limits).status

    assert RANK[status(smaller)] >= RANK[status(larger)]


@given(first=values, second=values)
def test_a_flow_year_is_the_sum_of_its_halves(first, second):
    halves = [actual(H1, 2021, first), actual(H2, 2021, second)]
    assert year_reading(halves, 2021, FLOW).value == first + second
    fig = figures(PER_YEAR, [target(FY, 2021, 250)], halves)
    assert of_year(fig, 2021).actual_value == first + second


@given(first=values, second=st.none() | values)
def test_a_level_year_is_its_last_half(first, second):
    halves = [actual(H1, 2021, first)] + ([] if second is None else [actual(H2, 2021, second)])
    last = first if second is None else second
    assert year_reading(halves, 2021, LEVEL).value == last
    fig = figures(SHARE, [target(FY, 2021, 40)], halves, aggregation=LEVEL)
    assert of_year(fig, 2021).actual_value == last


@given(
    numerator=st.integers(min_value=0, max_value=10**6), denominator=st.integers(min_value=1, max_value=10**6)
)
def test_a_whole_percent_is_never_more_than_half_a_point_off(numerator, denominator):
    rate = D(numerator) * 100 / D(denominator)
    assert abs(whole_percent(rate) - rate) <= D("0.5")


# --- the module stands alone ------------------------------------------------------------------


def test_the_engine_imports_without_django():
    code = "import sys, kpis.achievement; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
