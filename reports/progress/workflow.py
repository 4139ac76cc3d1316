"""The half-year progress workflow (003 III-2: every body self-evaluates every half year).

    draft ──submit──▶ submitted ──approve──▶ approved ──reopen (central, reason)──▶ draft
      ▲                   │
      └────return (comment)┘  (returned reports are edited like drafts)

Plain functions, each one transaction: they check who may act (PermissionDenied → 403), refuse a
change based on an outdated version of the report (StaleReport, listing what changed meanwhile: 409),
then check the report's state and the input (WorkflowError with a Japanese message). The version comes
before the state: of two people submitting or approving the same report at once, the second is told
what the first did, not only that the report is no longer a draft. On any error nothing is written.

Approval is what publishes figures: it writes the entries' values as the region's half-year
actuals, which the dashboards count.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kpis.history import recorded, take_version, user_name
from kpis.models import Actual, Indicator, Kpi
from kpis.values import parse_figure
from plans.models import Plan
from regions import access
from regions.models import Region
from reports.dashboards.caching import bump_submissions_version
from reports.display.formatting import display_number
from reports.models import ProgressReport, ReportEntry, ReportingPeriod

State = ProgressReport.State
TEXT_FIELDS = ("activities", "outcomes", "next_steps")
FIELD_PREFIXES = ("value", *TEXT_FIELDS)
MAX_TEXT_LENGTH = 4000
# Actuals written by approval carry this source, so a later approval may replace or remove them.
APPROVED_SOURCE = "半期進捗報告（承認）"


class WorkflowError(Exception):
    """A request the workflow refuses, with the message to show (nothing has been changed)."""

    def __init__(self, message: str, *, field_errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


@dataclass(frozen=True)
class Change:
    """What someone else changed since the version a form was opened at."""

    what: str
    old: str
    new: str
    by: str
    at: datetime.datetime


@dataclass(frozen=True)
class StateChange:
    """One saved step of a report: its state afterwards, who took the step, when and why."""

    state: str
    state_label: str
    reason: str
    by: str
    at: datetime.datetime


class StaleChange(WorkflowError):
    """A save based on a version someone else has moved on from: refused, with what changed meanwhile."""

    subject = "この報告"
    retry = "入力"

    def __init__(self, changes: list[Change]):
        super().__init__(
            f"{self.subject}は、画面を開いた後に更新されています（下の一覧）。送信された内容は保存していません。"
            f"最新の内容を確認してからもう一度{self.retry}してください。"
        )
        self.changes = changes


class StaleReport(StaleChange):
    pass


@dataclass(frozen=True)
class EntryInput:
    value: Decimal | None
    activities: str = ""
    outcomes: str = ""
    next_steps: str = ""


# --- periods ------------------------------------------------------------------------------------


@transaction.atomic
def open_period(user, *, plan: Plan, fiscal_year: int, half: str, deadline: datetime.date) -> ReportingPeriod:
    if not access.may_manage_periods(user):
        raise PermissionDenied
    if fiscal_year not in plan.fiscal_years:
        raise WorkflowError(
            f"{fiscal_year}年度は{plan.name}の期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。"
        )
    if ReportingPeriod.objects.filter(plan=plan, fiscal_year=fiscal_year, half=half).exists():
        raise WorkflowError("この報告期間は既に開設されています。")
    period = ReportingPeriod(plan=plan, fiscal_year=fiscal_year, half=half, deadline=deadline, opened_by=user)
    period.full_clean()
    recorded(user, period, "報告期間の開設").save()
    return period


@transaction.atomic
def set_period_locked(user, period: ReportingPeriod, locked: bool) -> ReportingPeriod:
    if not access.may_manage_periods(user):
        raise PermissionDenied
    period.is_locked = locked
    recorded(user, period, "受付終了" if locked else "受付再開").save(update_fields=["is_locked"])
    return period


# --- reports ------------------------------------------------------------------------------------


def region_indicators(plan: Plan, region: Region) -> QuerySet[Indicator]:
    """The indicators a region reports on in a plan: those of its regional KPIs."""
    return (
        Indicator.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.REGIONAL, kpi__region=region)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code", "order", "code")
    )


@transaction.atomic
def report_of(period: ReportingPeriod, region: Region, user=None) -> ProgressReport:
    """The region's report for the period, created (with an empty line per indicator) on first use.

    A report still being written also gains a line for an indicator added to the region since.
    Lines are saved one by one so that each has a history record to compare later edits with.
    """
    report, created = ProgressReport.objects.get_or_create(period=period, region=region)
    if created or report.is_editable:
        present = set(report.entries.values_list("indicator_id", flat=True))
        for indicator in region_indicators(period.plan, region):
            if indicator.pk not in present:
                recorded(user, ReportEntry(report=report, indicator=indicator), "報告の作成").save()
    return report


def read_inputs(report: ProgressReport, posted: Mapping[str, str]) -> dict[int, EntryInput]:
    """The form's fields (`value-<indicator id>`, `activities-<id>`, …) read and checked.

    A field naming an indicator that is not in this report (a forged or outdated form) refuses the
    whole form; bad values are collected per field so the officer sees every problem at once.
    """
    indicators = {entry.indicator_id: entry.indicator for entry in report.entries.select_related("indicator")}
    foreign = sorted(
        {key for key in _posted_indicator_ids(posted) if key not in indicators}, key=lambda key: str(key)
    )
    if foreign:
        raise WorkflowError(
            "この報告の対象でない指標が送信されました（ID: "
            + ", ".join(str(key) for key in foreign)
            + "）。保存していません。画面を開き直してください。"
        )
    errors: dict[str, str] = {}
    inputs: dict[int, EntryInput] = {}
    for indicator_id, indicator in indicators.items():
        if not any(f"{prefix}-{indicator_id}" in posted for prefix in FIELD_PREFIXES):
            continue
        try:
            value = parse_figure(posted.get(f"value-{indicator_id}"), indicator.measure, label=indicator.name)
        except ValidationError as error:
            errors[f"value-{indicator_id}"] = error.messages[0]
            value = None
        texts = {}
        for name in TEXT_FIELDS:
            text = (posted.get(f"{name}-{indicator_id}") or "").strip()
            if len(text) > MAX_TEXT_LENGTH:
                errors[f"{name}-{indicator_id}"] = (
                    f"{MAX_TEXT_LENGTH}文字以内で入力してください（{len(text)}文字）。"
                )
            texts[name] = text
        inputs[indicator_id] = EntryInput(value=value, **texts)
    if errors:
        raise WorkflowError("入力内容に誤りがあります。保存していません。", field_errors=errors)
    return inputs


def _posted_indicator_ids(posted: Mapping[str, str]) -> set:
    ids = set()
    for key in posted:
        prefix, _sep, suffix = key.partition("-")
        if prefix in FIELD_PREFIXES and suffix:
            ids.add(int(suffix) if suffix.isdecimal() else suffix)
    return ids


@transaction.atomic
def save_draft(
    user, report: ProgressReport, *, version: int, inputs: dict[int, EntryInput]
) -> ProgressReport:
    _check_may_edit(user, report)
    _take_version(report, version)
    _check_editable(report)
    _write_entries(user, report, inputs)
    recorded(user, report, "下書き保存").save()
    return report


@transaction.atomic
def submit(user, report: ProgressReport, *, version: int, inputs: dict[int, EntryInput] | None = None):
    """Save what the form holds and submit the whole report at once."""
    _check_may_edit(user, report)
    _take_version(report, version)
    _check_editable(report)
    if inputs:
        _write_entries(user, report, inputs)
    now = timezone.now()
    report.state = State.SUBMITTED
    report.submitted_at = now
    report.submitted_by = user
    if report.first_submitted_at is None:
        report.first_submitted_at = now
    recorded(user, report, "提出").save()
    # a submitted report shows as 速報 (drafts never reach a dashboard, so saving one bumps nothing)
    bump_submissions_version()
    return report


@transaction.atomic
def return_report(user, report: ProgressReport, *, version: int, comment: str) -> ProgressReport:
    _check_may_review(user, report)
    comment = required_text(
        comment, field="comment", missing="差戻しの理由（コメント）を入力してください。", label="コメント"
    )
    _take_version(report, version)
    _check_reviewable(report)
    report.state = State.RETURNED
    report.return_comment = comment
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    recorded(user, report, f"差戻し: {comment}").save()
    bump_submissions_version()  # no longer 速報
    return report


@transaction.atomic
def approve(user, report: ProgressReport, *, version: int) -> ProgressReport:
    """Approve and publish: the entries' values become the region's actuals for the half.

    Also after the period is closed (受付終了): closing stops submissions and corrections, not the
    review, so that a report submitted before the deadline, or late, is still approved or returned
    and its figures published. A returned report cannot be corrected in a closed period until
    central staff reopen the period.
    """
    _check_may_review(user, report)
    if entered_by(report, user):
        raise PermissionDenied("自分が入力・提出した報告は承認できません。別の確認者が承認してください。")
    _take_version(report, version)
    _check_reviewable(report)
    _publish_entries(user, report)
    report.state = State.APPROVED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    recorded(user, report, "承認").save()
    bump_submissions_version()  # published: its actuals bump the figures' version themselves
    return report


@transaction.atomic
def reopen(user, report: ProgressReport, *, version: int, reason: str) -> ProgressReport:
    """Unlock an approved report for a correction. Its published figures stay until approved again."""
    if not access.may_see_reports_of(user, report.region):
        raise PermissionDenied
    if not access.may_reopen_reports(user):
        raise PermissionDenied("承認済みの報告を再開できるのは中央（特許庁・INPIT）の担当者です。")
    reason = required_text(
        reason, field="reason", missing="再開の理由を入力してください。", label="再開の理由"
    )
    _take_version(report, version)
    if report.state != State.APPROVED:
        raise WorkflowError("承認済みの報告だけが再開の対象です。")
    report.state = State.DRAFT
    report.reopen_reason = reason
    recorded(user, report, f"再開: {reason}").save()
    return report


def required_text(raw: str | None, *, field: str, missing: str, label: str) -> str:
    """A mandatory comment or reason, stripped; refused when empty or longer than the limit."""
    text = (raw or "").strip()
    if not text:
        raise WorkflowError(missing, field_errors={field: "必須です。"})
    if len(text) > MAX_TEXT_LENGTH:
        raise WorkflowError(
            f"{label}は{MAX_TEXT_LENGTH}文字以内で入力してください。",
            field_errors={field: f"{MAX_TEXT_LENGTH}文字以内で入力してください（{len(text)}文字）。"},
        )
    return text


def entered_by(report: ProgressReport, user) -> bool:
    """Did this user ever submit the report or type any of its lines? Then they may not approve it.

    Read from the history, so that a line typed on the region's behalf still counts after the
    officer edited it again, and a submission still counts after a return or a reopening.
    """
    if report.submitted_by_id == user.pk or report.entries.filter(updated_by=user).exists():
        return True
    if report.history.filter(history_user=user, state=State.SUBMITTED).exists():
        return True
    return ReportEntry.history.filter(report_id=report.pk, history_type="~", history_user=user).exists()


# --- optimistic locking ---------------------------------------------------------------------------


def _take_version(report: ProgressReport, version: int) -> None:
    """Move the report to the next version if it is still at `version`, else refuse."""
    if not take_version(report, version):
        raise StaleReport(changes_since(report, version))


def changes_since(report: ProgressReport, version: int) -> list[Change]:
    """What was changed in the report after it was at `version`, from its history."""
    opened = report.history.filter(version=version).order_by("history_date").first()
    since = opened.history_date if opened else report.period.opened_at
    changes = []
    previous_state = opened.state if opened else None
    for record in (
        report.history.filter(history_date__gt=since).select_related("history_user").order_by("history_date")
    ):
        if record.state != previous_state:
            changes.append(
                Change(
                    what="状態",
                    old=_state_label(previous_state),
                    new=_state_label(record.state),
                    by=user_name(record.history_user),
                    at=record.history_date,
                )
            )
        previous_state = record.state
    changes += entry_changes(report, since=since)
    return sorted(changes, key=lambda change: change.at)


def entry_changes(report: ProgressReport, *, since: datetime.datetime | None = None) -> list[Change]:
    """Each changed field of the report's lines (value, 取組内容, …), oldest first."""
    records = ReportEntry.history.filter(report_id=report.pk, history_type="~")
    if since is not None:
        records = records.filter(history_date__gt=since)
    names = dict(Indicator.objects.filter(report_entries__report=report).values_list("pk", "name"))
    shown_fields = ("value", *TEXT_FIELDS)
    changes = []
    for record in records.select_related("history_user").order_by("history_date"):
        previous = record.prev_record
        if previous is None:
            continue
        for delta in record.diff_against(previous, included_fields=shown_fields).changes:
            changes.append(
                Change(
                    what=f"{names.get(record.indicator_id, '')}：{ReportEntry._meta.get_field(delta.field).verbose_name}",
                    old=_shown(delta.old),
                    new=_shown(delta.new),
                    by=user_name(record.history_user),
                    at=record.history_date,
                )
            )
    return changes


