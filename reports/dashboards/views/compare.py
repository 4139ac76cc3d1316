"""/dashboard/compare/: the 1st, 2nd and 3rd plans side by side, computed results beside the
documents' reported totals (報告値), and the indicators one plan continues from another."""

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.http import require_safe

from kpis.rules.rates import items_rate, round_percent
from plans.fiscal import era_year, fiscal_year_label
from plans.models import ReportedResult
from reports.dashboards.comparison import compare_plans, last_actual
from reports.dashboards.pages import cached_dashboard, export_if_asked, render_dashboard
from reports.dashboards.rows import indicator_url_maker
from reports.display.formatting import display_number, display_percent, plain_number
from reports.display.labels import indicator_title, last_actual_label, plan_label
from reports.display.tables import NumberColumn, PercentColumn

TEXT, NUMBER, PERCENT = "text", "number", "percent"
COMPUTED, REPORTED, FORECAST = "算出", "報告値", "見込み"


@login_required
@require_safe
def compare(request):
    cached = cached_dashboard(request)
    if cached:
        return cached
    comparison = compare_plans(as_of=timezone.localdate())
    plans = comparison.plans
    tables_ = {
        "plans": overview_table(plans),
        "blocks": block_table(plans, comparison.blocks),
        "chains": chain_table(plans, comparison.chains),
    }
    exported = export_if_asked(request, tables_, "plans_compare")
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/compare.html",
        {
            "plans": plans,
            "overview_table": tables_["plans"],
            "block_table": tables_["blocks"],
            "chain_table": tables_["chains"],
            "has_chains": bool(comparison.chains),
        },
    )


# --- the plans side by side: one row per figure, one column per plan -----------------------------


