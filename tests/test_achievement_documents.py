"""The documents' printed achievement, reproduced from the fixture data through kpis/figures.py.

Each case cites where the figure is printed. The thresholds are the plan's own (100% / 80%).
"""

import datetime
import re
from decimal import Decimal

import pytest

from kpis.achievement import (
    Status,
    format_approximate_rate,
    format_items_rate,
    format_rate,
    items_rate,
    round_percent,
)
from kpis.figures import achievement_of, thresholds_of, with_figures
from kpis.models import Actual, Indicator
from plans.models import ReportedResult

# The documents' dates: 000 reports the 1st plan after FY2019; 003 was revised in March 2024.
AS_OF = {1: datetime.date(2020, 3, 31), 2: datetime.date(2024, 3, 31)}


def indicator(plan, kpi, code="1"):
    return with_figures(Indicator.objects.filter(kpi__plan__number=plan, kpi__code=kpi, code=code)).get()


def result(plan, kpi, year, code="1"):
    found = indicator(plan, kpi, code)
    return achievement_of(
        found, fiscal_year=year, as_of=AS_OF[plan], thresholds=thresholds_of(found.kpi.plan)
    )


@pytest.mark.parametrize(
    ("plan", "kpi", "code", "year", "printed"),
    [
        # 003 I-2(2)①1)i): ハンズオン支援社数 2020年度267社(107%)、2021年度256社(102%)、2022年度277社(111%) of 250社/年度
        (2, "C01", "1", 2020, 107),
        (2, "C01", "1", 2021, 102),
        (2, "C01", "1", 2022, 111),
        # 003 I-2(2)①1)ii)a: 地域金融機関と連携した支援件数 213件(85%) of 250件 (2020～2022年度累計)
        (2, "C03", "1", 2022, 85),
        # 003 I-2(2)①1)ii)b: 外国出願補助金 2020年度 515件(129%)、2021年度 383件(96%)、2022年度 328件(82%) of 400件/年度
        (2, "C04", "1", 2020, 129),
        (2, "C04", "1", 2021, 96),
        (2, "C04", "1", 2022, 82),
        # 003 I-2(2)①1)ii)c: 早期審査 2020年度 6,853件(125%) of 5,500件/年度
        (2, "C05", "1", 2020, 125),
        # 000 成果事例 北海道: 平成30年度 121件（達成率93％）, 令和元年度 143件（達成率110％） of 130件 (令和元年度)
        (1, "01-1", "1", 2018, 93),
        (1, "01-1", "1", 2019, 110),
        # 000 成果事例 山形: 平成30年度 89件（達成率297％）, 令和元年度 57件（達成率190％） of 30件
        (1, "06-1", "1", 2018, 297),
        (1, "06-1", "1", 2019, 190),
        # 000 成果事例 長野: 平成30年度～令和元年度 2件（達成率100％） of 講師派遣２回
        (1, "20-1", "1", 2019, 100),
        # 000 成果事例 石川: 平成30年度 3件（達成率 60％）, 令和元年度 9件（達成率180％） of 5社以上
        (1, "17-1", "1", 2018, 60),
        (1, "17-1", "1", 2019, 180),
        # 000 成果事例 和歌山: セミナー 平成30年度・令和元年度 2回（達成率100％） of 年２回以上
        (1, "30-1", "1", 2018, 100),
        (1, "30-1", "1", 2019, 100),
        # 000 成果事例 和歌山: 個別アドバイス 2,608件（達成率186％）, 2,779件（達成率199％） of 年1,400件以上
        (1, "30-1", "2", 2018, 186),
        (1, "30-1", "2", 2019, 199),
        # 000 成果事例 島根: 平成30年度 19件（達成率 95％）, 令和元年度 31件（達成率155％） of 平成31年度までに20社以上
        (1, "32-1", "1", 2018, 95),
        (1, "32-1", "1", 2019, 155),
        # 000 成果事例 愛媛: 平成30年度 802件（達成率146％）, 令和元年度 943件（達成率171％） of 平成31年度 550件以上
        (1, "38-1", "1", 2018, 146),
        (1, "38-1", "1", 2019, 171),
        # 000 成果事例 福岡: 平成30年度～令和元年度 1,750件（達成率201％） of 870件
        (1, "40-1", "1", 2019, 201),
        # 000 成果事例 沖縄: 平成30年度 16件（達成率 80％）, 令和元年度 22件（達成率110％） of 平成３１年度までに合計２０件
        (1, "47-1", "1", 2018, 80),
        (1, "47-1", "1", 2019, 110),
    ],
)
def test_the_printed_rate_is_reproduced_from_the_fixtures(db, plan, kpi, code, year, printed):
    achieved = result(plan, kpi, year, code)
    assert achieved.percent == printed
    assert format_rate(achieved.rate) == f"{printed}%"


@pytest.mark.parametrize(
    ("year", "status"),
    [
        # 003 I-2(2)①1)ii)b: 515件(129%) 〇, 383件(96%) △, 328件(82%) △ — 82% is above the 80% line
        (2020, Status.ACHIEVED),
        (2021, Status.PARTLY),
        (2022, Status.PARTLY),
    ],
)
def test_foreign_filing_grants_are_marked_by_the_plans_thresholds(db, year, status):
    assert result(2, "C04", year).status is status
    assert result(2, "C04", year).status.label == {2020: "〇", 2021: "△", 2022: "△"}[year]


