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
from reports.dashboards.pages import (
    cached_dashboard,
    chosen_period,
    dashboard_filter,
    export_if_asked,
    plan_from_url,
    preliminary_figures,
    render_dashboard,
    with_forecasts,
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
        request, plan, plan_indicators(plan), today, only=("fiscal_year", "half", "core_only")
    )
    period = chosen_period(filters, plan, today)
    indicators = list(filters.qs)
    central_indicators = [i for i in indicators if i.kpi.level == Kpi.Level.CENTRAL]
    # judged in every year of the plan: their figures read at once (the regional ones only when
    # judged again, reports/dashboards/judged_memo.py)
    load_figure_rows(central_indicators)
    central = judge_central(central_indicators, plan, chosen=period.view, as_of=today)
    regional_results = judge_indicators(
        [i for i in indicators if i.kpi.level == Kpi.Level.REGIONAL],
        view=period.view,
        as_of=today,
        preliminary=preliminary_figures(request, plan, period),
    )
    regional_results, forecasts = forecasts_of_both_levels(plan, period, central, regional_results, today)
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


def forecasts_of_both_levels(plan, period, central, regional_results, today):
    """One read of the year's forecasts for both levels: put beside the chosen column's central
    results (in `central`) and the regional ones, which are returned with whether the view shows any."""
    chosen = central.by_year.get(period.view, [])
    both, forecasts = with_forecasts(plan, period.view, [*chosen, *regional_results], as_of=today)
    if period.view in central.by_year:
        central.by_year[period.view] = both[: len(chosen)]
    return both[len(chosen) :], forecasts