def state_history(report: ProgressReport) -> list[StateChange]:
    """Every saved step of the report (作成, 下書き保存, 提出, 差戻し, 承認, 再開), oldest first."""
    return [
        StateChange(
            state=record.state,
            state_label=_state_label(record.state),
            reason=record.history_change_reason or ("作成" if record.history_type == "+" else ""),
            by=user_name(record.history_user),
            at=record.history_date,
        )
        for record in report.history.select_related("history_user").order_by("history_date")
    ]


def _state_label(state: str | None) -> str:
    return "" if state is None else str(State(state).label)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return display_number(value)
    return str(value)


# --- checks and writes ----------------------------------------------------------------------------


def _check_may_edit(user, report: ProgressReport) -> None:
    if not access.may_see_reports_of(user, report.region):
        raise PermissionDenied
    if not access.may_edit_report_of(user, report.region):
        raise PermissionDenied("この地域の報告を入力する権限がありません。")


def _check_editable(report: ProgressReport) -> None:
    if report.period.is_locked:
        raise WorkflowError("この報告期間は受付を終了しています。修正が必要な場合は特許庁にご連絡ください。")
    if report.state == State.SUBMITTED:
        raise WorkflowError("この報告は提出済みです（確認待ち）。差戻しを受けるまで変更できません。")
    if report.state == State.APPROVED:
        raise WorkflowError("この報告は承認済みのため変更できません。修正には特許庁による再開が必要です。")


