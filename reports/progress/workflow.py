"""The half-year progress workflow (003 III-2: every body self-evaluates every half year).

    draft ──submit──▶ submitted ──approve──▶ approved ──reopen (central, reason)──▶ draft
      ▲                   │
      └────return (comment)┘  (returned reports are edited like drafts)

Plain functions, each one transaction: they check who may act (PermissionDenied → 403), refuse a
change based on an outdated version of the report (StaleReport, listing what changed meanwhile: 409),
then check the report's state and the input (WorkflowError with a Japanese message). The version comes
before the state: of two people submitting or approving the same report at once, the second is told
what the first did, not only that the report is no longer a draft. On any error nothing is written.

Only a complete report is submitted, every flagged value explained (reports/progress/checks.py);
`check_submission` runs the same checks without writing, for the confirmation page.

Approval is what publishes figures (reports/progress/publishing.py): it writes the entries' values
as the region's half-year actuals, which the dashboards count, and a 上期 report's year-end
forecasts (年度末見込み) as the year's published forecasts, shown beside the figures and never
counted (reports/progress/forecasts.py).
Periods are opened and closed in reports/progress/periods.py, the report's history is read back in
reports/progress/history.py; both are part of this workflow's public face and importable from here.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kpis.bulk_history import create_with_history, update_with_history
from kpis.history import recorded, take_version
from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions import access
from regions.models import Region
from reports.audit import MAX_TEXT_LENGTH, BackToDraft, StaleChange, WorkflowError, required_text
from reports.dashboards.caching import bump_submissions_version
from reports.models import ProgressReport, ReportEntry, ReportingPeriod
from reports.posted import foreign_ids_message, posted_ids, read_figure, read_text
from reports.progress.checks import CHECK_FIELDS, check_complete, lines_as_typed, read_line_checks
from reports.progress.forecasts import FORECAST_FIELDS, read_entry_forecast
from reports.progress.history import TEXT_FIELDS, changes_since, entry_changes, state_history
from reports.progress.periods import (
    StalePeriod,
    change_deadline,
    deadline_history,
    open_period,
    set_period_locked,
)
from reports.progress.publishing import publish_entries

__all__ = [
    "APPROVED_SOURCE",
    "MAX_TEXT_LENGTH",
    "TEXT_FIELDS",
    "EntryInput",
    "StaleReport",
    "WorkflowError",
    "approve",
    "changes_since",
    "check_submission",
    "EDIT",
    "REVIEW",
    "VIEW",
    "entered_by",
    "may_edit",
    "may_type_into",
    "refusal_to_start",
    "offered_action",
    "entry_changes",
    "open_period",
    "read_inputs",
    "region_indicators",
    "reopen",
    "report_of",
    "return_report",
    "save_draft",
    "set_period_locked",
    "StalePeriod",
    "change_deadline",
    "deadline_history",
    "state_history",
    "submit",
]

State = ProgressReport.State
FIELD_PREFIXES = ("value", *CHECK_FIELDS, *FORECAST_FIELDS, *TEXT_FIELDS)
# Actuals written by approval carry this source, so a later approval may replace or remove them.
APPROVED_SOURCE = "半期進捗報告（承認）"
MAY_NOT_REOPEN = "承認済みの報告を再開できるのは中央（特許庁・INPIT）の担当者です。"
NOT_APPROVED = "承認済みの報告だけが再開の対象です。"
NO_REOPEN_REASON = "再開の理由を入力してください。"
REOPEN = BackToDraft("再開", "reopen_reason", "再開の理由", MAY_NOT_REOPEN, NOT_APPROVED, NO_REOPEN_REASON)


# A stored report starts at version 1 (see the model); a form opened before it was stored sends 0.
FIRST_VERSION = 1


class StaleReport(StaleChange):
    pass


# What a link to a report offers a user (the lists of reports show it as the link's text).
EDIT, REVIEW, VIEW = "edit", "review", "view"


def may_edit(user, region: Region, period: ReportingPeriod) -> bool:
    """Whether the user may type into the region's reports of the period (a state may still forbid it)."""
    return access.may_edit_report_of(user, region) and not period.is_locked


