"""/dashboard/<plan>/: central KPIs year by year, and regional results per block with the nation's total;
in a 上期 or in-year view, the published year-end forecasts beside the chosen year's results (central)
and the items at risk counted per block apart from the results (regional)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.figures import load_figure_rows
from kpis.models import Kpi
from reports.dashboards.counted import regional_results_counted
from reports.dashboards.forecasts import forecasts_beside, published_forecasts, shows_forecasts
from reports.dashboards.pages import (
    cached_dashboard,
    chosen_period,
    dashboard_filter,
    export_if_asked,
    plan_from_url,
    preliminary_figures,
    render_dashboard,
)
from reports.dashboards.rows import block_chart_rows, central_chart_list, central_tables, national_rows
from reports.dashboards.selectors import judge_central, judge_indicators, national_summary, plan_indicators
from reports.display import charts
from reports.display.tables import BlockResultTable, tally_table


@login_required
@require_safe
def national(request, plan_number: int):
    cached = cached_dashboard(request)  # before the plan: see cached_dashboard
    if cached:
        return cached
    plan = plan_from_url(plan_number)
    if plan.is_programme:  # the programme's own page is its national view
        query = request.GET.urlencode()
        return redirect(reverse("reports:programme", args=[plan.number]) + (f"?{query}" if query else ""))
    today = timezone.localdate()
    filters = dashboard_filter(
        request,
        plan,
        plan_indicators(plan, level=Kpi.Level.CENTRAL),
        today,
        only=("fiscal_year", "half", "core_only"),
    )
    period = chosen_period(filters, plan, today)
    central_indicators = list(filters.qs)
    # judged in every year of the plan: their figures read at once
    load_figure_rows(central_indicators)
    central = judge_central(central_indicators, plan, chosen=period.view, as_of=today)
    forecasts = shows_forecasts(period.view, today)
    # one read of the year's forecasts, for both levels
    published = published_forecasts(plan, period.fiscal_year) if forecasts else {}
    regional_results = judged_for_blocks(request, plan, period, filters, today, published)
    if forecasts:
        regional_results = beside_both_levels(central, period.view, regional_results, published)
    summary = national_summary(plan, period.fiscal_year, regional_results)
    tables = central_tables(central, forecast_view=period.view if forecasts else None) | {
        "blocks": tally_table(BlockResultTable, national_rows(plan, summary), forecasts=forecasts)
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
            "calendar_table": tables["calendar"] if central.calendar else None,
            "block_table": tables["blocks"],
            "block_chart": charts.block_rates_chart(block_chart_rows(summary.blocks)),
            "central_charts": central_chart_list(central),
            "national_tally": summary.tally,
            "forecasts": forecasts,
            "national_reported": summary.reported,
            "summaries": summary.blocks,
        },
    )


def beside_both_levels(central, view, regional_results, published: dict) -> list:
    """The published forecasts beside the chosen column's central results (in `central`) and beside
    the regional ones, which are returned."""
    if view in central.by_year:
        central.by_year[view] = forecasts_beside(central.by_year[view], published)
    return forecasts_beside(regional_results, published)


def judged_for_blocks(request, plan, period, filters, today, published: dict) -> list:
    """The regional indicators judged for the block table: read for counting only
    (reports/dashboards/counted.py), or as every page reads them when submitted figures (速報) are
    included."""
    core_only = bool(filters.choice("core_only"))
    if period.preliminary:
        return judge_indicators(
            plan_indicators(plan, level=Kpi.Level.REGIONAL, core_only=core_only),
            view=period.view,
            as_of=today,
            preliminary=preliminary_figures(request, plan, period),
        )
    return regional_results_counted(
        plan, period.view, as_of=today, core_only=core_only, forecast_ids=published.keys()
    )
