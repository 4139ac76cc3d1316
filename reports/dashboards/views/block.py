"""/dashboard/<plan>/blocks/<block>/ and /dashboard/<plan>/regions/<region>/: each region's
regional KPIs judged for the chosen year (or half), with the block's total and the documents' 報告値;
in a 上期 or in-year view, the published year-end forecasts beside the results, counted apart."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from regions.models import Block, Region
from reports.dashboards.block_results import (
    block_kpis,
    block_regions,
    block_reported_result,
    group_results,
    is_case_study,
    region_kpis,
    region_visions,
    total_tally,
)
from reports.dashboards.kept_sections import block_section
from reports.dashboards.pages import (
    cached_dashboard,
    export_if_asked,
    judged_regional,
    plan_from_url,
    render_dashboard,
    with_forecasts,
)
from reports.dashboards.programme import designated_regions
from reports.dashboards.rows import (
    block_summary_rows,
    indicator_rows,
    indicator_table,
    region_section,
)
from reports.display.tables import RegionSummaryTable, tally_table

FILTERS = ("fiscal_year", "half", "stage", "status")


@login_required
@require_safe
def block(request, plan_number: int, block_code: str):
    cached = cached_dashboard(request)  # before the URL's objects: see cached_dashboard
    if cached:
        return cached
    plan = plan_from_url(plan_number)
    block = get_object_or_404(Block, code=block_code)
    filters, period, results = judged_regional(request, plan, only=FILTERS, block=block)
    results, forecasts = with_forecasts(plan, period.view, results, as_of=timezone.localdate(), block=block)
    kpis = block_kpis(plan, block)
    sections = group_results(
        # a programme's block page shows the block's designated regions only
        designated_regions(plan, block=block) if plan.is_programme else block_regions(block),
        [kpi for kpi in kpis if kpi.plan_id == plan.pk],
        results,
        status=filters.choice("status"),
    )
    total = total_tally(sections)
    reported = block_reported_result(plan, block, period.fiscal_year)
    summary_rows = block_summary_rows(plan, block, sections, total, reported)
    tables_ = {
        "summary": tally_table(RegionSummaryTable, summary_rows, forecasts=forecasts),
        # exported only: built when asked for
        "indicators": lambda: indicator_table(
            indicator_rows(row for s in sections for row in s.shown), period, forecasts=forecasts
        ),
    }
    shown = [block_section(request, plan, period, s, forecasts=forecasts) for s in sections]
    tables_ |= {s["table_name"]: s["table"] for s in shown}
    filename = f"plan{plan.number}_{block.code}_{period.fiscal_year}{period.half or ''}"
    exported = export_if_asked(request, tables_, filename)
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/block.html",
        {
            "plan": plan,
            "region_block": block,
            "period": period,
            "filters": filters,
            "summary_table": tables_["summary"],
            "total": total,
            "forecasts": forecasts,
            "reported": reported,
            "sections": shown,
            "case_studies": [kpi for kpi in kpis if is_case_study(kpi)],
        },
    )


@login_required
@require_safe
def region(request, plan_number: int, region_code: str):
    cached = cached_dashboard(request)  # before the URL's objects: see cached_dashboard
    if cached:
        return cached
    plan = plan_from_url(plan_number)
    region = get_object_or_404(Region.objects.select_related("block", "prefecture"), code=region_code)
    filters, period, results = judged_regional(request, plan, only=FILTERS, region=region)
    results, forecasts = with_forecasts(plan, period.view, results, as_of=timezone.localdate(), region=region)
    kpis = region_kpis(plan, region)
    [results_of_region] = group_results([region], kpis, results, status=filters.choice("status"))
    section = region_section(plan, period, results_of_region, table_name="indicators", forecasts=forecasts)

    tables_ = {"indicators": section["table"]}
    filename = f"plan{plan.number}_region{region.code}_{period.fiscal_year}{period.half or ''}"
    exported = export_if_asked(request, tables_, filename)
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/region.html",
        {
            "plan": plan,
            "region": region,
            "period": period,
            "filters": filters,
            "section": section,
            "forecasts": forecasts,
            "kpis": kpis,
            "case_study_ids": {kpi.pk for kpi in kpis if is_case_study(kpi)},
            "visions": list(region_visions(plan, region)),
        },
    )
