"""fixtures/plan1.yaml against the 1st plan's results document (seeds/000) and 001 §1-2.

Every expected figure is written out here as printed, with the section it comes from.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from kpis.models import Actual, Indicator, Kpi, Target
from plans.models import Measure, ReportedResult


def series(kpi_code, indicator_code, period):
    return {
        a.year: a.value
        for a in Actual.objects.filter(
            indicator__kpi__plan__number=1,
            indicator__kpi__code=kpi_code,
            indicator__code=indicator_code,
            period=period,
        )
    }


def target(kpi_code, period, year, indicator_code="1"):
    return Target.objects.get_by_natural_key(1, kpi_code, indicator_code, period, year)


def rate(actual_value, target_value) -> int:
    """The documents' 達成率: a whole percent, rounded half up (not Python's banker's rounding)."""
    return int(
        (Decimal(actual_value) / Decimal(target_value) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    )


# --- central KPIs -------------------------------------------------------------------------------


def test_the_six_central_kpis_are_c01_to_c06_in_the_documents_order(db):
    # 000 §2: 相談件数, 専門人材による支援件数, 連携件数, 金融機関数, 中小企業の割合, 新規出願中小企業数
    kpis = Kpi.objects.filter(plan__number=1, level="central").order_by("order")
    assert [k.code for k in kpis] == ["C01", "C02", "C03", "C04", "C05", "C06"]
    assert [k.title for k in kpis] == [
        "全国の知財総合支援窓口における相談件数",
        "全国の知財総合支援窓口を通じて弁理士、弁護士等の専門人材による支援件数",
        "全国の知財総合支援窓口とよろず支援拠点との連携件数",
        "知財に着目した融資等を行う金融機関数",
        "特許出願件数における中小企業の割合",
        "新規に特許等の出願を行う中小企業数",
    ]
    assert all(k.kind == "core" and k.region_id is None for k in kpis)


def test_the_consultation_chart_reads_79164_to_107067_for_fy2015_to_fy2019(db):
    # 000 §4-1 グラフ「窓口における相談件数」: 2015 79,164; 2016 86,135; 2017 95,257; 2018 102,551; 2019 107,067
    assert series("C01", "1", "fy") == {
        2015: Decimal("79164"),
        2016: Decimal("86135"),
        2017: Decimal("95257"),
        2018: Decimal("102551"),
        2019: Decimal("107067"),
    }


def test_the_consultation_target_is_95000_from_80000_in_fy2015(db):
    # 000 §2, §4-1: 平成27年度 8万件 → 平成31年度 9.5万件（20%増加）
    t = target("C01", "fy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("95000"), Decimal("80000"), 2015)


def test_the_headline_107_thousand_is_the_charts_107067_rounded(db):
    # 000 §2: ➡ 10.7万件（令和元年度実績）; 000 §4-1 グラフ: 2019 107,067
    value = series("C01", "1", "fy")[2019]
    assert value == Decimal("107067")
    assert (value / 10000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) == Decimal("10.7")


def test_the_expert_support_chart_dips_from_17475_to_16898_in_fy2019(db):
    # 000 §4-1 グラフ「専門家活用件数」: 12,542, 14,314, 16,661, 17,475, 16,898; §2: 16,898件（令和元年度実績）
    assert series("C02", "1", "fy") == {
        2015: Decimal("12542"),
        2016: Decimal("14314"),
        2017: Decimal("16661"),
        2018: Decimal("17475"),
        2019: Decimal("16898"),
    }
    # 000 §2: 平成27年度 12,500件 → 平成31年度 15,000件
    t = target("C02", "fy", 2019)
    assert (t.value, t.baseline_value) == (Decimal("15000"), Decimal("12500"))


def test_the_cooperation_chart_reads_776_to_2615_against_a_1500_target(db):
    # 000 §4-1 グラフ「窓口とよろず支援拠点との連携件数」: 776, 1,642, 2,141, 2,342, 2,615
    assert list(series("C03", "1", "fy").values()) == [
        Decimal(v) for v in ("776", "1642", "2141", "2342", "2615")
    ]
    # 000 §2: 平成27年度 700件 → 平成31年度 1,500件
    t = target("C03", "fy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("1500"), Decimal("700"), 2015)


def test_the_financial_institutions_reach_73_against_a_cumulative_50(db):
    # 000 §4-2 グラフ「融資金融機関数」: 2016 30, 2017 39, 2018 55, 2019 73 (no 2015 bar)
    assert series("C04", "1", "fy") == {
        2016: Decimal("30"),
        2017: Decimal("39"),
        2018: Decimal("55"),
        2019: Decimal("73"),
    }
    # 000 §2: 平成27年度 6機関 → 平成31年度 累計50機関 (a stock: the latest value counts)
    t = target("C04", "fy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("50"), Decimal("6"), 2015)
    assert Indicator.objects.get_by_natural_key(1, "C04", "1").aggregation == "level"


def test_the_business_cases_series_is_an_extra_indicator_without_a_target(db):
    # 000 §4-2 グラフ「融資につながったビジネス案件数」: 42, 57, 98, 112 (2016–2019)
    assert series("C04", "2", "fy") == {
        2016: Decimal("42"),
        2017: Decimal("57"),
        2018: Decimal("98"),
        2019: Decimal("112"),
    }
    indicator = Indicator.objects.get_by_natural_key(1, "C04", "2")
    assert indicator.target_shape == "none"
    assert not indicator.targets.exists()


def test_the_sme_share_of_patents_is_a_calendar_year_percentage_from_13_9_to_16_1(db):
    # 000 §4-2 グラフ 特許: 13.9% 15.2% 15.3% 14.9% 16.1% (年); §2: 16.1％（令和元年実績）
    assert series("C05", "1", "cy") == {
        2015: Decimal("13.9"),
        2016: Decimal("15.2"),
        2017: Decimal("15.3"),
        2018: Decimal("14.9"),
        2019: Decimal("16.1"),
    }
    assert series("C05", "1", "fy") == {}
    # 000 §2: 平成27年 14％ → 平成31年 15％
    t = target("C05", "cy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("15"), Decimal("14"), 2015)
    assert t.measure == "percent"


def test_the_design_trademark_and_utility_model_shares_follow_the_legend_order(db):
    # 000 §4-2 グラフ (凡例: 特許 実用 意匠 商標): 実用 52.4 52.7 54.1 55.8 / 51.1;
    # 意匠 34.1 36.6 37.4 37.3 37.9; 商標 54.5 / 59.2 60.7 61.4 63.5
    assert list(series("C05", "2", "cy").values()) == [
        Decimal(v) for v in ("52.4", "52.7", "54.1", "55.8", "51.1")
    ]
    assert list(series("C05", "3", "cy").values()) == [
        Decimal(v) for v in ("34.1", "36.6", "37.4", "37.3", "37.9")
    ]
    assert list(series("C05", "4", "cy").values()) == [
        Decimal(v) for v in ("54.5", "59.2", "60.7", "61.4", "63.5")
    ]


def test_the_new_applicant_smes_stay_near_1600_against_a_2500_target(db):
    # 000 §4-2 グラフ 新規特許出願社数 (年): 1,622 1,825 1,752 1,683 1,629
    assert series("C06", "1", "cy") == {
        2015: Decimal("1622"),
        2016: Decimal("1825"),
        2017: Decimal("1752"),
        2018: Decimal("1683"),
        2019: Decimal("1629"),
    }
    # 000 §2: 平成27年 1,600社 → 平成31年 2,500社
    t = target("C06", "cy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("2500"), Decimal("1600"), 2015)
    # 000 §4-2 グラフ 新規特許出願数 (年): 11,466 12,688 14,295 13,702 14,038
    assert list(series("C06", "2", "cy").values()) == [
        Decimal(v) for v in ("11466", "12688", "14295", "13702", "14038")
    ]


def test_five_of_the_six_central_kpis_reach_their_target_as_reported(db):
    # 001 §1-2: 設定された6つのKPIのうち、5項目を達成
    achieved = 0
    for kpi in Kpi.objects.filter(plan__number=1, level="central"):
        t = Target.objects.get(indicator__kpi=kpi, indicator__code="1")
        a = Actual.objects.get(indicator__kpi=kpi, indicator__code="1", period=t.period, year=t.year)
        achieved += a.value >= t.value
    reported = ReportedResult.objects.get_by_natural_key(1, "central_kpis", "national", 2019)
    assert (achieved, 6) == (reported.items_achieved, reported.items_total) == (5, 6)


# --- basic policy 1 measures --------------------------------------------------------------------


def measures(**filters):
    return Measure.objects.filter(policy__plan__number=1, policy__number=1, **filters)


def test_basic_policy_1_has_6_cross_cutting_5_acquisition_5_utilization_and_4_protection_measures(db):
    # 000 §3-2 (横断的支援 6 rows, 取得 5 rows), §3-3 (活用 5 rows, 保護 4 rows)
    counts = {
        c: measures(category=c).count() for c in ("cross_cutting", "acquisition", "utilization", "protection")
    }
    assert counts == {"cross_cutting": 6, "acquisition": 5, "utilization": 5, "protection": 4}


def test_the_17_circle_marks_match_the_reported_17_of_20_numeric_targets(db):
    # 000 §2 / 001 §1-2: 85％（17項目／20項目）を達成; 000 §3-2, §3-3: 〇 ×17, △ ×2, × ×1
    marks = [m.mark for m in measures()]
    assert (marks.count("achieved"), marks.count("partly"), marks.count("not_achieved")) == (17, 2, 1)
    reported = ReportedResult.objects.get_by_natural_key(1, "measure_targets", "national", 2019)
    assert (reported.items_achieved, reported.items_total, reported.printed_rate) == (17, 20, "85%")
    assert (reported.items_achieved, reported.items_total) == (marks.count("achieved"), len(marks))


def test_foreign_filing_support_is_partly_achieved_with_855_of_900(db):
    # 000 §3-2 取得 2: 外国出願の支援を、900件に拡大する 平成29年度 … 令和元年度855件（884件） △
    m = Measure.objects.get_by_natural_key(1, 1, "acquisition", 2)
    assert m.mark == "partly"
    assert m.deadline_text == "平成29年度"
    assert m.deadline == datetime.date(2018, 3, 31)
    assert "令和元年度855件（884件）" in m.result_text


def test_ip_litigation_insurance_is_not_achieved_with_26_of_1200(db):
    # 000 §3-3 保護 2: 知財訴訟保険 … 1,200社以上の加入を目指す 令和元年度 … 令和元年度 26件 ×
    m = Measure.objects.get_by_natural_key(1, 1, "protection", 2)
    assert "知財訴訟保険" in m.plan_text
    assert m.mark == "not_achieved"
    assert m.deadline == datetime.date(2020, 3, 31)
    assert "令和元年度 26件" in m.result_text


def test_on_site_interviews_are_partly_achieved_by_a_deadline_after_the_plan(db):
    # 000 §3-2 取得 4: 出張面接審査を、1,000件に拡大する。 令和2年度 … 令和元年度　804件 △
    m = Measure.objects.get_by_natural_key(1, 1, "acquisition", 4)
    assert (m.mark, m.deadline_text, m.deadline) == ("partly", "令和2年度", datetime.date(2021, 3, 31))


def test_a_month_deadline_becomes_that_months_last_day_and_a_dash_becomes_empty(db):
    # 000 §3-2 横断 3: INPITの「近畿統括拠点（仮称）」を設置する 平成29年10月 平成29年7月開所 〇
    m = Measure.objects.get_by_natural_key(1, 1, "cross_cutting", 3)
    assert (m.deadline_text, m.deadline, m.result_text) == (
        "平成29年10月",
        datetime.date(2017, 10, 31),
        "平成29年7月開所",
    )
    # 000 §3-2 横断 1: 「特許室」を「知的財産室（仮称）」に改組する。 - 平成29年4月に改組 〇
    first = Measure.objects.get_by_natural_key(1, 1, "cross_cutting", 1)
    assert (first.deadline_text, first.deadline, first.mark) == ("", None, "achieved")


# --- results printed only as totals -------------------------------------------------------------


def test_the_block_results_add_up_to_136_of_148(db):
    # 000 §5: 北海道 4/4, 東北 19/20, 関東 33/38, 中部 14/14, 近畿 19/19, 中国 14/15, 四国 8/13, 九州 21/21, 沖縄 4/4
    expected = {
        "hokkaido": (4, 4),
        "tohoku": (19, 20),
        "kanto": (33, 38),
        "chubu": (14, 14),
        "kinki": (19, 19),
        "chugoku": (14, 15),
        "shikoku": (8, 13),
        "kyushu": (21, 21),
        "okinawa": (4, 4),
    }
    blocks = ReportedResult.objects.filter(plan__number=1, scope="regional_kpis", fiscal_year=2019).exclude(
        area="national"
    )
    assert {r.area: (r.items_achieved, r.items_total) for r in blocks} == expected
    # 000 §2, §5: 全国計 約92％（136項目／148項目）
    national = ReportedResult.objects.get_by_natural_key(1, "regional_kpis", "national", 2019)
    assert (national.items_achieved, national.items_total, national.printed_rate) == (136, 148, "約92%")
    assert sum(a for a, _ in expected.values()) == national.items_achieved
    assert sum(t for _, t in expected.values()) == national.items_total
    assert rate(136, 148) == 92


def test_the_covid_footnote_is_kept_on_kanto_and_shikoku(db):
    # 000 §5 ※: セミナー等開催を見送ったことにより、関東2項目、四国2項目については達成できなかった。
    for area in ("kanto", "shikoku"):
        assert (
            "新型コロナウイルス"
            in ReportedResult.objects.get_by_natural_key(1, "regional_kpis", area, 2019).note
        )
    assert ReportedResult.objects.get_by_natural_key(1, "regional_kpis", "tohoku", 2019).note == ""


# --- case studies' regional KPIs ----------------------------------------------------------------

# (KPI, indicator, period, year, actual as printed, target it is measured against, 達成率 as printed)
CASE_STUDY_FIGURES = [
    # 000 成果事例 北海道: 平成30年度：121件（達成率93％）
    ("01-1", "1", "fy", 2018, "121", ("fy", 2019), 93),
    # 000 成果事例 北海道: 令和元年度：143件（達成率110％）
    ("01-1", "1", "fy", 2019, "143", ("fy", 2019), 110),
    # 000 成果事例 山形: 平成30年度：89件（達成率297％）
    ("06-1", "1", "fy", 2018, "89", ("fy", 2018), 297),
    # 000 成果事例 山形: 令和元年度：57件（達成率190％）
    ("06-1", "1", "fy", 2019, "57", ("fy", 2019), 190),
    # 000 成果事例 長野: 平成30年度～令和元年度： 2件（達成率100％）
    ("20-1", "1", "cum", 2019, "2", ("cum", 2019), 100),
    # 000 成果事例 石川: 平成30年度： 3件（達成率 60％）
    ("17-1", "1", "fy", 2018, "3", ("fy", 2018), 60),
    # 000 成果事例 石川: 令和元年度： 9件（達成率180％）
    ("17-1", "1", "fy", 2019, "9", ("fy", 2019), 180),
    # 000 成果事例 和歌山 セミナー: 平成30年度： 2回（達成率100％）
    ("30-1", "1", "fy", 2018, "2", ("fy", 2018), 100),
    # 000 成果事例 和歌山 セミナー: 令和元年度： 2回（達成率100％）
    ("30-1", "1", "fy", 2019, "2", ("fy", 2019), 100),
    # 000 成果事例 和歌山 個別アドバイス: 2,608件（達成率186％）
    ("30-1", "2", "fy", 2018, "2608", ("fy", 2018), 186),
    # 000 成果事例 和歌山 個別アドバイス: 2,779件（達成率199％）
    ("30-1", "2", "fy", 2019, "2779", ("fy", 2019), 199),
    # 000 成果事例 島根: 平成30年度： 19件（達成率 95％）
    ("32-1", "1", "cum", 2018, "19", ("cum", 2019), 95),
    # 000 成果事例 島根: 令和元年度： 31件（達成率155％）
    ("32-1", "1", "cum", 2019, "31", ("cum", 2019), 155),
    # 000 成果事例 愛媛: 平成30年度：802件（達成率146％）
    ("38-1", "1", "fy", 2018, "802", ("fy", 2019), 146),
    # 000 成果事例 愛媛: 令和元年度：943件（達成率171％）
    ("38-1", "1", "fy", 2019, "943", ("fy", 2019), 171),
    # 000 成果事例 福岡: 平成30年度～令和元年度： 1,750件（達成率201％）
    ("40-1", "1", "cum", 2019, "1750", ("cum", 2019), 201),
    # 000 成果事例 沖縄: 平成30年度：16件（達成率 80％）
    ("47-1", "1", "cum", 2018, "16", ("cum", 2019), 80),
    # 000 成果事例 沖縄: 令和元年度：22件（達成率110％）
    ("47-1", "1", "cum", 2019, "22", ("cum", 2019), 110),
]


@pytest.mark.parametrize(
    ("kpi_code", "indicator_code", "period", "year", "printed_actual", "target_key", "printed_rate"),
    CASE_STUDY_FIGURES,
    ids=[f"{row[0]}/{row[1]} {row[2]} {row[3]}" for row in CASE_STUDY_FIGURES],
)
def test_each_case_study_actual_divided_by_its_target_rounds_to_the_printed_rate(
    db, kpi_code, indicator_code, period, year, printed_actual, target_key, printed_rate
):
    a = Actual.objects.get_by_natural_key(1, kpi_code, indicator_code, period, year)
    t = Target.objects.get_by_natural_key(1, kpi_code, indicator_code, *target_key)
    assert a.value == Decimal(printed_actual)
    assert rate(a.value, t.value) == printed_rate
    assert re.search(rf"達成率{printed_rate}[%％]", a.note)


def test_every_case_study_actual_is_one_of_the_printed_figures(db):
    # 000 成果事例: only FY2018 and FY2019 (or their sum) are printed; nothing else is invented.
    actuals = Actual.objects.filter(indicator__kpi__plan__number=1, indicator__kpi__level="regional")
    printed = {(k, i, p, y) for k, i, p, y, *_ in CASE_STUDY_FIGURES}
    assert {(a.indicator.kpi.code, a.indicator.code, a.period, a.year) for a in actuals} == printed
    assert {a.year for a in actuals} == {2018, 2019}


def test_wakayama_advice_rounds_198_5_up_to_the_printed_199(db):
    # 000 成果事例 和歌山: 令和元年度 2,779件（達成率199％） against 年1,400件以上; 2,779 ÷ 1,400 = 198.5%
    a = Actual.objects.get_by_natural_key(1, "30-1", "2", "fy", 2019)
    t = Target.objects.get_by_natural_key(1, "30-1", "2", "fy", 2019)
    assert (a.value, t.value, t.is_minimum) == (Decimal("2779"), Decimal("1400"), True)
    assert a.value / t.value * 100 == Decimal("198.5")
    assert rate(a.value, t.value) == 199
    assert round(a.value / t.value * 100) == 198  # Python's round would not reproduce the printed rate


def test_hokkaido_aims_at_130_from_113_at_the_end_of_fy2016(db):
    # 000 成果事例 北海道: 平成２８年度末実績（…計１１３件）に対して約２割増加させ、令和元年度には１３０件を目指す
    t = target("01-1", "fy", 2019)
    assert (t.value, t.baseline_value, t.baseline_year) == (Decimal("130"), Decimal("113"), 2016)
    assert not Target.objects.filter(indicator=t.indicator, year=2018).exists()


def test_ehime_aims_at_550_or_more_from_511_in_2016(db):
    # 000 成果事例 愛媛: 商標支援件数を平成31年度は、550件以上（平成28年は、愛媛県相談窓口対応511件）
    t = target("38-1", "fy", 2019)
    assert (t.value, t.is_minimum, t.baseline_value, t.baseline_year) == (
        Decimal("550"),
        True,
        Decimal("511"),
        2016,
    )


def test_nagano_and_fukuoka_count_fy2018_and_fy2019_together(db):
    # 000 成果事例 長野: 講師派遣を２回; 実績 平成30年度～令和元年度： 2件
    # 000 成果事例 福岡: 支援件数870件をめざす; 実績 平成30年度～令和元年度： 1,750件
    for code, target_value, actual_value in (("20-1", "2", "2"), ("40-1", "870", "1750")):
        t = target(code, "cum", 2019)
        a = Actual.objects.get_by_natural_key(1, code, "1", "cum", 2019)
        assert (t.start_year, t.value) == (2018, Decimal(target_value))
        assert (a.start_year, a.value) == (2018, Decimal(actual_value))


def test_the_nine_case_study_prefectures_each_have_one_kpi_and_fukui_has_none(db):
    # 000 成果事例: 北海道, 山形, 長野, 石川, 和歌山, 島根, 愛媛, 福岡, 沖縄; 福井 (その他成果事例) has no KPI figures
    regional = Kpi.objects.filter(plan__number=1, level="regional")
    assert sorted(k.code for k in regional) == [
        "01-1",
        "06-1",
        "17-1",
        "20-1",
        "30-1",
        "32-1",
        "38-1",
        "40-1",
        "47-1",
    ]
    assert all(k.kind == "activity" and k.code.startswith(k.region.code + "-") for k in regional)
    assert not regional.filter(region__code="18").exists()
    # 000 成果事例 和歌山: one 【KPI】 with セミナーを年２回以上 and 個別アドバイス支援を年1,400件以上
    assert Indicator.objects.filter(kpi__plan__number=1, kpi__code="30-1").count() == 2
