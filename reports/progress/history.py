"""A half-year report's history read back: every step it went through, every field of its lines
that changed, and what changed after a given version (for the "changed meanwhile" page)."""

import datetime

from kpis.models import Indicator
from kpis.rules.plausibility import CAUSES
from reports.audit import Change, StateChange, change, changed_fields, shown_value, state_steps
from reports.models import ProgressReport, ReportEntry

State = ProgressReport.State
TEXT_FIELDS = ("activities", "outcomes", "next_steps")
# The fields of a line whose changes the report's history lists, in the order of the form.
SHOWN_FIELDS = (
    "value",
    "no_result",
    "no_result_reason",
    "check_cause",
    "check_note",
    "forecast",
    "forecast_reason",
    *TEXT_FIELDS,
)


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
            changes.append(change(record, "状態", state_label(previous_state), state_label(record.state)))
        previous_state = record.state
    changes += entry_changes(report, since=since)
    return sorted(changes, key=lambda item: item.at)


def entry_changes(report: ProgressReport, *, since: datetime.datetime | None = None) -> list[Change]:
    """Each changed field of the report's lines (value, 年度末見込み, 取組内容, …), oldest first.

    Two queries whatever the length of the history: the lines' records are compared in memory."""
    records = ReportEntry.history.filter(report_id=report.pk).select_related("history_user")
    by_entry: dict[int, list] = {}
    for record in records.order_by("history_date", "history_id"):
        by_entry.setdefault(record.id, []).append(record)
    names = dict(Indicator.objects.filter(report_entries__report=report).values_list("pk", "name"))
    changes = []
    for entry_records in by_entry.values():
        for record, name, old, new in changed_fields(entry_records, SHOWN_FIELDS, since=since):
            field = ReportEntry._meta.get_field(name).verbose_name
            what = f"{names.get(record.indicator_id, '')}：{field}"
            changes.append(change(record, what, entry_value(name, old), entry_value(name, new)))
    return sorted(changes, key=lambda item: item.at)


def entry_value(name: str, value) -> str:
    """A line's recorded field as the change list shows it: 実績なし as a word, a cause by its label."""
    if name == "no_result":
        return "実績なし" if value else ""
    if name == "check_cause":
        return str(dict(CAUSES).get(value, value or ""))
    return shown_value(value)


def state_history(report: ProgressReport) -> list[StateChange]:
    """Every saved step of the report (作成, 下書き保存, 提出, 差戻し, 承認, 再開), oldest first."""
    return state_steps(report.history.select_related("history_user").order_by("history_date"), state_label)


def state_label(state: str | None) -> str:
    return "" if state is None else str(State(state).label)
