"""The 2nd plan's regional KPIs of 愛知 … 和歌山 (002 別添2) as loaded from fixtures/plan2_regional_central.yaml.

Every expected figure below is written out from the document, not read from the fixture.
"""

from decimal import Decimal

import pytest

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target

PREFECTURES = {
    # code: (KPIs = bullets of (1), vision name of (2))
    "23": (3, "あいち科学技術・知的財産アクションプラン2016-2020"),  # 愛知
    "21": (3, "岐阜県成長・雇用戦略2017"),  # 岐阜
    "24": (3, "みえ産業振興ビジョン"),  # 三重
    "16": (2, "新・富山県ものづくり産業未来戦略"),  # 富山
    "17": (2, "石川県産業成長戦略"),  # 石川
    "18": (2, "福井経済新戦略"),  # 福井
    "25": (2, "滋賀県産業振興ビジョン"),  # 滋賀
    "26": (2, "京都府総合計画"),  # 京都
    "27": (2, "大阪の成長戦略"),  # 大阪
    "28": (2, "ひょうご経済・雇用活性化プラン"),  # 兵庫
    "29": (2, "奈良新『都』づくり戦略2020"),  # 奈良
    "30": (2, "和歌山県長期総合計画"),  # 和歌山
}


def target(kpi_code, period, year, indicator_code="1"):
    return Target.objects.get(
        indicator__kpi__plan__number=2,
        indicator__kpi__code=kpi_code,
        indicator__code=indicator_code,
        period=period,
        year=year,
    )


@pytest.mark.parametrize(("code", "expected"), PREFECTURES.items())
def test_each_prefecture_has_one_kpi_per_bullet_and_one_vision(db, code, expected):
    # 002 別添2 <prefecture>(1): the bullets of the list; (2): one ○ vision heading each
    bullets, vision_title = expected
    assert Kpi.objects.filter(plan__number=2, region__code=code).count() == bullets
    assert list(
        IndustrialVision.objects.filter(plan__number=2, region__code=code).values_list("title", flat=True)
    ) == [vision_title]
    assert not Kpi.objects.filter(plan__number=2, region__code=code, vision__isnull=True).exists()


def test_every_bullet_of_this_part_has_exactly_one_numeric_indicator(db):
    # 002 別添2 愛知(1)…和歌山(1): each of the 27 bullets prints one figure (e.g. 大阪(1) 年10回以上)
    kpis = Kpi.objects.filter(plan__number=2, region__code__in=PREFECTURES)
    assert kpis.count() == 27
    for kpi in kpis:
        assert kpi.indicators.count() == 1, kpi.code


def test_aichi_first_kpi_is_30_companies_cumulative_from_2020_to_2022(db):
    # 002 別添2 愛知(1): 30者以上(累計), heading 【2020～2022年度】
    t = target("23-1", "cum", 2022)
    assert t.value == Decimal("30")
    assert t.start_year == 2020
    assert t.is_minimum is True
    assert t.indicator.unit == "者"
    assert t.indicator.target_shape == Indicator.TargetShape.CUMULATIVE
    assert t.indicator.aggregation == Indicator.Aggregation.FLOW
    assert not t.indicator.targets.filter(period="fy").exists()


def test_aichi_first_kpi_is_the_stage_3_example(db):
    # 001 §5-2 ステージ3 知財経営の実践・定着: 「…30者以上（累計）に対し…」【例：愛知県KPI】
    assert Kpi.objects.get_by_natural_key(2, "23-1").stage == 3
    # no other KPI of this part is named as an example in 001 §5-2
    assert (
        not Kpi.objects.filter(plan__number=2, region__code__in=PREFECTURES, stage__isnull=False)
        .exclude(code="23-1")
        .exists()
    )


def test_aichi_first_kpi_text_equals_the_printed_bullet(db):
    # 002 別添2 愛知(1), first bullet
    assert Kpi.objects.get_by_natural_key(2, "23-1").text == (
        "愛知県、中部経済産業局などは連携して、知財経営による企業力の強化を目指す中小企業等の30者以上(累計)に対し、"
        "自らの知的財産(技術、ブランド等)を磨き、事業戦略を踏まえた知財戦略(権利化・標準化・秘匿化等)を検討し、"
        "効果的にビジネスにおいて活用できるように支援を行う。"
    )


def test_mie_third_kpi_text_rejoins_the_line_broken_by_the_pdf(db):
    # 002 別添2 三重(1), third bullet: 「…取組の方向性と」/「位置づけていることを踏まえ…」 printed over two lines
    text = Kpi.objects.get_by_natural_key(2, "24-3").text
    assert "取組の方向性と位置づけていることを踏まえ、" in text
    assert "\n" not in text
    assert text.endswith("勉強会を3回以上(累計)開催する。")


