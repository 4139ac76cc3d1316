"""The 2nd plan's regional KPIs of 北海道 … 静岡 (002 別添2) as loaded from fixtures/plan2_regional_east.yaml.

Every expected figure below is written out from the document, not read from the fixture.
"""

import datetime
from decimal import Decimal

import pytest

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target

PREFECTURES = {
    # code: (KPIs = bullets of (1), titles of the ○ vision headings of (2))
    "01": (2, ["北海道科学技術振興計画"]),  # 北海道
    "02": (3, ["青森県基本計画「選ばれる青森への挑戦」"]),  # 青森
    "03": (3, ["岩手県知的財産活用促進プラン"]),  # 岩手
    "04": (3, ["宮城の将来ビジョン"]),  # 宮城
    "05": (3, ["秋田県知的財産活動推進指針"]),  # 秋田
    "06": (3, ["第3次山形県科学技術政策大綱"]),  # 山形
    "07": (3, ["福島県総合計画 ふくしま新生プラン"]),  # 福島
    "08": (2, ["茨城県総合計画「新しい茨城への挑戦」"]),  # 茨城
    "09": (2, ["とちぎ産業成長戦略 ～価値を創造し、躍進する“とちぎの産業”～"]),  # 栃木
    "10": (3, ["群馬県産業振興基本計画"]),  # 群馬
    "11": (2, ["埼玉県5か年計画 -希望・活躍・うるおいの埼玉-"]),  # 埼玉
    "12": (2, ["第4次「ちば中小企業元気戦略」"]),  # 千葉
    "13": (0, ["知的財産に係る中小企業への支援"]),  # 東京
    "14": (
        2,
        ["かながわグランドデザイン第3期実施計画", "「かながわ知的財産活用指針」（2018年3月改定）"],
    ),  # 神奈川
    "15": (2, ["新潟県総合計画"]),  # 新潟
    "19": (2, ["山梨県中小企業・小規模企業振興計画", "山梨県中小企業・小規模企業振興計画"]),  # 山梨
    "20": (2, ["長野県ものづくり産業振興戦略プラン"]),  # 長野
    "22": (1, ["静岡県経済産業ビジョン2018～2021"]),  # 静岡
}
# every prefecture of this part but 東京, which prints no KPI
WITH_KPIS = [code for code, (bullets, _titles) in PREFECTURES.items() if bullets]


def target(kpi_code, period, year, indicator_code="1"):
    return Target.objects.get(
        indicator__kpi__plan__number=2,
        indicator__kpi__code=kpi_code,
        indicator__code=indicator_code,
        period=period,
        year=year,
    )


def indicator_count(kpi_code):
    return Indicator.objects.filter(kpi__plan__number=2, kpi__code=kpi_code).count()


@pytest.mark.parametrize(("code", "expected"), PREFECTURES.items())
def test_each_prefecture_has_one_kpi_per_bullet_and_one_vision_per_heading(db, code, expected):
    # 002 別添2 <prefecture>(1): the bullets of the list; (2): the ○ vision headings
    bullets, titles = expected
    assert Kpi.objects.filter(plan__number=2, region__code=code).count() == bullets
    assert (
        list(
            IndustrialVision.objects.filter(plan__number=2, region__code=code)
            .order_by("number")
            .values_list("title", flat=True)
        )
        == titles
    )
    assert not Kpi.objects.filter(plan__number=2, region__code=code, vision__isnull=True).exists()


def test_the_plan_itself_is_not_taken_for_a_vision(db):
    # 002 別添2 青森(2) … 福島(2): "○第2次地域知財活性化行動計画【2020～2022年度】" is the plan, not a vision
    assert not IndustrialVision.objects.filter(title__contains="地域知財活性化行動計画").exists()


def test_hokkaido_consultations_go_from_714_in_2018_to_755_in_2022(db):
    # 002 別添2 北海道(1): 714件（2018年度） → 755件（2022年度）
    t = target("01-1", "fy", 2022)
    assert t.value == Decimal("755")
    assert t.baseline_value == Decimal("714")
    assert t.baseline_year == 2018
    assert t.indicator.unit == "件"
    assert t.indicator.target_shape == Indicator.TargetShape.BASELINE_TO_TARGET
    assert Target.objects.filter(indicator=t.indicator).count() == 1


def test_hokkaido_licences_go_from_712_in_2017_to_880_in_2022(db):
    # 002 別添2 北海道(1): 712件（2017年度） → 880件（2022年度）
    t = target("01-2", "fy", 2022)
    assert (t.baseline_value, t.baseline_year, t.value) == (Decimal("712"), 2017, Decimal("880"))


