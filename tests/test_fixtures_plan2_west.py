"""fixtures/plan2_regional_west.yaml against 002 別添2 (鳥取–沖縄): figures as printed in the document."""

from decimal import Decimal

import pytest

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target

pytestmark = pytest.mark.django_db

WEST = [str(code) for code in range(31, 48)]


def kpi(code):
    return Kpi.objects.get(plan__number=2, code=code)


def targets(kpi_code, indicator_code="1"):
    return list(
        Target.objects.filter(
            indicator__kpi__plan__number=2, indicator__kpi__code=kpi_code, indicator__code=indicator_code
        ).order_by("year", "period")
    )


def test_every_western_prefecture_has_its_regional_kpis(db):
    # 002 別添2 鳥取–沖縄(1): 鳥取 1 (公表予定), 島根 2, 岡山 2, 広島 3, 山口 3, 徳島 3, 香川 3, 愛媛 3,
    # 高知 2, 福岡 3, 佐賀 2, 長崎 3, 熊本 3, 大分 3, 宮崎 3, 鹿児島 3, 沖縄 3 bullets
    expected = {
        "31": 1,
        "32": 2,
        "33": 2,
        "34": 3,
        "35": 3,
        "36": 3,
        "37": 3,
        "38": 3,
        "39": 2,
        "40": 3,
        "41": 2,
        "42": 3,
        "43": 3,
        "44": 3,
        "45": 3,
        "46": 3,
        "47": 3,
    }
    for code, count in expected.items():
        kpis = Kpi.objects.filter(plan__number=2, region__code=code)
        assert kpis.count() == count, code
        assert list(kpis.values_list("code", flat=True).order_by("order")) == [
            f"{code}-{n}" for n in range(1, count + 1)
        ]
    assert set(Kpi.objects.filter(plan__number=2, region__code__in=WEST).values_list("kind", flat=True)) == {
        "activity"
    }


def test_tottori_kpi_is_pending_and_has_no_indicator(db):
    # 002 別添2 鳥取: 本年秋頃を目処に改訂中の「鳥取県経済成長創造戦略」に合わせて活動指標 (K P I) も公表する予定。
    sentence = "本年秋頃を目処に改訂中の「鳥取県経済成長創造戦略」に合わせて活動指標 (K P I) も公表する予定。"
    tottori = kpi("31-1")
    assert tottori.title == "活動指標（公表予定）"
    assert tottori.text == sentence
    assert tottori.period_label == ""
    assert tottori.indicators.count() == 0
    assert tottori.note
    vision = IndustrialVision.objects.get_by_natural_key(2, "31", 1)
    assert (vision.title, vision.period_label, vision.text) == ("鳥取県経済成長創造戦略", "改訂中", sentence)
    assert tottori.vision == vision


def test_nagasaki_overseas_seminar_is_stage_1_once_a_year(db):
    # 001 §5-2 ステージ1【例：長崎県KPI】; 002 別添2 長崎(1): 知財セミナーを年1回開催【2020～2022年度】
    seminar = kpi("42-2")
    assert seminar.stage == 1
    assert "海外でのビジネス展開に必要な知財セミナーを年1回開催し" in seminar.text
    assert [(t.period, t.year, t.value) for t in targets("42-2")] == [
        ("fy", 2020, Decimal("1")),
        ("fy", 2021, Decimal("1")),
        ("fy", 2022, Decimal("1")),
    ]
    # the other western KPIs are not named as stage examples in 001 §5-2
    assert not Kpi.objects.filter(plan__number=2, region__code__in=WEST, stage__isnull=False).exclude(
        code="42-2"
    )


def test_the_text_of_a_bullet_equals_the_printed_text(db):
    # 002 別添2 広島(1) 1つ目の箇条, and 鹿児島(1) 2つ目の箇条 (「- ・」を除いたもの)
    assert kpi("34-1").text == "中小企業の戦略的な知財経営を支援するセミナーを3回(累計)開催する。"
    assert kpi("46-2").text == (
        "地域産業の競争力強化や本県の特性を活かした付加価値の高い産業の創出を図るため、"
        "特許出願年182件、意匠出願年24件を目指す。"
    )


def test_a_bullet_in_two_paragraphs_keeps_both(db):
    # 002 別添2 山口(1) 1つ目の箇条: 「…取り組んでいる。」の後に「そのため、…年30社訪問し…実施する。」
    text = kpi("35-1").text
    first, second = text.split("\n")
    assert first.endswith("新たなイノベーションや産業の創出に取り組んでいる。")
    assert second.startswith("そのため、各成長分野の協議会・研究会等の会員企業を対象として年30社訪問し")


