"""Liaison meetings (地域連絡会議): which plan a meeting's year belongs to, the pack's cut-off
moment, the audited writes, and who may change and answer a meeting's decision items (built on
regions/access.py, which decides who may read and manage a meeting)."""

import datetime

from django.db import transaction
from django.utils import timezone

from kpis.history import recorded, take_version
from kpis.models import Kpi
from plans.models import Plan
from regions.access import access_of, may_manage_meetings_of
from reports.audit import Change, StaleChange, WorkflowError, change, changed_fields, shown_value
from reports.models import DecisionItem, LiaisonMeeting

CREATED = "会議の登録"
CHANGED = "会議の更新"
# What the meeting form edits (besides the block), and what a stale save lists as changed meanwhile.
EDITED_FIELDS = (
    "fiscal_year",
    "title",
    "held_on",
    "place",
    "online",
    "participants",
    "agenda",
    "minutes",
    "decisions",
)
TRACKED_FIELDS = (*EDITED_FIELDS, "as_of")


class StaleMeeting(StaleChange):
    subject = "この会議"


def plan_of_year(fiscal_year: int) -> Plan | None:
    """The action plan whose fiscal years include `fiscal_year` (the lowest number if two overlap)."""
    return (
        Plan.objects.action_plans()
        .filter(start_fiscal_year__lte=fiscal_year, end_fiscal_year__gte=fiscal_year)
        .order_by("number")
        .first()
    )


def first_record_date() -> datetime.date | None:
    """The day the portal's figures were first recorded: a pack cannot be cut before it."""
    first = Kpi.history.order_by("history_date").values_list("history_date", flat=True).first()
    return timezone.localdate(first) if first else None


def cut_off(day: datetime.date, now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment a pack dated `day` reads: now for today (what the bureau sees as it prepares the
    meeting), the end of the day for an earlier date."""
    now = now or timezone.now()
    if day >= timezone.localdate(now):
        return now
    end_of_day = datetime.datetime.combine(day, datetime.time.max)
    return timezone.make_aware(end_of_day)


def check_meeting(fiscal_year: int, as_of_day: datetime.date, today: datetime.date) -> dict[str, str]:
    """Japanese messages for a meeting's year and pack date, by field; empty when both are fine."""
    errors = {}
    if plan_of_year(fiscal_year) is None:
        errors["fiscal_year"] = f"{fiscal_year}年度を含む行動計画がありません。"
    if as_of_day > today:
        errors["as_of_day"] = "資料の基準日に未来の日付は指定できません（今日以前の日付を入力してください）。"
    first = first_record_date()
    if first is not None and as_of_day < first:
        errors["as_of_day"] = (
            f"資料の基準日が、ポータルにデータが登録された日（{first:%Y年%-m月%-d日}）より前です。"
            "その時点の数値はポータルにありません。"
        )
    return errors


@transaction.atomic
def create_meeting(user, meeting: LiaisonMeeting, as_of_day: datetime.date) -> LiaisonMeeting:
    errors = check_meeting(meeting.fiscal_year, as_of_day, timezone.localdate())
    if errors:
        raise WorkflowError(" ".join(errors.values()))
    meeting.as_of = cut_off(as_of_day)
    meeting.created_by = meeting.updated_by = user
    recorded(user, meeting, CREATED).save()
    return meeting


@transaction.atomic
def update_meeting(
    user, meeting: LiaisonMeeting, *, version: int, as_of_day: datetime.date
) -> LiaisonMeeting:
    """Save the edited meeting if nobody changed it since `version`; a new pack date moves the cut-off.

    Keeping the same date keeps the same moment, so correcting the minutes never changes the pack.
    """
    errors = check_meeting(meeting.fiscal_year, as_of_day, timezone.localdate())
    if errors:
        raise WorkflowError(" ".join(errors.values()))
    if not take_version(meeting, version):
        raise StaleMeeting(changes_since(meeting, version))
    if as_of_day != timezone.localdate(meeting.as_of):
        meeting.as_of = cut_off(as_of_day)
    meeting.updated_by = user
    recorded(user, meeting, CHANGED).save()
    return meeting


def previous_meeting(meeting: LiaisonMeeting) -> LiaisonMeeting | None:
    """The block's meeting whose pack was cut last before this one's."""
    return (
        LiaisonMeeting.objects.filter(block_id=meeting.block_id, as_of__lt=meeting.as_of)
        .exclude(pk=meeting.pk)
        .order_by("-as_of")
        .first()
    )


def changes_since(meeting: LiaisonMeeting, version: int) -> list[Change]:
    """Each field changed after the meeting was at `version`: consecutive records compared in memory."""
    records = list(meeting.history.select_related("history_user").order_by("history_date", "history_id"))
    opened = next((record for record in records if record.version == version), None)
    since = opened.history_date if opened else None
    return [
        change(record, str(LiaisonMeeting._meta.get_field(name).verbose_name), _shown(old), _shown(new))
        for record, name, old, new in changed_fields(records, TRACKED_FIELDS, since=since)
    ]


def _shown(value) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y年%-m月%-d日 %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y年%-m月%-d日}"
    return shown_value(value)


# --- decision items (決定事項・宿題) -------------------------------------------------------------------


def may_change_items_of(user, meeting: LiaisonMeeting) -> bool:
    """Add and edit a meeting's items: those who manage the meeting (the block's bureau, central)."""
    return may_manage_meetings_of(user, meeting.block)


def may_answer_item(user, item: DecisionItem) -> bool:
    """Answer an item (対応状況 and state): who may change it, or an officer of the region that owns it."""
    if may_change_items_of(user, item.meeting):
        return True
    access = access_of(user)
    return (
        access.is_officer and item.owner == DecisionItem.Owner.REGION and item.region_id == access.region_id
    )


def is_overdue(item: DecisionItem, today: datetime.date) -> bool:
    """Past its due date and not done: the home page and the review queue bring it back."""
    return item.is_open and item.due_on < today
