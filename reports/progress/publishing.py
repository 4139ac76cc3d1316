"""Approval publishes a half-year report: its lines' values become the region's half-year actuals
(the dashboards count them), a 上期 report's forecasts the year's published forecasts. A line
approved without a value (実績なし) withdraws what an earlier approval published."""

from kpis.history import recorded
from kpis.models import Actual
from reports.models import ProgressReport
from reports.progress.forecasts import publish_forecasts


def publish_entries(user, report: ProgressReport, source: str) -> None:
    """Write the report's values as actuals carrying `source` (so that a later approval may replace
    or remove them, and only them)."""
    period = report.period
    entries = list(report.entries.select_related("indicator"))
    # the half's published actuals of every line, in one query
    published = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(
            indicator__in=[entry.indicator_id for entry in entries],
            period=period.half,
            year=period.fiscal_year,
        )
    }
    for entry in entries:
        existing = published.get(entry.indicator_id)
        if entry.value is None:
            if existing is not None and existing.source == source:
                recorded(user, existing, f"承認（{report}）: 値の取消し").delete()
            continue
        if existing is not None and existing.value == entry.value:
            continue
        actual = existing or Actual(indicator=entry.indicator, period=period.half, year=period.fiscal_year)
        actual.value = entry.value
        actual.source = source
        recorded(user, actual, f"承認（{report}）").save()
    publish_forecasts(user, report, entries)