def test_kagoshima_patent_and_design_bullet_has_two_indicators_for_two_years(db):
    # 002 別添2 鹿児島(1)【2020～2021年度】: 特許出願年182件、意匠出願年24件
    assert kpi("46-2").indicators.count() == 2
    patents, designs = kpi("46-2").indicators.order_by("code")
    assert (patents.name, patents.target_shape) == ("特許出願件数", "per_year")
    assert (designs.name, designs.target_shape) == ("意匠出願件数", "per_year")
    assert [(t.year, t.value) for t in targets("46-2", "1")] == [
        (2020, Decimal("182")),
        (2021, Decimal("182")),
    ]
    assert [(t.year, t.value) for t in targets("46-2", "2")] == [(2020, Decimal("24")), (2021, Decimal("24"))]


def test_kagoshima_trademark_target_is_560_a_year(db):
    # 002 別添2 鹿児島(1): 商標出願件数年560件【2020～2021年度】
    assert [(t.period, t.year, t.value) for t in targets("46-1")] == [
        ("fy", 2020, Decimal("560")),
        ("fy", 2021, Decimal("560")),
    ]


def test_cumulative_targets_are_one_row_over_the_plan(db):
    # 002 別添2 香川(1): 出願件数1,530件（累計）; マッチング支援を145件(累計)以上
    (applications,) = targets("37-2")
    assert (applications.period, applications.start_year, applications.year, applications.value) == (
        "cum",
        2020,
        2022,
        Decimal("1530"),
    )
    assert applications.is_minimum is False
    (matching,) = targets("37-3")
    assert (matching.period, matching.value, matching.is_minimum) == ("cum", Decimal("145"), True)
    # 002 別添2 高知(1): 国際特許出願 (P C T) と国際商標出願 (マドプロ) 件数60件(累計)
    (kochi,) = targets("39-2")
    assert (kochi.period, kochi.year, kochi.value) == ("cum", 2022, Decimal("60"))
    assert Indicator.objects.get_by_natural_key(2, "39-2", "1").target_shape == "cumulative"


def test_hiroshima_seminars_are_cumulative_3_3_and_6(db):
    # 002 別添2 広島(1): セミナーを3回(累計)／セミナーと個別相談会を3回(累計)／AI、IoT、データ分野…6回(累計)
    assert [targets(code)[0].value for code in ("34-1", "34-2", "34-3")] == [
        Decimal("3"),
        Decimal("3"),
        Decimal("6"),
    ]
    assert {t.period for code in ("34-1", "34-2", "34-3") for t in targets(code)} == {"cum"}


def test_ehime_trademark_consultations_go_from_887_to_at_least_1000(db):
    # 002 別添2 愛媛(1): 商標に関する相談件数を2018年度末実績887件に対して、2022年度は1,000件以上
    (target,) = targets("38-1")
    assert (target.period, target.year, target.value) == ("fy", 2022, Decimal("1000"))
    assert (target.baseline_value, target.baseline_year, target.is_minimum) == (Decimal("887"), 2018, True)
    assert Indicator.objects.get_by_natural_key(2, "38-1", "1").target_shape == "baseline"


def test_tokushima_led_support_goes_from_168_to_290_cumulative(db):
    # 002 別添2 徳島(1): LED応用製品開発支援件数 平成29年度 168件 → 令和4年度 290件（累計）
    (target,) = targets("36-1")
    assert (target.year, target.value, target.baseline_value, target.baseline_year) == (
        2022,
        Decimal("290"),
        Decimal("168"),
        2017,
    )
    # 002 別添2 徳島(1): 高機能素材活用製品の試作品数 平成29年度 11個 → 令和2～4年度 年10個
    prototypes = targets("36-2")
    assert [(t.year, t.value) for t in prototypes] == [
        (2020, Decimal("10")),
        (2021, Decimal("10")),
        (2022, Decimal("10")),
    ]
    assert Indicator.objects.get_by_natural_key(2, "36-2", "1").unit == "個"


def test_okayama_international_filings_target_is_250_in_calendar_2022(db):
    # 002 別添2 岡山(1): 2016～2018年の平均245件を、2022年は250件にする
    (target,) = targets("33-1")
    assert (target.period, target.year, target.value, target.baseline_value) == (
        "cy",
        2022,
        Decimal("250"),
        Decimal("245"),
    )


def test_shimane_increase_is_16_over_fy2019_without_a_printed_baseline(db):
    # 002 別添2 島根(1): 2019年度を基準として、2022年度までに…特許出願件数及び商標出願件数を、年16件増やす
    (target,) = targets("32-1")
    assert (target.year, target.value, target.baseline_year, target.baseline_value) == (
        2022,
        Decimal("16"),
        2019,
        None,
    )
    assert target.note


