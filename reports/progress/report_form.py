"""The half-year report form: one line per indicator with the target in force, the earlier actuals and
the fields to fill, each keeping what the user typed after a refused save, and the error summary
linking every error to its field."""

from dataclasses import dataclass

from django.db.models import Prefetch

from kpis.achievement import CUMULATIVE, NO_TARGET, cumulative_target, target_in_force
from kpis.figures import target_figure
from kpis.history import user_name
from kpis.models import Actual, Indicator, Kpi
from plans.fiscal import PERIOD_ORDER
from regions.models import Region
from reports.display.formatting import plain_number
from reports.display.labels import last_actual_label, target_label
from reports.models import ReportEntry, ReportingPeriod
from reports.progress import workflow

PREVIOUS_ACTUALS = 4


TEXT_LABELS = {"activities": "取組内容", "outcomes": "成果", "next_steps": "課題・次の取組"}


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
    target: str
    previous: list[tuple[str, str]]
    value: Field
    texts: list[Field]

    @property
    def kpi(self) -> Kpi:
        return self.indicator.kpi

    @property
    def fields(self) -> list[Field]:
        return [self.value, *self.texts]

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


def report_lines(region, period, current, *, keep=None, errors=None, sent=None) -> list[Line]:
    errors = errors or {}
    indicators = indicators_with_figures(period, region)
    entries = {}
    if current is not None:
        entries = {e.indicator_id: e for e in current.entries.select_related("updated_by")}
    lines = []
    for indicator in indicators:
        if current is not None and indicator.pk not in entries:
            continue
        entry = entries.get(indicator.pk)
        current_values = {
            "value": shown_value(entry.value) if entry else "",
            **{name: getattr(entry, name) if entry else "" for name in workflow.TEXT_FIELDS},
        }

        def make(name: str, label: str, indicator=indicator, current_values=current_values) -> Field:
            key = f"{name}-{indicator.pk}"
            value = current_values[name]
            if keep is not None and key in keep:
                value = keep.get(key, "")
            item = Field(name=key, label=label, value=value, error=errors.get(key, ""))
            if (
                sent is not None
                and key in sent
                and sent.get(key, "").strip() != str(current_values[name]).strip()
            ):
                item.sent = sent.get(key, "")
            return item

        lines.append(
            Line(
                indicator=indicator,
                entry=entry,
                target=target_text(indicator, period.fiscal_year, period.half),
                previous=previous_actuals(indicator, period),
                value=make("value", f"今期の実績（{indicator.unit}）"),
                texts=[make(name, label) for name, label in TEXT_LABELS.items()],
            )
        )
    return lines


def indicators_with_figures(period: ReportingPeriod, region: Region):
    return workflow.region_indicators(period.plan, region).prefetch_related(
        "targets", Prefetch("actuals", queryset=Actual.objects.order_by("year", "period"))
    )


def shown_value(value) -> str:
    number = plain_number(value)
    return "" if number is None else str(number)


def target_text(indicator: Indicator, fiscal_year: int, half: str) -> str:
    """The target in force for the fiscal year, as the documents write it."""
    if indicator.target_shape == NO_TARGET:
        return "数値目標なし"
    targets = list(indicator.targets.all())
    figures = [target_figure(t) for t in targets]
    if indicator.target_shape == CUMULATIVE:
        chosen = cumulative_target(figures, fiscal_year) or target_in_force(
            figures, fiscal_year, shape=indicator.target_shape
        )
    else:
        chosen = target_in_force(figures, fiscal_year, shape=indicator.target_shape) or cumulative_target(
            figures, fiscal_year
        )
    labels = [target_label(t, indicator.unit) for t in targets if t.period == half and t.year == fiscal_year]
    if chosen is not None:
        match = next((t for t in targets if (t.period, t.year) == (chosen.period, chosen.year)), None)
        if match is not None:
            labels.append(target_label(match, indicator.unit))
    return "、".join(labels) or "目標未設定"


def previous_actuals(indicator: Indicator, period: ReportingPeriod) -> list[tuple[str, str]]:
    """The indicator's latest actuals in the plan before this half year (at most PREVIOUS_ACTUALS)."""
    here = (period.fiscal_year, PERIOD_ORDER[period.half])
    start = period.plan.start_fiscal_year
    earlier = [
        a
        for a in indicator.actuals.all()
        if a.year >= start and (a.year, PERIOD_ORDER.get(a.period, 9)) < here
    ]
    earlier.sort(key=lambda a: (a.year, PERIOD_ORDER.get(a.period, 9)))
    return [
        (last_actual_label(a), f"{shown_value(a.value)}{indicator.unit}") for a in earlier[-PREVIOUS_ACTUALS:]
    ]
