"""Who changed an indicator's targets and actuals, and its KPI's text, and what the documents gave them
when they were loaded: the change history on the indicator page, read in three queries."""

from django.db.models import DecimalField, F, TextField, Window
from django.db.models.functions import Lag

from kpis.models import Actual, Kpi, Target
from plans.loading import LOADED_REASON
from reports.display.labels import amount, period_of_figure, person

HISTORY_LIMIT = 50


CHANGE_TYPES = {"+": "追加", "~": "変更", "-": "削除"}


def _latest_with_previous(history, field: str, output_field, limit: int) -> list:
    """The newest `limit` history records, each with its object's previous value of `field`.

    The previous value is read in the same query (a window over each object's records), so the
    history costs one query per model whatever its length.
    """
    previous = Window(
        Lag(field),
        partition_by=[F("id")],
        order_by=[F("history_date").asc(), F("history_id").asc()],
        output_field=output_field,
    )
    return list(
        history.annotate(previous=previous)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def figure_label(kind: str, record) -> str:
    """目標 2022年度, 実績 2022年度 上期, 目標 2020〜2022年度累計."""
    return f"{kind} {period_of_figure(record)}"


UNRECORDED = "（記録なし）"


LOADED = "文書データの読込"


def is_loaded(record) -> bool:
    """The record load_plan_data writes for a figure or KPI as the documents give it."""
    return record.history_type == "+" and record.history_change_reason == LOADED_REASON


def _values(record, old, new):
    """(old, new): nothing before an addition or a loading, nothing after a deletion. The first change
    of a loaded figure reads its old value from the loaded record; a change with no earlier record
    (data loaded before the loaded records were written) shows that nothing was recorded."""
    if record.history_type == "+":
        return None, new
    if record.history_type == "-":
        return new, None
    return (UNRECORDED if old is None else old), new


def change_history(indicator, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Who changed this indicator's targets and actuals, and its KPI's text, and what the documents
    gave them when they were loaded: newest first, at most `limit` entries, in three queries."""
    decimal = DecimalField(max_digits=14, decimal_places=2)
    unit = indicator.unit
    entries = []
    for kind, model in (("目標", Target), ("実績", Actual)):
        records = _latest_with_previous(
            model.history.filter(indicator_id=indicator.pk), "value", decimal, limit
        )
        for record in records:
            old, new = _values(record, record.previous, record.value)
            entries.append(_entry(record, figure_label(kind, record), _amount(old, unit), _amount(new, unit)))
    kpi_records = _latest_with_previous(Kpi.history.filter(id=indicator.kpi_id), "text", TextField(), limit)
    for record in kpi_records:
        old, new = _values(record, record.previous, record.text)
        if record.history_type == "~" and record.previous == record.text:
            entries.append(_entry(record, "KPI（本文以外の項目）", None, None))
        else:
            entries.append(_entry(record, "KPI本文", old, new))
    entries.sort(key=lambda entry: (entry["at"], entry["order"]), reverse=True)
    return entries[:limit]


def _amount(value, unit: str) -> str | None:
    return value if value is None or value == UNRECORDED else amount(value, unit)


def _entry(record, item: str, old: str | None, new: str | None) -> dict:
    loaded = is_loaded(record)
    if loaded:
        reason = f"出典：{record.source}" if record.source else ""
    else:
        reason = record.history_change_reason or ""
    return {
        "at": record.history_date,
        "order": record.history_id,
        "who": person(record.history_user),
        "type": LOADED if loaded else CHANGE_TYPES.get(record.history_type, record.history_type),
        "loaded": loaded,
        "item": item,
        "old": old,
        "new": new,
        "reason": reason,
    }
