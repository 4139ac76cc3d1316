"""One rule for every view period (kpis/rules/judgement.py), on plain values, for goals: baseline →
target, shares, cumulative goals and milestones. A goal is judged (〇 △ ×) in its own year only; the
years before it are progress against a 経過目標 or the goal's share so far.
"""

import datetime
from decimal import Decimal

import pytest

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FY,
    H1,
    LEVEL,
    MILESTONE,
    PERCENT,
    SHARE,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import Judgement, Kind, PaceKind, Progress, Status, Thresholds, View, judgement
from kpis.rules.texts import pace_text

D = Decimal
DEFAULT = Thresholds()
# After the documents: 000 reports the 1st plan after FY2019, 003 was revised in March 2024.
AFTER_PLAN_1 = datetime.date(2020, 6, 30)
AFTER_PLAN_2 = datetime.date(2024, 3, 31)
AUTUMN_2022 = datetime.date(2022, 11, 15)  # after the 上期 reports of FY2022, before the year ends


def target(period, year, value, **kwargs):
    return TargetFigure(period=period, year=year, value=D(value), **kwargs)


def actual(period, year, value, **kwargs):
    return ActualFigure(period=period, year=year, value=D(value), **kwargs)


def figures(shape, targets=(), actuals=(), *, plan_start_year=None, **rules):
    return IndicatorFigures(
        rules=Rules(target_shape=shape, **rules),
        targets=tuple(targets),
        actuals=tuple(actuals),
        plan_start_year=plan_start_year,
    )


def judged(fig, view, as_of, thresholds=DEFAULT) -> Judgement:
    return judgement(fig, view, as_of=as_of, thresholds=thresholds)


def shown(result: Judgement):
    """What a cell shows: kind, word, printed rate."""
    return result.kind, result.label, result.rate_text


# --- the documents' judgements of goals whose period is complete ----------------------------------

C02_2 = figures(
    CUMULATIVE, [target(CUM, 2022, 150, start_year=2020)], [actual(CUM, 2022, 251)], rate_places=1
)
C03_2 = figures(CUMULATIVE, [target(CUM, 2022, 250, start_year=2020)], [actual(CUM, 2022, 213)])
# 003 I-2(2)①2)ii): 中小企業のPCT出願件数 4,379件(2018年)→5,000件(2022年); 2020年 5,072件、2021年 5,115件、2022年 4,700件
PCT = figures(
    BASELINE,
    [target(CY, 2022, 5000, baseline_value=D(4379), baseline_year=2018)],
    [actual(CY, 2020, 5072), actual(CY, 2021, 5115), actual(CY, 2022, 4700)],
)
COUNSELLING = figures(
    BASELINE,
    [target(FY, 2019, 95000, baseline_value=D(80000), baseline_year=2015)],
    [
        actual(FY, y, v)
        for y, v in ((2015, 79164), (2016, 86135), (2017, 95257), (2018, 102551), (2019, 107067))
    ],
)
HOKKAIDO = figures(
    BASELINE,
    [target(FY, 2019, 130, baseline_value=D(113), baseline_year=2016)],
    [actual(FY, 2018, 121), actual(FY, 2019, 143)],
)
SHIMANE = figures(
    CUMULATIVE, [target(CUM, 2019, 20)], [actual(CUM, 2018, 19), actual(CUM, 2019, 31)], plan_start_year=2016
)


