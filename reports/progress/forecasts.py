"""A 上期 report's year-end forecasts (年度末見込み): read from the form beside the half's value, and
published on approval where the dashboards read them (reports.models.Forecast, never a kpis.Actual,
so that a forecast never enters an achieved count; reports/dashboards/forecasts.py reads them)."""

from collections.abc import Mapping
from decimal import Decimal

from reports.models import Half, ProgressReport, ReportEntry, ReportingPeriod
from reports.models.forecasts import publish, published_by_indicator
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
    published = published_by_indicator([entry.indicator_id for entry in entries], period.fiscal_year)
    reason = f"承認（{report}）"
    for entry in entries:
        publish(
            user,
            entry.indicator,
            period.fiscal_year,
            entry.forecast,
            entry.forecast_reason,
            existing=published.get(entry.indicator_id),
            source=PUBLISHED_SOURCE,
            reason=reason,
        )
