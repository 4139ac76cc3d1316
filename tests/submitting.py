"""Submitting a report in a test: a report is submitted complete (reports/progress/checks.py), so a
line a test leaves out is submitted as 「実績なし」 with a reason."""

from reports.progress.workflow import EntryInput

NO_RESULT_REASON = "今期は該当する事業がなかった。"


def complete(report, inputs: dict | None = None) -> dict:
    """`inputs` with every other line of the report as 実績なし."""
    filled = dict(inputs or {})
    for indicator_id in report.entries.values_list("indicator_id", flat=True):
        filled.setdefault(
            indicator_id, EntryInput(value=None, no_result=True, no_result_reason=NO_RESULT_REASON)
        )
    return filled


def completed_form(report, data: dict) -> dict:
    """A posted report form with every line it leaves out ticked 実績なし."""
    filled = dict(data)
    for indicator_id in report.entries.values_list("indicator_id", flat=True):
        if f"value-{indicator_id}" not in filled:
            filled |= {f"no_result-{indicator_id}": "1", f"no_result_reason-{indicator_id}": NO_RESULT_REASON}
            filled.setdefault(f"value-{indicator_id}", "")
    return filled
