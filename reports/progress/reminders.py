"""E-mail reminders about half-year reports (sent daily by `manage.py send_reminders`).

For every period still accepting reports:
- the officers of a region whose report is missing or not yet submitted (none, 作成中, 差戻し) are
  told when the deadline is exactly `days_before` days ahead, and on every run once it has passed;
- the bureau staff of a block are told which submitted reports of their regions have waited for
  review more than `review_after` days.

The decisions are plain functions of the data (`officer_notice`, `waits_too_long`,
`plan_reminders`); `collect_reminders` reads the data and `send_reminders` sends.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from regions import roles
from regions.models import Region
from reports.dashboards.programme import report_url_name
from reports.models import ProgressReport, ReportingPeriod
from reports.progress.board import expected_pairs, period_label

State = ProgressReport.State

DUE_SOON = "due_soon"
OVERDUE = "overdue"
REVIEW_WAITING = "review_waiting"
NOT_SUBMITTED = (None, State.DRAFT, State.RETURNED)
SUBJECT_PREFIX = "【知財KPIポータル】"


@dataclass(frozen=True)
class Reminder:
    kind: str
    recipients: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class WaitingReport:
    report: ProgressReport
    region: Region
    days_waiting: int
    url: str


# --- decisions ----------------------------------------------------------------------------------


def officer_notice(
    period: ReportingPeriod, state: str | None, today: datetime.date, *, days_before: int
) -> str | None:
    """DUE_SOON, OVERDUE or None for a region whose report is in `state` (None: no report yet)."""
    if period.is_locked or state not in NOT_SUBMITTED:
        return None
    if today > period.deadline:
        return OVERDUE
    if (period.deadline - today).days == days_before:
        return DUE_SOON
    return None


def days_waiting(report: ProgressReport, today: datetime.date) -> int | None:
    """Whole days a submitted report has waited for review; None when it is not waiting."""
    if report.state != State.SUBMITTED or report.submitted_at is None:
        return None
    return (today - timezone.localdate(report.submitted_at)).days


def waits_too_long(report: ProgressReport, today: datetime.date, *, review_after: int) -> bool:
    waited = days_waiting(report, today)
    return waited is not None and waited > review_after


def report_url(region: Region, period: ReportingPeriod) -> str:
    path = reverse(
        report_url_name(period),
        kwargs={"region_code": region.code, "fiscal_year": period.fiscal_year, "half": period.half},
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def plan_reminders(
    *,
    periods: Iterable[ReportingPeriod],
    regions: Iterable[Region],
    reports: Iterable[ProgressReport],
    officers: Mapping[int, list[str]],
    bureau_staff: Mapping[int, list[str]],
    today: datetime.date,
    days_before: int = 7,
    review_after: int = 5,
    expected: set[tuple[int, int]] | None = None,
) -> list[Reminder]:
    """Every reminder due today. `officers` maps a region id, `bureau_staff` a block id, to e-mail
    addresses; `expected` holds the (plan id, region id) pairs of the regions that report in a plan
    (None: every region). Regions or blocks without an address get nothing."""
    regions = list(regions)
    by_key = {(report.period_id, report.region_id): report for report in reports}
    reminders = []
    waiting: dict[int, list[WaitingReport]] = defaultdict(list)
    for period in periods:
        if period.is_locked:
            continue
        for region in regions:
            report = by_key.get((period.pk, region.pk))
            if report is None and expected is not None and (period.plan_id, region.pk) not in expected:
                continue
            if report is not None and waits_too_long(report, today, review_after=review_after):
                waiting[region.block_id].append(
                    WaitingReport(report, region, days_waiting(report, today), report_url(region, period))
                )
            kind = officer_notice(period, report.state if report else None, today, days_before=days_before)
            addresses = officers.get(region.pk)
            if kind and addresses:
                reminders.append(officer_reminder(kind, period, region, report, addresses, today))
    blocks = {region.block_id: region.block for region in regions}
    for block_id, items in waiting.items():
        addresses = bureau_staff.get(block_id)
        if addresses:
            reminders.append(bureau_reminder(blocks[block_id], items, addresses, review_after))
    return reminders


# --- messages -------------------------------------------------------------------------------------


def officer_reminder(
    kind: str, period: ReportingPeriod, region: Region, report, addresses: list[str], today: datetime.date
) -> Reminder:
    days_left = (period.deadline - today).days
    if kind == DUE_SOON:
        headline = f"締切{days_left}日前のお知らせ" if days_left else "本日締切のお知らせ"
        template = "reports/email/officer_due_soon.txt"
    else:
        headline = "提出期限を過ぎています"
        template = "reports/email/officer_overdue.txt"
    state_label = ProgressReport.State(report.state).label if report else "未着手"
    context = {
        "region": region,
        "period": period,
        "period_label": period_label(period),
        "deadline": period.deadline,
        "days_left": days_left,
        "days_overdue": -days_left,
        "state_label": state_label,
        "returned": report is not None and report.state == State.RETURNED,
        "return_comment": report.return_comment if report else "",
        "url": report_url(region, period),
    }
    return Reminder(
        kind=kind,
        recipients=tuple(sorted(addresses)),
        subject=f"{SUBJECT_PREFIX}{headline}：{period_label(period)} {region.name_ja}",
        body=render_to_string(template, context),
    )


def bureau_reminder(block, items: list[WaitingReport], addresses: list[str], review_after: int) -> Reminder:
    items = sorted(items, key=lambda item: (-item.days_waiting, item.region.order, item.region.code))
    context = {
        "block": block,
        "items": [
            {
                "region": item.region,
                "period_label": period_label(item.report.period),
                "submitted_at": timezone.localtime(item.report.submitted_at),
                "days_waiting": item.days_waiting,
                "url": item.url,
            }
            for item in items
        ],
        "review_after": review_after,
    }
    return Reminder(
        kind=REVIEW_WAITING,
        recipients=tuple(sorted(addresses)),
        subject=f"{SUBJECT_PREFIX}確認待ちの報告があります（{block.name_ja}ブロック {len(items)}件）",
        body=render_to_string("reports/email/bureau_review_waiting.txt", context),
    )


# --- reading and sending --------------------------------------------------------------------------


def addresses_by(role: str, field: str) -> dict[int, list[str]]:
    """E-mail addresses of the active users in the role's group, by their affiliation's region or
    block id (`field` = "region_id" or "block_id")."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, **{f"affiliation__{field}__isnull": False})
        .exclude(email="")
        .values_list(f"affiliation__{field}", "email")
        .distinct()
    )
    found: dict[int, list[str]] = defaultdict(list)
    for key, email in users:
        if email not in found[key]:
            found[key].append(email)
    return dict(found)


def collect_reminders(today: datetime.date, *, days_before: int = 7, review_after: int = 5) -> list[Reminder]:
    periods = list(ReportingPeriod.objects.filter(is_locked=False).select_related("plan"))
    if not periods:
        return []
    regions = list(Region.objects.select_related("block"))
    reports = list(ProgressReport.objects.filter(period__in=periods).select_related("period__plan"))
    return plan_reminders(
        periods=periods,
        regions=regions,
        reports=reports,
        officers=addresses_by(roles.PREFECTURE_OFFICER, "region_id"),
        bureau_staff=addresses_by(roles.BUREAU_STAFF, "block_id"),
        today=today,
        days_before=days_before,
        review_after=review_after,
        expected=expected_pairs({period.plan_id for period in periods}),
    )


def send_reminders(reminders: Iterable[Reminder]) -> int:
    """Send every reminder over one connection; the number of messages sent."""
    messages = [
        EmailMessage(
            subject=reminder.subject,
            body=reminder.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=list(reminder.recipients),
        )
        for reminder in reminders
    ]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