def may_type_into(user, region: Region, period: ReportingPeriod, report: ProgressReport | None) -> bool:
    """Whether the report form is open to the user: a report still being written (or not yet saved)
    of a region with something to report, in an open period, by someone who may type into it."""
    if report is not None:
        return report.is_editable and may_edit(user, region, period)
    return may_edit(user, region, period) and region_indicators(period.plan, region).exists()


def refusal_to_start(user, region: Region, period: ReportingPeriod, report: ProgressReport | None):
    """Why a save may not even begin (nothing to save into), or None. The rest is checked in the
    transaction that saves, where a report not yet stored is created first."""
    if report is None and not access.may_edit_report_of(user, region):
        raise PermissionDenied("この地域の報告を入力する権限がありません。")
    if report is None and period.is_locked:
        return WorkflowError("この報告期間は受付を終了しています。保存していません。")
    if report is None and not region_indicators(period.plan, region).exists():
        return WorkflowError("この地域には、この計画で報告する指標がありません。保存していません。")
    return None


def offered_action(user, region: Region, period: ReportingPeriod, report: ProgressReport | None) -> str:
    """REVIEW a submitted report for those who review it; EDIT one still being written (or not yet
    started) for those who may type into it in an open period; otherwise VIEW."""
    if report is not None and report.state == State.SUBMITTED:
        return REVIEW if access.may_review_reports_of(user, region) else VIEW
    if may_edit(user, region, period) and (report is None or report.is_editable):
        return EDIT
    return VIEW


@dataclass(frozen=True)
class EntryInput:
    value: Decimal | None
    activities: str = ""
    outcomes: str = ""
    next_steps: str = ""
    # 上期 only: the value expected for the whole year and its one-line reason
    forecast: Decimal | None = None
    forecast_reason: str = ""
    # 実績なし with its reason; a flagged value's explanation (reports/progress/checks.py)
    no_result: bool = False
    no_result_reason: str = ""
    check_cause: str = ""
    check_note: str = ""


# What a line of the form writes (EntryInput's fields, stored under the same names on ReportEntry).
ENTRY_FIELDS = ("value", *CHECK_FIELDS, *TEXT_FIELDS, *FORECAST_FIELDS)
# what writing a line may change: what was typed, its warnings, and who entered it when
WRITTEN_FIELDS = [*ENTRY_FIELDS, "warnings", "updated_by", "on_behalf", "updated_at"]


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
    """The region's report for the period, created (with an empty line per indicator) on its first
    save: pages show a report not yet stored without storing it.

    A report still being written also gains a line for an indicator added to the region since.
    Each new line gets a history record to compare later edits with (written together, in the
    indicators' order).
    """
    report, created = ProgressReport.objects.get_or_create(period=period, region=region)
    if created or report.is_editable:
        present = set(report.entries.values_list("indicator_id", flat=True))
        new_lines = [
            ReportEntry(report=report, indicator=indicator)
            for indicator in region_indicators(period.plan, region)
            if indicator.pk not in present
        ]
        create_with_history(
            ReportEntry, new_lines, user=user, reason="報告の作成", when=timezone.now(), figures=False
        )
    return report


def read_inputs(report: ProgressReport, posted: Mapping[str, str]) -> dict[int, EntryInput]:
    """The form's fields (`value-<indicator id>`, `activities-<id>`, …) read and checked.

    A field naming an indicator that is not in this report (a forged or outdated form) refuses the
    whole form; bad values are collected per field so the officer sees every problem at once.
    """
    entries = {entry.indicator_id: entry for entry in report.entries.select_related("indicator")}
    foreign = posted_ids(posted, FIELD_PREFIXES) - entries.keys()
    if foreign:
        raise WorkflowError(foreign_ids_message("この報告の対象でない指標", foreign))
    errors: dict[str, str] = {}
    inputs: dict[int, EntryInput] = {}
    for indicator_id, entry in entries.items():
        if not any(f"{prefix}-{indicator_id}" in posted for prefix in FIELD_PREFIXES):
            continue
        value = read_figure(posted, f"value-{indicator_id}", entry.indicator, errors)
        texts = {
            name: read_text(posted, f"{name}-{indicator_id}", MAX_TEXT_LENGTH, errors) for name in TEXT_FIELDS
        }
        forecast, reason = read_entry_forecast(posted, report.period, entry, value, errors)
        checks = read_line_checks(posted, indicator_id, value, errors)
        inputs[indicator_id] = EntryInput(
            value=value, **texts, forecast=forecast, forecast_reason=reason, **checks
        )
    if errors:
        raise WorkflowError("入力内容に誤りがあります。保存していません。", field_errors=errors)
    return inputs


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


