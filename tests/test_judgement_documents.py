"""The one rule for every view period, on the documents' data as the fixtures hold it, through
kpis/figures.py: the documents' printed results and totals come out exactly, periods the documents
do not judge show progress, and every page's question "which target applies" has one answer."""

import datetime
import re
from decimal import Decimal

import pytest

from kpis.figures import figures_of, judgement_of, target_figure, target_of, with_figures
from kpis.models import Actual, Indicator, Kpi, Period
from kpis.rules.inputs import CY, FY, H1
from kpis.rules.judgement import Kind, PaceKind, Progress, Status, View
from kpis.rules.rates import items_rate
from kpis.rules.tally import FinalCount, count
from kpis.rules.texts import pace_text
from plans.models import Measure, ReportedResult

# After each plan: 000 reports the 1st plan after FY2019; 003 was revised in March 2024.
AFTER = {1: datetime.date(2020, 6, 30), 2: datetime.date(2024, 3, 31)}
AUTUMN_2022 = datetime.date(2022, 11, 15)


def indicator(plan, kpi, code="1"):
    return with_figures(Indicator.objects.filter(kpi__plan__number=plan, kpi__code=kpi, code=code)).get()


def central(plan):
    return list(with_figures(Indicator.objects.filter(kpi__plan__number=plan, kpi__level=Kpi.Level.CENTRAL)))


def shown(result):
    return result.kind, result.label, result.rate_text


# --- central KPIs: the documents' counts from the final results -----------------------------------


def test_the_1st_plans_central_kpis_are_5_achieved_of_6(db):
    # 001 §1-2: 設定された6つのKPIのうち、5項目を達成; 000 §2: 新規に特許等の出願を行う中小企業数 1,629社 of 2,500社
    results = {
        i.kpi.code: judgement_of(i, View.fiscal_year(2019), as_of=AFTER[1])
        for i in central(1)
        if i.code == "1"
    }
    counted = count(results.values())
    assert (counted.final.items, counted.final.achieved, counted.progress.items) == (6, 5, 0)
    assert shown(results["C06"]) == (Kind.FINAL, "×", "65%")
    assert (results["C05"].year_period, results["C06"].year_period) == (CY, CY)  # 平成31年: calendar years
    reported = ReportedResult.objects.get_by_natural_key(1, "central_kpis", "national", 2019)
    assert (counted.final.achieved, counted.final.items) == (reported.items_achieved, reported.items_total)


def test_the_2nd_plans_central_kpis_in_fy2022_are_5_achieved_of_9(db):
    # 003 I-2(2)①: 〇 C01 277/250, C02 251/150, C05 6,035/5,500, C06 401/300, C07 15,022/9,000;
    # △ C03 213/250, C04 328/400, C08 4,700/5,000 (2022年); C09 has no figure (5年毎の調査)
    results = {i.kpi.code: judgement_of(i, View.fiscal_year(2022), as_of=AFTER[2]) for i in central(2)}
    counted = count(results.values()).final
    assert (counted.items, counted.achieved, counted.partly, counted.not_reported) == (9, 5, 3, 1)
    assert shown(results["C02"]) == (Kind.FINAL, "〇", "167.3%")  # 003 I-2(2)①2)i) (達成率 167.3%)
    assert shown(results["C08"]) == (Kind.FINAL, "△", "94%")


def test_in_the_middle_of_the_2nd_plan_only_the_years_targets_are_final(db):
    # FY2021 as of 2024: the yearly targets of 2021 are judged (003 I-2(2)①); the 2020～2022年度
    # totals and the 2022年 PCT goal are not, and do not enter the count
    results = {i.kpi.code: judgement_of(i, View.fiscal_year(2021), as_of=AFTER[2]) for i in central(2)}
    counted = count(results.values())
    assert (counted.final.items, counted.final.achieved) == (5, 4)  # C04 383/400 is △
    assert {code for code, r in results.items() if not r.is_final} == {"C02", "C03", "C08", "C09"}
    assert results["C08"].status is Progress.ON_PACE and results["C08"].mark == ""


# --- the cases on the fixtures ------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "trajectory"),
    [(2016, Decimal(83750)), (2017, Decimal(87500)), (2018, Decimal(91250))],
)
def test_counselling_fy2016_to_fy2018_are_progress_against_the_trajectory(db, year, trajectory):
    # 000 §2, §4-1: 全国の知財総合支援窓口における相談件数 平成27年度 8万件 → 平成31年度 9.5万件
    result = judgement_of(indicator(1, "C01"), View.fiscal_year(year), as_of=AFTER[1])
    assert (result.kind, result.status, result.mark) == (Kind.PROGRESS, Progress.ON_PACE, "")
    assert (result.pace.kind, result.pace.value) == (PaceKind.TRAJECTORY, trajectory)


def test_counselling_fy2019_is_113_percent_achieved(db):
    # 000 §2: ➡ 10.7万件（令和元年度実績）; §4-1 グラフ 107,067件 ÷ 95,000件
    assert shown(judgement_of(indicator(1, "C01"), View.fiscal_year(2019), as_of=AFTER[1])) == (
        Kind.FINAL,
        "〇",
        "113%",
    )


@pytest.mark.parametrize("year", [2020, 2021])
def test_pct_2020_and_2021_are_not_judged(db, year):
    # 003 I-2(2)①2)ii): 【目標】4,379件(2018年)→5,000件(2022年) 【実績】2020年 5,072件、2021年 5,115件
    result = judgement_of(indicator(2, "C08"), View.fiscal_year(year), as_of=AFTER[2])
    assert (result.kind, result.mark, result.year_period) == (Kind.PROGRESS, "", CY)


