"""Reading the published year-end forecasts for a dashboard (reports/dashboards/forecasts.py): a
block's or the nation's forecasts of a year in one query, their status as forecasts without another,
the items at risk counted apart, and the achieved counts untouched."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from submitting import complete

from kpis.figures import judgement_of
from kpis.models import Actual, Indicator, Kpi
from kpis.rules.judgement import View
from kpis.rules.tally import count
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.dashboards.forecasts import (
    ForecastCount,
    at_risk,
    count_forecasts,
    forecast_statuses,
    published_forecasts,
)
from reports.dashboards.selectors import plan_indicators
from reports.models import Forecast
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2022, 11, 15)  # after the 上期 reports of FY2022, before the year ends


@pytest.fixture
def plan():
    create_demo_users()
    open_demo_period()
    return Plan.objects.get(number=2)


def indicator(code: str, number: str = "1") -> Indicator:
    return Indicator.objects.get(kpi__plan__number=2, kpi__code=code, code=number)


def approved_kanagawa(seminars: str, meetings: str) -> None:
    """Kanagawa's 上期 report (3 seminars of 年5回, 0 meetings of 年1回) approved with forecasts."""
    officer, bureau = (User.objects.get(username=name) for name in ("demo-pref-14", "demo-bureau-kanto"))
    report = workflow.report_of(open_demo_period(), Region.objects.get(code="14"), officer)
    inputs = {
        indicator("14-1").pk: workflow.EntryInput(
            Decimal(3), forecast=Decimal(seminars), forecast_reason="下期2回"
        ),
        indicator("14-2").pk: workflow.EntryInput(
            Decimal(0), forecast=Decimal(meetings), forecast_reason="2月"
        ),
    }
    workflow.submit(officer, report, version=report.version, inputs=complete(report, inputs))
    report.refresh_from_db()
    workflow.approve(bureau, report, version=report.version)


def publish(code: str, value, year: int = 2022) -> Forecast:
    return Forecast.objects.create(indicator=indicator(code), fiscal_year=year, value=value, source="テスト")


def test_a_blocks_forecasts_of_a_year_are_read_in_one_query(plan, django_assert_num_queries):
    approved_kanagawa(seminars="4", meetings="1")
    publish("02-1", 1)  # 青森県: another block
    publish("C01", 240)  # a central KPI
    publish("14-1", 9, year=2021)  # another year
    kanto = Block.objects.get(code="kanto")
    with django_assert_num_queries(1):
        forecasts = published_forecasts(plan, 2022, block=kanto)
    assert set(forecasts) == {indicator("14-1").pk, indicator("14-2").pk}
    assert forecasts[indicator("14-1").pk].value == Decimal(4)
    assert set(published_forecasts(plan, 2022, level=Kpi.Level.CENTRAL)) == {indicator("C01").pk}
    assert len(published_forecasts(plan, 2022)) == 4
    assert set(published_forecasts(plan, 2022, region=Region.objects.get(code="02"))) == {
        indicator("02-1").pk
    }


def test_their_status_is_a_forecasts_and_the_items_at_risk_are_counted_apart(plan, django_assert_num_queries):
    approved_kanagawa(seminars="4", meetings="1")
    kanto = Block.objects.get(code="kanto")
    indicators = list(plan_indicators(plan, block=kanto))
    forecasts = published_forecasts(plan, 2022, block=kanto)
    # the targets and actuals of the indicators with a forecast only (read when first needed)
    with django_assert_num_queries(2):
        statuses = forecast_statuses(indicators, forecasts)
    assert sum(hasattr(i, "figure_rows") for i in indicators) == 2
    seminars, meetings = indicator("14-1").pk, indicator("14-2").pk
    assert set(statuses) == {seminars, meetings}  # indicators without a forecast are left out
    assert (statuses[seminars].label, statuses[seminars].rate_text) == ("見込み △", "80%")
    assert (statuses[meetings].label, statuses[meetings].rate_text) == ("見込み 〇", "100%")
    assert at_risk(statuses) == [seminars]
    assert count_forecasts(statuses.values()) == ForecastCount(items=2, achieved=1, partly=1, at_risk=1)


def test_a_forecast_never_changes_the_blocks_achieved_counts(plan):
    kanto = Block.objects.get(code="kanto")

    def counted(view):
        return count(judgement_of(i, view, as_of=AS_OF) for i in plan_indicators(plan, block=kanto))

    views = (View.fiscal_half(2022, "h1"), View.fiscal_year(2022), View.plan_to_date(2022, "h1"))
    approved_kanagawa(seminars="3", meetings="0")  # the 上期 figures, forecasts at risk
    before = [counted(view) for view in views]
    for forecast in Forecast.objects.all():
        forecast.value = 100
        forecast.save()
    assert [counted(view) for view in views] == before
    # Kanagawa's 3 of 年5回 with a forecast of 3 is progress in a 上期 view, never ×
    seminars = plan_indicators(plan, block=kanto).get(pk=indicator("14-1").pk)
    assert judgement_of(seminars, views[0], as_of=AS_OF).mark == ""
    # only the half's figures are actuals
    assert set(Actual.objects.filter(indicator__kpi__region__code="14").values_list("period", flat=True)) == {
        "h1"
    }


def test_forecasts_are_read_as_they_stood_at_a_moment(plan):
    approved_kanagawa(seminars="4", meetings="1")
    moment = timezone.now()
    forecast = Forecast.objects.get(indicator=indicator("14-1"))
    forecast.value = 6
    forecast.save()
    publish("11-1", 30)
    then = published_forecasts(plan, 2022, block=Block.objects.get(code="kanto"), moment=moment)
    assert {pk: f.value for pk, f in then.items()} == {
        indicator("14-1").pk: Decimal(4),
        indicator("14-2").pk: Decimal(1),
    }
    now = published_forecasts(plan, 2022, block=Block.objects.get(code="kanto"))
    assert now[indicator("14-1").pk].value == Decimal(6) and indicator("11-1").pk in now
