"""/dashboard/<plan>/: central KPIs year by year, and regional results per block with the nation's total."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.models import Kpi
from regions.models import Block
from reports.dashboards.pages import (
    cached_dashboard,
    chosen_period,
    dashboard_filter,
    export_if_asked,
    plan_from_url,
    preliminary_figures,
    render_dashboard,
)
from reports.dashboards.rows import block_chart_rows, block_rows, central_charts, central_rows
from reports.dashboards.selectors import block_summaries, judge_indicators, plan_indicators, reported_results
from reports.display import charts
from reports.display.tables import BlockResultTable, central_kpi_table


@login_required
@require_safe
def national(request, plan_number: int):
    plan = plan_from_url(plan_number)
    if plan.is_programme:  # the programme's own page is its national view
        query = request.GET.urlencode()
        return redirect(reverse("reports:programme", args=[plan.number]) + (f"?{query}" if query else ""))
    cached = cached_dashboard(request)
    if cached:
        return cached
    today = timezone.localdate()
    filters = dashboard_filter(
        request, plan, plan_indicators(plan), today, only=("fiscal_year", "half", "core_only")
    )
    period = chosen_period(filters, plan, today)
    indicators = list(filters.qs)
    central = [i for i in indicators if i.kpi.level == Kpi.Level.CENTRAL]
    regional = [i for i in indicators if i.kpi.level == Kpi.Level.REGIONAL]

    yearly = {
        year: judge_indicators(central, fiscal_year=year, half=None, as_of=today)
        for year in plan.fiscal_years
    }
    regional_results = judge_indicators(
        regional,
        fiscal_year=period.fiscal_year,
        half=period.half,
        as_of=today,
        preliminary=preliminary_figures(request, plan, period),
    )
    reported = list(reported_results(plan, period.fiscal_year))
    summaries, national_tally = block_summaries(Block.objects.all(), regional_results, reported)
    national_reported = next((r for r in reported if r.area == "national"), None)

    tables = {
        "central": central_kpi_table(central_rows(central, yearly), plan.fiscal_years),
        "blocks": BlockResultTable(block_rows(plan, summaries, national_tally, national_reported)),
    }
    exported = export_if_asked(request, tables, f"plan{plan.number}_national_{period.fiscal_year}")
    if exported:
        return exported
    tables["blocks"].order_by = request.GET.get("sort")
    return render_dashboard(
        request,
        "reports/national.html",
        {
            "plan": plan,
            "period": period,
            "filters": filters,
            "central_table": tables["central"],
            "block_table": tables["blocks"],
            "block_chart": charts.block_rates_chart(block_chart_rows(summaries)),
            "central_charts": central_charts(central, yearly),
            "national_tally": national_tally,
            "national_reported": national_reported,
            "summaries": summaries,
        },
    )