def _check_may_review(user, report: ProgressReport) -> None:
    if not access.may_see_reports_of(user, report.region):
        raise PermissionDenied
    if not access.may_review_reports_of(user, report.region):
        raise PermissionDenied("この報告を確認（承認・差戻し）する権限がありません。")


def _check_reviewable(report: ProgressReport) -> None:
    """Submitted reports are reviewed, in an open or a closed period alike (see `approve`)."""
    if report.state != State.SUBMITTED:
        raise WorkflowError(f"この報告は「{report.get_state_display()}」のため、承認・差戻しできません。")


def _write_entries(user, report: ProgressReport, inputs: dict[int, EntryInput]) -> None:
    on_behalf = access.enters_on_behalf(user, report.region)
    for entry in report.entries.all():
        new = inputs.get(entry.indicator_id)
        if new is None or _same(entry, new):
            continue
        entry.value = new.value
        entry.activities, entry.outcomes, entry.next_steps = new.activities, new.outcomes, new.next_steps
        entry.updated_by = user
        entry.on_behalf = on_behalf
        recorded(user, entry, "代理入力" if on_behalf else "入力").save()


def _same(entry: ReportEntry, new: EntryInput) -> bool:
    return (entry.value, entry.activities, entry.outcomes, entry.next_steps) == (
        new.value,
        new.activities,
        new.outcomes,
        new.next_steps,
    )


def _publish_entries(user, report: ProgressReport) -> None:
    period = report.period
    entries = list(report.entries.select_related("indicator"))
    # the half's published actuals of every line, in one query
    published = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(
            indicator__in=[entry.indicator_id for entry in entries],
            period=period.half,
            year=period.fiscal_year,
        )
    }
    for entry in entries:
        existing = published.get(entry.indicator_id)
        if entry.value is None:
            if existing is not None and existing.source == APPROVED_SOURCE:
                recorded(user, existing, f"承認（{report}）: 値の取消し").delete()
            continue
        if existing is not None and existing.value == entry.value:
            continue
        actual = existing or Actual(indicator=entry.indicator, period=period.half, year=period.fiscal_year)
        actual.value = entry.value
        actual.source = APPROVED_SOURCE
        recorded(user, actual, f"承認（{report}）").save()
