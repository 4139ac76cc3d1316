"""The case-study form read and checked: its fields, its repeated steps and figures; every problem is
collected per field so the page shows them all, and nothing is saved while one remains."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions.models import Region
from reports.audit import MAX_TEXT_LENGTH, WorkflowError
from reports.case_studies.reading import region_indicators, region_kpis
from reports.models import CaseStudyTheme
from reports.posted import posted_list, posted_rows, read_text

MAX_TITLE_LENGTH = 200


MAX_OUTCOMES_LENGTH = 8000


MAX_DATE_LABEL_LENGTH = 40


MAX_STEPS = 30


MAX_FIGURES = 12


NOT_SAVED = "入力内容に誤りがあります。保存していません。"


@dataclass(frozen=True)
class StepInput:
    date_label: str
    text: str


@dataclass(frozen=True)
class FigureInput:
    indicator: Indicator
    fiscal_year: int
    label: str = ""


@dataclass
class CaseStudyInput:
    title: str
    subtitle: str = ""
    kpi: Kpi | None = None
    kpi_text: str = ""
    outcomes: str = ""
    stage: int | None = None
    themes: list[CaseStudyTheme] = field(default_factory=list)
    steps: list[StepInput] = field(default_factory=list)
    figures: list[FigureInput] = field(default_factory=list)


def read_input(posted: Mapping[str, str], *, plan: Plan, region: Region) -> CaseStudyInput:
    """The form's fields read and checked; every problem is collected so the page shows them all."""
    errors: dict[str, str] = {}
    title = read_text(posted, "title", MAX_TITLE_LENGTH, errors)
    if not title:
        errors["title"] = "題名を入力してください。"
    subtitle = read_text(posted, "subtitle", MAX_TITLE_LENGTH, errors)
    kpi_text = read_text(posted, "kpi_text", MAX_TEXT_LENGTH, errors)
    outcomes = read_text(posted, "outcomes", MAX_OUTCOMES_LENGTH, errors)
    kpi = _read_kpi(posted, plan, region, errors)
    data = CaseStudyInput(
        title=title,
        subtitle=subtitle,
        kpi=kpi,
        kpi_text="" if kpi is not None and _same_text(kpi_text, kpi.text) else kpi_text,
        outcomes=outcomes,
        stage=_read_stage(posted, errors),
        themes=_read_themes(posted, errors),
        steps=_read_steps(posted, errors),
        figures=_read_figures(posted, plan, region, kpi, errors),
    )
    if errors:
        raise WorkflowError(NOT_SAVED, field_errors=errors)
    return data


def _read_kpi(posted, plan: Plan, region: Region, errors: dict) -> Kpi | None:
    raw_kpi = (posted.get("kpi") or "").strip()
    if not raw_kpi:
        return None
    kpi = region_kpis(plan, region).filter(pk=raw_kpi).first() if raw_kpi.isdecimal() else None
    if kpi is None:
        errors["kpi"] = "この計画・地域の地域KPIから選んでください。"
    return kpi


def _read_stage(posted, errors: dict) -> int | None:
    raw_stage = (posted.get("stage") or "").strip()
    if not raw_stage:
        return None
    if raw_stage.isdecimal() and int(raw_stage) in Kpi.Stage.values:
        return int(raw_stage)
    errors["stage"] = "知財活用ステージは1〜3から選んでください。"
    return None


def _read_themes(posted, errors: dict) -> list[CaseStudyTheme]:
    codes = [code for code in posted_list(posted, "themes") if code]
    themes = list(CaseStudyTheme.objects.filter(code__in=codes))
    if len(themes) != len(set(codes)):
        errors["themes"] = "テーマは一覧から選んでください。"
    return themes


def _read_steps(posted, errors: dict) -> list[StepInput]:
    steps = []
    for row in posted_rows(posted, "step", ("date_label", "text")):
        if not row["date_label"] and not row["text"]:
            continue  # an empty row, or a step cleared to delete it
        key = f"step-{row['index']}"
        if not row["text"]:
            errors[f"{key}-text"] = "取組の内容を入力してください（行を削除するには時期も空欄にします）。"
        elif len(row["text"]) > MAX_TEXT_LENGTH:
            errors[f"{key}-text"] = f"{MAX_TEXT_LENGTH}文字以内で入力してください（{len(row['text'])}文字）。"
        if len(row["date_label"]) > MAX_DATE_LABEL_LENGTH:
            errors[f"{key}-date_label"] = f"{MAX_DATE_LABEL_LENGTH}文字以内で入力してください。"
        steps.append(StepInput(row["date_label"], row["text"]))
    if len(steps) > MAX_STEPS:
        errors["steps"] = f"取組は{MAX_STEPS}件までです。"
    return steps


def _read_figures(posted, plan: Plan, region: Region, kpi: Kpi | None, errors: dict) -> list[FigureInput]:
    figures = []
    indicators = {str(i.pk): i for i in region_indicators(plan, region)}
    seen = set()
    for row in posted_rows(posted, "figure", ("indicator", "fiscal_year", "label")):
        if not row["indicator"] and not row["fiscal_year"] and not row["label"]:
            continue
        key = f"figure-{row['index']}"
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            errors[f"{key}-indicator"] = "この計画・地域の地域KPIの指標から選んでください。"
        elif kpi is not None and indicator.kpi_id != kpi.pk:
            errors[f"{key}-indicator"] = "対象の地域KPIの指標を選んでください。"
        year = int(row["fiscal_year"]) if row["fiscal_year"].isdecimal() else None
        if year is None or year not in plan.fiscal_years:
            errors[f"{key}-fiscal_year"] = (
                f"{plan.name}の年度（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）から選んでください。"
            )
        if len(row["label"]) > 100:
            errors[f"{key}-label"] = "100文字以内で入力してください。"
        if indicator is not None and year is not None:
            if (indicator.pk, year) in seen:
                errors[f"{key}-indicator"] = "同じ指標・年度の実績が重複しています。"
            seen.add((indicator.pk, year))
            figures.append(FigureInput(indicator, year, row["label"]))
    if len(figures) > MAX_FIGURES:
        errors["figures"] = f"実績は{MAX_FIGURES}件までです。"
    return figures


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())
