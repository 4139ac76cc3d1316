"""/progress/: the half-year progress reports.

- index: what the user can act on (an officer's own region, a bureau's block, central overview);
- report: one region's report for one period, entered by the region's officer (or on its behalf by
  the bureau or central staff), read-only once submitted;
- review / reopen: approve or return a submitted report; reopen an approved one (central staff).

The rules live in reports/workflow.py; this module reads the request, asks them, and renders.
Outside the user's scope a region's reports do not exist (404); an action the role may not take is
forbidden (403).
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from kpis.achievement import CUMULATIVE, NO_TARGET, cumulative_target, target_in_force
from kpis.figures import target_figure
from kpis.models import Actual, Indicator, Kpi
from plans.fiscal import fiscal_year_label
from plans.models import Plan
from regions import access
from regions.models import Block, Region
from reports.dashboards.programme import report_url_name
from reports.dashboards.views.indicator import last_actual_label, target_label
from reports.display.formatting import plain_number
from reports.models import Half, ProgressReport, ReportEntry, ReportingPeriod
from reports.progress import workflow

State = ProgressReport.State
PREVIOUS_ACTUALS = 4
# the order of the periods of one year, for "earlier than this half"
PERIOD_ORDER = {"h1": 0, "h2": 1, "fy": 2, "cy": 2, "cum": 3}
NOT_STARTED = "not_started"
NOT_STARTED_LABEL = "未着手"
TEXT_LABELS = {"activities": "取組内容", "outcomes": "成果", "next_steps": "課題・次の取組"}
SUCCESS = {
    "save": "下書きを保存しました。",
    "submit": "報告を提出しました。経済産業局等による確認をお待ちください。",
    "return": "報告を差し戻しました。差戻しコメントは報告の担当者に表示されます。",
    "approve": "報告を承認しました。実績として公開され、ダッシュボードに反映されます。",
    "reopen": "承認済みの報告を再開しました（作成中に戻しました）。",
}
# A report someone else changed meanwhile: the request conflicts with the current state.
CONFLICT = 409


# --- the list ---------------------------------------------------------------------------------------


@login_required
@require_safe
def index(request):
    role = access.access_of(request.user)
    today = timezone.localdate()
    if role.is_central:
        context = central_overview(today)
    elif role.is_bureau:
        context = bureau_overview(role.block_id, today)
    elif role.is_officer:
        context = officer_overview(role.region_id, today)
    else:
        raise PermissionDenied(
            "半期進捗報告のページは、自治体・経済産業局等・中央（特許庁・INPIT）の担当者が使うページです。"
        )
    context["may_see_status_board"] = access.may_see_status_board(request.user)
    context["may_manage_periods"] = access.may_manage_periods(request.user)
    return render(request, "reports/progress_index.html", context)


@dataclass
class ReportRow:
    period: ReportingPeriod
    region: Region
    report: ProgressReport | None
    today: datetime.date

    @property
    def url(self) -> str:
        return report_url(self.region, self.period)

    @property
    def state(self) -> str:
        return self.report.state if self.report else NOT_STARTED

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else NOT_STARTED_LABEL

    @property
    def late_label(self) -> str:
        return lateness(self.report, self.period, self.today)

    @property
    def waiting_for_review(self) -> bool:
        return self.state == State.SUBMITTED


def officer_overview(region_id: int, today: datetime.date) -> dict:
    region = Region.objects.select_related("block").get(pk=region_id)
    plans = Kpi.objects.filter(region=region, level=Kpi.Level.REGIONAL).values("plan_id")
    periods = ReportingPeriod.objects.filter(plan_id__in=plans).select_related("plan")
    reports = {r.period_id: r for r in ProgressReport.objects.filter(region=region).select_related("period")}
    rows = [ReportRow(p, region, reports.get(p.pk), today) for p in periods]
    return {"view": "officer", "region": region, "rows": rows}


def bureau_overview(block_id: int, today: datetime.date) -> dict:
    periods = list(ReportingPeriod.objects.filter(is_locked=False).select_related("plan"))
    rows = []
    for period in periods:
        regions = reporting_regions(period).filter(block_id=block_id)
        reports = {
            r.region_id: r
            for r in ProgressReport.objects.filter(period=period, region__block_id=block_id).select_related(
                "period"
            )
        }
        rows += [ReportRow(period, region, reports.get(region.pk), today) for region in regions]
    waiting = [row for row in rows if row.waiting_for_review]
    others = [row for row in rows if not row.waiting_for_review]
    return {
        "view": "bureau",
        "block": Block.objects.get(pk=block_id),
        "waiting": waiting,
        "rows": others,
    }


@dataclass
class PeriodSummary:
    period: ReportingPeriod
    counts: list[tuple[str, str, int]]
    rows: list[ReportRow] = field(default_factory=list)


def central_overview(today: datetime.date) -> dict:
    summaries, waiting = [], []
    for period in ReportingPeriod.objects.filter(is_locked=False).select_related("plan"):
        reports = {
            r.region_id: r for r in ProgressReport.objects.filter(period=period).select_related("period")
        }
        rows = [
            ReportRow(period, region, reports.get(region.pk), today) for region in reporting_regions(period)
        ]
        by_state = Counter(row.state for row in rows)
        counts = [(NOT_STARTED, NOT_STARTED_LABEL, by_state[NOT_STARTED])]
        counts += [(state.value, str(state.label), by_state[state.value]) for state in State]
        summaries.append(PeriodSummary(period, counts, rows))
        waiting += [row for row in rows if row.waiting_for_review]
    return {"view": "central", "summaries": summaries, "waiting": waiting}


def reporting_regions(period: ReportingPeriod):
    """The regions with regional KPIs in the period's plan: those who report."""
    kpis = Kpi.objects.filter(plan_id=period.plan_id, level=Kpi.Level.REGIONAL).values("region_id")
    return Region.objects.filter(pk__in=kpis).select_related("block").order_by("order", "code")


