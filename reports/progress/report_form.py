"""The half-year report form: one line per indicator with what the engine says about it (the
targets for the half and the year, the pace, the earlier figures, a cumulative goal's running
total: reports/progress/line_facts.py) and the fields to fill (a 上期 report's year-end forecast
among them), each keeping what the user typed after a refused save, and the error summary linking
every error to its field."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from kpis.history import user_name
from kpis.models import Actual, Indicator, Kpi, Target
from kpis.plausibility import warnings_of
from kpis.rules.plausibility import CAUSES
from kpis.values import parse_figure
from regions.models import Region
from reports.display.formatting import plain_number
from reports.models import ReportEntry, ReportingPeriod
from reports.progress import workflow
from reports.progress.forecasts import takes_forecast
from reports.progress.line_facts import LineFacts, line_facts

TEXT_LABELS = {"activities": "取組内容", "outcomes": "成果", "next_steps": "課題・次の取組"}
FORECAST_LABEL = "年度末見込み"
FORECAST_REASON_LABEL = "見込みの理由（1行）"
CHECK_LABELS = {
    "no_result": "実績なし",
    "no_result_reason": "実績なしの理由（1行）",
    "check_cause": "確認が必要な値の要因",
    "check_note": "確認が必要な値の説明（1行）",
}
CAUSE_CHOICES = CAUSES


@dataclass
class Field:
    name: str
    label: str
    value: str
    error: str = ""
    # in a conflict: what the user sent, when it differs from the current value
    sent: str | None = None

    @property
    def id(self) -> str:
        return f"id_{self.name}"


@dataclass
class Line:
    indicator: Indicator
    entry: ReportEntry | None
    facts: LineFacts
    value: Field
    texts: list[Field]
    # a 上期 report's year-end forecast and its reason; None in a 下期 report
    forecast: Field | None = None
    forecast_reason: Field | None = None
    # 実績なし, its reason, a flagged value's cause and sentence (reports/progress/checks.py)
    checks: dict[str, Field] | None = None
    # the plausibility warnings of the value shown (what a submission would ask to explain)
    warnings: tuple = ()

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi

    @property
    def fields(self) -> list[Field]:
        """Every field of the line in the order of the page."""
        forecast = [self.forecast, self.forecast_reason] if self.forecast is not None else []
        return [self.value, *forecast, *(self.checks or {}).values(), *self.texts]

    @property
    def no_result(self) -> bool:
        return bool(self.checks and self.checks["no_result"].value)

    @property
    def cause_label(self) -> str:
        return str(dict(CAUSES).get(self.checks["check_cause"].value, "")) if self.checks else ""

    @property
    def entered_by(self) -> str:
        if self.entry is None or self.entry.updated_by is None:
            return ""
        return user_name(self.entry.updated_by)


def summary_links(lines: list[Line], errors: dict, review_error=None, reopen_error=None) -> list[dict]:
    """The field errors in the order of the page, each linking to its field."""
    links = []
    for line in lines:
        for item in line.fields:
            if item.name in errors:
                label = f"{line.indicator.name}・{item.label}"
                links.append({"id": item.id, "label": label, "message": errors[item.name]})
    for problem, name, label in (
        (review_error, "comment", "コメント"),
        (reopen_error, "reason", "再開の理由"),
    ):
        if problem is not None and name in problem.field_errors:
            links.append({"id": f"id_{name}", "label": label, "message": problem.field_errors[name]})
    return links


def report_lines(
    region, period, current, *, keep=None, errors=None, sent=None, indicators=None
) -> list[Line]:
    """A line per indicator; `keep`: what a refused form held (shown again), `sent`: what a form
    refused as stale sent (shown below the current values); `indicators`: the region's, already read
    through indicators_with_figures."""
    fields = FieldMaker(errors or {}, keep, sent)
    entries = {}
    if current is not None:
        # kept by indicator: the entries' own ordering (by KPI and indicator) would join four tables
        entries = {e.indicator_id: e for e in current.entries.select_related("updated_by").order_by()}
    lines = []
    if indicators is None:
        indicators = indicators_with_figures(period, region)
    for indicator in indicators:
        if current is not None and not current.is_editable and indicator.pk not in entries:
            continue  # a report no longer written shows the lines it had
        entry = entries.get(indicator.pk)
        stored = stored_values(entry)

        def make(name: str, label: str, indicator=indicator, stored=stored) -> Field:
            return fields.make(f"{name}-{indicator.pk}", label, stored[name])

        forecast = {}
        if takes_forecast(period):
            forecast = {
                "forecast": make("forecast", f"{FORECAST_LABEL}（{indicator.unit}）"),
                "forecast_reason": make("forecast_reason", FORECAST_REASON_LABEL),
            }
        value = make("value", f"今期の実績（{indicator.unit}）")
        checks = {name: make(name, label) for name, label in CHECK_LABELS.items()}
        if keep is not None and f"value-{indicator.pk}" in keep:
            # an unticked box is not sent: the line was, so 実績なし was left off
            checks["no_result"].value = keep.get(f"no_result-{indicator.pk}", "")
        lines.append(
            Line(
                indicator=indicator,
                entry=entry,
                facts=line_facts(indicator, period, entry),
                value=value,
                texts=[make(name, label) for name, label in TEXT_LABELS.items()],
                **forecast,
                checks=checks,
                warnings=shown_warnings(indicator, period, value.value),
            )
        )
    return lines


def shown_warnings(indicator: Indicator, period: ReportingPeriod, typed: str) -> tuple:
    """The warnings of the value in the field (as typed after a refusal); none for one unreadable."""
    try:
        value = parse_figure(typed, indicator.measure)
    except ValidationError:
        return ()
    return warnings_of(indicator, period.fiscal_year, period.half, value)


def stored_values(entry: ReportEntry | None) -> dict[str, str]:
    """What the line's fields hold as stored (empty for a line not stored yet)."""
    return {
        "value": shown_value(entry.value) if entry else "",
        "forecast": shown_value(entry.forecast) if entry else "",
        "forecast_reason": entry.forecast_reason if entry else "",
        "no_result": "1" if entry and entry.no_result else "",
        "no_result_reason": entry.no_result_reason if entry else "",
        "check_cause": entry.check_cause if entry else "",
        "check_note": entry.check_note if entry else "",
        **{name: getattr(entry, name) if entry else "" for name in workflow.TEXT_FIELDS},
    }


@dataclass(frozen=True)
class FieldMaker:
    errors: dict
    keep: object = None
    sent: object = None

    def make(self, key: str, label: str, stored: str) -> Field:
        value = self.keep.get(key, "") if self.keep is not None and key in self.keep else stored
        item = Field(name=key, label=label, value=value, error=self.errors.get(key, ""))
        sent = self.sent
        if sent is not None and key in sent and sent.get(key, "").strip() != str(stored).strip():
            item.sent = sent.get(key, "")
        return item


def indicators_with_figures(period: ReportingPeriod, region: Region):
    """The region's indicators with what the engine reads (plan, targets, actuals): three queries.
    Each indicator's figures come in the models' order (year, then period) without the join to the
    indicator, KPI and plan that ordering them by indicator would add."""
    return (
        workflow.region_indicators(period.plan, region)
        .select_related("kpi__plan")
        .prefetch_related(
            Prefetch("targets", queryset=Target.objects.order_by("year", "period")),
            Prefetch("actuals", queryset=Actual.objects.order_by("year", "period")),
        )
    )


def shown_value(value) -> str:
    number = plain_number(value)
    return "" if number is None else str(number)
