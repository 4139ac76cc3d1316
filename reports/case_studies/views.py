"""/case-studies/: the case-study library (成果事例) and one case study's page.

- library: search (Japanese full text, several terms) and filters (plan, block, region, theme, stage);
- case_study: one case study, printable on one or two A4 pages, with its figures read from the
  indicator's actuals and its history for those who may see the region's drafts;
- new / edit: a draft, written by the region's officer (or the bureau or central staff for it);
- publish: publish a draft (bureau of the block, central staff) or set a published one back to
  draft with a reason (central staff).

The rules live in reports/case_studies/rules.py. A draft outside the user's scope does not exist (404); an
action the role may not take on a case study the user may see is forbidden (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kpis.models import Kpi
from plans.fiscal import fiscal_year_label
from plans.models import Plan
from regions.models import Region
from reports.audit import CONFLICT, WorkflowError
from reports.case_studies import rules
from reports.case_studies.pages import (
    FIELD_LABELS,
    CaseStudyFilter,
    error_list,
    figure_views,
    form_figure_rows,
    form_step_rows,
    form_values,
    parts,
)
from reports.models import CaseStudy, CaseStudyTheme
from reports.posted import posted_list, posted_version

PAGE_SIZE = 30
EMPTY_STEP_ROWS = 3
EMPTY_FIGURE_ROWS = 2
SUCCESS = {
    "create": "成果事例を作成しました（作成中）。公開は経済産業局等または中央の担当者が行います。",
    "save": "成果事例を保存しました。",
    "publish": "成果事例を公開しました。すべての利用者が閲覧できます。",
    "unpublish": "成果事例を作成中に戻しました。再び公開されるまで、地域の外からは見えません。",
}


# --- the library ----------------------------------------------------------------------------------


@login_required
@require_safe
def library(request):
    user = request.user
    filters = CaseStudyFilter(
        request.GET,
        queryset=rules.for_library(rules.visible_case_studies(user)),
        drafts=rules.may_draft(user),
    )
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/case_studies.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "searched": any(request.GET.get(name) for name in filters.filters),
            "may_draft": rules.may_draft(user),
        },
    )


# --- one case study -------------------------------------------------------------------------------


def scoped(user, pk: int) -> CaseStudy:
    """The case study with all the page needs, or 404 when the user may not see it."""
    return get_object_or_404(rules.for_detail(rules.visible_case_studies(user)), pk=pk)


@login_required
@require_safe
def case_study(request, pk: int):
    case = scoped(request.user, pk)
    return render_detail(request, case)


def render_detail(request, case: CaseStudy, *, error: WorkflowError | None = None, posted=None):
    user = request.user
    sees_drafts = rules.may_see_drafts_of(user, case.region)
    stale = error if isinstance(error, rules.StaleCaseStudy) else None
    context = {
        "case": case,
        "plan": case.plan,
        "region": case.region,
        "steps": list(case.steps.all()),
        "figures": figure_views(case),
        "themes": list(case.themes.all()),
        "may_edit": rules.may_edit(user, case),
        "show_publish": not case.is_published and rules.may_publish(user, case),
        "show_unpublish": case.is_published and rules.may_unpublish(user),
        "show_history": sees_drafts,
        "state_history": rules.state_history(case) if sees_drafts else [],
        "field_changes": rules.field_changes(case) if sees_drafts else [],
        "error": error,
        "stale": stale,
        "reason": (posted or {}).get("reason", ""),
        "reason_error": error.field_errors.get("reason", "") if error else "",
    }
    status = 200 if error is None else (CONFLICT if stale else 400)
    return render(request, "reports/case_study.html", context, status=status)


@login_required
@require_POST
def publish(request, pk: int):
    case = scoped(request.user, pk)
    user = request.user
    if not rules.may_publish(user, case) and not rules.may_unpublish(user):
        raise PermissionDenied(rules.MAY_NOT_PUBLISH)
    action = request.POST.get("action")
    try:
        if action not in ("publish", "unpublish"):
            raise WorkflowError("操作（公開・作成中に戻す）を選んでください。")
        version = posted_version(request.POST)
        if action == "publish":
            rules.publish(user, case, version=version)
        else:
            rules.unpublish(user, case, version=version, reason=request.POST.get("reason"))
    except WorkflowError as error:
        return render_detail(request, scoped(user, pk), error=error, posted=request.POST)
    messages.success(request, SUCCESS[action])
    return redirect("reports:case_study", case.pk)


# --- drafting -------------------------------------------------------------------------------------


def render_form(
    request,
    *,
    plan: Plan,
    region: Region,
    case: CaseStudy | None,
    posted=None,
    error: WorkflowError | None = None,
):
    errors = error.field_errors if error else {}
    values = form_values(case)
    if posted is not None:
        values = {name: (posted.get(name) or "") for name in values if name != "themes"}
        values["themes"] = posted_list(posted, "themes")
    steps = parts(form_step_rows(case, posted), ("date_label", "text"), EMPTY_STEP_ROWS, "step", errors)
    figures = parts(
        form_figure_rows(case, posted),
        ("indicator", "fiscal_year", "label"),
        EMPTY_FIGURE_ROWS,
        "figure",
        errors,
    )
    stale = error if isinstance(error, rules.StaleCaseStudy) else None
    context = {
        "case": case,
        "plan": plan,
        "region": region,
        "values": values,
        "errors": errors,
        "error": error,
        "stale": stale,
        "error_list": error_list(errors, steps, figures, posted),
        "steps": steps,
        "figures": figures,
        "kpis": list(rules.region_kpis(plan, region)),
        "indicators": list(rules.region_indicators(plan, region)),
        "years": [(str(year), fiscal_year_label(year)) for year in plan.fiscal_years],
        "stages": [(str(value), label) for value, label in Kpi.Stage.choices],
        "themes": list(CaseStudyTheme.objects.all()),
        "action": reverse("reports:case_study_edit", args=[case.pk])
        if case
        else reverse("reports:case_study_new"),
    }
    status = 200 if error is None else (CONFLICT if stale else 400)
    return render(request, "reports/case_study_form.html", context, status=status)


def chosen(user, raw_plan: str | None, raw_region: str | None) -> tuple[Plan | None, Region | None]:
    """The plan and region a new case study is for, when both are given and the user may draft there."""
    plan = Plan.objects.filter(number=raw_plan).first() if (raw_plan or "").isdecimal() else None
    region = rules.draft_regions(user).filter(code=raw_region).first() if raw_region else None
    return plan, region


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    """First the plan and region (a GET form), then the case study's own form, posted here."""
    user = request.user
    if not rules.may_draft(user):
        raise PermissionDenied(
            "成果事例は、自治体・経済産業局等・中央（特許庁・INPIT）の担当者が作成します。"
        )
    regions = list(rules.draft_regions(user))
    if request.method != "POST" and "plan" not in request.GET:
        return render_chooser(request, regions, None, None, submitted=False)
    source = request.POST if request.method == "POST" else request.GET
    default_region = regions[0].code if len(regions) == 1 else None
    plan, region = chosen(user, source.get("plan"), source.get("region") or default_region)
    if plan is None or region is None:
        return render_chooser(request, regions, plan, region, submitted=True)
    if request.method != "POST":
        return render_form(request, plan=plan, region=region, case=None)
    try:
        data = rules.read_input(request.POST, plan=plan, region=region)
        case = rules.create(user, plan=plan, region=region, data=data)
    except WorkflowError as error:
        return render_form(request, plan=plan, region=region, case=None, posted=request.POST, error=error)
    messages.success(request, SUCCESS["create"])
    return redirect("reports:case_study", case.pk)