def test_pct_2022_is_judged_and_not_met(db):
    # 003 I-2(2)①2)ii): 2022年 4,700件 of 5,000件
    result = judgement_of(indicator(2, "C08"), View.calendar_year(2022), as_of=AFTER[2])
    assert (result.kind, result.status, result.rate_text, result.year) == (
        Kind.FINAL,
        Status.PARTLY,
        "94%",
        2022,
    )
    assert result.status is not Status.ACHIEVED


@pytest.fixture
def kanagawa_first_half(db):
    """002 別添2 神奈川(1): 実務・経営セミナーを年5回; an approved 上期 of 3 seminars in FY2022."""
    seminars = Indicator.objects.get(kpi__plan__number=2, kpi__code="14-1")
    Actual.objects.create(indicator=seminars, period=Period.H1, year=2022, value=3)
    return indicator(2, "14-1")


@pytest.mark.parametrize(
    "view", [View.fiscal_half(2022, H1), View.fiscal_year(2022), View.cut_off(AUTUMN_2022)]
)
def test_kanagawas_first_half_in_the_autumn_is_progress_not_a_cross(kanagawa_first_half, view):
    result = judgement_of(kanagawa_first_half, view, as_of=AUTUMN_2022)
    assert (result.kind, result.status, result.mark) == (Kind.PROGRESS, Progress.ON_PACE, "")
    assert (result.actual_value, result.target_value) == (Decimal(3), Decimal(5))
    assert pace_text(result, kanagawa_first_half.unit) == "年5回の半分（上期）のペース"


def test_kanagawas_year_without_its_second_half_is_not_reported_after_the_year(kanagawa_first_half):
    result = judgement_of(kanagawa_first_half, View.fiscal_year(2022), as_of=AFTER[2])
    assert (result.kind, result.label, result.note) == (Kind.FINAL, "未報告", "下期未報告（上期のみ）")
    assert count([result]).final.achieved == 0


# --- every printed rate, and the printed totals ---------------------------------------------------


def test_every_printed_rate_is_reproduced_final_or_along_the_way(db):
    # The fixtures copy each printed 達成率 into the actual's note (000 成果事例, 003 I-2(2)①). The
    # 1st plan's case studies print FY2018 rates against FY2019 goals: progress, with the same rate.
    checked = set()
    for actual in Actual.objects.filter(note__contains="達成率").select_related("indicator__kpi__plan"):
        printed = re.search(r"達成率\s*(\d+(?:\.\d+)?)[%％]", actual.note).group(1) + "%"
        found = indicator(actual.indicator.kpi.plan.number, actual.indicator.kpi.code, actual.indicator.code)
        result = judgement_of(found, View.fiscal_year(actual.year), as_of=AFTER[found.kpi.plan.number])
        assert result.rate_text == printed, actual.note
        checked.add(result.kind)
    assert checked == {Kind.FINAL, Kind.PROGRESS}


def test_the_printed_totals_come_out_of_a_final_count(db):
    # 000 §5: 全国計 約92％（136項目／148項目）; 003 I-2(2)②: 114件のうち90件（78.9%）
    for plan, year, text in ((1, 2019, "約92%"), (2, 2022, "78.9%")):
        reported = ReportedResult.objects.get_by_natural_key(plan, "regional_kpis", "national", year)
        final = FinalCount(items=reported.items_total, achieved=reported.items_achieved)
        assert text in (final.approximate_rate_text, final.rate_text) and text == reported.printed_rate
    # 000 §2 / 001 §1-2: 各支援段階別に設定された数値目標のうち、85％（17項目／20項目）: the measures' 〇
    marks = list(Measure.objects.filter(policy__plan__number=1).values_list("mark", flat=True))
    assert (marks.count(Measure.Mark.ACHIEVED), len(marks)) == (17, 20)
    assert items_rate(17, 20) == 85


# --- one answer to "which target applies" ---------------------------------------------------------


def test_the_target_a_page_shows_is_the_one_the_judgement_uses(db):
    indicators = with_figures(
        Indicator.objects.exclude(target_shape=Indicator.TargetShape.NONE)
    ).select_related("kpi__plan")
    compared = 0
    for found in indicators:
        for year in found.kpi.plan.fiscal_years:
            used = judgement_of(found, View.fiscal_year(year), as_of=AFTER[2]).target
            chosen = target_of(found, year)
            assert (None if chosen is None else target_figure(chosen)) == used, (found, year)
            compared += 1
    assert compared > 400


def test_a_yearly_target_is_the_one_that_applies_even_beside_a_plan_long_total(db):
    # 001 §5-1: ハンズオン支援社数 250社/年度 and 750社 (2020～2022年度累計): the year is judged on 250
    hands_on = indicator(2, "C01")
    assert (target_of(hands_on, 2021).period, target_of(hands_on, 2021).value) == (FY, Decimal(250))


def test_a_goal_written_as_a_total_to_date_is_judged_on_it(db):
    # 002 別添2 徳島: LED応用製品開発支援件数 290件（累計）by 2022年度, from 168件 (2017年度)
    led = indicator(2, "36-1")
    assert (target_of(led, 2020).period, target_of(led, 2020).value) == ("cum", Decimal(290))
    result = judgement_of(led, View.fiscal_year(2020), as_of=AFTER[2])
    assert (result.kind, result.target_value, result.pace.kind) == (
        Kind.PROGRESS,
        Decimal(290),
        PaceKind.TRAJECTORY,
    )


def test_judging_and_choosing_a_prefetched_indicator_runs_no_query(db, django_assert_num_queries):
    found = indicator(2, "C04")
    with django_assert_num_queries(0):
        judgement_of(found, View.fiscal_half(2022, H1), as_of=AUTUMN_2022)
        target_of(found, 2022, half=H1)
        figures_of(found)
