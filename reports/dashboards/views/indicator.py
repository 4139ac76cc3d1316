"""/kpis/<id>/: one indicator over every year and half of its plan, and across plans when it continues one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.models import Indicator
from kpis.revision_lists import kpi_revisions
from reports.dashboards.comparison import (
    baseline_candidates,
    chain_of,
    cross_plan_series,
    indicator_years,
    indicators_for_page,
    linked_indicators,
    year_rows,
)
from reports.dashboards.indicator_history import HISTORY_LIMIT, change_history
from reports.dashboards.indicator_page import (
    SeriesTable,
    TargetTable,
    candidate_view,
    series_chart,
    series_rows,
    target_row,
    year_chart,
    year_row,
    year_table,
)
from reports.dashboards.pages import cached_dashboard, export_if_asked, render_dashboard
from reports.dashboards.rows import revision_row
from reports.dashboards.selectors import is_calendar_year
from reports.display.labels import indicator_title, target_summary
from reports.display.tables import RevisionTable


@login_required
@require_safe
def indicator(request, indicator_id: int):
    get_object_or_404(Indicator.objects.only("pk"), pk=indicator_id)  # 404 before the cache
    cached = cached_dashboard(request)
    if cached:
        return cached
    indicator = get_object_or_404(indicators_for_page(), pk=indicator_id)
    today = timezone.localdate()
    calendar = is_calendar_year(indicator)
    rows = year_rows(indicator, indicator_years(indicator), as_of=today)
    linked = linked_indicators()
    chain = chain_of(indicator, linked)
    series = cross_plan_series(chain, as_of=today) if chain else []

    tables_ = {
        "years": year_table(indicator, [year_row(indicator, row, calendar) for row in rows], calendar),
        "targets": TargetTable([target_row(t, indicator.unit) for t in indicator.targets.all()]),
    }
    if series:
        tables_["series"] = SeriesTable(series_rows(series))
    revisions = kpi_revisions(indicator.kpi)
    tables_["revisions"] = RevisionTable([revision_row(r) for r in revisions], exclude=("region", "kpi"))
    exported = export_if_asked(request, tables_, f"indicator_{indicator.pk}")
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/indicator.html",
        {
            "indicator": indicator,
            "kpi": indicator.kpi,
            "plan": indicator.kpi.plan,
            "title": indicator_title(indicator),
            "target_summary": target_summary(indicator),
            "calendar": calendar,
            "year_table": tables_["years"],
            "target_table": tables_["targets"],
            "series_table": tables_.get("series"),
            "chart": year_chart(indicator, rows, calendar),
            "series_chart": series_chart(indicator, series) if series else None,
            "chain": chain,
            "successors": [i for i in linked if i.predecessor_id == indicator.pk],
            "predecessor": next((i for i in linked if i.pk == indicator.predecessor_id), None),
            "candidates": [candidate_view(c) for c in baseline_candidates(chain)],
            "revision_table": tables_["revisions"] if revisions else None,
            "history": change_history(indicator),
            "history_limit": HISTORY_LIMIT,
        },
    )