def test_hokkaido_kpis_keep_the_printed_period_label(db):
    # 002 別添2 北海道(1): 【2022年度時点】
    assert set(
        Kpi.objects.filter(plan__number=2, region__code="01").values_list("period_label", flat=True)
    ) == {"2022年度時点"}


def test_aomori_seminar_kpi_is_six_a_year_and_the_stage_2_example(db):
    # 002 別添2 青森(1): セミナーを年6回開催する【2020～2022年度】; 001 §5-2: 【例：青森県KPI】 under ステージ2
    kpi = Kpi.objects.get(plan__number=2, code="02-1")
    assert kpi.stage == 2
    assert [(t.year, t.value) for t in Target.objects.filter(indicator__kpi=kpi).order_by("year")] == [
        (2020, Decimal("6")),
        (2021, Decimal("6")),
        (2022, Decimal("6")),
    ]
    # the 伴走型支援 of the same bullet has no number, so it is no indicator
    assert indicator_count("02-1") == 1


def test_other_kpis_of_this_part_have_no_stage(db):
    # 001 §5-2 names only 青森 (stage 2) among 北海道 … 静岡
    codes = WITH_KPIS
    staged = Kpi.objects.filter(plan__number=2, region__code__in=codes, stage__isnull=False)
    assert list(staged.values_list("code", flat=True)) == ["02-1"]


def test_miyagi_visits_are_23_companies_a_year(db):
    # 002 別添2 宮城(1): 年23社に訪問
    assert target("04-3", "fy", 2021).value == Decimal("23")
    assert target("04-3", "fy", 2021).indicator.unit == "社"


def test_miyagi_seminars_about_three_a_year_carry_a_note(db):
    # 002 別添2 宮城(1): セミナー及び研修会等を年3回程度開催
    t = target("04-1", "fy", 2020)
    assert t.value == Decimal("3")
    assert "程度" in t.note
    assert not t.is_minimum
    # 宮城(1): ※2021年度以降ビジョン改定に伴い、変更可能性あり
    assert (
        "※2021年度以降ビジョン改定に伴い、変更可能性あり" in Kpi.objects.get(plan__number=2, code="04-1").note
    )


def test_ibaraki_second_bullet_holds_three_targets_for_2020_and_2021_only(db):
    # 002 別添2 茨城(1)【2020～2021年度】: 産学官連携の推進を年15件、技術移転支援を年40件、うち年10件に知財保護支援
    assert indicator_count("08-2") == 3
    assert [target("08-2", "fy", 2020, code).value for code in ("1", "2", "3")] == [
        Decimal("15"),
        Decimal("40"),
        Decimal("10"),
    ]
    assert sorted(
        Target.objects.filter(indicator__kpi__plan__number=2, indicator__kpi__code="08-2").values_list(
            "year", flat=True
        )
    ) == [2020, 2020, 2020, 2021, 2021, 2021]


def test_tochigi_visits_and_matchings_are_two_indicators_for_2020(db):
    # 002 別添2 栃木(1)【2020年度】: 企業訪問件数を年30件、マッチング件数年10件
    assert indicator_count("09-1") == 2
    assert target("09-1", "fy", 2020, "1").value == Decimal("30")
    assert target("09-1", "fy", 2020, "2").value == Decimal("10")
    assert not Target.objects.filter(indicator__kpi__code="09-1", year__gt=2020).exists()


def test_tochigi_training_is_at_least_twice_a_year(db):
    # 002 別添2 栃木(1): 研修会を年2回以上開催する
    t = target("09-2", "fy", 2020)
    assert t.value == Decimal("2")
    assert t.is_minimum


def test_gunma_share_of_applicants_is_at_least_30_percent(db):
    # 002 別添2 群馬(1)【2020年度】: 出願を完了または予定する企業の割合を3割以上
    t = target("10-1", "fy", 2020, "1")
    assert t.value == Decimal("30")
    assert t.is_minimum
    assert t.indicator.measure == "percent"
    assert t.indicator.unit == "%"
    assert t.indicator.target_shape == Indicator.TargetShape.SHARE
    # the same bullet: それぞれ年1回以上 (two briefings) and 知財活用支援を年2件以上
    assert indicator_count("10-1") == 4
    assert target("10-1", "fy", 2020, "4").value == Decimal("2")


