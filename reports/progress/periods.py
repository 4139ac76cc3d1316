"""Reporting periods: central staff open a half year for every region's report, close or reopen it for
submissions, and move its deadline. Each write is one transaction with its history record.

A deadline already past is accepted only when the user confirms it (a typo such as 2020 for 2022 would
otherwise mark every region late); a deadline is moved only with a reason, and only from the date the
user saw (someone else's change meanwhile is refused with the change: 409).
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kpis.history import recorded
from plans.dates import SHORT, japanese_date
from plans.models import Plan
from regions import access
from reports.audit import StaleChange, WorkflowError, change, required_text
from reports.models import ReportingPeriod


class StalePeriod(StaleChange):
    subject = "この報告期間の提出期限"
    retry = "変更"


def past_deadline_refusal(deadline: datetime.date, today: datetime.date, *, confirmed: bool) -> str | None:
    """Why a deadline before today is not taken without a confirmation, or None."""
    if deadline >= today or confirmed:
        return None
    return (
        f"提出期限 {japanese_date(deadline)} が今日より前の日付です。"
        "このままでは全地域が期限超過と表示されます。日付を確かめ、過去の日付で設定する場合は確認の欄にチェックしてください。"
    )


@transaction.atomic
def open_period(
    user,
    *,
    plan: Plan,
    fiscal_year: int,
    half: str,
    deadline: datetime.date,
    confirm_past: bool = False,
    today: datetime.date | None = None,
) -> ReportingPeriod:
    """Open a half year for reports; `confirm_past`: the user confirmed a deadline before `today`."""
    if not access.may_manage_periods(user):
        raise PermissionDenied
    if fiscal_year not in plan.fiscal_years:
        raise WorkflowError(
            f"{fiscal_year}年度は{plan.name}の期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。"
        )
    if ReportingPeriod.objects.filter(plan=plan, fiscal_year=fiscal_year, half=half).exists():
        raise WorkflowError("この報告期間は既に開設されています。")
    if refusal := past_deadline_refusal(deadline, today or timezone.localdate(), confirmed=confirm_past):
        raise WorkflowError(refusal, field_errors={"deadline": refusal})
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


@transaction.atomic
def change_deadline(
    user,
    period: ReportingPeriod,
    *,
    seen: datetime.date,
    deadline: datetime.date,
    reason: str | None,
    today: datetime.date,
    confirm_past: bool = False,
) -> ReportingPeriod:
    """Move the deadline from `seen` (the date the user's page showed) to `deadline`, with a reason."""
    if not access.may_manage_periods(user):
        raise PermissionDenied
    reason = required_text(
        reason, field="reason", missing="変更の理由を入力してください。", label="変更の理由"
    )
    if refusal := past_deadline_refusal(deadline, today, confirmed=confirm_past):
        raise WorkflowError(refusal, field_errors={"deadline": refusal})
    current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if current.deadline != seen:
        record = current.history.select_related("history_user").order_by("-history_date").first()
        raise StalePeriod([change(record, "提出期限", _day(seen), _day(current.deadline))])
    if current.deadline == deadline:
        raise WorkflowError(
            "提出期限が変わっていません。", field_errors={"deadline": "今の期限と同じ日付です。"}
        )
    old = current.deadline
    current.deadline = deadline
    recorded(user, current, f"提出期限の変更（{_day(old)} → {_day(deadline)}）: {reason}").save(
        update_fields=["deadline"]
    )
    return current


def deadline_history(period: ReportingPeriod) -> list:
    """The period's opening and every change of its deadline, newest first (one query)."""
    records = list(period.history.select_related("history_user").order_by("history_date", "history_id"))
    steps = []
    previous = None
    for record in records:
        if previous is None or record.deadline != previous.deadline:
            steps.append(record)
        previous = record
    return steps[::-1]


def _day(day: datetime.date) -> str:
    """Inside a sentence's parentheses or a table cell: the short form, 令和8年12月4日."""
    return japanese_date(day, SHORT)