def lateness(report: ProgressReport | None, period: ReportingPeriod, today: datetime.date) -> str:
    """遅延 N日 for a late submission; 期限超過 N日（未提出） while still missing after the deadline."""
    if report is not None and report.first_submitted_at is not None:
        return f"遅延 {report.days_late}日" if report.is_late else ""
    overdue = (today - period.deadline).days
    return f"期限超過 {overdue}日（未提出）" if overdue > 0 else ""


def report_url(region: Region, period: ReportingPeriod, action: str = "report") -> str:
    return reverse(report_url_name(period, action), args=[region.code, period.fiscal_year, period.half])


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


def may_edit(user, region: Region, period: ReportingPeriod) -> bool:
    return access.may_edit_report_of(user, region) and not period.is_locked


@login_required
def report(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period = scoped(request.user, region_code, fiscal_year, half, programme=programme)
    current = ProgressReport.objects.filter(period=period, region=region).first()
    if may_edit(request.user, region, period) and (current is None or current.is_editable):
        current = workflow.report_of(period, region, request.user)
    if request.method != "POST":
        return render_report(request, region, period, current)
    if current is None:
        # a locked period without a report: nothing to save into
        error = workflow.WorkflowError("この報告期間は受付を終了しています。保存していません。")
        return render_report(request, region, period, None, error=error, posted=request.POST)
    action = request.POST.get("action")
    try:
        if action not in ("save", "submit"):
            raise workflow.WorkflowError("操作（下書き保存・提出）を選んでください。")
        version = posted_version(request.POST)
        inputs = workflow.read_inputs(current, request.POST)
        if action == "save":
            workflow.save_draft(request.user, current, version=version, inputs=inputs)
        else:
            workflow.submit(request.user, current, version=version, inputs=inputs)
    except workflow.StaleReport as stale:
        current.refresh_from_db()
        return render_report(request, region, period, current, stale=stale, posted=request.POST)
    except workflow.WorkflowError as error:
        current.refresh_from_db()
        return render_report(request, region, period, current, error=error, posted=request.POST)
    messages.success(request, SUCCESS[action])
    return redirect(report_url(region, period))


@login_required
@require_POST
def review(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period = scoped(request.user, region_code, fiscal_year, half, programme=programme)
    current = get_object_or_404(ProgressReport, period=period, region=region)
    if not access.may_review_reports_of(request.user, region):
        raise PermissionDenied("この報告を確認（承認・差戻し）する権限がありません。")
    action = request.POST.get("action")
    try:
        if action not in ("approve", "return"):
            raise workflow.WorkflowError("操作（承認・差戻し）を選んでください。")
        version = posted_version(request.POST)
        if action == "approve":
            workflow.approve(request.user, current, version=version)
        else:
            workflow.return_report(
                request.user, current, version=version, comment=request.POST.get("comment")
            )
    except workflow.StaleReport as stale:
        current.refresh_from_db()
        return render_report(request, region, period, current, stale=stale, review_posted=request.POST)
    except workflow.WorkflowError as error:
        current.refresh_from_db()
        return render_report(request, region, period, current, review_error=error, review_posted=request.POST)
    messages.success(request, SUCCESS[action])
    return redirect(report_url(region, period))


@login_required
@require_POST
def reopen(request, region_code: str, fiscal_year: int, half: str, programme: bool = False):
    region, period = scoped(request.user, region_code, fiscal_year, half, programme=programme)
    current = get_object_or_404(ProgressReport, period=period, region=region)
    if not access.may_reopen_reports(request.user):
        raise PermissionDenied("承認済みの報告を再開できるのは中央（特許庁・INPIT）の担当者です。")
    try:
        version = posted_version(request.POST)
        workflow.reopen(request.user, current, version=version, reason=request.POST.get("reason"))
    except workflow.StaleReport as stale:
        current.refresh_from_db()
        return render_report(request, region, period, current, stale=stale, reopen_posted=request.POST)
    except workflow.WorkflowError as error:
        current.refresh_from_db()
        return render_report(request, region, period, current, reopen_error=error, reopen_posted=request.POST)
    messages.success(request, SUCCESS["reopen"])
    return redirect(report_url(region, period))


def posted_version(posted) -> int:
    raw = (posted.get("version") or "").strip()
    if not raw.isdecimal() or not raw.isascii():
        raise workflow.WorkflowError(
            "画面の版情報がないため保存していません。画面を開き直してからもう一度操作してください。"
        )
    return int(raw)


# --- rendering --------------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    label: str
    value: str
    error: str = ""
    # in a conflict: what the user sent, when it differs from the current value
    sent: str | None = None

    @property
    def id(self) -> str:
        return f"id_{self.name}"


@dataclass
class Line:
    indicator: Indicator
    entry: ReportEntry | None
    target: str
    previous: list[tuple[str, str]]
    value: Field
    texts: list[Field]

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi

    @property
    def fields(self) -> list[Field]:
        return [self.value, *self.texts]

    @property
    def entered_by(self) -> str:
        if self.entry is None or self.entry.updated_by is None:
            return ""
        return workflow.user_name(self.entry.updated_by)


def render_report(
    request,
    region: Region,
    period: ReportingPeriod,
    current: ProgressReport | None,
    *,
    posted=None,
    error: workflow.WorkflowError | None = None,
    stale: workflow.StaleReport | None = None,
    review_posted=None,
    review_error: workflow.WorkflowError | None = None,
    reopen_posted=None,
    reopen_error: workflow.WorkflowError | None = None,
):
    user = request.user
    editable = current is not None and current.is_editable and may_edit(user, region, period)
    field_errors = error.field_errors if error else {}
    # after a refused save the form keeps what was typed; after a conflict it shows the current values
    keep = posted if (error is not None and stale is None and editable) else None
    lines = report_lines(
        region, period, current, keep=keep, errors=field_errors, sent=posted if stale else None
    )
    reviewer = current is not None and access.may_review_reports_of(user, region)
    may_approve = reviewer and current.state == State.SUBMITTED and not workflow.entered_by(current, user)
    problems = error or review_error or reopen_error or stale
    context = {
        "region": region,
        "period": period,
        "plan": period.plan,
        "period_label": f"{fiscal_year_label(period.fiscal_year)} {Half(period.half).label}",
        "report": current,
        "lines": lines,
        "editable": editable,
        "late_label": lateness(current, period, timezone.localdate()),
        "submitted_by": workflow.user_name(current.submitted_by) if current and current.submitted_by else "",
        "reviewed_by": workflow.user_name(current.reviewed_by) if current and current.reviewed_by else "",
        "error": problems,
        "field_errors": summary_links(lines, field_errors, review_error, reopen_error),
        "stale": stale,
        "show_review": reviewer and current.state == State.SUBMITTED,
        "may_approve": may_approve,
        "review_comment": (review_posted or {}).get("comment", ""),
        "review_errors": review_error.field_errors if review_error else {},
        "show_reopen": current is not None
        and current.state == State.APPROVED
        and access.may_reopen_reports(user),
        "reopen_reason": (reopen_posted or {}).get("reason", ""),
        "reopen_errors": reopen_error.field_errors if reopen_error else {},
        "state_history": workflow.state_history(current) if current else [],
        "entry_changes": workflow.entry_changes(current) if current else [],
        "urls": {
            "report": report_url(region, period),
            "review": report_url(region, period, "review"),
            "reopen": report_url(region, period, "reopen"),
        },
    }
    if problems is None:
        status = 200
    elif stale is not None:
        status = CONFLICT
    else:
        status = 400
    return render(request, "reports/progress_report.html", context, status=status)


def summary_links(lines: list[Line], errors: dict, review_error=None, reopen_error=None) -> list[dict]:
    """The field errors in the order of the page, each linking to its field."""
    links = []
    for line in lines:
        for item in line.fields:
            if item.name in errors:
                label = f"{line.indicator.name}・{item.label}"
                links.append({"id": item.id, "label": label, "message": errors[item.name]})
    for problem, name, label in (
        (review_error, "comment", "コメント"),
        (reopen_error, "reason", "再開の理由"),
    ):
        if problem is not None and name in problem.field_errors:
            links.append({"id": f"id_{name}", "label": label, "message": problem.field_errors[name]})
    return links


def report_lines(region, period, current, *, keep=None, errors=None, sent=None) -> list[Line]:
    errors = errors or {}
    indicators = indicators_with_figures(period, region)
    entries = {}
    if current is not None:
        entries = {e.indicator_id: e for e in current.entries.select_related("updated_by")}
    lines = []
    for indicator in indicators:
        if current is not None and indicator.pk not in entries:
            continue
        entry = entries.get(indicator.pk)
        current_values = {
            "value": shown_value(entry.value) if entry else "",
            **{name: getattr(entry, name) if entry else "" for name in workflow.TEXT_FIELDS},
        }

        def make(name: str, label: str, indicator=indicator, current_values=current_values) -> Field:
            key = f"{name}-{indicator.pk}"
            value = current_values[name]
            if keep is not None and key in keep:
                value = keep.get(key, "")
            item = Field(name=key, label=label, value=value, error=errors.get(key, ""))
            if (
                sent is not None
                and key in sent
                and sent.get(key, "").strip() != str(current_values[name]).strip()
            ):
                item.sent = sent.get(key, "")
            return item

        lines.append(
            Line(
                indicator=indicator,
                entry=entry,
                target=target_text(indicator, period.fiscal_year, period.half),
                previous=previous_actuals(indicator, period),
                value=make("value", f"今期の実績（{indicator.unit}）"),
                texts=[make(name, label) for name, label in TEXT_LABELS.items()],
            )
        )
    return lines


def indicators_with_figures(period: ReportingPeriod, region: Region):
    return workflow.region_indicators(period.plan, region).prefetch_related(
        "targets", Prefetch("actuals", queryset=Actual.objects.order_by("year", "period"))
    )


def shown_value(value) -> str:
    number = plain_number(value)
    return "" if number is None else str(number)


def target_text(indicator: Indicator, fiscal_year: int, half: str) -> str:
    """The target in force for the fiscal year, as the documents write it."""
    if indicator.target_shape == NO_TARGET:
        return "数値目標なし"
    targets = list(indicator.targets.all())
    figures = [target_figure(t) for t in targets]
    if indicator.target_shape == CUMULATIVE:
        chosen = cumulative_target(figures, fiscal_year) or target_in_force(
            figures, fiscal_year, shape=indicator.target_shape
        )
    else:
        chosen = target_in_force(figures, fiscal_year, shape=indicator.target_shape) or cumulative_target(
            figures, fiscal_year
        )
    labels = [target_label(t, indicator.unit) for t in targets if t.period == half and t.year == fiscal_year]
    if chosen is not None:
        match = next((t for t in targets if (t.period, t.year) == (chosen.period, chosen.year)), None)
        if match is not None:
            labels.append(target_label(match, indicator.unit))
    return "、".join(labels) or "目標未設定"


def previous_actuals(indicator: Indicator, period: ReportingPeriod) -> list[tuple[str, str]]:
    """The indicator's latest actuals in the plan before this half year (at most PREVIOUS_ACTUALS)."""
    here = (period.fiscal_year, PERIOD_ORDER[period.half])
    start = period.plan.start_fiscal_year
    earlier = [
        a
        for a in indicator.actuals.all()
        if a.year >= start and (a.year, PERIOD_ORDER.get(a.period, 9)) < here
    ]
    earlier.sort(key=lambda a: (a.year, PERIOD_ORDER.get(a.period, 9)))
    return [
        (last_actual_label(a), f"{shown_value(a.value)}{indicator.unit}") for a in earlier[-PREVIOUS_ACTUALS:]
    ]
