"""A case study's history read back: its steps (作成, 保存, 公開, 作成中に戻す), each field, step and
figure changed, and what changed after a given version (for the "changed meanwhile" page)."""

import datetime

from kpis.models import Indicator, Kpi
from plans.loading import LOADED_REASON
from reports.audit import Change, StateChange, change, changed_fields, shown_value, state_steps
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep

# The fields whose changes the history lists (steps and figures have their own records).
TRACKED_FIELDS = ("title", "subtitle", "kpi", "kpi_text", "outcomes", "stage")


CREATED = "作成"


def changes_since(case: CaseStudy, version: int) -> list[Change]:
    """What was done to the case study after it was at `version`: each operation, and each field, step
    and figure changed."""
    opened = case.history.filter(version=version).order_by("history_date").first()
    since = opened.history_date if opened else None
    records = case.history.select_related("history_user").order_by("history_date")
    if since is not None:
        records = records.filter(history_date__gt=since)
    operations = [change(record, "操作", "", record.history_change_reason or "") for record in records]
    return sorted(operations + field_changes(case, since=since), key=lambda item: item.at)


def state_history(case: CaseStudy) -> list[StateChange]:
    """Every saved step of the case study (作成, 保存, 公開, 作成中に戻す), oldest first."""
    records = case.history.select_related("history_user").order_by("history_date")
    return state_steps(records, lambda state: str(CaseStudy.State(state).label))


def field_changes(case: CaseStudy, *, since: datetime.datetime | None = None) -> list[Change]:
    """Each changed field of the case study, its steps and its figures, oldest first.

    Three queries however long the history: consecutive records are compared in memory.
    """
    records = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    attnames = {CaseStudy._meta.get_field(name).attname: name for name in TRACKED_FIELDS}
    found = [
        (record, attnames[attname], old, new)
        for record, attname, old, new in changed_fields(records, attnames, since=since)
    ]
    kpi_titles = {}
    if any(name == "kpi" for _record, name, _old, _new in found):
        kpi_titles = dict(Kpi.objects.filter(plan=case.plan_id).values_list("pk", "title"))
    changes = []
    for record, name, old, new in found:
        if name == "kpi":
            old, new = kpi_titles.get(old, old), kpi_titles.get(new, new)
        elif name == "stage":
            old, new = _stage_label(old), _stage_label(new)
        what = str(CaseStudy._meta.get_field(name).verbose_name)
        changes.append(change(record, what, shown_value(old), shown_value(new)))
    changes += _part_changes(case, CaseStudyStep, "取組", ("date_label", "text"), since)
    changes += _part_changes(case, CaseStudyFigure, "実績", ("indicator_id", "fiscal_year", "label"), since)
    return sorted(changes, key=lambda item: item.at)


def _stage_label(value) -> str:
    return "" if value in (None, "") else str(Kpi.Stage(int(value)).label)


def _part_changes(case, model, what: str, fields: tuple[str, ...], since) -> list[Change]:
    """Steps or figures added, changed and deleted after the case study was created or loaded."""
    records = list(
        model.history.filter(case_study_id=case.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = {}
    if "indicator_id" in fields:
        ids = {record.indicator_id for record in records}
        names = dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "name"))
    last: dict[int, object] = {}
    changes = []
    for record in records:
        previous = last.get(record.id)
        last[record.id] = record
        if since is not None and record.history_date <= since:
            continue
        if record.history_type == "+":
            # written with the case study, or loaded from the documents: not a later change
            if record.history_change_reason in (CREATED, LOADED_REASON):
                continue
            old, new = "", _part_text(record, names)
        elif record.history_type == "-":
            old, new = _part_text(record, names), ""
        else:
            if previous is None or all(getattr(previous, f) == getattr(record, f) for f in fields):
                continue
            old, new = _part_text(previous, names), _part_text(record, names)
        changes.append(change(record, f"{what}{record.order}", old, new))
    return changes


def _part_text(record, names: dict) -> str:
    if hasattr(record, "text"):
        return f"{record.date_label} {record.text}".strip()
    label = f"（{record.label}）" if record.label else ""
    return f"{names.get(record.indicator_id, '')} {record.fiscal_year}年度{label}"
