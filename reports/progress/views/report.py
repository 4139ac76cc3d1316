"""/progress/: the half-year progress reports.

- index: what the user can act on (an officer's own region, a bureau's block, central overview);
- report: one region's report for one period, entered by the region's officer (or on its behalf by
  the bureau or central staff), read-only once submitted;
- review / reopen: approve or return a submitted report; reopen an approved one (central staff).

The rules live in reports/progress/workflow.py; this module reads the request, asks them, and
renders. Outside the user's scope a region's reports do not exist (404); an action the role may not
take is forbidden (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from kpis.history import user_name
from plans.models import Plan
from regions import access
from regions.models import Region
from reports.audit import CONFLICT
from reports.display.exports import export_response, requested_format
from reports.display.labels import fiscal_period_label
from reports.models import ProgressReport, ReportingPeriod
from reports.posted import posted_version
from reports.progress import workflow
from reports.progress.export import report_lines_table
from reports.progress.overview import (
    bureau_overview,
    central_overview,
    lateness,
    officer_overview,
    report_url,
)
from reports.progress.report_form import CAUSE_CHOICES, indicators_with_figures, report_lines, summary_links

State = ProgressReport.State
SUCCESS = {
    "save": "下書きを保存しました。",
    "submit": "報告を提出しました。経済産業局等による確認をお待ちください。",
    "return": "報告を差し戻しました。差戻しコメントは報告の担当者に表示されます。",
    "approve": "報告を承認しました。実績として公開され、ダッシュボードに反映されます。",
    "reopen": "承認済みの報告を再開しました（作成中に戻しました）。",
}
# The three forms of the report page: the report itself, the review and the reopening.
REPORT_FORM, REVIEW_FORM, REOPEN_FORM = "report", "review", "reopen"
ACTIONS = {
    REPORT_FORM: ("save", "submit", "back"),
    REVIEW_FORM: ("approve", "return"),
    REOPEN_FORM: ("reopen",),
}
CHOOSE_ACTION = {
    REPORT_FORM: "操作（下書き保存・提出）を選んでください。",
    REVIEW_FORM: "操作（承認・差戻し）を選んでください。",
}


# --- the list ---------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    role = access.access_of(request.user)
    today = timezone.localdate()
    if role.is_central:
        context = central_overview(request.user, today)
    elif role.is_bureau:
        context = bureau_overview(request.user, role.block_id, today)
    elif role.is_officer:
        context = officer_overview(request.user, role.region_id, today)
    else:
        raise PermissionDenied(
            "半期進捗報告のページは、自治体・経済産業局等・中央（特許庁・INPIT）の担当者が使うページです。"
        )
    context["may_see_status_board"] = access.may_see_status_board(request.user)
    context["may_manage_periods"] = access.may_manage_periods(request.user)
    return render(request, "reports/progress_index.html", context)


# --- one report -----------------------------------------------------------------------------------


def scoped(
    user, region_code: str, fiscal_year: int, half: str, *, programme: bool = False
) -> tuple[Region, ReportingPeriod]:
    """The region and period of the URL, or 404 when either is missing or the region's reports are
    outside the user's scope. `programme`: the model-region programme's period of that half, whose
    reports have their own addresses (…/programme/); the others are the action plans'."""
    region = Region.objects.select_related("block").filter(code=region_code).first()
    if region is None or not access.may_see_reports_of(user, region):
        raise Http404("この報告は見つかりません。")
    period = (
        ReportingPeriod.objects.select_related("plan")
        .filter(
            fiscal_year=fiscal_year,
            half=half,
            plan__kind=Plan.Kind.PROGRAMME if programme else Plan.Kind.ACTION_PLAN,
            plan__start_fiscal_year__lte=fiscal_year,
            plan__end_fiscal_year__gte=fiscal_year,
        )
        .order_by("-plan__number")
        .first()
    )
    if period is None:
        raise Http404("この報告期間は開設されていません。")
    return region, period


def existing_report(user, region_code: str, fiscal_year: int, half: str, programme: bool):
    """The region, the period and the report of the URL; 404 while the region has no report."""
    region, period = scoped(user, region_code, fiscal_year, half, programme=programme)
    return region, period, get_object_or_404(ProgressReport, period=period, region=region)