def test_aichi_seminars_are_3_times_cumulative(db):
    # 002 別添2 愛知(1): 講演会…セミナーなどを3回以上(累計)開催
    t = target("23-3", "cum", 2022)
    assert (t.value, t.start_year, t.is_minimum, t.indicator.unit) == (Decimal("3"), 2020, True, "回")


def test_gifu_supports_15_companies_cumulative_twice(db):
    # 002 別添2 岐阜(1): 15者以上(累計) (bullets 1 and 2)
    assert target("21-1", "cum", 2022).value == Decimal("15")
    assert target("21-2", "cum", 2022).value == Decimal("15")


def test_mie_targets_are_9_and_6_companies_cumulative(db):
    # 002 別添2 三重(1): 9者以上(累計), 6者以上(累計)
    assert target("24-1", "cum", 2022).value == Decimal("9")
    assert target("24-2", "cum", 2022).value == Decimal("6")


def test_toyama_and_ishikawa_support_9_companies_cumulative(db):
    # 002 別添2 富山(1): 9者以上(累計); 石川(1): 企業9者以上(累計)
    assert target("16-1", "cum", 2022).value == Decimal("9")
    assert target("17-1", "cum", 2022).value == Decimal("9")


def test_fukui_event_is_once_a_year_in_each_fiscal_year_2020_to_2022(db):
    # 002 別添2 福井(1): イベントを年1回以上開催, heading 【2020～2022年度】
    indicator = Indicator.objects.get_by_natural_key(2, "18-1", "1")
    assert indicator.target_shape == Indicator.TargetShape.PER_YEAR
    assert list(indicator.targets.values_list("period", "year", "value", "is_minimum")) == [
        ("fy", 2020, Decimal("1"), True),
        ("fy", 2021, Decimal("1"), True),
        ("fy", 2022, Decimal("1"), True),
    ]


def test_osaka_seminars_are_10_a_year(db):
    # 002 別添2 大阪(1): セミナーを年10回以上開催
    for year in (2020, 2021, 2022):
        t = target("27-1", "fy", year)
        assert (t.value, t.is_minimum, t.indicator.unit) == (Decimal("10"), True, "回")


def test_hyogo_matching_events_are_3_cumulative_without_a_minimum(db):
    # 002 別添2 兵庫(1): マッチングイベントを3回(累計)実施 (no 以上)
    t = target("28-2", "cum", 2022)
    assert (t.value, t.start_year, t.is_minimum) == (Decimal("3"), 2020, False)


def test_wakayama_links_10_companies_or_bodies_a_year_to_the_experts(db):
    # 002 別添2 和歌山(1): 年10社・団体以上をINPIT-KANSAIの知財戦略エキスパートによる支援につなげる
    t = target("30-1", "fy", 2022)
    assert (t.value, t.is_minimum, t.indicator.unit) == (Decimal("10"), True, "社・団体")
    assert t.indicator.targets.count() == 3


def test_it_counts_14_cumulative_and_39_yearly_targets_in_this_part(db):
    # 002 別添2 愛知(1)…和歌山(1): 14 bullets print (累計), 13 print 年…, over 2020～2022年度
    targets = Target.objects.filter(
        indicator__kpi__plan__number=2, indicator__kpi__region__code__in=PREFECTURES
    )
    assert targets.filter(period="cum").count() == 14
    assert targets.filter(period="fy").count() == 39
    assert set(targets.filter(period="fy").values_list("year", flat=True)) == {2020, 2021, 2022}


def test_every_kpi_of_this_part_cites_its_prefecture_and_the_2020_2022_period(db):
    # 002 別添2 <prefecture>(1) headings all print 【2020～2022年度】
    aichi = Kpi.objects.get_by_natural_key(2, "23-2")
    assert aichi.source == "002 別添2 愛知(1)"
    assert set(
        Kpi.objects.filter(plan__number=2, region__code__in=PREFECTURES).values_list(
            "period_label", flat=True
        )
    ) == {"2020～2022年度"}


def test_kyoto_vision_period_is_the_basic_plan_period(db):
    # 002 別添2 京都(2): ○京都府総合計画 / 基本計画【2019年10月2日～2023年度】
    vision = IndustrialVision.objects.get_by_natural_key(2, "26", 1)
    assert vision.period_label == "2019年10月2日～2023年度"
    assert vision.source == "002 別添2 京都(2)"


def test_nara_vision_has_no_end_date(db):
    # 002 別添2 奈良(2): ○奈良新『都』づくり戦略2020【期限なし】
    assert IndustrialVision.objects.get_by_natural_key(2, "29", 1).period_label == "期限なし"


def test_it_records_no_actuals_for_this_part(db):
    # 002 別添2 prints targets only
    assert not Actual.objects.filter(
        indicator__kpi__plan__number=2, indicator__kpi__region__code__in=PREFECTURES
    ).exists()
