"""What every audited workflow of the portal shares (half-year reports, central entry, case studies,
liaison meetings): the refusal with a Japanese message, the "changed meanwhile" refusal of a stale
save with what changed, mandatory reasons, the steps read back from the history, and setting a
locked object back to draft for a correction.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied

from kpis.history import recorded, user_name
from reports.display.formatting import display_number

# A save based on a version someone else has moved on from conflicts with the current state.
CONFLICT = 409
MAX_TEXT_LENGTH = 4000


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
    """One saved step of an object: its state afterwards, who took the step, when and why."""

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


def shown_value(value) -> str:
    """A recorded value as a change list shows it: numbers the documents' way, nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return display_number(value)
    return str(value)


def state_steps(records: Iterable, state_label: Callable[[str], str]) -> list[StateChange]:
    """Every saved step of an object from its history records (oldest first); a record without a
    reason that added the object is its creation."""
    return [
        StateChange(
            state=record.state,
            state_label=state_label(record.state),
            reason=record.history_change_reason or ("作成" if record.history_type == "+" else ""),
            by=user_name(record.history_user),
            at=record.history_date,
        )
        for record in records
    ]


def changed_fields(
    records: list, fields: Iterable[str], *, since: datetime.datetime | None = None
) -> Iterator[tuple[object, str, object, object]]:
    """(record, field, old, new) for each field that differs between consecutive history records
    (oldest first), skipping records at or before `since`. Consecutive records are compared in
    memory, so a history of any length costs the one query that read it."""
    fields = tuple(fields)
    for previous, record in zip(records, records[1:], strict=False):
        if since is not None and record.history_date <= since:
            continue
        for name in fields:
            old, new = getattr(previous, name), getattr(record, name)
            if old != new:
                yield record, name, old, new


def change(record, what: str, old: str, new: str) -> Change:
    """A Change credited to the user and moment of a history record."""
    return Change(what=what, old=old, new=new, by=user_name(record.history_user), at=record.history_date)


@dataclass(frozen=True)
class BackToDraft:
    """Setting a locked object (an approved report, a published case study) back to draft for a
    correction: only those who may, only from the locked state, always with a reason."""

    history: str  # the history record's reason, before the user's: 「再開: …」
    reason_field: str  # where the reason is kept on the object
    reason_label: str
    forbidden: str
    not_locked: str
    missing_reason: str

    def apply(
        self, user, obj, *, version: int, reason: str | None, sees: bool, allowed: bool, locked: bool, take
    ):
        """Check, take the version (`take(obj, version)` refuses a stale one), set the state and the
        reason, and save with its history record. The caller holds the transaction."""
        if not sees:
            raise PermissionDenied
        if not allowed:
            raise PermissionDenied(self.forbidden)
        reason = required_text(reason, field="reason", missing=self.missing_reason, label=self.reason_label)
        # the version before the state: of two people acting at once, the second is told what the
        # first did (409), not only that the object is no longer locked
        take(obj, version)
        if not locked:
            raise WorkflowError(self.not_locked)
        obj.state = "draft"
        setattr(obj, self.reason_field, reason)
        recorded(user, obj, f"{self.history}: {reason}").save()
        return obj
