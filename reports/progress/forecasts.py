"""A 上期 report's year-end forecasts (年度末見込み): read from the form beside the half's value, and
published on approval where the dashboards read them (reports.models.Forecast, never a kpis.Actual,
so that a forecast never enters an achieved count; reports/dashboards/forecasts.py reads them)."""

from collections.abc import Mapping
from decimal import Decimal

from django.utils import timezone

from kpis.history import recorded
from reports.models import Forecast, Half, ProgressReport, ReportEntry, ReportingPeriod
from reports.posted import read_forecast

FORECAST_FIELDS = ("forecast", "forecast_reason")
# Forecasts written by approval carry this source, so a later approval may replace or remove them.
PUBLISHED_SOURCE = "半期進捗報告（承認）"


def takes_forecast(period: ReportingPeriod) -> bool:
    """Only the 上期 report looks ahead to the year's end; the 下期 report ends the year."""
    return period.half == Half.H1


def read_entry_forecast(
    posted: Mapping[str, str], period: ReportingPeriod, entry: ReportEntry, value, errors: dict
) -> tuple[Decimal | None, str]:
    """The forecast and reason typed for the entry's indicator, checked against the half's `value`;
    the entry's own when the form holds no forecast field (a 下期 report, a form without them)."""
    key, reason_key = (f"{name}-{entry.indicator_id}" for name in FORECAST_FIELDS)
    if not takes_forecast(period) or (key not in posted and reason_key not in posted):
        return entry.forecast, entry.forecast_reason
    return read_forecast(posted, entry.indicator, errors, key=key, reason_key=reason_key, first_half=value)


def publish_forecasts(user, report: ProgressReport, entries: list[ReportEntry]) -> None:
    """The approved lines' forecasts become the year's published forecasts; a line approved
    without one withdraws what an earlier approval published."""
    period = report.period
    if not takes_forecast(period):
        return
    published = {
        forecast.indicator_id: forecast
        for forecast in Forecast.objects.filter(
            indicator__in=[entry.indicator_id for entry in entries], fiscal_year=period.fiscal_year
        )
    }
    reason = f"承認（{report}）"
    for entry in entries:
        existing = published.get(entry.indicator_id)
        if entry.forecast is None:
            if existing is not None and existing.source == PUBLISHED_SOURCE:
                recorded(user, existing, f"{reason}: 見込みの取消し").delete()
            continue
        if existing is not None and (existing.value, existing.reason, existing.source) == (
            entry.forecast,
            entry.forecast_reason,
            PUBLISHED_SOURCE,
        ):
            continue
        forecast = existing or Forecast(indicator=entry.indicator, fiscal_year=period.fiscal_year)
        forecast.value, forecast.reason, forecast.source = (
            entry.forecast,
            entry.forecast_reason,
            PUBLISHED_SOURCE,
        )
        forecast.published_by, forecast.published_at = user, timezone.now()
        recorded(user, forecast, reason).save()
