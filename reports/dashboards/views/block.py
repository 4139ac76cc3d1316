"""/dashboard/<plan>/blocks/<block>/ and /dashboard/<plan>/regions/<region>/: each region's
regional KPIs judged for the chosen year (or half), with the block's total and the documents' 報告値."""

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kpis.models import Kpi
from regions.models import Block, Region
from reports.dashboards.block_results import (
    RegionResults,
    block_kpis,
    block_regions,
    block_reported_result,
    cumulative_actual,
    group_results,
    is_case_study,
    region_kpis,
    region_visions,
    target_label,
    total_tally,
)
from reports.dashboards.pages import (
    cached_dashboard,
    chosen_period,
    dashboard_filter,
    export_if_asked,
    plan_from_url,
    preliminary_figures,
    render_dashboard,
)
from reports.dashboards.programme import designated_regions
from reports.dashboards.selectors import judge_indicators, plan_indicators
from reports.dashboards.views.national import summary_row
from reports.display import charts
from reports.display.tables import BlockResultTable, NumberColumn, RateWithStatusColumn, StatusColumn

FILTERS = ("fiscal_year", "half", "stage", "status")


class IndicatorResultTable(tables.Table):
    """One row per regional indicator: target, the halves' and the year's actuals, rate and status."""

    region = tables.Column(verbose_name=_("地域"))
    kpi = tables.Column(verbose_name=_("KPI"), linkify=lambda record: record["url"])
    indicator = tables.Column(verbose_name=_("指標"))
    unit = tables.Column(verbose_name=_("単位"))
    target = NumberColumn(verbose_name=_("目標"))
    target_label = tables.Column(verbose_name=_("目標の区分"), default="")
    h1 = NumberColumn(verbose_name=_("上期実績"))
    h2 = NumberColumn(verbose_name=_("下期実績"))
    year = NumberColumn(verbose_name=_("年度実績"))
    cumulative = NumberColumn(verbose_name=_("累計実績"))
    rate = RateWithStatusColumn(verbose_name=_("達成率"), status_key="status")
    # shown inside the rate cell; a column of its own in exports
    status = StatusColumn(verbose_name=_("状況"), visible=False)
    # only on pages that include submitted figures (速報)
    basis = tables.Column(verbose_name=_("速報"), default="")

    class Meta:
        orderable = False
        attrs = {"class": "results indicators"}


class RegionSummaryTable(BlockResultTable):
    block = tables.Column(verbose_name=_("地域"), linkify=lambda record: record["url"])

    class Meta(BlockResultTable.Meta):
        orderable = False


def judged_regional(request, plan, **scope):
    """The filters, the period they chose, and the judged regional indicators of a block or region."""
    today = timezone.localdate()
    indicators = plan_indicators(plan, level=Kpi.Level.REGIONAL, **scope)
    filters = dashboard_filter(request, plan, indicators, today, only=FILTERS)
    period = chosen_period(filters, plan, today)
    results = judge_indicators(
        filters.qs,
        fiscal_year=period.fiscal_year,
        half=period.half,
        as_of=today,
        preliminary=preliminary_figures(request, plan, period),
    )
    return filters, period, results


@login_required
@require_safe
def block(request, plan_number: int, block_code: str):
    plan = plan_from_url(plan_number)
    block = get_object_or_404(Block, code=block_code)
    cached = cached_dashboard(request)
    if cached:
        return cached
    filters, period, results = judged_regional(request, plan, block=block)
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

    summary = [
        summary_row(
            s.region.name_ja, reverse("reports:region", args=[plan.number, s.region.code]), s.tally, None
        )
        for s in sections
    ]
    summary.append(summary_row(f"{block.name_ja}ブロック計", None, total, reported))
    tables_ = {
        "summary": RegionSummaryTable(summary),
        "indicators": indicator_table(indicator_rows(row for s in sections for row in s.shown), period),
    }
    shown = [region_section(plan, period, s) for s in sections]
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
            "reported": reported,
            "sections": shown,
            "case_studies": [kpi for kpi in kpis if is_case_study(kpi)],
        },
    )


@login_required
@require_safe
def region(request, plan_number: int, region_code: str):
    plan = plan_from_url(plan_number)
    region = get_object_or_404(Region.objects.select_related("block", "prefecture"), code=region_code)
    cached = cached_dashboard(request)
    if cached:
        return cached
    filters, period, results = judged_regional(request, plan, region=region)
    kpis = region_kpis(plan, region)
    [results_of_region] = group_results([region], kpis, results, status=filters.choice("status"))
    section = region_section(plan, period, results_of_region, table_name="indicators")

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
            "kpis": kpis,
            "case_study_ids": {kpi.pk for kpi in kpis if is_case_study(kpi)},
            "visions": list(region_visions(plan, region)),
        },
    )


def region_section(plan, period, results: RegionResults, *, table_name: str | None = None) -> dict:
    """What the template shows of one region: its results, table (without the region column) and chart."""
    section = {
        "results": results,
        "region": results.region,
        "table_name": table_name or f"region-{results.region.code}",
        # exported even when empty (a header row), drawn only with rows
        "table": indicator_table(indicator_rows(results.shown), period, exclude=("region",)),
        "chart": None,
    }
    if not results.shown:
        return section
    points = chart_points(results.shown)
    title = f"{results.region.name_ja} 目標と実績（{period.label}）"
    section["chart"] = {
        "id": f"chart-region-{results.region.code}",
        "title": title,
        "figure": charts.indicator_targets_chart(title, points),
        "points": points,
    }
    return section


def indicator_rows(results) -> list[dict]:
    return [
        {
            "region": row.region.name_ja,
            "kpi": row.kpi.title,
            "url": reverse("reports:indicator", args=[row.indicator.pk]),
            "indicator": row.indicator.name,
            "unit": row.indicator.unit,
            "target": row.result.target_value,
            "target_label": target_label(row),
            "h1": row.h1,
            "h2": row.h2,
            "year": row.year_value,
            "cumulative": cumulative_actual(row),
            "rate": row.result.rate,
            "status": row.result.status.value,
            "basis": "速報" if row.preliminary else "",
        }
        for row in results
    ]


def indicator_table(rows: list[dict], period, *, exclude: tuple[str, ...] = ()) -> IndicatorResultTable:
    """The indicator table; its 速報 column only when the page includes submitted figures."""
    return IndicatorResultTable(rows, exclude=exclude if period.preliminary else (*exclude, "basis"))


def chart_points(results) -> list[dict]:
    """Target and judged actual per indicator, numbered so that equal names stay apart."""
    return [
        {
            "label": f"{number}. {row.indicator.name}",
            "unit": row.indicator.unit,
            "target": row.result.target_value,
            # what was judged; without a target (対象外), the year's figure all the same
            "actual": row.result.actual_value if row.result.actual_value is not None else row.year_value,
            "target_label": target_label(row),
        }
        for number, row in enumerate(results, start=1)
    ]
