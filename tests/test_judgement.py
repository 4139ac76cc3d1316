"""One rule for every view period (kpis/rules/judgement.py), on plain values: no database. Targets
set per year, halves, calendar years, the plan to date and cut-off dates (goals, cumulative goals
and milestones: tests/test_judgement_goals.py).

A target is judged (〇 △ ×) only once the period it was set for is complete; before that a view
shows progress against a pace that says what it is. Figures come from the documents where they
print one (cited); the rest are small made-up cases for what the documents leave to the portal.
"""

import datetime
import subprocess
import sys
from decimal import Decimal

import pytest

from kpis.rules.inputs import (
    BASELINE,
    CUM,
    CUMULATIVE,
    CY,
    FY,
    H1,
    H2,
    LEVEL,
    LOWER,
    NO_TARGET,
    PER_YEAR,
    ActualFigure,
    IndicatorFigures,
    Rules,
    TargetFigure,
)
from kpis.rules.judgement import Judgement, Kind, PaceKind, Progress, Status, Thresholds, View, judgement
from kpis.rules.status import label_of
from kpis.rules.tally import FinalCount, count
from kpis.rules.texts import pace_text, target_basis

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


# --- the documents' judgements, reproduced once their years are complete ------------------------

C01_2 = figures(PER_YEAR, [target(FY, y, 250) for y in (2020, 2021, 2022)], [
    actual(FY, 2020, 267), actual(FY, 2021, 256), actual(FY, 2022, 277)
])  # fmt: skip
C04_2 = figures(PER_YEAR, [target(FY, y, 400) for y in (2020, 2021, 2022)], [
    actual(FY, 2020, 515), actual(FY, 2021, 383), actual(FY, 2022, 328)
])  # fmt: skip
# 003 I-2(2)①2)ii): 中小企業のPCT出願件数 4,379件(2018年)→5,000件(2022年); 2020年 5,072件、2021年 5,115件、2022年 4,700件
PCT = figures(
    BASELINE,
    [target(CY, 2022, 5000, baseline_value=D(4379), baseline_year=2018)],
    [actual(CY, 2020, 5072), actual(CY, 2021, 5115), actual(CY, 2022, 4700)],
)


@pytest.mark.parametrize(
    ("fig", "view", "as_of", "expected"),
    [
        # 003 I-2(2)①1)i): ハンズオン支援社数 250社/年度: 2020年度267社(107%)、2021年度256社(102%)、2022年度277社(111%)
        (C01_2, View.fiscal_year(2020), AFTER_PLAN_2, (Kind.FINAL, "〇", "107%")),
        (C01_2, View.fiscal_year(2021), AFTER_PLAN_2, (Kind.FINAL, "〇", "102%")),
        (C01_2, View.fiscal_year(2022), AFTER_PLAN_2, (Kind.FINAL, "〇", "111%")),
        # 003 I-2(2)①1)ii)b: 400件/年度: 515件(129%)、383件(96%)、328件(82%)
        (C04_2, View.fiscal_year(2020), AFTER_PLAN_2, (Kind.FINAL, "〇", "129%")),
        (C04_2, View.fiscal_year(2021), AFTER_PLAN_2, (Kind.FINAL, "△", "96%")),
        (C04_2, View.fiscal_year(2022), AFTER_PLAN_2, (Kind.FINAL, "△", "82%")),
    ],
)
def test_a_complete_period_shows_the_documents_judgement(fig, view, as_of, expected):
    assert shown(judged(fig, view, as_of)) == expected


def test_a_calendar_year_figure_says_it_is_one_and_has_no_halves():
    assert judged(PCT, View.fiscal_year(2022), AFTER_PLAN_2).year_period == CY
    assert judged(C04_2, View.fiscal_year(2022), AFTER_PLAN_2).year_period == FY
    for half in (H1, H2):
        result = judged(PCT, View.fiscal_half(2022, half), AFTER_PLAN_2)
        assert (result.kind, result.note) == (Kind.NONE, "暦年（年）の指標のため、半期では判定しません")
    fiscal = judged(C04_2, View.calendar_year(2022), AFTER_PLAN_2)
    assert (fiscal.kind, fiscal.note) == (Kind.NONE, "年度の指標のため、暦年（年）では判定しません")


def test_a_calendar_year_is_complete_at_its_own_end_not_the_fiscal_years():
    # 2022年 ends on 31 December 2022; 2022年度 only on 31 March 2023
    january = datetime.date(2023, 1, 15)
    assert judged(PCT, View.fiscal_year(2022), january).kind is Kind.FINAL
    assert judged(C04_2, View.fiscal_year(2022), january).kind is Kind.PROGRESS