def check_submission(
    user, report: ProgressReport, *, version: int, inputs: dict[int, EntryInput], indicators=None
) -> list[ReportEntry]:
    """What `submit` checks, without writing: the lines as they would be submitted (each with its
    `warnings`), for the confirmation page; WorkflowError (StaleReport at another version) if refused.
    `indicators`: the region's, already read with their figures (checks.lines_as_typed)."""
    _check_may_edit(user, report)
    if report.version != (version or FIRST_VERSION):
        raise StaleReport(changes_since(report, version))
    _check_editable(report)
    entries = lines_as_typed(report, inputs, ENTRY_FIELDS, indicators=indicators)
    check_complete(entries)
    return entries


@transaction.atomic
def submit(user, report: ProgressReport, *, version: int, inputs: dict[int, EntryInput] | None = None):
    """Save what the form holds and submit the whole report at once: only a complete report, every
    flagged value explained (reports/progress/checks.py); refused, nothing is written."""
    _check_may_edit(user, report)
    _take_version(report, version)
    _check_editable(report)
    check_complete(_write_entries(user, report, inputs or {}))
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
    publish_entries(user, report, APPROVED_SOURCE)
    report.state = State.APPROVED
    report.reviewed_by = user
    report.reviewed_at = timezone.now()
    recorded(user, report, "承認").save()
    bump_submissions_version()  # published: its actuals bump the figures' version themselves
    return report


@transaction.atomic
def reopen(user, report: ProgressReport, *, version: int, reason: str) -> ProgressReport:
    """Unlock an approved report for a correction. Its published figures stay until approved again."""
    return REOPEN.apply(
        user,
        report,
        version=version,
        reason=reason,
        sees=access.may_see_reports_of(user, report.region),
        allowed=access.may_reopen_reports(user),
        locked=report.state == State.APPROVED,
        take=_take_version,
    )


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
    """Move the report to the next version if it is still at `version`, else refuse. Version 0 is a
    form opened before the report was stored: it expects the report's first version."""
    if not take_version(report, version or FIRST_VERSION):
        raise StaleReport(changes_since(report, version))


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


def _write_entries(user, report: ProgressReport, inputs: dict[int, EntryInput]) -> list[ReportEntry]:
    """Store what changed of each line (its warnings among it); the lines as they now are."""
    on_behalf = access.enters_on_behalf(user, report.region)
    stored = {entry.pk: entry for entry in report.entries.all()}
    entries = lines_as_typed(report, inputs, ENTRY_FIELDS)
    changed = []
    for entry in entries:
        before = stored[entry.pk]
        if all(getattr(before, name) == getattr(entry, name) for name in (*ENTRY_FIELDS, "warnings")):
            continue
        if any(getattr(before, name) != getattr(entry, name) for name in ENTRY_FIELDS):
            entry.updated_by = user
            entry.on_behalf = on_behalf
        changed.append(entry)
    # the changed lines written together, each with its history record, as saving each would
    now = timezone.now()
    for entry in changed:
        entry.updated_at = now  # the field's auto_now, which only save() applies
    reason = "代理入力" if on_behalf else "入力"
    update_with_history(
        ReportEntry, changed, WRITTEN_FIELDS, user=user, reason=reason, when=now, figures=False
    )
    return entries
