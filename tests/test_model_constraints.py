"""The database itself refuses figures that make no sense, whatever writes them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis.models import Actual, Indicator, Kpi, Measure, Period, Target
from plans.models import Plan, ReportedResult
from regions.models import Region


@pytest.fixture
def count_indicator(db):
    kpi = Kpi.objects.create(
        plan=Plan.objects.get(number=2),
        code="14-99",
        level=Kpi.Level.REGIONAL,
        region=Region.objects.get(code="14"),
        kind=Kpi.Kind.ACTIVITY,
        title="テスト用KPI",
        text="セミナーを年5回実施する。",
    )
    return Indicator.objects.create(
        kpi=kpi, code="1", name="セミナー開催回数", unit="回", target_shape=Indicator.TargetShape.PER_YEAR
    )


@pytest.fixture
def percent_indicator(count_indicator):
    return Indicator.objects.create(
        kpi=count_indicator.kpi,
        code="2",
        name="出願企業の割合",
        unit="%",
        measure=Measure.PERCENT,
        target_shape=Indicator.TargetShape.SHARE,
        aggregation=Indicator.Aggregation.LEVEL,
    )


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            Actual.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_it_keeps_one_actual_per_indicator_and_period(count_indicator):
    Actual.objects.create(indicator=count_indicator, period=Period.H1, year=2022, value=3)
    assert refused(indicator=count_indicator, period=Period.H1, year=2022, value=4)
    Actual.objects.create(indicator=count_indicator, period=Period.H2, year=2022, value=2)
    assert Actual.objects.filter(indicator=count_indicator).count() == 2


def test_it_refuses_a_negative_count(count_indicator):
    assert refused(indicator=count_indicator, period=Period.FISCAL_YEAR, year=2022, value=-1)


def test_it_refuses_a_percentage_over_100_but_not_a_count_over_100(count_indicator, percent_indicator):
    assert refused(indicator=percent_indicator, period=Period.FISCAL_YEAR, year=2022, value=Decimal("100.5"))
    Actual.objects.create(indicator=percent_indicator, period=Period.FISCAL_YEAR, year=2022, value=100)
    Actual.objects.create(indicator=count_indicator, period=Period.FISCAL_YEAR, year=2022, value=2608)


def test_a_figure_takes_its_indicators_measure_even_if_told_otherwise(percent_indicator):
    actual = Actual.objects.create(
        indicator=percent_indicator, period=Period.FISCAL_YEAR, year=2021, value=30, measure=Measure.COUNT
    )
    actual.refresh_from_db()
    assert actual.measure == Measure.PERCENT


def test_changing_an_indicator_to_a_percentage_is_refused_while_a_figure_exceeds_100(count_indicator):
    Target.objects.create(indicator=count_indicator, period=Period.FISCAL_YEAR, year=2022, value=250)
    count_indicator.measure = Measure.PERCENT
    count_indicator.unit = "%"
    with pytest.raises(IntegrityError), transaction.atomic():
        count_indicator.save()


def test_model_validation_explains_bad_values_in_japanese(count_indicator, percent_indicator):
    with pytest.raises(ValidationError) as decimal_count:
        Actual(
            indicator=count_indicator, period=Period.FISCAL_YEAR, year=2022, value=Decimal("2.5")
        ).full_clean()
    assert "件数等の値は整数で入力してください。" in decimal_count.value.message_dict["value"]
    with pytest.raises(ValidationError) as over_100:
        Actual(indicator=percent_indicator, period=Period.FISCAL_YEAR, year=2022, value=120).full_clean()
    assert "割合は0〜100の範囲で入力してください。" in over_100.value.message_dict["value"]


def test_a_regional_kpi_needs_a_region_and_a_central_one_has_none(db):
    plan = Plan.objects.get(number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Kpi.objects.create(
            plan=plan, code="X1", level=Kpi.Level.REGIONAL, kind="activity", title="t", text="t"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Kpi.objects.create(
            plan=plan,
            code="X2",
            level=Kpi.Level.CENTRAL,
            region=Region.objects.get(code="01"),
            kind="core",
            title="t",
            text="t",
        )


def test_a_reported_result_cannot_achieve_more_items_than_it_has(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedResult.objects.create(
            plan=Plan.objects.get(number=1),
            scope="regional_kpis",
            area="test",
            fiscal_year=2019,
            items_total=4,
            items_achieved=5,
            source="test",
        )


def test_a_designated_city_lies_in_a_prefecture(db):
    kobe = Region.objects.get(code="28100")
    assert kobe.kind == Region.Kind.DESIGNATED_CITY
    assert kobe.prefecture.code == "28"
    assert kobe.block.code == "kinki"
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(
            code="99999",
            kind=Region.Kind.DESIGNATED_CITY,
            name_ja="架空市",
            short_name_ja="架空",
            name_en="Nowhere",
            block=kobe.block,
        )


def test_an_indicators_rate_places_default_to_whole_percent_and_stay_at_most_3(count_indicator):
    assert count_indicator.rate_places == 0
    count_indicator.rate_places = 4
    with pytest.raises(IntegrityError), transaction.atomic():
        count_indicator.save(update_fields=["rate_places"])
    # 003 I-2(2)①2)i) prints 達成率 167.3%: the one indicator of the documents with a decimal place
    assert list(
        Indicator.objects.filter(rate_places__gt=0).values_list("kpi__plan__number", "kpi__code")
    ) == [(2, "C02")]