# --- per year: 上期 against half a yearly flow, never as a fraction -------------------------------

KANAGAWA = figures(PER_YEAR, [target(FY, y, 5) for y in (2020, 2021, 2022)], [actual(H1, 2022, 3)])
FOUR_A_YEAR = figures(PER_YEAR, [target(FY, 2022, 4)], [actual(H1, 2022, 3)])


@pytest.mark.parametrize(
    ("fig", "view", "pace"),
    [
        # 002 別添2 神奈川(1): セミナーを年5回 — 上期 3回
        (KANAGAWA, View.fiscal_half(2022, H1), "年5回の半分（上期）のペース"),
        (KANAGAWA, View.fiscal_year(2022), "年5回の半分（上期）のペース"),
        # the same 上期 of 3 against a yearly 4 (「3 / 4 → 75% ×」 on the pages before this rule)
        (FOUR_A_YEAR, View.fiscal_half(2022, H1), "年4回のうち上期2回のペース"),
        (FOUR_A_YEAR, View.fiscal_year(2022), "年4回のうち上期2回のペース"),
    ],
)
def test_a_first_half_in_the_autumn_is_progress_not_a_cross(fig, view, pace):
    result = judged(fig, view, AUTUMN_2022)
    assert (result.kind, result.status, result.mark, result.rate) == (
        Kind.PROGRESS,
        Progress.ON_PACE,
        "",
        None,
    )
    assert (result.actual_value, result.half, result.target_value) == (D(3), H1, fig.targets[-1].value)
    assert pace_text(result, "回") == pace


def test_a_first_half_behind_half_the_yearly_target_is_behind_not_failed():
    behind = figures(PER_YEAR, [target(FY, 2022, 5)], [actual(H1, 2022, 2)])
    result = judged(behind, View.fiscal_half(2022, H1), AUTUMN_2022)
    assert (result.kind, result.status, result.label) == (Kind.PROGRESS, Progress.BEHIND, "遅れ")


def test_a_first_half_view_stays_progress_after_the_year_ends():
    result = judged(FOUR_A_YEAR, View.fiscal_half(2022, H1), AFTER_PLAN_2)
    assert (result.kind, result.status) == (Kind.PROGRESS, Progress.ON_PACE)


def test_a_year_over_with_only_its_first_half_reported_is_not_reported_not_a_cross():
    result = judged(FOUR_A_YEAR, View.fiscal_year(2022), AFTER_PLAN_2)
    assert (result.kind, result.status, result.mark) == (Kind.FINAL, Status.NOT_REPORTED, "")
    assert (result.actual_value, result.complete, result.note) == (D(3), False, "下期未報告（上期のみ）")


def test_the_second_half_view_is_the_year_through_its_second_half():
    both = figures(PER_YEAR, [target(FY, 2022, 4)], [actual(H1, 2022, 3), actual(H2, 2022, 2)])
    year = judged(both, View.fiscal_year(2022), AFTER_PLAN_2)
    assert judged(both, View.fiscal_half(2022, H2), AFTER_PLAN_2) == year
    assert shown(year) == (Kind.FINAL, "〇", "125%")


def test_a_level_first_half_is_measured_against_the_whole_target():
    level = figures(PER_YEAR, [target(FY, 2024, 5)], [actual(H1, 2024, 5)], aggregation=LEVEL)
    result = judged(level, View.fiscal_half(2024, H1), datetime.date(2024, 11, 1))
    assert (result.kind, result.status, result.pace.kind) == (Kind.PROGRESS, Progress.ON_PACE, PaceKind.GOAL)
    assert pace_text(result, "者") == "目標値5者（2024年度）"


def test_a_half_with_its_own_target_is_judged_once_the_half_is_over():
    own = figures(PER_YEAR, [target(FY, 2021, 250), target(H1, 2021, 100)], [actual(H1, 2021, 120)])
    assert judged(own, View.fiscal_half(2021, H1), datetime.date(2021, 9, 30)).kind is Kind.PROGRESS
    assert shown(judged(own, View.fiscal_half(2021, H1), datetime.date(2021, 10, 1))) == (
        Kind.FINAL,
        "〇",
        "120%",
    )


def test_a_year_without_any_figure_yet_is_not_reported_progress():
    result = judged(C04_2, View.fiscal_year(2023), AUTUMN_2022)
    assert (result.kind, result.status) == (Kind.PROGRESS, Progress.NOT_REPORTED)


def test_a_zero_target_sets_no_goal_in_any_view():
    zero = figures(PER_YEAR, [target(FY, 2022, 0)], [actual(FY, 2022, 3)])
    for as_of in (AUTUMN_2022, AFTER_PLAN_2):
        assert judged(zero, View.fiscal_year(2022), as_of).kind is Kind.NONE


