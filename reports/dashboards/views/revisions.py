"""/kpis/<id>/revise/: revise an indicator's target or its KPI's text; and the revisions of a
block's regional KPIs (/dashboard/<plan>/blocks/<block>/revisions/), read at the liaison meeting.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from kpis.models import Indicator
from kpis.revision_form import apply_revisions
from kpis.revision_lists import block_revision_list, kpi_revisions
from kpis.revisions import NOT_ALLOWED, NOT_SAVED
from plans.fiscal import fiscal_year_label
from regions import access
from regions.models import Block
from reports.dashboards.indicator_page import years_in_force
from reports.dashboards.pages import export_if_asked, plan_from_url
from reports.dashboards.rows import revision_row
from reports.dashboards.selectors import default_fiscal_year
from reports.display.labels import indicator_title, target_summary
from reports.display.tables import RevisionTable

FIELD_ORDER = ("new_value", "new_text", "effective_fiscal_year", "reason")

# --- revising -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revise(request, indicator_id: int):
    indicator = get_object_or_404(
        Indicator.objects.select_related("kpi__plan", "kpi__region__block").prefetch_related("targets"),
        pk=indicator_id,
    )
    kpi = indicator.kpi
    if not access.may_revise_kpi(request.user, kpi):
        raise PermissionDenied(NOT_ALLOWED)
    plan = kpi.plan
    form = {
        "new_value": "",
        "new_text": kpi.text,
        "effective_fiscal_year": str(default_fiscal_year(plan, timezone.localdate())),
        "reason": "",
    }
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in FIELD_ORDER}
        errors = apply_revisions(request.user, indicator, form)
        if not errors:
            messages.success(
                request, f"目標・KPIを改定しました（{form['effective_fiscal_year']}年度から適用）。"
            )
            return redirect("reports:indicator", indicator.pk)
        status = 400
    return render(
        request,
        "reports/revise.html",
        {
            "indicator": indicator,
            "kpi": kpi,
            "plan": plan,
            "title": indicator_title(indicator),
            "target_summary": target_summary(indicator),
            "years_in_force": years_in_force(indicator),
            "has_target": indicator.target_shape != Indicator.TargetShape.NONE,
            "years": [(year, fiscal_year_label(year)) for year in plan.fiscal_years],
            "form": form,
            "errors": errors,
            "error_summary": NOT_SAVED,
            "error_list": [(name, errors[name]) for name in FIELD_ORDER if name in errors],
            "revisions": [revision_row(r) for r in kpi_revisions(kpi)],
        },
        status=status,
    )


# --- a block's revisions --------------------------------------------------------------------------


@login_required
@require_safe
def block_revisions(request, plan_number: int, block_code: str):
    plan = plan_from_url(plan_number)
    block = get_object_or_404(Block, code=block_code)
    since_text = (request.GET.get("since") or "").strip()
    since, since_error = _since(since_text)
    revisions = block_revision_list(plan, block, since)
    table = RevisionTable([revision_row(r, url=_indicator_url(r)) for r in revisions])
    exported = export_if_asked(
        request,
        {"revisions": table},
        f"revisions_plan{plan.number}_{block.code}" + (f"_since{since}" if since else ""),
    )
    if exported:
        return exported
    return render(
        request,
        "reports/block_revisions.html",
        {
            "plan": plan,
            "region_block": block,
            "table": table,
            "count": len(revisions),
            "since": since,
            "since_text": since_text,
            "since_error": since_error,
        },
        status=400 if since_error else 200,
    )


def _since(text: str) -> tuple[datetime.date | None, str]:
    if not text:
        return None, ""
    try:
        return datetime.date.fromisoformat(text), ""
    except ValueError:
        return None, f"日付「{text}」を読めません。YYYY-MM-DD（例 2024-04-01）の形で入力してください。"


def _indicator_url(revision) -> str:
    indicator_id = revision.indicator_id or revision.first_indicator
    return reverse("reports:indicator", args=[indicator_id]) if indicator_id else None
