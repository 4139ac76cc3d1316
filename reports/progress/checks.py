"""What a half-year report needs before it is submitted (issue: an empty report could be submitted):

- every line a value, or 「実績なし」 said explicitly with its reason;
- a value the plausibility rule flags (kpis/rules/plausibility.py) explained: a cause from the
  fixed list and a sentence. The value itself is never refused.

`read_line_checks` reads those fields of a line (saving a draft checks their form only);
`submission_errors` is the check `workflow.submit` and the confirmation page share; `flagged_lines`
(of lines at hand) and `flagged_in` (of a block's reports for some periods, one query) are what the
review page, the exports and a meeting's pack read of flagged lines and their explanations.
Plain functions over entries whose indicators carry their figures (kpis.figures.with_figures).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpis.plausibility import warnings_of
from kpis.rules.plausibility import CAUSES, Warning, labels_of
from reports.audit import WorkflowError
from reports.models import ReportEntry, ReportingPeriod
from reports.models.forecasts import MAX_REASON_LENGTH
from reports.posted import read_line

CHECK_FIELDS = ("no_result", "no_result_reason", "check_cause", "check_note")
CAUSE_LABELS = dict(CAUSES)
NEEDS_VALUE = "今期の実績を入力するか、「実績なし」を選んで理由を入力してください。"
NEEDS_REASON = "「実績なし」の理由を入力してください。"
VALUE_AND_NO_RESULT = "「実績なし」を選んだ場合は、今期の実績を空欄にしてください。"
NEEDS_CAUSE = "確認が必要な値です。要因を選んでください（値はそのまま提出できます）。"
NEEDS_NOTE = "確認が必要な値です。説明を1行で入力してください（値はそのまま提出できます）。"
UNKNOWN_CAUSE = "要因は一覧から選んでください。"
NOT_SUBMITTABLE = "提出できません。下の項目を確認してください（入力内容は保存していません）。"


def read_line_checks(posted: Mapping[str, str], indicator_id: int, value, errors: dict) -> dict:
    """実績なし, its reason and a flagged value's explanation as typed for one line, checked in form."""
    key = {name: f"{name}-{indicator_id}" for name in CHECK_FIELDS}
    no_result = posted.get(key["no_result"]) in ("1", "on", "true")
    reason = read_line(posted, key["no_result_reason"], MAX_REASON_LENGTH, errors, label="実績なしの理由")
    cause = (posted.get(key["check_cause"]) or "").strip()
    note = read_line(posted, key["check_note"], MAX_REASON_LENGTH, errors, label="確認が必要な値の説明")
    if no_result and value is not None:
        errors[f"value-{indicator_id}"] = VALUE_AND_NO_RESULT
    if cause and cause not in CAUSE_LABELS:
        errors[key["check_cause"]] = UNKNOWN_CAUSE
    return {"no_result": no_result, "no_result_reason": reason, "check_cause": cause, "check_note": note}


def line_warnings(entry: ReportEntry, period: ReportingPeriod) -> tuple[Warning, ...]:
    """The plausibility warnings of the line's value as the half's figure."""
    return warnings_of(entry.indicator, period.fiscal_year, period.half, entry.value)


def warning_codes(warnings: Iterable[Warning]) -> str:
    """What ReportEntry.warnings stores: the checks, comma-separated."""
    return ",".join(warning.check.value for warning in warnings)


def submission_errors(entries: Iterable[ReportEntry]) -> dict[str, str]:
    """Per field, what stops the lines from being submitted ({} when nothing does). Each entry's
    `warnings` must be up to date (set from `line_warnings`)."""
    errors = {}
    for entry in entries:
        pk = entry.indicator_id
        if entry.value is None and not entry.no_result:
            errors[f"value-{pk}"] = NEEDS_VALUE
        if entry.no_result and not entry.no_result_reason:
            errors[f"no_result_reason-{pk}"] = NEEDS_REASON
        if entry.warnings and not entry.check_cause:
            errors[f"check_cause-{pk}"] = NEEDS_CAUSE
        if entry.warnings and not entry.check_note:
            errors[f"check_note-{pk}"] = NEEDS_NOTE
    return errors


def flagged_in(period_ids: Iterable[int], region_ids: Iterable[int]) -> list["FlaggedLine"]:
    """Every flagged line of the regions' reports for these periods, with its explanation, in the
    order of the regions and the lines (what a liaison meeting's pack lists): one query."""
    entries = (
        ReportEntry.objects.filter(report__period__in=list(period_ids), report__region__in=list(region_ids))
        .exclude(warnings="")
        .select_related("report__region", "report__period", "indicator__kpi")
        .order_by(
            "report__period__fiscal_year",
            "report__period__half",
            "report__region__order",
            "indicator__kpi__order",
            "indicator__order",
        )
    )
    return flagged_lines(entries)


@dataclass(frozen=True)
class FlaggedLine:
    entry: ReportEntry
    checks: list[str]  # what was flagged, in words
    cause: str
    note: str


def flagged_lines(entries: Iterable[ReportEntry]) -> list[FlaggedLine]:
    """The lines whose value was flagged when last saved, with their explanation (the review page
    lists them first; the report's exports and the meeting pack carry them). No query of its own."""
    return [
        FlaggedLine(
            entry=entry,
            checks=labels_of(entry.warnings),
            cause=str(CAUSE_LABELS.get(entry.check_cause, "")),
            note=entry.check_note,
        )
        for entry in entries
        if entry.warnings
    ]


def check_complete(entries: list[ReportEntry]) -> None:
    """Refuse the submission of these lines (WorkflowError, per field) unless complete and explained."""
    errors = submission_errors(entries)
    if errors:
        raise WorkflowError(NOT_SUBMITTABLE, field_errors=errors)


def _entries_with_figures(report, indicators: Iterable | None) -> list[ReportEntry]:
    """The report's lines, each with its indicator's plan, targets and actuals: those given, or read."""
    if indicators is not None:
        shared = {indicator.pk: indicator for indicator in indicators}
        entries = list(report.entries.all())
        if all(entry.indicator_id in shared for entry in entries):
            for entry in entries:
                entry.indicator = shared[entry.indicator_id]
            return entries
    return list(
        report.entries.select_related("indicator__kpi__plan").prefetch_related(
            "indicator__targets", "indicator__actuals"
        )
    )


def lines_as_typed(
    report, inputs: Mapping, fields: Iterable[str], *, indicators: Iterable | None = None
) -> list[ReportEntry]:
    """The report's lines (unsaved) with what the form holds (`fields` of each input), each with
    its value's warnings: four queries whatever the number of lines, one when given the region's
    `indicators` already read with their plan, targets and actuals (the confirmation page reads
    them once for its checks and its lines)."""
    entries = _entries_with_figures(report, indicators)
    for entry in entries:
        new = inputs.get(entry.indicator_id)
        for name in fields if new is not None else ():
            setattr(entry, name, getattr(new, name))
        entry.warnings = warning_codes(line_warnings(entry, report.period))
    return entries