class ValueColumn(tables.Column):
    """A cell whose kind (number, percent with one decimal, text) comes with its row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "attrs", {"td": {"class": lambda record: "" if record["kind"] == TEXT else "number"}}
        )
        kwargs.setdefault("default", "—")
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        if record["kind"] == NUMBER:
            return display_number(value)
        if record["kind"] == PERCENT:
            return display_percent(value, 1)
        return value

    def value(self, value, record):
        if value is None:
            return None
        if record["kind"] == NUMBER:
            return plain_number(value)
        if record["kind"] == PERCENT:
            return plain_number(round_percent(value, 1))
        return value


class OverviewTable(tables.Table):
    group = tables.Column(verbose_name="区分")
    label = tables.Column(verbose_name="項目")
    source = tables.Column(verbose_name="値の種類", default="")

    class Meta:
        orderable = False
        attrs = {"class": "results compare"}
        row_attrs = {"class": lambda record: "reported" if record["source"] == REPORTED else ""}


def overview_table(plans) -> tables.Table:
    extra = [(f"plan_{c.plan.number}", ValueColumn(verbose_name=plan_label(c.plan))) for c in plans]
    return OverviewTable(overview_rows(plans), extra_columns=extra)


def span_label(plan) -> str:
    return (
        f"{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度"
        f"（{era_year(plan.start_fiscal_year)}〜{era_year(plan.end_fiscal_year)}年度）"
    )


def reported_figures(reported) -> tuple:
    if reported is None:
        return None, None, None, None
    return (
        reported.items_achieved,
        reported.items_total,
        items_rate(reported.items_achieved, reported.items_total),
        reported.printed_rate or None,
    )


def overview_rows(plans) -> list[dict]:
    """(group, label, computed or reported, kind, one value per plan), in the order they are read."""
    specs = [
        ("計画", "期間", "", TEXT, lambda c: span_label(c.plan)),
        ("中央KPI", "KPIの数", COMPUTED, NUMBER, lambda c: c.plan.central_kpis),
        (
            "中央KPI",
            "判定した年度（実績のある最後の年度）",
            COMPUTED,
            TEXT,
            lambda c: year_or_none(c.central.year),
        ),
        ("中央KPI", "目標のある項目", COMPUTED, NUMBER, lambda c: c.central.tally.items),
        ("中央KPI", "達成項目（〇）", COMPUTED, NUMBER, lambda c: c.central.achieved),
        ("中央KPI", "達成率", COMPUTED, PERCENT, lambda c: c.central.rate),
    ]
    specs += reported_specs("中央KPI", ReportedResult.Scope.CENTRAL_KPIS)
    specs += [
        ("支援段階別の数値目標", "施策表の〇の数", COMPUTED, NUMBER, lambda c: c.measures_achieved or None),
        (
            "支援段階別の数値目標",
            "施策表で〇△×のある施策",
            COMPUTED,
            NUMBER,
            lambda c: c.measures_marked or None,
        ),
    ]
    specs += reported_specs("支援段階別の数値目標", ReportedResult.Scope.MEASURE_TARGETS)
    specs += [
        ("地域KPI", "KPIの数", COMPUTED, NUMBER, lambda c: c.plan.regional_kpis),
        ("地域KPI", "指標の数", COMPUTED, NUMBER, lambda c: c.plan.regional_indicators),
        (
            "地域KPI",
            "判定した年度（実績のある最後の年度）",
            COMPUTED,
            TEXT,
            lambda c: year_or_none(c.regional.year),
        ),
        ("地域KPI", "目標のある項目", COMPUTED, NUMBER, lambda c: c.regional.tally.items),
        ("地域KPI", "判定済みの項目（未報告を除く）", COMPUTED, NUMBER, lambda c: c.regional.tally.reported),
        ("地域KPI", "達成項目（〇）", COMPUTED, NUMBER, lambda c: c.regional.achieved),
        ("地域KPI", "達成率", COMPUTED, PERCENT, lambda c: c.regional.rate),
    ]
    specs += forecast_specs("地域KPI")
    specs += reported_specs("地域KPI", ReportedResult.Scope.REGIONAL_KPIS)
    return [
        {"group": group, "label": label, "source": source, "kind": kind}
        | {f"plan_{c.plan.number}": value(c) for c in plans}
        for group, label, source, kind, value in specs
    ]


def forecast_specs(group: str) -> list[tuple]:
    """The year under way only (the plan in force): its forecasts, never counted as achieved."""
    return [
        (group, "年度末見込みのある項目", FORECAST, NUMBER, lambda c: c.regional.forecast_items),
        (group, "うち目標に届かない見込み", FORECAST, NUMBER, lambda c: c.regional.at_risk),
    ]


def reported_specs(group: str, scope: str) -> list[tuple]:
    def figure(position):
        return lambda c: reported_figures(c.reported.get(scope))[position]

    return [
        (group, "年度", REPORTED, TEXT, lambda c: reported_year(c.reported.get(scope))),
        (group, "達成項目", REPORTED, NUMBER, figure(0)),
        (group, "項目数", REPORTED, NUMBER, figure(1)),
        (group, "達成率", REPORTED, PERCENT, figure(2)),
        (group, "文書の表記", REPORTED, TEXT, figure(3)),
    ]


def year_or_none(year) -> str | None:
    return fiscal_year_label(year) if year is not None else "実績なし"


def reported_year(reported) -> str | None:
    return fiscal_year_label(reported.fiscal_year) if reported else None


# --- regional results per block, per plan ---------------------------------------------------------


class BlockTable(tables.Table):
    block = tables.Column(verbose_name="ブロック")

    class Meta:
        orderable = False
        attrs = {"class": "results compare-blocks"}


def block_table(plans, blocks) -> tables.Table:
    extra = []
    for c in plans:
        name = plan_label(c.plan)
        n = c.plan.number
        extra += [
            (f"achieved_{n}", NumberColumn(verbose_name=f"{name} 算出 達成")),
            (f"items_{n}", NumberColumn(verbose_name=f"{name} 算出 項目数")),
            (f"rate_{n}", PercentColumn(verbose_name=f"{name} 算出 達成率", places=1)),
            (f"reported_achieved_{n}", NumberColumn(verbose_name=f"{name} 報告値 達成")),
            (f"reported_items_{n}", NumberColumn(verbose_name=f"{name} 報告値 項目数")),
            (f"reported_rate_{n}", PercentColumn(verbose_name=f"{name} 報告値 達成率", places=1)),
            (f"at_risk_{n}", NumberColumn(verbose_name=f"{name} 見込み 目標に届かない項目")),
        ]
    return BlockTable(comparison_block_rows(plans, blocks), extra_columns=extra)


def comparison_block_rows(plans, blocks) -> list[dict]:
    rows = [{"block": block.name_ja} for block in blocks] + [{"block": "全国"}]
    for c in plans:
        n = c.plan.number
        cells = [(s.tally, s.reported_result) for s in c.blocks]
        cells.append((c.regional.tally, c.reported.get(ReportedResult.Scope.REGIONAL_KPIS)))
        forecasts = c.regional.forecasts
        for row, (tally, reported) in zip(rows, cells, strict=True):
            achieved, items, rate, _printed = reported_figures(reported)
            has_data = c.regional.year is not None
            row |= {
                f"achieved_{n}": tally.achieved if has_data else None,
                f"items_{n}": tally.items or None,
                f"rate_{n}": tally.rate if has_data else None,
                f"reported_achieved_{n}": achieved,
                f"reported_items_{n}": items,
                f"reported_rate_{n}": rate,
                # the year under way only (forecasts are never results)
                f"at_risk_{n}": tally.at_risk if forecasts else None,
            }
    return rows


# --- predecessor chains ---------------------------------------------------------------------------


class ChainTable(tables.Table):
    note = tables.Column(verbose_name="注記", default="")

    class Meta:
        orderable = False
        attrs = {"class": "results chains"}
        sequence = ("...", "note")


def chain_table(plans, chains) -> tables.Table:
    extra = []
    for c in plans:
        name = plan_label(c.plan)
        n = c.plan.number
        extra += [
            (
                f"indicator_{n}",
                tables.Column(
                    verbose_name=f"{name} 指標",
                    default="—",
                    linkify=lambda record, n=n: record.get(f"url_{n}"),
                ),
            ),
            (f"last_{n}", NumberColumn(verbose_name=f"{name} 最終実績")),
            (f"unit_{n}", tables.Column(verbose_name=f"{name} 単位", default="")),
            (f"when_{n}", tables.Column(verbose_name=f"{name} 最終実績の時点", default="")),
        ]
    return ChainTable(chain_rows(chains), extra_columns=extra)


def chain_rows(chains) -> list[dict]:
    rows = []
    indicator_url = indicator_url_maker()
    for chain in chains:
        row = {"note": "／".join(i.note for i in chain if i.predecessor_id and i.note)}
        for indicator in chain:
            n = indicator.kpi.plan.number
            last = last_actual(indicator)
            row |= {
                f"indicator_{n}": indicator_title(indicator),
                f"url_{n}": indicator_url(indicator.pk),
                f"last_{n}": last.value if last else None,
                f"unit_{n}": indicator.unit,
                f"when_{n}": last_actual_label(last) if last else None,
            }
        rows.append(row)
    return rows