@pytest.mark.parametrize(
    ("fig", "view", "as_of", "expected"),
    [
        # 003 I-2(2)①1)ii)a: 250件(2020～2022年度累計): 213件(85%)
        (C03_2, View.fiscal_year(2022), AFTER_PLAN_2, (Kind.FINAL, "△", "85%")),
        # 003 I-2(2)①2)i): 150社(2020～2022年度累計): 251社 (達成率 167.3%), printed with one decimal
        (C02_2, View.fiscal_year(2022), AFTER_PLAN_2, (Kind.FINAL, "〇", "167.3%")),
        # 003 I-2(2)①2)ii): 4,379件(2018年)→5,000件(2022年); 2022年 4,700件: judged, not met
        (PCT, View.fiscal_year(2022), AFTER_PLAN_2, (Kind.FINAL, "△", "94%")),
        (PCT, View.calendar_year(2022), AFTER_PLAN_2, (Kind.FINAL, "△", "94%")),
        # 000 §2, §4-1: 窓口相談件数 平成27年度 8万件 → 平成31年度 9.5万件; 令和元年度 107,067件
        (COUNSELLING, View.fiscal_year(2019), AFTER_PLAN_1, (Kind.FINAL, "〇", "113%")),
        # 000 成果事例 北海道: 令和元年度 143件（達成率110％） of 130件
        (HOKKAIDO, View.fiscal_year(2019), AFTER_PLAN_1, (Kind.FINAL, "〇", "110%")),
        # 000 成果事例 島根: 令和元年度 31件（達成率155％） of 平成31年度までに20社以上
        (SHIMANE, View.fiscal_year(2019), AFTER_PLAN_1, (Kind.FINAL, "〇", "155%")),
    ],
)
def test_a_goal_whose_period_is_complete_shows_the_documents_judgement(fig, view, as_of, expected):
    assert shown(judged(fig, view, as_of)) == expected


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_pct_outcome_is_not_judged_before_its_only_target_year(year):
    # 003 I-2(2)①2)ii): the only target is 5,000件 (2022年); 2020年 5,072件, 2021年 5,115件
    result = judged(PCT, View.fiscal_year(year), AFTER_PLAN_2)
    assert (result.kind, result.mark, result.status) == (Kind.PROGRESS, "", Progress.ON_PACE)
    assert (result.year, result.year_period) == (year, CY)  # a 年 figure, labelled so
    assert result.pace.kind is PaceKind.TRAJECTORY


# --- a baseline → target goal: the years between are progress against a 経過目標 ---------------


@pytest.mark.parametrize(
    ("year", "trajectory", "printed_rate", "status"),
    [
        # 000 §4-1 グラフ: 86,135 / 95,257 / 102,551 against the line 80,000 (2015) → 95,000 (2019)
        (2016, D(83750), "91%", Progress.ON_PACE),
        (2017, D(87500), "100%", Progress.ON_PACE),
        (2018, D(91250), "108%", Progress.ON_PACE),
    ],
)
def test_counselling_interim_years_are_progress_against_the_trajectory(
    year, trajectory, printed_rate, status
):
    result = judged(COUNSELLING, View.fiscal_year(year), AFTER_PLAN_1)
    assert (result.kind, result.status, result.mark) == (Kind.PROGRESS, status, "")
    assert (result.pace.kind, result.pace.value, result.pace.label) == (
        PaceKind.TRAJECTORY,
        trajectory,
        "経過目標",
    )
    # the documents' formula against the FY2019 goal, shown as how far along, never with a mark
    assert result.rate_text == printed_rate
    text = pace_text(result, "件")
    assert text.startswith(f"経過目標 {year}年度 {trajectory:,}件")
    assert "ポータルの目安" in text and "文書が定めた目標ではありません" in text


def test_the_baseline_year_itself_is_not_judged():
    result = judged(COUNSELLING, View.fiscal_year(2015), AFTER_PLAN_1)
    assert (result.kind, result.status, result.note) == (
        Kind.NONE,
        Status.NOT_APPLICABLE,
        "基準値の年（判定しません）",
    )


def test_hokkaido_fy2018_keeps_its_printed_rate_but_is_behind_the_trajectory():
    # 000 成果事例 北海道: 平成30年度 121件（達成率93％） of the 令和元年度 goal 130件 (from 113件, 平成28年度)
    result = judged(HOKKAIDO, View.fiscal_year(2018), AFTER_PLAN_1)
    assert (result.kind, result.rate_text, result.status) == (Kind.PROGRESS, "93%", Progress.BEHIND)
    assert result.pace.value == D(113) + D(17) * 2 / 3  # 124.33…: printed 約124件, never with a decimal
    assert pace_text(result, "件").startswith("経過目標 2018年度 約124件")


