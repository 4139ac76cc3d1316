"""The national page's regional indicators read for counting (reports/dashboards/counted.py): the same
judgements, in the same order, as every page reads, with a model instance only for an indicator
judged again or with a published forecast."""

import datetime
from decimal import Decimal

import pytest

from kpis.models import Actual, Indicator, Kpi
from kpis.rules.judgement import View
from plans.models import Plan
from reports.dashboards import judged_memo
from reports.dashboards.counted import CountedIndicator, regional_results_counted
from reports.dashboards.selectors import judge_indicators, plan_indicators

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2023, 6, 1)
VIEWS = (View.fiscal_year(2022), View.fiscal_half(2022, "h1"), View.fiscal_year(2021))


def as_counted(rows):
    return [(row.indicator.pk, row.region, row.result, row.h1, row.h2, row.year_value) for row in rows]


@pytest.fixture
def plan():
    plan = Plan.objects.get(number=2)
    for indicator in Indicator.objects.filter(kpi__plan=plan, kpi__region__code__in=["14", "11"]):
        Actual.objects.create(indicator=indicator, period="h1", year=2022, value=Decimal(2))
    return plan


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("core_only", [False, True])
def test_the_judgements_counted_are_every_pages_kept_or_not(plan, view, core_only):
    regional = plan_indicators(plan, level=Kpi.Level.REGIONAL, core_only=core_only)
    expected = as_counted(judge_indicators(regional, view=view, as_of=AS_OF))
    judged_memo.clear()
    assert as_counted(regional_results_counted(plan, view, as_of=AS_OF, core_only=core_only)) == expected
    # now with every judgement kept: read as references, the same judgements
    kept = regional_results_counted(plan, view, as_of=AS_OF, core_only=core_only)
    assert as_counted(kept) == expected
    assert all(isinstance(row.indicator, CountedIndicator) for row in kept)


def test_an_indicator_judged_again_or_with_a_forecast_comes_as_a_model_instance(plan):
    view = View.fiscal_year(2022)
    regional_results_counted(plan, view, as_of=AS_OF)
    changed = Actual.objects.filter(indicator__kpi__plan=plan, indicator__kpi__region__code="14").first()
    changed.value += 1
    changed.save()
    forecast = Indicator.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.REGIONAL).last()
    rows = regional_results_counted(plan, view, as_of=AS_OF, forecast_ids={forecast.pk})
    instances = {row.indicator.pk for row in rows if isinstance(row.indicator, Indicator)}
    assert instances == {changed.indicator_id, forecast.pk}
    (row,) = [row for row in rows if row.indicator.pk == changed.indicator_id]
    assert row.result.actual_value == Decimal(3)  # the change is judged, 2 + 1
