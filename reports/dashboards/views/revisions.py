"""/kpis/<id>/revise/: revise an indicator's target or its KPI's text; and the revisions of a
block's regional KPIs (/dashboard/<plan>/blocks/<block>/revisions/), read at the liaison meeting.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from kpis.achievement import CUM, CY, YEAR_PERIODS, cumulative_target, target_in_force
from kpis.models import Indicator, Kpi, Revision
from kpis.revisions import (
    NOT_ALLOWED,
    NOT_SAVED,
    RevisionError,
    check_revision,
    kpi_text_error,
    normalised_kpi_text,
    revise_kpi_text,
    revise_target,
)
from kpis.values import parse_figure
from plans.fiscal import fiscal_year_label, fiscal_year_of
from regions import access
from regions.models import Block
from reports.dashboards.pages import export_if_asked, plan_from_url
from reports.dashboards.views.indicator import (
    RevisionTable,
    amount,
    kpi_revisions,
    revision_row,
    short_year_label,
    target_summary,
)
from reports.dashboards.views.national import indicator_title

FIELD_ORDER = ("new_value", "new_text", "effective_fiscal_year", "reason")
NOTHING_TO_REVISE = "目標値またはKPI本文のどちらかを変更してください。"

# --- revising -------------------------------------------------------------------------------------


class _Refused(Exception):
    """Undoes what a form's first revision wrote when its second one is refused."""


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
        "effective_fiscal_year": str(default_year(plan)),
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


def default_year(plan) -> int:
    """This fiscal year, within the plan's years."""
    year = fiscal_year_of(timezone.localdate())
    return min(max(year, plan.start_fiscal_year), plan.end_fiscal_year)


def apply_revisions(user, indicator: Indicator, form: dict) -> dict[str, str]:
    """Revise what the form changes, all or nothing; the errors per field (empty when done)."""
    kpi = indicator.kpi
    errors: dict[str, str] = {}
    year = _year(form["effective_fiscal_year"])
    errors.update(check_revision(kpi.plan, effective_fiscal_year=year, reason=form["reason"]))
    value = None
    try:
        value = parse_figure(form["new_value"], indicator.measure, label="新しい目標値")
    except ValidationError as error:
        errors["new_value"] = error.messages[0]
    text_changed = normalised_kpi_text(form["new_text"]) != normalised_kpi_text(kpi.text)
    if text_changed and (text_error := kpi_text_error(kpi, form["new_text"])):
        errors["new_text"] = text_error
    if value is None and not text_changed and "new_value" not in errors:
        errors["new_value"] = NOTHING_TO_REVISE
    if errors:
        return errors
    try:
        with transaction.atomic():
            if value is not None:
                _collect(errors, revise_target, user, indicator, new_value=value, **_common(year, form))
            if text_changed:
                _collect(errors, revise_kpi_text, user, kpi, new_text=form["new_text"], **_common(year, form))
            if errors:
                raise _Refused
    except _Refused:
        pass
    return errors


def _year(raw: str) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdecimal() else None


def _common(year: int, form: dict) -> dict:
    return {"effective_fiscal_year": year, "reason": form["reason"]}


def _collect(errors: dict, revise_function, *args, **kwargs) -> None:
    try:
        revise_function(*args, **kwargs)
    except RevisionError as error:
        errors.update(error.field_errors or {"new_value": error.message})


def years_in_force(indicator: Indicator) -> list[dict]:
    """The target each year of the plan is judged against now (from the prefetched targets)."""
    targets = list(indicator.targets.all())
    cumulative = indicator.target_shape == Indicator.TargetShape.CUMULATIVE or (
        any(t.period == CUM for t in targets) and not any(t.period in YEAR_PERIODS for t in targets)
    )
    rows = []
    for year in indicator.kpi.plan.fiscal_years:
        if cumulative:
            target = cumulative_target(targets, year)
        else:
            target = target_in_force(targets, year, shape=indicator.target_shape)
        if target is None:
            used = "目標なし"
        elif target.period == CUM:
            used = f"{target.start_year or ''}〜{target.year}年度累計"
        else:
            used = short_year_label(target.year, target.period == CY) + "の目標"
        rows.append(
            {
                "year": fiscal_year_label(year),
                "value": amount(target.value, indicator.unit) if target else "—",
                "used": used,
            }
        )
    return rows


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


def block_revision_list(
    plan,
    block,
    since: datetime.date | None,
    *,
    after: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> list:
    """The revisions of the block's regional KPIs in the plan, newest first: one query.

    `after` and `until` bound the moment of the revision (a meeting pack: since the previous meeting's
    cut-off, up to its own)."""
    first_indicator = Subquery(
        Indicator.objects.filter(kpi=OuterRef("kpi")).order_by("order", "code").values("pk")[:1]
    )
    revisions = (
        Revision.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.REGIONAL, kpi__region__block=block)
        .select_related("kpi__region", "indicator", "revised_by")
        .annotate(first_indicator=first_indicator)
        .order_by("-revised_at", "-pk")
    )
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        revisions = revisions.filter(revised_at__gte=start)
    if after is not None:
        revisions = revisions.filter(revised_at__gt=after)
    if until is not None:
        revisions = revisions.filter(revised_at__lte=until)
    return list(revisions)


def _indicator_url(revision) -> str:
    indicator_id = revision.indicator_id or revision.first_indicator
    return reverse("reports:indicator", args=[indicator_id]) if indicator_id else None