@login_required
def report(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period = scoped(request.user, region_code, fiscal_year, half, programme=programme)
    # read through the period, which it then knows (its deadline, its lock), with the users it names
    current = period.reports.filter(region=region).select_related("submitted_by", "reviewed_by").first()
    file_format = requested_format(request)
    if request.method != "POST" and file_format and current is not None:
        entries = current.entries.select_related("indicator__kpi")
        filename = f"report_{region.code}_{period.fiscal_year}_{period.half}"
        return export_response(report_lines_table(entries), file_format=file_format, filename=filename)
    if request.method != "POST":
        # built in memory: the report (and a line for an indicator added since) is stored on the first save
        return render_report(request, region, period, current)
    refusal = workflow.refusal_to_start(request.user, region, period, current)
    if refusal is not None:
        return render_report(request, region, period, current, refusal=refusal, posted=request.POST)
    current = workflow.report_of(period, region, request.user)
    action = request.POST.get("action")
    if action == "back":  # from the confirmation page back to the form, with everything typed
        return render_report(request, region, period, current, posted=request.POST, kept=True)
    if action == "submit" and request.POST.get("confirmed") != "1":
        return confirm_submission(request, region, period, current)

    def step(version: int):
        inputs = workflow.read_inputs(current, request.POST)
        save = workflow.save_draft if action == "save" else workflow.submit
        save(request.user, current, version=version, inputs=inputs)

    return attempt(request, region, period, current, step, form=REPORT_FORM, action=action)


@login_required
@require_POST
def review(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period, current = existing_report(request.user, region_code, fiscal_year, half, programme)
    if not access.may_review_reports_of(request.user, region):
        raise PermissionDenied("この報告を確認（承認・差戻し）する権限がありません。")
    action = request.POST.get("action")

    def step(version: int):
        if action == "approve":
            workflow.approve(request.user, current, version=version)
        else:
            comment = request.POST.get("comment")
            workflow.return_report(request.user, current, version=version, comment=comment)

    return attempt(request, region, period, current, step, form=REVIEW_FORM, action=action)


@login_required
@require_POST
def reopen(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period, current = existing_report(request.user, region_code, fiscal_year, half, programme)
    if not access.may_reopen_reports(request.user):
        raise PermissionDenied(workflow.REOPEN.forbidden)

    def step(version: int):
        workflow.reopen(request.user, current, version=version, reason=request.POST.get("reason"))

    return attempt(request, region, period, current, step, form=REOPEN_FORM, action="reopen")


def attempt(request, region, period, current, step, *, form: str, action: str):
    """Run one workflow step (an action the form offers, at the version the page was opened at);
    refused, the page again with what was sent (409 when someone changed the report meanwhile),
    else back to the report with the step's message."""
    try:
        if action not in ACTIONS[form]:
            raise workflow.WorkflowError(CHOOSE_ACTION[form])
        step(posted_version(request.POST))
    except workflow.WorkflowError as refusal:
        current.refresh_from_db()
        return render_report(
            request, region, period, current, refusal=refusal, form=form, posted=request.POST
        )
    messages.success(request, SUCCESS[action])
    return redirect(report_url(region, period))


# --- rendering --------------------------------------------------------------------------------------


def confirm_submission(request, region, period, current):
    """提出's first step: the lines as they would be submitted beside their targets and pace, with
    the warnings; only the confirming POST (the same fields, `confirmed`, the version the form was
    opened at) submits. Refused (incomplete, unexplained, changed meanwhile), the form again with
    everything typed. Nothing is written here."""
    # read once, for the checks and for the lines shown
    indicators = list(indicators_with_figures(period, region))
    try:
        inputs = workflow.read_inputs(current, request.POST)
        workflow.check_submission(
            request.user,
            current,
            version=posted_version(request.POST),
            inputs=inputs,
            indicators=indicators,
        )
    except workflow.WorkflowError as refusal:
        return render_report(request, region, period, current, refusal=refusal, posted=request.POST)
    lines = report_lines(region, period, current, keep=request.POST, indicators=indicators)
    context = {
        "region": region,
        "period": period,
        "plan": period.plan,
        "period_label": fiscal_period_label(period.fiscal_year, period.half),
        "lines": lines,
        "flagged": [line for line in lines if line.warnings],
        "carried": carried_fields(request.POST),
        "version": request.POST.get("version", ""),
        "action_url": report_url(region, period, REPORT_FORM),
    }
    return render(request, "reports/progress_confirm.html", context)


def carried_fields(posted) -> list[tuple[str, str]]:
    """The form's fields as the confirmation page sends them again (hidden), but its own controls."""
    own = ("csrfmiddlewaretoken", "action", "confirmed", "version")
    return [(name, value) for name in posted if name not in own for value in posted.getlist(name)]


def render_report(
    request, region, period, current, *, refusal=None, form: str = REPORT_FORM, posted=None, kept=False
):
    """The report page; after a refusal, `form` is the one that was sent and `posted` what it held
    (`kept`: shown again without a refusal, back from the confirmation page)."""
    user = request.user
    stale = refusal if isinstance(refusal, workflow.StaleReport) else None
    error = refusal if stale is None else None
    errors = {name: error if form == name else None for name in (REPORT_FORM, REVIEW_FORM, REOPEN_FORM)}
    sent = {name: (posted or {}) if form == name else {} for name in (REVIEW_FORM, REOPEN_FORM)}
    editable = workflow.may_type_into(user, region, period, current)
    report_posted = posted if form == REPORT_FORM else None
    field_errors = errors[REPORT_FORM].field_errors if errors[REPORT_FORM] else {}
    # after a refused save the form keeps what was typed; after a conflict it shows the current values
    keep = report_posted if ((errors[REPORT_FORM] is not None or kept) and editable) else None
    lines = report_lines(
        region, period, current, keep=keep, errors=field_errors, sent=report_posted if stale else None
    )
    context = {
        "region": region,
        "period": period,
        "plan": period.plan,
        "period_label": fiscal_period_label(period.fiscal_year, period.half),
        "report": current,
        "lines": lines,
        "editable": editable,
        "late_label": lateness(current, period, timezone.localdate()),
        "submitted_by": user_name(current.submitted_by) if current and current.submitted_by else "",
        "reviewed_by": user_name(current.reviewed_by) if current and current.reviewed_by else "",
        "flagged": [line for line in lines if line.entry is not None and line.entry.warnings],
        "cause_choices": CAUSE_CHOICES,
        "version": (posted or {}).get("version") if kept else (current.version if current else 0),
        "error": refusal,
        "field_errors": summary_links(lines, field_errors, errors[REVIEW_FORM], errors[REOPEN_FORM]),
        "stale": stale,
        **review_context(user, region, current, sent[REVIEW_FORM], errors[REVIEW_FORM]),
        **reopen_context(user, current, sent[REOPEN_FORM], errors[REOPEN_FORM]),
        "state_history": workflow.state_history(current) if current else [],
        "entry_changes": workflow.entry_changes(current) if current else [],
        "urls": {name: report_url(region, period, name) for name in (REPORT_FORM, REVIEW_FORM, REOPEN_FORM)},
    }
    status = 200 if refusal is None else (CONFLICT if stale is not None else 400)
    return render(request, "reports/progress_report.html", context, status=status)


def review_context(user, region, current, sent: dict, error) -> dict:
    reviewer = current is not None and access.may_review_reports_of(user, region)
    submitted = reviewer and current.state == State.SUBMITTED
    return {
        "show_review": submitted,
        "may_approve": submitted and not workflow.entered_by(current, user),
        "review_comment": sent.get("comment", ""),
        "review_errors": error.field_errors if error else {},
    }


def reopen_context(user, current, sent: dict, error) -> dict:
    return {
        "show_reopen": current is not None
        and current.state == State.APPROVED
        and access.may_reopen_reports(user),
        "reopen_reason": sent.get("reason", ""),
        "reopen_errors": error.field_errors if error else {},
    }
