"""What the case-study pages show besides handling the request: the library's filter, a case study's
figures as printed, and the draft form's rows (as stored, or as sent back after a refusal) with its
error list linking every error to its field."""

from dataclasses import dataclass, field

import django_filters
from django.utils.translation import gettext_lazy as _

from kpis.models import Kpi
from plans.models import Plan
from regions.models import Block, Region
from reports.case_studies import rules
from reports.display.formatting import display_number
from reports.display.judgements import status_cell
from reports.display.labels import target_label
from reports.models import CaseStudy, CaseStudyTheme
from reports.posted import posted_rows

FIELD_LABELS = {
    "plan": "行動計画",
    "region": "地域",
    "title": "題名",
    "subtitle": "副題",
    "kpi": "対象の地域KPI",
    "kpi_text": "KPI（事例の記載）",
    "outcomes": "成果（アウトカム）",
    "stage": "知財活用ステージ",
    "themes": "テーマ",
    "steps": "支援の取組",
    "figures": "実績",
    "reason": "作成中に戻す理由",
}


PART_LABELS = {
    "date_label": "時期",
    "text": "内容",
    "indicator": "指標",
    "fiscal_year": "年度",
    "label": "見出し",
}


class CaseStudyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("キーワード（スペース区切りですべてを含む）"), method="filter_text")
    plan = django_filters.ModelChoiceFilter(
        label=_("行動計画"), queryset=Plan.objects.all(), to_field_name="number", empty_label=_("すべて")
    )
    block = django_filters.ModelChoiceFilter(
        label=_("ブロック"),
        field_name="region__block",
        queryset=Block.objects.all(),
        to_field_name="code",
        empty_label=_("すべて"),
    )
    region = django_filters.ModelChoiceFilter(
        label=_("地域"), queryset=Region.objects.all(), to_field_name="code", empty_label=_("すべて")
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("テーマ"),
        field_name="themes",
        queryset=CaseStudyTheme.objects.all(),
        to_field_name="code",
        empty_label=_("すべて"),
    )
    stage = django_filters.ChoiceFilter(
        label=_("知財活用ステージ"), choices=Kpi.Stage.choices, empty_label=_("すべて")
    )
    state = django_filters.ChoiceFilter(
        label=_("状態"), choices=CaseStudy.State.choices, empty_label=_("すべて")
    )

    class Meta:
        model = CaseStudy
        fields = []

    def __init__(self, *args, drafts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not drafts:
            del self.filters["state"]  # only those who may see some drafts choose between the states

    def filter_text(self, queryset, name, value):
        return rules.search(queryset, value)


@dataclass(frozen=True)
class FigureView:
    label: str
    indicator_name: str
    period: str
    actual: str
    target: str
    rate: str
    status: str
    remark: str
    indicator_id: int


def figure_views(case: CaseStudy) -> list[FigureView]:
    views = []
    for row in rules.figure_rows(case):
        unit = row.indicator.unit
        target = row.target
        views.append(
            FigureView(
                label=row.label,
                indicator_name=row.indicator.name,
                period=row.period_label,
                actual="—" if row.actual_value is None else f"{display_number(row.actual_value)}{unit}",
                target=target_label(target, unit) if target is not None else "目標なし",
                rate="—" if row.percent is None else f"{row.percent}%",
                status=figure_status(row.result, unit),
                remark=row.remark,
                indicator_id=row.indicator.pk,
            )
        )
    return views


def figure_status(result, unit: str) -> str:
    """The mark of a final result (its rate has a column of its own), or the progress word with the
    pace it was measured against: a year before its goal's is never given 〇△×."""
    if result.is_final:
        return result.label
    return str(status_cell(result, unit))


@dataclass
class Part:
    """One row of the steps or figures in the form."""

    index: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def id(self, prefix: str, name: str) -> str:
        return f"id_{prefix}-{self.index}-{name}"


def form_values(case: CaseStudy | None) -> dict:
    if case is None:
        return {
            "title": "",
            "subtitle": "",
            "kpi": "",
            "kpi_text": "",
            "outcomes": "",
            "stage": "",
            "themes": [],
        }
    return {
        "title": case.title,
        "subtitle": case.subtitle,
        "kpi": str(case.kpi_id or ""),
        "kpi_text": case.kpi_text,
        "outcomes": case.outcomes,
        "stage": str(case.stage or ""),
        "themes": [t.code for t in case.themes.all()],
    }


def form_step_rows(case: CaseStudy | None, posted) -> list[dict[str, str]]:
    if posted is not None:
        return posted_rows(posted, "step", ("date_label", "text"))
    if case is None:
        return []
    return [{"date_label": s.date_label, "text": s.text} for s in case.steps.all()]


def form_figure_rows(case: CaseStudy | None, posted) -> list[dict[str, str]]:
    if posted is not None:
        return posted_rows(posted, "figure", ("indicator", "fiscal_year", "label"))
    if case is None:
        return []
    return [
        {"indicator": str(f.indicator_id), "fiscal_year": str(f.fiscal_year), "label": f.label}
        for f in case.figures.all()
    ]


def parts(
    rows: list[dict[str, str]], names: tuple[str, ...], empty: int, prefix: str, errors: dict
) -> list[Part]:
    """The rows as sent or stored, renumbered 0…n, plus `empty` blank rows to add more."""
    result = []
    for number, row in enumerate(rows):
        old = row.get("index", str(number))
        part_errors = {
            name: errors[f"{prefix}-{old}-{name}"] for name in names if f"{prefix}-{old}-{name}" in errors
        }
        result.append(Part(number, {name: row.get(name, "") for name in names}, part_errors))
    for number in range(len(rows), len(rows) + empty):
        result.append(Part(number, dict.fromkeys(names, "")))
    return result


def error_list(errors: dict, steps: list[Part], figures: list[Part], posted) -> list[dict]:
    """The errors in the order of the page, each linking to its field."""
    listed = []
    for name in ("title", "subtitle", "kpi", "kpi_text", "stage", "themes", "outcomes", "steps"):
        if name in errors:
            listed.append({"id": f"id_{name}", "label": FIELD_LABELS[name], "message": errors[name]})
    for prefix, rows, what in (("step", steps, "取組"), ("figure", figures, "実績")):
        for part in rows:
            for name, message in part.errors.items():
                label = f"{what}{part.index + 1}：{PART_LABELS[name]}"
                listed.append({"id": part.id(prefix, name), "label": label, "message": message})
    if "figures" in errors:
        listed.append({"id": "figures", "label": FIELD_LABELS["figures"], "message": errors["figures"]})
    return listed