def test_lower_is_better_keeps_pace_below_half_the_year():
    pendency = figures(PER_YEAR, [target(FY, 2022, 10)], [actual(H1, 2022, 4)], direction=LOWER)
    assert judged(pendency, View.fiscal_half(2022, H1), AUTUMN_2022).status is Progress.ON_PACE


# --- the plan to date, a cut-off date ------------------------------------------------------------


def test_yearly_flows_to_date_are_progress_against_the_years_targets_added_up():
    result = judged(C01_2, View.plan_to_date(2021), AFTER_PLAN_2)
    assert (result.kind, result.status, result.actual_value, result.pace.value) == (
        Kind.PROGRESS,
        Progress.ON_PACE,
        D(523),
        D(500),
    )
    assert pace_text(result, "社") == "各年度目標の合計500社（2020〜2021年度）"


def test_a_cut_off_date_judges_its_year_as_it_stood_that_day():
    view = View.cut_off(AUTUMN_2022)
    assert (view.year, view.day) == (2022, AUTUMN_2022)
    result = judged(FOUR_A_YEAR, view, AFTER_PLAN_2)  # today is later; the meeting looked in the autumn
    assert (result.kind, result.status) == (Kind.PROGRESS, Progress.ON_PACE)
    assert judged(PCT, View.cut_off(datetime.date(2023, 1, 10)), AFTER_PLAN_2).year == 2023


# --- nothing to judge ----------------------------------------------------------------------------


def test_an_indicator_without_a_numeric_target_is_not_judged_in_any_view():
    loans = figures(NO_TARGET, [], [actual(FY, 2019, 112)], aggregation=LEVEL)
    for view in (View.fiscal_year(2019), View.fiscal_half(2019, H1), View.plan_to_date(2019)):
        result = judged(loans, view, AFTER_PLAN_1)
        assert (result.kind, result.label, result.note) == (Kind.NONE, "対象外", "数値目標なし")


def test_a_year_before_any_yearly_target_has_none():
    assert judged(C04_2, View.fiscal_year(2019), AFTER_PLAN_2).note == "この年度（年）に適用される目標なし"


@pytest.mark.parametrize(
    ("fig", "basis"),
    [
        (C04_2, "2022年度の目標"),
        (PCT, "2022年の目標"),
        (figures(CUMULATIVE, [target(CUM, 2022, 250, start_year=2020)]), "2020〜2022年度累計"),
        (figures(PER_YEAR, [target(H1, 2022, 2)]), "2022年度上期の目標"),
    ],
)
def test_a_target_says_what_it_is(fig, basis):
    assert target_basis(fig.targets[-1]) == basis


def test_the_rule_imports_without_django():
    code = "import sys, kpis.rules.judgement, kpis.rules.tally, kpis.rules.texts; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_views_refuse_what_they_cannot_mean():
    with pytest.raises(ValueError):
        View.fiscal_half(2022, "h3")
    with pytest.raises(ValueError):
        View.plan_to_date(2022, H2)


def test_a_stored_status_prints_its_word_whichever_kind_it_is():
    assert [
        label_of(v) for v in ("achieved", "partly", "not_achieved", "on_pace", "behind", "under_way")
    ] == [
        "〇",
        "△",
        "×",
        "順調",
        "遅れ",
        "進行中",
    ]
    assert label_of("not_reported") == "未報告" and Progress.NOT_REPORTED == Status.NOT_REPORTED
    with pytest.raises(ValueError):
        label_of("maru")


def test_a_tally_counts_final_results_the_documents_way_and_progress_apart():
    year, autumn = View.fiscal_year(2022), judged(FOUR_A_YEAR, View.fiscal_year(2022), AUTUMN_2022)
    results = [judged(C04_2, year, AFTER_PLAN_2), judged(C01_2, year, AFTER_PLAN_2), autumn]
    results.append(judged(figures(NO_TARGET), year, AFTER_PLAN_2))
    counted = count(results)
    assert (counted.final.items, counted.final.achieved, counted.final.partly) == (2, 1, 1)
    assert (counted.progress.items, counted.progress.on_pace) == (1, 1)
    # 000 §5: 全国計 約92％（136項目／148項目）; 003 I-2(2)②: 114件のうち90件（78.9%）
    assert FinalCount(items=148, achieved=136).approximate_rate_text == "約92%"
    assert FinalCount(items=114, achieved=90).rate_text == "78.9%"
    assert FinalCount().rate is None  # nothing final yet is not 0%
