"""A half-year report as a table to download (`?_export=csv|sjis|xlsx` on the report page): one
row per line, with 実績なし and its reason, what the plausibility rule flagged and the officer's
explanation (reports/progress/checks.py), so that a reviewer's spreadsheet carries them too."""

import django_tables2 as tables

from kpis.rules.plausibility import labels_of
from reports.display.tables import NumberColumn
from reports.progress.checks import CAUSE_LABELS


class ReportLinesTable(tables.Table):
    kpi = tables.Column(verbose_name="KPI")
    indicator = tables.Column(verbose_name="指標")
    unit = tables.Column(verbose_name="単位")
    value = NumberColumn(verbose_name="今期の実績")
    no_result = tables.Column(verbose_name="実績なし", default="")
    no_result_reason = tables.Column(verbose_name="実績なしの理由", default="")
    flagged = tables.Column(verbose_name="確認が必要な値", default="")
    cause = tables.Column(verbose_name="要因", default="")
    note = tables.Column(verbose_name="説明", default="")
    activities = tables.Column(verbose_name="取組内容", default="")
    outcomes = tables.Column(verbose_name="成果", default="")
    next_steps = tables.Column(verbose_name="課題・次の取組", default="")

    class Meta:
        orderable = False
        attrs = {"class": "results"}


def report_lines_table(entries) -> ReportLinesTable:
    """`entries`: the report's lines with their indicators and KPIs (no further query)."""
    return ReportLinesTable(
        [
            {
                "kpi": entry.indicator.kpi.code,
                "indicator": entry.indicator.name,
                "unit": entry.indicator.unit,
                "value": entry.value,
                "no_result": "実績なし" if entry.no_result else "",
                "no_result_reason": entry.no_result_reason,
                "flagged": "／".join(labels_of(entry.warnings)),
                "cause": str(CAUSE_LABELS.get(entry.check_cause, "")),
                "note": entry.check_note,
                "activities": entry.activities,
                "outcomes": entry.outcomes,
                "next_steps": entry.next_steps,
            }
            for entry in entries
        ]
    )