def test_a_share_goal_without_a_baseline_is_under_way_until_reached():
    # 003 別添1 (2): 知財の取組を実行に移した企業の割合を 60%以上 (target year 2025 in the data)
    share = figures(
        SHARE, [target(FY, 2025, 60)], [actual(FY, 2023, 45), actual(FY, 2024, 61)], aggregation=LEVEL
    )
    later = datetime.date(2026, 6, 1)
    assert judged(share, View.fiscal_year(2023), later).status is Progress.UNDER_WAY
    assert judged(share, View.fiscal_year(2024), later).status is Progress.ON_PACE
    assert judged(share, View.fiscal_year(2025), later).status is Status.NOT_REPORTED  # final, never reported


# --- cumulative goals: the plan-to-date share until the span ends -------------------------------

HANDS_ON = figures(
    CUMULATIVE,
    [target(CUM, 2022, 750, start_year=2020)],  # 001 §5-1: 750社 (2020～2022年度累計)
    [actual(FY, 2020, 267), actual(FY, 2021, 256), actual(H1, 2022, 100)],  # 003 I-2(2)①1)i) + a made-up 上期
)


@pytest.mark.parametrize(
    ("view", "to_date", "pace", "status", "text"),
    [
        (
            View.fiscal_year(2020),
            D(267),
            D(250),
            Progress.ON_PACE,
            "2020〜2022年度累計750社のうち2020年度までの按分250社",
        ),
        (
            View.fiscal_year(2021),
            D(523),
            D(500),
            Progress.ON_PACE,
            "2020〜2022年度累計750社のうち2021年度までの按分500社",
        ),
        (
            View.fiscal_half(2022, H1),
            D(623),
            D(625),
            Progress.BEHIND,
            "2020〜2022年度累計750社のうち2022年度上期までの按分625社",
        ),
        # in the autumn the year so far is its first half
        (
            View.fiscal_year(2022),
            D(623),
            D(625),
            Progress.BEHIND,
            "2020〜2022年度累計750社のうち2022年度上期までの按分625社",
        ),
    ],
)
def test_a_cumulative_goal_in_progress_is_measured_against_its_share_so_far(
    view, to_date, pace, status, text
):
    result = judged(HANDS_ON, view, AUTUMN_2022)
    assert (result.kind, result.actual_value, result.pace.value, result.status) == (
        Kind.PROGRESS,
        to_date,
        pace,
        status,
    )
    assert pace_text(result, "社") == text


def test_a_cumulative_share_that_is_not_whole_is_printed_as_a_fraction():
    # 003 I-2(2)①1)ii)a: 250件 over 2020～2022年度: a third is 83.3…件
    result = judged(
        figures(CUMULATIVE, C03_2.targets, [actual(FY, 2020, 90)]), View.fiscal_year(2020), AUTUMN_2022
    )
    assert pace_text(result, "件") == "2020〜2022年度累計250件の3分の1（2020年度までの按分）"


def test_a_cumulative_goal_is_not_repeated_as_a_failure_in_years_without_figures():
    # 003 I-2(2)①1)ii)a prints only the total for the span: 2020 and 2021 have no figure of their own
    for year in (2020, 2021):
        result = judged(C03_2, View.fiscal_year(year), AFTER_PLAN_2)
        assert (result.kind, result.status) == (Kind.PROGRESS, Progress.NOT_REPORTED)


def test_shimane_fy2018_is_on_pace_with_its_printed_rate():
    # 000 成果事例 島根: 平成30年度 19件（達成率 95％） of 平成31年度までに20社以上; the plan starts FY2016
    result = judged(SHIMANE, View.fiscal_year(2018), AFTER_PLAN_1)
    assert (result.kind, result.status, result.rate_text, result.pace.value) == (
        Kind.PROGRESS,
        Progress.ON_PACE,
        "95%",
        D(15),
    )


def test_a_cumulative_total_missing_its_last_year_is_not_reported():
    result = judged(
        figures(CUMULATIVE, HANDS_ON.targets, HANDS_ON.actuals), View.fiscal_year(2022), AFTER_PLAN_2
    )
    assert (result.kind, result.status, result.note) == (
        Kind.FINAL,
        Status.NOT_REPORTED,
        "最終年度の実績が未報告",
    )