def test_saitama_targets_are_cumulative_over_2020_to_2022(db):
    # 002 別添2 埼玉(1): 採択件数を40件(累計)、知財マッチング件数30件(累計)、補助金採択企業等10社(累計)
    assert [target("11-1", "cum", 2022, code).value for code in ("1", "2", "3")] == [
        Decimal("40"),
        Decimal("30"),
        Decimal("10"),
    ]
    assert target("11-1", "cum", 2022).start_year == 2020


def test_saitama_research_group_is_a_milestone_due_by_the_end_of_fy2020(db):
    # 002 別添2 埼玉(1): 2020年度までに埼玉ブランド食品開発研究会を立ち上げる; 50社(累計); 10件以上(累計)
    assert indicator_count("11-2") == 3
    milestone = target("11-2", "fy", 2020, "2")
    assert milestone.indicator.target_shape == Indicator.TargetShape.MILESTONE
    assert milestone.due_date == datetime.date(2021, 3, 31)
    assert target("11-2", "cum", 2022, "1").value == Decimal("50")
    assert target("11-2", "cum", 2022, "3").value == Decimal("10")
    assert target("11-2", "cum", 2022, "3").is_minimum


def test_chiba_overseas_applications_are_at_least_ten_a_year(db):
    # 002 別添2 千葉(1): 年10件以上の出願を目指す
    t = target("12-2", "fy", 2022, "2")
    assert t.value == Decimal("10")
    assert t.is_minimum


def test_tokyo_has_a_vision_but_no_kpi(db):
    # 002 別添2 東京(1): only 都道府県の産業振興ビジョン等に書かれた目標, no 活動指標
    assert not Kpi.objects.filter(plan__number=2, region__code="13").exists()
    vision = IndustrialVision.objects.get(plan__number=2, region__code="13", number=1)
    assert vision.text.endswith(
        "今後も、中小企業者等の知的財産に関する創造・保護・活用の実現に向けて総合的に支援していく。"
    )


def test_kanagawa_seminars_five_a_year_over_the_whole_plan_as_no_period_is_printed(db):
    # 002 別添2 神奈川(1): セミナーを年5回実施する (no period in the heading)
    kpi = Kpi.objects.get(plan__number=2, code="14-1")
    assert kpi.period_label == ""
    assert [t.value for t in Target.objects.filter(indicator__kpi=kpi).order_by("year")] == [Decimal("5")] * 3
    assert target("14-1", "fy", 2022).note


def test_yamanashi_branding_is_at_least_two_cumulative(db):
    # 002 別添2 山梨(1): 会合の開催を年6回、ブランディングを2件以上（累計）
    assert target("19-2", "fy", 2020, "1").value == Decimal("6")
    t = target("19-2", "cum", 2022, "2")
    assert (t.value, t.start_year, t.is_minimum) == (Decimal("2"), 2020, True)


def test_nagano_project_support_is_15_cumulative(db):
    # 002 別添2 長野(1): 有望な研究開発プロジェクトへの知財面からの支援を15件（累計）
    assert target("20-1", "cum", 2022).value == Decimal("15")
    assert indicator_count("20-1") == 2


def test_shizuoka_company_visits_are_490_a_year_in_2020_and_2021(db):
    # 002 別添2 静岡(1)【2020～2021年度】: 企業訪問を年490件、マッチング会を年3回、セミナーを年1回
    assert indicator_count("22-1") == 3
    assert target("22-1", "fy", 2021, "1").value == Decimal("490")
    assert target("22-1", "fy", 2020, "2").value == Decimal("3")
    assert target("22-1", "fy", 2020, "3").value == Decimal("1")
    assert not Target.objects.filter(indicator__kpi__code="22-1", year=2022).exists()


def test_the_kpi_text_of_a_bullet_equals_the_printed_text(db):
    # 002 別添2 新潟(1), 2nd bullet
    assert Kpi.objects.get(plan__number=2, code="15-2").text == (
        "（公財）にいがた産業創造機構と連携し、デザインやブランディングに関するセミナーを年2回、"
        "セミナー等の場を活用し、知財面におけるデザインやブランディング支援を年10件実施する。"
    )


def test_a_bullet_broken_by_the_pdf_is_rejoined(db):
    # 002 別添2 山形(1), 1st bullet: "特許・実用新" / "案・商標・意匠" split over two lines
    assert (
        "特許・実用新案・商標・意匠の知的財産権の出願につなげる。"
        in Kpi.objects.get(plan__number=2, code="06-1").text
    )


def test_this_part_prints_no_actuals(db):
    # 002 別添2 sets targets only
    codes = WITH_KPIS
    assert not Actual.objects.filter(
        indicator__kpi__plan__number=2, indicator__kpi__region__code__in=codes
    ).exists()
