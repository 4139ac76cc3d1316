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
from reports.posted import posted_list, posted_rows

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
    title = (posted.get("title") or "").strip()
    if not title:
        errors["title"] = "題名を入力してください。"
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = f"{MAX_TITLE_LENGTH}文字以内で入力してください（{len(title)}文字）。"
    subtitle = (posted.get("subtitle") or "").strip()
    if len(subtitle) > MAX_TITLE_LENGTH:
        errors["subtitle"] = f"{MAX_TITLE_LENGTH}文字以内で入力してください（{len(subtitle)}文字）。"
    kpi_text = (posted.get("kpi_text") or "").strip()
    outcomes = (posted.get("outcomes") or "").strip()
    for name, text, limit in (
        ("kpi_text", kpi_text, MAX_TEXT_LENGTH),
        ("outcomes", outcomes, MAX_OUTCOMES_LENGTH),
    ):
        if len(text) > limit:
            errors[name] = f"{limit}文字以内で入力してください（{len(text)}文字）。"

    kpi = None
    raw_kpi = (posted.get("kpi") or "").strip()
    if raw_kpi:
        kpi = region_kpis(plan, region).filter(pk=raw_kpi).first() if raw_kpi.isdecimal() else None
        if kpi is None:
            errors["kpi"] = "この計画・地域の地域KPIから選んでください。"

    stage = None
    raw_stage = (posted.get("stage") or "").strip()
    if raw_stage:
        if raw_stage.isdecimal() and int(raw_stage) in Kpi.Stage.values:
            stage = int(raw_stage)
        else:
            errors["stage"] = "知財活用ステージは1〜3から選んでください。"

    codes = [code for code in posted_list(posted, "themes") if code]
    themes = list(CaseStudyTheme.objects.filter(code__in=codes))
    if len(themes) != len(set(codes)):
        errors["themes"] = "テーマは一覧から選んでください。"

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

    if errors:
        raise WorkflowError(NOT_SAVED, field_errors=errors)
    return CaseStudyInput(
        title=title,
        subtitle=subtitle,
        kpi=kpi,
        kpi_text="" if kpi is not None and _same_text(kpi_text, kpi.text) else kpi_text,
        outcomes=outcomes,
        stage=stage,
        themes=themes,
        steps=steps,
        figures=figures,
    )


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())
