"""/programme/: the model-region programme (知財経営支援モデル地域創出事業), shown apart from the action plans.

- index: every programme year with its designated regions (知財支援重点エリア) and what it sets out;
- one year: each designated region's indicators judged the plans' way, region by indicator, with the
  total of the designated regions, and per region the table and chart of the block dashboards.

Approved figures, as on every dashboard; 速報 for those who may see submitted reports.
"""

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from plans.fiscal import fiscal_year_label
from plans.models import Plan
from reports.dashboards.block_results import group_results
from reports.dashboards.pages import (
    cached_dashboard,
    export_if_asked,
    judged_regional,
    render_dashboard,
)
from reports.dashboards.programme import (
    by_designated_region,
    designations_of,
    indicator_columns,
    programmes_with_designations,
)
from reports.dashboards.rows import region_section, tally_values
from reports.display.judgements import judged_values
from reports.display.tables import NumberColumn, RateColumn, TallyColumns, TextColumn

# The programme record is single-year: the year is fixed, the half and 速報 are chosen.
FILTERS = ("half",)
TOTAL_LABEL = "指定地域計"


@login_required
@require_safe
def index(request):
    programmes = [
        {
            "plan": plan,
            "year_label": fiscal_year_label(plan.start_fiscal_year),
            "designations": list(plan.designations.all()),
        }
        for plan in programmes_with_designations()
    ]
    return render(request, "reports/programme_index.html", {"programmes": programmes})


@login_required
@require_safe
def programme(request, plan_number: int):
    plan = get_object_or_404(Plan.objects.programmes(), number=plan_number)
    cached = cached_dashboard(request)
    if cached:
        return cached
    filters, period, results = judged_regional(request, plan, only=FILTERS)
    indicators = [row.indicator for row in results]
    designations = designations_of(plan)
    rows, total = by_designated_region(designations, results)
    columns = indicator_columns(indicators)
    matrix = [matrix_record(columns, row) for row in rows]
    # the block dashboards' per-region table and chart, for each designated region
    sections = group_results([d.region for d in designations], (), results)

    tables_ = {
        "summary": RegionTallyTable(tally_rows(plan, rows, total)),
        "indicators": indicator_matrix(columns, matrix),
    }
    shown = [region_section(plan, period, section) for section in sections]
    tables_ |= {s["table_name"]: s["table"] for s in shown}
    exported = export_if_asked(
        request, tables_, f"programme{plan.number}_{period.fiscal_year}{period.half or ''}"
    )
    if exported:
        return exported
    return render_dashboard(
        request,
        "reports/programme.html",
        {
            "plan": plan,
            "period": period,
            "filters": filters,
            "designations": designations,
            "total": total,
            "summary_table": tables_["summary"],
            "matrix_columns": columns,
            "matrix_rows": matrix,
            "sections": shown,
        },
    )


# --- tables ------------------------------------------------------------------------------------------


class RegionTallyTable(TallyColumns):
    region = tables.Column(verbose_name=_("指定地域"), linkify=lambda record: record["url"])
    block = tables.Column(verbose_name=_("ブロック"))
    kind = tables.Column(verbose_name=_("種別"))

    class Meta:
        orderable = False
        attrs = {"class": "results"}
        sequence = ("region", "block", "kind", "items", "reported", "achieved", "rate", "...")


def tally_rows(plan, rows, total) -> list[dict]:
    table = [
        tally_row(
            row.region.name_ja,
            reverse("reports:region", args=[plan.number, row.region.code]),
            row.tally,
            block=row.region.block.name_ja,
            kind=row.region.get_kind_display(),
        )
        for row in rows
    ]
    table.append(tally_row(TOTAL_LABEL, None, total))
    return table


def tally_row(label, url, tally, *, block="", kind="") -> dict:
    return {
        "region": label,
        "url": url,
        "block": block,
        "kind": kind,
        **tally_values(tally),
    }


class IndicatorMatrixTable(tables.Table):
    """The designated region × indicator figures as exported: one row per designated region, four
    columns per indicator. On screen the page draws the same records with grouped headers."""

    region = tables.Column(verbose_name=_("指定地域"), linkify=lambda record: record["url"])

    class Meta:
        orderable = False


def indicator_matrix(columns: list[str], records: list[dict]) -> IndicatorMatrixTable:
    extra = []
    for index, name in enumerate(columns):
        extra += [
            (f"target_{index}", NumberColumn(verbose_name=f"{name} 目標")),
            (f"actual_{index}", NumberColumn(verbose_name=f"{name} 実績")),
            (f"rate_{index}", RateColumn(verbose_name=f"{name} 達成率")),
            (f"status_{index}", TextColumn(verbose_name=f"{name} 状況")),
        ]
    return IndicatorMatrixTable(records, extra_columns=extra)


def matrix_record(columns: list[str], row) -> dict:
    """A designated region's figures per indicator: flat keys for the export, `cells` for the page.
    The status is the rule's word (〇 △ × for a final result, 順調 遅れ … in progress); the rate is
    printed as its source prints it, and the target is the year's, never halved."""
    record = {"region": row.region.name_ja, "url": f"#region-{row.region.code}", "cells": []}
    for index, name in enumerate(columns):
        judged = row.by_name.get(name)
        values = judged_values(judged.result if judged else None, judged.indicator.unit if judged else "")
        cell = {
            "target": judged.result.target_value if judged else None,
            "actual": judged.shown_actual if judged else None,
            "rate": values["rate"],
            "status": values["status"],
        }
        record["cells"].append(cell | {"cell": values["cell"]})
        record |= {f"{key}_{index}": value for key, value in cell.items()}
    return record
