"""An actuals file's rows whose value the plausibility rule flags (kpis/plausibility.py, the rule
the half-year report uses): listed in the preview and by the command, never refused."""

from django.db.models import prefetch_related_objects

from kpis.import_files import LineError
from kpis.plausibility import warnings_of

NOTE = "確認が必要な値（取り込みはできます）"


def flagged_rows(rows) -> list[LineError]:
    """`rows`: the file's good rows (kpis.figure_import.FigureRow); only a new or changed value is
    checked (an unchanged one was accepted before). Two queries for the whole file, none when
    nothing is new: the indicators' targets and published actuals, read once."""
    rows = [row for row in rows if row.existing is None or "value" in row.changed]
    if not rows:
        return []
    indicators = list({row.indicator.pk: row.indicator for row in rows}.values())
    prefetch_related_objects(indicators, "targets", "actuals")
    flagged = []
    for row in rows:
        values = row.values
        warnings = warnings_of(row.indicator, values.get("year"), values.get("period"), values.get("value"))
        if warnings:
            kpi = row.indicator.kpi
            subject = f"{kpi.code} {row.indicator.name}の値 {values['value']}"
            message = f"{NOTE}: {subject} — " + " ".join(w.message for w in warnings)
            flagged.append(LineError(row.line, "value", message))
    return flagged