def test_after_its_span_a_cumulative_goal_applies_to_no_year_but_the_plan_to_date_shows_its_result():
    assert judged(C03_2, View.fiscal_year(2023), AFTER_PLAN_2).kind is Kind.NONE
    assert shown(judged(C03_2, View.plan_to_date(2023), AFTER_PLAN_2)) == (Kind.FINAL, "△", "85%")


# --- milestones ----------------------------------------------------------------------------------

DUE = datetime.date(2021, 3, 31)  # 002 別添2 埼玉: 2020年度までに研究会を立ち上げる


def launch(*actuals):
    return figures(MILESTONE, [target(FY, 2020, 1, due_date=DUE)], actuals, aggregation=LEVEL)


@pytest.mark.parametrize(
    ("actuals", "year", "as_of", "kind", "status"),
    [
        (
            [actual(FY, 2020, 1, achieved_on=datetime.date(2020, 12, 1))],
            2020,
            DUE,
            Kind.FINAL,
            Status.ACHIEVED,
        ),
        ([], 2020, datetime.date(2020, 12, 1), Kind.PROGRESS, Progress.NOT_REPORTED),
        ([], 2020, DUE, Kind.PROGRESS, Progress.NOT_REPORTED),  # the due day itself has not passed
        ([], 2020, datetime.date(2021, 4, 1), Kind.FINAL, Status.NOT_ACHIEVED),
        ([actual(FY, 2020, 0)], 2020, datetime.date(2021, 1, 1), Kind.PROGRESS, Progress.UNDER_WAY),
        (
            [actual(FY, 2021, 1, achieved_on=datetime.date(2021, 5, 1))],
            2021,
            AFTER_PLAN_2,
            Kind.FINAL,
            Status.NOT_ACHIEVED,
        ),
        (
            [],
            2019,
            datetime.date(2021, 4, 1),
            Kind.PROGRESS,
            Progress.NOT_REPORTED,
        ),  # a year before it was due
    ],
)
def test_a_milestone_is_final_when_done_or_once_its_due_date_has_passed(actuals, year, as_of, kind, status):
    result = judged(launch(*actuals), View.fiscal_year(year), as_of)
    assert (result.kind, result.status) == (kind, status)


def test_a_milestone_done_late_is_the_same_cross_from_every_view_past_its_due_date():
    late = launch(actual(FY, 2021, 1, achieved_on=datetime.date(2021, 5, 1)))
    results = {judged(late, View.fiscal_year(year), AFTER_PLAN_2) for year in (2020, 2021, 2022)}
    assert len(results) == 1 and results.pop().status is Status.NOT_ACHIEVED


def test_a_milestone_in_progress_names_its_due_date():
    result = judged(launch(), View.fiscal_year(2020), datetime.date(2020, 12, 1))
    assert pace_text(result, "件") == "2021年3月31日（令和3年3月31日）までに達成"


def test_a_goal_to_date_is_the_goal_years_result_once_it_is_over():
    assert judged(COUNSELLING, View.plan_to_date(2019), AFTER_PLAN_1) == judged(
        COUNSELLING, View.fiscal_year(2019), AFTER_PLAN_1
    )
    before = judged(COUNSELLING, View.plan_to_date(2018), AFTER_PLAN_1)
    assert (before.kind, before.year, before.pace.kind) == (Kind.PROGRESS, 2018, PaceKind.TRAJECTORY)


def test_a_percent_pace_prints_its_decimals():
    share = figures(
        BASELINE,
        [
            target(CY, 2019, 15, baseline_value=D(14), baseline_year=2015)
        ],  # 000 §2: 平成27年 14％ → 平成31年 15％
        [actual(CY, 2017, D("15.3"))],
        aggregation=LEVEL,
        measure=PERCENT,
    )
    result = judged(share, View.fiscal_year(2017), AFTER_PLAN_1)
    assert (result.status, result.pace.value) == (Progress.ON_PACE, D("14.5"))
    assert pace_text(result, "%").startswith("経過目標 2017年 約14.5%")
