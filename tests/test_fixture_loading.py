"""The documents' data loads from the shipped fixtures, and loading it again changes nothing."""

from django.core.management import call_command

from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Target
from plans.models import BasicPolicy, Measure, Plan, ReportedResult
from regions.models import Block, Region

MODELS = [
    Block,
    Region,
    Plan,
    BasicPolicy,
    Measure,
    ReportedResult,
    IndustrialVision,
    Kpi,
    Indicator,
    Target,
    Actual,
]


def snapshot() -> dict:
    return {model.__name__: sorted(model.objects.values_list(*_fields(model))) for model in MODELS}


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def test_loading_the_data_twice_changes_nothing_and_duplicates_nothing(db):
    before = snapshot()
    call_command("load_plan_data", verbosity=0)
    assert snapshot() == before


def test_it_knows_the_nine_blocks_with_their_bureaus(db):
    # DOMAIN.md §Region blocks
    assert list(Block.objects.values_list("code", "bureau_ja")) == [
        ("hokkaido", "北海道経済産業局"),
        ("tohoku", "東北経済産業局"),
        ("kanto", "関東経済産業局"),
        ("chubu", "中部経済産業局"),
        ("kinki", "近畿経済産業局"),
        ("chugoku", "中国経済産業局"),
        ("shikoku", "四国経済産業局"),
        ("kyushu", "九州経済産業局"),
        ("okinawa", "沖縄総合事務局"),
    ]


def test_it_knows_the_47_prefectures_by_jis_code_in_their_blocks(db):
    prefectures = Region.objects.filter(kind=Region.Kind.PREFECTURE)
    assert sorted(prefectures.values_list("code", flat=True)) == [f"{n:02d}" for n in range(1, 48)]
    # DOMAIN.md: 関東 has 11 prefectures (茨城 … 静岡), 福井 belongs to 近畿, 新潟・長野 to 関東.
    assert prefectures.filter(block__code="kanto").count() == 11
    assert Region.objects.get(code="18").block.code == "kinki"
    assert Region.objects.get(code="20").block.code == "kanto"
    assert Region.objects.get(code="14").name_ja == "神奈川県"
    assert Region.objects.get(code="14").name_en == "Kanagawa Prefecture"
    sizes = {b.code: b.regions.filter(kind=Region.Kind.PREFECTURE).count() for b in Block.objects.all()}
    assert sizes == {
        "hokkaido": 1,
        "tohoku": 6,
        "kanto": 11,
        "chubu": 5,
        "kinki": 7,
        "chugoku": 5,
        "shikoku": 4,
        "kyushu": 7,
        "okinawa": 1,
    }


def test_the_three_plans_span_their_fiscal_years(db):
    # 000 §1: 2019年度まで (2016年9月26日決定); 001 §3: 2020年度から2022年度の3年間;
    # 003: the 3rd plan's term is three years after the 2nd.
    spans = {p.number: (p.start_fiscal_year, p.end_fiscal_year) for p in Plan.objects.action_plans()}
    assert spans == {1: (2016, 2019), 2: (2020, 2022), 3: (2023, 2025)}
    assert str(Plan.objects.get(number=1).decided_on) == "2016-09-26"
    assert Plan.objects.get(number=3).revised_on.strftime("%Y-%m") == "2024-03"


def test_each_plan_has_three_basic_policies(db):
    # 001 §4-1..4-3 and 003 II-1
    assert (
        BasicPolicy.objects.get(plan__number=2, number=1).title
        == "ターゲットを意識した地域・中小企業支援の充実"
    )
    assert (
        BasicPolicy.objects.get(plan__number=3, number=2).title
        == "中央と地域における中小企業に対する知財支援のシナジーの創出"
    )
    for number in (1, 2, 3):
        assert BasicPolicy.objects.filter(plan__number=number).count() == 3


def test_kobe_is_a_region_though_not_a_prefecture(db):
    # 004 §1(2) ※2: 令和6年度は青森県、石川県、神戸市の3地域を指定; §2(1): 都道府県又は政令市
    designated = Region.objects.filter(code__in=["02", "17", "28100"]).order_by("order")
    assert [r.name_ja for r in designated] == ["青森県", "石川県", "神戸市"]
    assert [r.kind for r in designated] == ["prefecture", "prefecture", "designated_city"]
    assert Region.objects.filter(kind=Region.Kind.DESIGNATED_CITY).count() == 1
