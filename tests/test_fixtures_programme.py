"""The model-region programme (知財経営支援モデル地域創出事業) as loaded from fixtures/programme.yaml.

Every figure below is written out from document 004 (令和7年度 知財経営支援モデル地域創出事業 公募要領,
令和7年1月, 特許庁普及支援課), with its section.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from kpis.models import Actual, Indicator, Kpi, Target
from plans.loading import LOADED_REASON
from plans.models import Designation, Plan
from regions.models import Region

pytestmark = pytest.mark.django_db

FY2024 = 2024
# 004 §1(2) ※²: 令和6年度は青森県、石川県、神戸市の3地域を指定
DESIGNATED_2024 = {"02": "青森県", "17": "石川県", "28100": "神戸市"}
# 004 §1(3)【実施回数】: (indicator, unit, target, 以上, how a year adds up)
TARGETS = [
    ("連携会議（仮称）の開催回数", "回", Decimal(3), True, "flow"),  # 連携会議（仮称）を3回以上開催予定
    ("伴走支援の支援対象者数", "者", Decimal(5), True, "level"),  # 伴走支援は5者以上
    ("事業報告会等の開催回数", "回", Decimal(1), False, "flow"),  # 事業報告会等を1回程度開催予定
]


def test_the_programme_has_one_record_per_fiscal_year_numbered_by_that_year():
    # 004 §1(3)【事業期間など】: 本事業は単年度事業になりますが、複数年継続して実施する予定
    programmes = Plan.objects.programmes().order_by("number")
    assert [(p.number, p.start_fiscal_year, p.end_fiscal_year) for p in programmes] == [
        (2024, 2024, 2024),
        (2025, 2025, 2025),
    ]
    assert [p.name for p in programmes] == [
        "令和6年度 知財経営支援モデル地域創出事業",
        "令和7年度 知財経営支援モデル地域創出事業",  # 004 title
    ]
    assert all(p.is_programme for p in programmes)


def test_the_action_plans_stay_the_three_plans():
    assert list(Plan.objects.action_plans().values_list("number", flat=True)) == [1, 2, 3]
    assert not Plan.objects.get(number=3).is_programme


def test_fy2024_designates_aomori_ishikawa_and_the_designated_city_of_kobe():
    designations = Designation.objects.filter(programme__number=FY2024).select_related("region")
    assert {d.region.code: d.region.name_ja for d in designations} == DESIGNATED_2024
    kobe = region_of(designations, "28100")
    assert kobe.kind == "designated_city" and kobe.block.code == "kinki" and kobe.prefecture.code == "28"
    assert all(d.source.startswith("004 §1(2) ※²") for d in designations)
    assert all(d.fiscal_year == FY2024 for d in designations)


def region_of(designations, code):
    return next(d.region for d in designations if d.region.code == code)


def test_fy2025_has_no_designated_region_yet():
    # 004 §2(1): 公募期間 令和7年1月9日～2月14日、採択件数 2～3地域; §3: 3月末までに通知
    fy2025 = Plan.objects.get(number=2025)
    assert not fy2025.designations.exists()
    assert not Kpi.objects.filter(plan=fy2025).exists()
    assert "2～3地域" in fy2025.summary and "令和7年6月下旬～令和8年3月末" in fy2025.summary


def test_the_designated_regions_are_exactly_the_regions_with_the_programmes_kpis():
    with_kpis = set(
        Kpi.objects.filter(plan__number=FY2024, level=Kpi.Level.REGIONAL).values_list(
            "region__code", flat=True
        )
    )
    assert with_kpis == set(DESIGNATED_2024)


@pytest.mark.parametrize("region_code", sorted(DESIGNATED_2024))
def test_each_designated_region_has_the_programmes_three_targets_for_fy2024(region_code):
    indicators = (
        Indicator.objects.filter(kpi__plan__number=FY2024, kpi__region__code=region_code)
        .select_related("kpi")
        .order_by("kpi__order", "order")
    )
    rows = []
    for indicator in indicators:
        (target,) = indicator.targets.all()
        assert (target.period, target.year) == ("fy", FY2024)
        assert target.source == "004 §1(3)【実施回数】"
        assert indicator.kpi.kind == Kpi.Kind.ACTIVITY and indicator.target_shape == "per_year"
        rows.append((indicator.name, indicator.unit, target.value, target.is_minimum, indicator.aggregation))
    assert rows == TARGETS


def test_about_once_is_a_target_of_one_with_the_documents_wording_in_its_note():
    target = Target.objects.get(indicator__kpi__plan__number=FY2024, indicator__kpi__code="28100-3")
    assert target.value == 1 and not target.is_minimum
    assert "1回程度" in target.note


def test_the_kpi_texts_are_the_documents_wording():
    texts = list(
        Kpi.objects.filter(plan__number=FY2024, region__code="02")
        .order_by("order")
        .values_list("text", flat=True)
    )
    # 004 §1(3)【実施回数】
    assert texts == [
        "連携強化：地域知財経営支援ネットワークの連携会議（仮称）を3回以上開催予定",
        "伴走支援：プロデューサーチームによる伴走支援は5者以上",
        "事業報告会等（情報発信・普及啓発等）：事業報告会等を1回程度開催予定",
    ]


def test_the_document_prints_no_actuals_so_none_are_loaded():
    assert not Actual.objects.filter(indicator__kpi__plan__kind=Plan.Kind.PROGRAMME).exists()


def test_loaded_objects_have_their_first_history_record():
    for designation in Designation.objects.all():
        (record,) = designation.history.all()
        assert record.history_change_reason == LOADED_REASON
    target = Target.objects.get(indicator__kpi__plan__number=FY2024, indicator__kpi__code="02-1")
    assert target.history.get().history_change_reason == LOADED_REASON


def test_loading_again_duplicates_nothing():
    before = (
        Designation.objects.count(),
        Kpi.objects.count(),
        Target.objects.count(),
        Designation.history.count(),
    )
    call_command("load_plan_data", verbosity=0)
    after = (
        Designation.objects.count(),
        Kpi.objects.count(),
        Target.objects.count(),
        Designation.history.count(),
    )
    assert after == before


# --- the rules of the records ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "start", "end"),
    [
        ("action_plan", 2026, 2026, 2028),  # an action plan numbered like a year
        ("programme", 4, 2026, 2026),  # a programme numbered like a 4th plan
        ("programme", 2026, 2026, 2027),  # a programme spanning two years
    ],
)
def test_a_plan_numbered_against_its_kind_is_refused(kind, number, start, end):
    plan = Plan(kind=kind, number=number, name="x", start_fiscal_year=start, end_fiscal_year=end)
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.save()


def test_only_a_programme_designates_regions():
    designation = Designation(programme=Plan.objects.get(number=3), region=Region.objects.get(code="14"))
    with pytest.raises(ValidationError, match="事業"):
        designation.full_clean()
