"""A liaison meeting's decision items (決定事項・宿題), followed until they are done.

The meeting's managers (the block's bureau, central staff) add and edit items; the owner region's
officers answer theirs (対応状況 and the state) on the region's next half-year report. Every write is
one transaction with optimistic locking (a stale one is refused with what changed meanwhile), and
every change keeps a history record, which the next pack reads at its cut-off.
Who may do what is in reports/meetings/rules.py.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kpis.history import recorded, take_version
from kpis.models import Kpi
from regions.access import access_of
from regions.models import Region
from reports.audit import MAX_TEXT_LENGTH, Change, StaleChange, WorkflowError, change, changed_fields
from reports.models import DecisionItem, LiaisonMeeting

State = DecisionItem.State
Owner = DecisionItem.Owner

CREATED = "決定事項の登録"
CHANGED = "決定事項の更新"
ANSWERED = "対応状況の回答"
# what the meeting's managers edit, and what a stale save lists as changed meanwhile
EDITED_FIELDS = ("content", "owner", "region", "due_on", "kpi", "state", "response")
TRACKED = ("content", "owner", "region_id", "due_on", "kpi_id", "state", "response")


class StaleItem(StaleChange):
    subject = "この決定事項"


def check_item(item: DecisionItem) -> dict[str, str]:
    """Japanese messages by field for an item that does not fit its meeting; empty when it does."""
    errors = {}
    block_id = item.meeting.block_id
    if item.owner == Owner.REGION:
        if item.region_id is None:
            errors["region"] = "担当が地域の場合は、担当の地域を選んでください。"
        elif item.region.block_id != block_id:
            errors["region"] = "担当の地域は、この会議のブロックの地域から選んでください。"
    elif item.region_id is not None:
        errors["region"] = "担当の地域は、担当が「地域（都道府県）」の場合だけ選びます。"
    if item.kpi_id is not None and item.kpi.region_id is not None and item.kpi.region.block_id != block_id:
        errors["kpi"] = "関係するKPIは、この会議のブロックの地域KPIまたは中央KPIから選んでください。"
    if len(item.response) > MAX_TEXT_LENGTH:
        errors["response"] = f"対応状況は{MAX_TEXT_LENGTH}文字以内で入力してください。"
    return errors


def _checked(item: DecisionItem) -> None:
    errors = check_item(item)
    if errors:
        raise WorkflowError(" ".join(errors.values()), field_errors=errors)


def _close(item: DecisionItem) -> None:
    """完了 keeps the moment it was first reached; reopening an item clears it."""
    if item.state == State.DONE:
        item.closed_at = item.closed_at or timezone.now()
    else:
        item.closed_at = None


@transaction.atomic
def create_item(user, item: DecisionItem) -> DecisionItem:
    _checked(item)
    item.created_by = item.updated_by = user
    _close(item)
    recorded(user, item, CREATED).save()
    return item


@transaction.atomic
def update_item(user, item: DecisionItem, *, version: int) -> DecisionItem:
    """Save the edited item if nobody changed it since `version`."""
    _checked(item)
    if not take_version(item, version):
        raise StaleItem(changes_since(item, version))
    item.updated_by = user
    _close(item)
    recorded(user, item, CHANGED).save()
    return item


@transaction.atomic
def answer_item(user, item: DecisionItem, *, version: int, state: str, response: str) -> DecisionItem:
    """The owner's answer: the state and the response text, if nobody changed the item since `version`."""
    if state not in State.values:
        raise WorkflowError("状態を選んでください。", field_errors={"state": "選択してください。"})
    response = response.strip()
    if len(response) > MAX_TEXT_LENGTH:
        raise WorkflowError(
            f"対応状況は{MAX_TEXT_LENGTH}文字以内で入力してください。",
            field_errors={
                "response": f"{MAX_TEXT_LENGTH}文字以内で入力してください（{len(response)}文字）。"
            },
        )
    if not take_version(item, version):
        raise StaleItem(changes_since(item, version))
    item.state, item.response, item.updated_by = state, response, user
    _close(item)
    recorded(user, item, ANSWERED).save()
    return item


def changes_since(item: DecisionItem, version: int) -> list[Change]:
    """Each field changed after the item was at `version` (its history read once)."""
    records = list(item.history.select_related("history_user").order_by("history_date", "history_id"))
    opened = next((record for record in records if record.version == version), None)
    since = opened.history_date if opened else None
    found = list(changed_fields(records, TRACKED, since=since))
    regions = dict(Region.objects.values_list("pk", "name_ja"))
    kpis = dict(Kpi.objects.filter(decision_items__pk=item.pk).values_list("pk", "code"))
    return [
        change(record, label_of(name), shown(name, old, regions, kpis), shown(name, new, regions, kpis))
        for record, name, old, new in found
    ]


def label_of(name: str) -> str:
    return str(DecisionItem._meta.get_field(name.removesuffix("_id")).verbose_name)


def shown(name: str, value, regions: dict, kpis: dict) -> str:
    if value is None or value == "":
        return ""
    if name == "state":
        return str(State(value).label)
    if name == "owner":
        return str(Owner(value).label)
    if name == "region_id":
        return regions.get(value, "")
    if name == "kpi_id":
        return kpis.get(value, str(value))
    if isinstance(value, datetime.date):
        return f"{value:%Y年%-m月%-d日}"
    return str(value)


# --- reading -----------------------------------------------------------------------------------------


def _items():
    return DecisionItem.objects.select_related("meeting__block", "region", "kpi")


def items_of(meeting: LiaisonMeeting) -> list[DecisionItem]:
    return list(_items().filter(meeting=meeting))


def open_items_of_region(region_id: int) -> list[DecisionItem]:
    """A region's items not yet done, from every meeting, the earliest due first."""
    return list(
        _items()
        .filter(owner=Owner.REGION, region_id=region_id)
        .exclude(state=State.DONE)
        .order_by("due_on", "pk")
    )


def item_scope(user) -> Q | None:
    """The items the user follows: central all (None), a bureau its block's, an officer its region's."""
    access = access_of(user)
    if access.is_central:
        return None
    if access.is_bureau:
        return Q(meeting__block_id=access.block_id)
    if access.is_officer:
        return Q(owner=Owner.REGION, region_id=access.region_id)
    return Q(pk__in=[])


def overdue_items(user, today: datetime.date) -> list[DecisionItem]:
    """The items past their due date and not done that the user follows, the oldest first."""
    items = _items().filter(due_on__lt=today).exclude(state=State.DONE)
    scope = item_scope(user)
    if scope is not None:
        items = items.filter(scope)
    return list(items.order_by("due_on", "pk"))


def items_at(meeting_ids, moment: datetime.datetime) -> list[DecisionItem]:
    """The items of those meetings as they stood at `moment` (a pack's cut-off), read from the history."""
    return list(DecisionItem.history.as_of(moment).filter(meeting_id__in=list(meeting_ids)))