def test_fukuoka_and_kumamoto_targets_cover_only_fy2020(db):
    # 002 別添2 福岡(1)【2020年度】: 開放特許…年5件、小規模説明会…年2回、受講者数 年40名
    assert [(t.year, t.value) for code in ("40-1", "40-2", "40-3") for t in targets(code)] == [
        (2020, Decimal("5")),
        (2020, Decimal("2")),
        (2020, Decimal("40")),
    ]
    assert Indicator.objects.get_by_natural_key(2, "40-3", "1").unit == "名"
    # 002 別添2 熊本(1)【2020年度】: 年10社以上／年15社（人、チーム等）以上／年1回以上
    kumamoto = [t for code in ("43-1", "43-2", "43-3") for t in targets(code)]
    assert [(t.year, t.value, t.is_minimum) for t in kumamoto] == [
        (2020, Decimal("10"), True),
        (2020, Decimal("15"), True),
        (2020, Decimal("1"), True),
    ]


def test_oita_targets_are_for_fy2023(db):
    # 002 別添2 大分(1)【2023年度時点】: 66者、176者、相談件数1,238件
    assert [(targets(code)[0].year, targets(code)[0].value) for code in ("44-1", "44-2", "44-3")] == [
        (2023, Decimal("66")),
        (2023, Decimal("176")),
        (2023, Decimal("1238")),
    ]
    assert kpi("44-1").period_label == "2023年度時点"


def test_miyazaki_cumulative_minimums_and_their_named_visions(db):
    # 002 別添2 宮崎(1)【2022年度】: 伴走型支援を10社以上（累計）、実施許諾件数3件以上（累計）、出願件数3件以上（累計）
    assert [
        (targets(code)[0].period, targets(code)[0].value, targets(code)[0].is_minimum)
        for code in ("45-1", "45-2", "45-3")
    ] == [
        ("cum", Decimal("10"), True),
        ("cum", Decimal("3"), True),
        ("cum", Decimal("3"), True),
    ]
    # 002 別添2 宮崎(2): ○みやざき産業振興戦略, ○第七次宮崎県農業・農村振興長期計画
    assert kpi("45-1").vision.title == "みやざき産業振興戦略"
    assert kpi("45-3").vision.title == "第七次宮崎県農業・農村振興長期計画"


def test_yamaguchi_and_saga_per_year_targets(db):
    # 002 別添2 山口(1)【2020～2022年度】: 年30社訪問、事業化支援を年10社、セミナーを年2回
    assert [t.value for t in targets("35-1")] == [Decimal("30")] * 3
    assert [t.value for t in targets("35-2")] == [Decimal("10")] * 3
    assert [t.value for t in targets("35-3")] == [Decimal("2")] * 3
    # 002 別添2 佐賀(1): マッチング件数を年8件、セミナーを3回以上(累計)
    assert [(t.period, t.year, t.value) for t in targets("41-1")] == [
        ("fy", 2020, Decimal("8")),
        ("fy", 2021, Decimal("8")),
        ("fy", 2022, Decimal("8")),
    ]
    (seminars,) = targets("41-2")
    assert (seminars.period, seminars.value, seminars.is_minimum) == ("cum", Decimal("3"), True)


def test_okinawa_supports_70_35_60(db):
    # 002 別添2 沖縄(1)【2020～2022年度】: 支援を70件／35件／60件実施する
    assert [targets(code)[0].value for code in ("47-1", "47-2", "47-3")] == [
        Decimal("70"),
        Decimal("35"),
        Decimal("60"),
    ]


def test_visions_per_prefecture_skip_the_plan_itself(db):
    # 002 別添2 島根(2) 2つ、岡山(2) 3つ（【産業振興課】は期間ではない小見出し）、宮崎(2) 3つ、他は1つ
    counts = {
        code: IndustrialVision.objects.filter(plan__number=2, region__code=code).count() for code in WEST
    }
    assert counts == {code: 3 if code in ("33", "45") else 2 if code == "32" else 1 for code in WEST}
    assert not IndustrialVision.objects.filter(plan__number=2, title__contains="地域知財活性化行動計画")
    # 002 別添2 愛媛(2): ○第6次愛媛県長期計画「愛媛の未来づくりプラン」 第3期アクションプログラム編【2019～2022年度】
    ehime = IndustrialVision.objects.get_by_natural_key(2, "38", 1)
    assert ehime.period_label == "2019～2022年度"
    assert "2022年度において、産学官連携や農商工連携により事業化された件数を174件達成します。" in ehime.text


def test_no_actuals_and_45_numeric_indicators(db):
    # 002 別添2 prints no actuals; 鳥取 has no numeric KPI, 鹿児島(1) 2つ目の箇条 has two targets
    indicators = Indicator.objects.filter(kpi__plan__number=2, kpi__region__code__in=WEST)
    assert indicators.count() == 45
    assert not Actual.objects.filter(indicator__in=indicators).exists()