def test_ishikawa_fy2018_at_60_percent_is_not_achieved(db):
    # 000 成果事例 石川: 平成30年度 3件（達成率 60％） of 5社以上
    achieved = result(1, "17-1", 2018)
    assert (achieved.status, achieved.status.label) == (Status.NOT_ACHIEVED, "×")


def test_hokkaido_fy2018_is_measured_against_the_fy2019_goal(db):
    # 000 成果事例 北海道: 121件（達成率93％）, a rate on the 令和元年度 goal of 130 (from 113)
    achieved = result(1, "01-1", 2018)
    assert (achieved.target_value, achieved.targets_used[0].year, achieved.baseline_value) == (
        Decimal(130),
        2019,
        Decimal(113),
    )


def test_financial_institution_support_is_short_of_its_pro_rata_expectation(db):
    # 003 I-2(2)①1)ii)a: 213件(85%) of 250件 (2020～2022年度累計): at the end of the plan all 250 were due
    achieved = result(2, "C03", 2022)
    assert (achieved.expected, achieved.on_track, achieved.status) == (Decimal(250), False, Status.PARTLY)


def test_every_rate_printed_in_an_actuals_note_is_reproduced(db):
    # The fixtures copy each printed 達成率 into the actual's note (000 成果事例, 003 I-2(2)①);
    # a rate printed with a decimal (003: 251社 (達成率 167.3%)) is compared at that precision.
    checked = 0
    for actual in Actual.objects.filter(note__contains="達成率").select_related("indicator"):
        match = re.search(r"達成率\s*(\d+(?:\.(\d+))?)[%％]", actual.note)
        plan = Indicator.objects.values_list("kpi__plan__number", flat=True).get(pk=actual.indicator_id)
        achieved = result(plan, actual.indicator.kpi.code, actual.year, actual.indicator.code)
        places = len(match.group(2) or "")
        assert round_percent(achieved.rate, places) == Decimal(match.group(1)), actual.note
        checked += 1
    assert checked >= 30


def test_each_indicator_prints_its_rate_with_the_places_its_source_prints(db):
    # Indicator.rate_places: 0 (whole percent) unless the source prints decimals. 003 I-2(2)①2)i)
    # prints 251社 (達成率 167.3%) of 150社; 003 I-2(2)①1)ii)e prints 15,022件 (167%) of 9,000件.
    checked = 0
    for actual in Actual.objects.filter(note__contains="達成率").select_related("indicator__kpi__plan"):
        printed = re.search(r"達成率\s*(\d+(?:\.\d+)?)[%％]", actual.note).group(1) + "%"
        found = actual.indicator
        achieved = result(found.kpi.plan.number, found.kpi.code, actual.year, found.code)
        assert achieved.rate_text == printed, actual.note
        checked += 1
    assert checked >= 30
    assert result(2, "C02", 2022).rate_text == "167.3%"
    assert result(2, "C07", 2022).rate_text == "167%"


def test_the_national_regional_result_of_the_1st_plan_is_about_92_percent(db):
    # 000 §2, §5: 全国計 約92％（136項目／148項目）を達成
    national = ReportedResult.objects.get_by_natural_key(1, "regional_kpis", "national", 2019)
    assert (national.items_achieved, national.items_total) == (136, 148)
    assert format_items_rate(national.items_achieved, national.items_total) == "91.9%"
    assert (
        format_approximate_rate(national.items_achieved, national.items_total)
        == national.printed_rate
        == "約92%"
    )


def test_the_blocks_add_up_to_the_national_result(db):
    # 000 §5: 北海道 4/4, 東北 19/20, 関東 33/38, 中部 14/14, 近畿 19/19, 中国 14/15, 四国 8/13, 九州 21/21, 沖縄 4/4
    blocks = ReportedResult.objects.filter(plan__number=1, scope="regional_kpis", fiscal_year=2019).exclude(
        area=ReportedResult.NATIONAL
    )
    achieved = sum(b.items_achieved for b in blocks)
    total = sum(b.items_total for b in blocks)
    assert (achieved, total) == (136, 148)
    assert round_percent(items_rate(achieved, total), 1) == Decimal("91.9")


def test_the_2nd_plans_regional_result_prints_78_9_percent(db):
    # 003 I-2(2)②: 114項目中90項目を達成（78.9%）
    fy2022 = ReportedResult.objects.get_by_natural_key(2, "regional_kpis", "national", 2022)
    assert format_items_rate(fy2022.items_achieved, fy2022.items_total) == fy2022.printed_rate == "78.9%"


def test_a_prefetched_indicator_is_judged_without_a_query(db, django_assert_num_queries):
    found = indicator(2, "C04")
    thresholds = thresholds_of(found.kpi.plan)
    with django_assert_num_queries(0):
        achievement_of(found, fiscal_year=2020, as_of=AS_OF[2], thresholds=thresholds)


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        (datetime.date(2021, 3, 31), Status.NOT_REPORTED),  # due that day: not yet overdue
        (datetime.date(2021, 4, 1), Status.NOT_ACHIEVED),  # past due with nothing reported as done
    ],
)
def test_the_saitama_milestone_is_judged_by_its_due_date(db, as_of, status):
    # 002 別添2 埼玉: 2020年度までに埼玉ブランド食品開発研究会を立ち上げる (due 2021-03-31); no actual in the data
    found = indicator(2, "11-2", "2")
    achieved = achievement_of(found, fiscal_year=2020, as_of=as_of, thresholds=thresholds_of(found.kpi.plan))
    assert achieved.status is status