def render_chooser(
    request, regions: list[Region], plan: Plan | None, region: Region | None, *, submitted: bool
):
    errors = {}
    if submitted:
        if plan is None:
            errors["plan"] = "行動計画を選んでください。"
        if region is None:
            errors["region"] = "地域を選んでください。"
    plans = list(Plan.objects.action_plans())
    return render(
        request,
        "reports/case_study_new.html",
        {
            "plans": plans,
            "regions": regions,
            "plan_value": str(plan.number) if plan else str(plans[-1].number if plans else ""),
            "region_value": region.code if region else "",
            "errors": errors,
            "error_list": [
                {"id": f"id_{name}", "label": FIELD_LABELS[name], "message": m} for name, m in errors.items()
            ],
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    user = request.user
    case = scoped(user, pk)
    if not rules.may_draft_for(user, case.region):
        raise PermissionDenied(rules.MAY_NOT_DRAFT)
    if case.is_published:
        raise PermissionDenied(rules.LOCKED)
    if request.method != "POST":
        return render_form(request, plan=case.plan, region=case.region, case=case)
    try:
        version = posted_version(request.POST)
        data = rules.read_input(request.POST, plan=case.plan, region=case.region)
        rules.save(user, case, version=version, data=data)
    except WorkflowError as error:
        current = scoped(user, pk)
        return render_form(
            request, plan=current.plan, region=current.region, case=current, posted=request.POST, error=error
        )
    messages.success(request, SUCCESS["save"])
    return redirect("reports:case_study", case.pk)
