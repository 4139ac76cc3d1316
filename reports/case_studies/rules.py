"""Case studies (成果事例): who sees them, how they are searched, and how they are drafted and published.

    draft ──publish (bureau of the block, central)──▶ published ──back to draft (central, reason)──▶ draft

A published case study is visible to every signed-in user and locked; a draft only to the region's
officers, the bureau of its block and central staff (others get 404). Officers draft for their own
region; the bureau and central staff may draft for the regions they look after.

Plain functions, each one transaction, like reports/workflow.py: they check who may act
(PermissionDenied → 403), check the input (WorkflowError with a Japanese message) and refuse a
change based on an outdated version (StaleCaseStudy, listing what changed meanwhile).

A case study's figures are never stored with it: a CaseStudyFigure names an indicator and a fiscal
year, and `figure_rows` reads the value from the indicator's actuals and the rate from the
achievement engine.
"""

import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kpis.achievement import CUMULATIVE, Achievement
from kpis.figures import achievement_of, thresholds_of
from kpis.history import recorded, take_version, user_name
from kpis.models import Indicator, Kpi
from plans.fiscal import era_year, fiscal_year_label, fiscal_year_of
from plans.loading import LOADED_REASON
from plans.models import Plan
from regions import access
from regions.models import Region
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep, CaseStudyTheme
from reports.progress.workflow import (
    MAX_TEXT_LENGTH,
    Change,
    StaleChange,
    StateChange,
    WorkflowError,
    _shown,
    required_text,
)

State = CaseStudy.State
MAX_TITLE_LENGTH = 200
MAX_OUTCOMES_LENGTH = 8000
MAX_DATE_LABEL_LENGTH = 40
MAX_STEPS = 30
MAX_FIGURES = 12
# The fields whose changes the history lists (steps and figures have their own records).
TRACKED_FIELDS = ("title", "subtitle", "kpi", "kpi_text", "outcomes", "stage")

NOT_SAVED = "入力内容に誤りがあります。保存していません。"
CREATED = "作成"
SAVED = "保存"
LOCKED = (
    "公開済みの成果事例は変更できません。修正には中央（特許庁・INPIT）の担当者が作成中に戻す必要があります。"
)
MAY_NOT_DRAFT = "この地域の成果事例を作成・編集する権限がありません。"
MAY_NOT_PUBLISH = (
    "成果事例を公開できるのは、その地域のブロックの経済産業局等または中央（特許庁・INPIT）の担当者です。"
)
MAY_NOT_UNPUBLISH = "公開済みの成果事例を作成中に戻せるのは中央（特許庁・INPIT）の担当者です。"


class StaleCaseStudy(StaleChange):
    subject = "この成果事例"
    retry = "操作"


# --- who sees what -------------------------------------------------------------------------------


def visible_case_studies(user) -> QuerySet[CaseStudy]:
    """Published case studies, and the drafts of the regions whose drafts the user may see."""
    case_studies = CaseStudy.objects.all()
    if not getattr(user, "is_authenticated", False):
        return case_studies.none()
    scope = access.region_scope(user)
    if scope is None:
        return case_studies
    return case_studies.filter(Q(state=State.PUBLISHED) | Q(region__in=Region.objects.filter(scope)))


def may_see(user, case: CaseStudy) -> bool:
    return case.is_published or access.may_see_reports_of(user, case.region)


def may_see_drafts_of(user, region: Region) -> bool:
    return access.may_see_reports_of(user, region)


def may_draft_for(user, region: Region) -> bool:
    """Officers of the region, the bureau of its block and central staff."""
    return access.may_edit_report_of(user, region)


def may_draft(user) -> bool:
    """Whether the user's role drafts case studies at all (officers, bureaus, central staff)."""
    role = access.access_of(user)
    return role.is_central or role.is_bureau or role.is_officer


def may_edit(user, case: CaseStudy) -> bool:
    return not case.is_published and may_draft_for(user, case.region)


def may_publish(user, case: CaseStudy) -> bool:
    return access.may_review_reports_of(user, case.region)


def may_unpublish(user) -> bool:
    return access.may_reopen_reports(user)


def draft_regions(user) -> QuerySet[Region]:
    """The regions the user may draft case studies for."""
    if not may_draft(user):
        return Region.objects.none()
    return access.regions_in_scope(user)


# --- reading for pages ---------------------------------------------------------------------------


def for_library(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return queryset.select_related("plan", "region__block", "kpi").prefetch_related("themes")


def for_detail(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    """With everything the detail page shows, in a fixed number of queries."""
    figures = CaseStudyFigure.objects.select_related("indicator__kpi__plan").prefetch_related(
        "indicator__targets", "indicator__actuals"
    )
    return queryset.select_related(
        "plan", "region__block", "kpi", "created_by", "updated_by", "published_by"
    ).prefetch_related(
        "themes",
        Prefetch("steps", queryset=CaseStudyStep.objects.order_by("order")),
        Prefetch("figures", queryset=figures.order_by("order")),
    )


def search(queryset: QuerySet[CaseStudy], text: str | None) -> QuerySet[CaseStudy]:
    """Every space-separated term (full-width spaces too) must occur somewhere in the case study: its
    title, subtitle, KPI, outcomes, steps (text or date as printed) or the region's name. Japanese has
    no word boundaries, so a term matches anywhere inside the text."""
    for term in (text or "").split():
        steps = CaseStudyStep.objects.filter(Q(text__icontains=term) | Q(date_label__icontains=term))
        steps = steps.values("case_study_id")
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(subtitle__icontains=term)
            | Q(kpi_text__icontains=term)
            | Q(kpi__text__icontains=term)
            | Q(kpi__title__icontains=term)
            | Q(outcomes__icontains=term)
            | Q(region__name_ja__icontains=term)
            | Q(pk__in=steps)
        )
    return queryset


# --- dates as printed ----------------------------------------------------------------------------

_ERA_START = {"H": 1988, "平成": 1988, "R": 2018, "令和": 2018, "S": 1925, "昭和": 1925}
_ERA = r"(?P<era>平成|令和|昭和|H|R|S)\.?\s*(?P<year>\d{1,2}|元)"
_WESTERN = r"(?P<western>(?:19|20)\d{2})"
_MONTH = r"\s*[.．年/]\s*(?P<month>\d{1,2})(?!\d)"
_FISCAL = r"\s*年度"


def parse_step_date(label: str) -> tuple[datetime.date | None, int | None]:
    """A step's date as the documents print it → (first day of the month, fiscal year).

    "H30.10" → (2018-10-01, 2018); "２０１８．４" → (2018-04-01, 2018); "R2.３月" → (2020-03-01, 2019);
    "平成30年度" → (None, 2018); "H30" → (None, 2018); "今後" → (None, None).
    """
    text = unicodedata.normalize("NFKC", label or "").strip().upper()
    for era_or_year in (_ERA, _WESTERN):
        match = re.match(era_or_year + _MONTH, text)
        if match:
            year, month = _year_of(match), int(match.group("month"))
            if not 1 <= month <= 12:
                return None, None
            month_start = datetime.date(year, month, 1)
            return month_start, fiscal_year_of(month_start)
        match = re.match(era_or_year + _FISCAL, text) or re.fullmatch(era_or_year, text)
        if match:
            return None, _year_of(match)
    return None, None


def _year_of(match: re.Match) -> int:
    groups = match.groupdict()
    if groups.get("western"):
        return int(groups["western"])
    number = 1 if groups["year"] == "元" else int(groups["year"])
    return _ERA_START[groups["era"]] + number


# --- figures -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """A case study's figure: the indicator's actual for the year and the engine's rate on it."""

    figure: CaseStudyFigure
    result: Achievement
    period_label: str
    remark: str

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator

    @property
    def label(self) -> str:
        return self.figure.label or self.figure.indicator.name

    @property
    def actual_value(self) -> Decimal | None:
        return self.result.actual_value

    @property
    def target_value(self) -> Decimal | None:
        return self.result.target_value

    @property
    def percent(self) -> int | None:
        return self.result.percent

    @property
    def target(self):
        """The Target row the rate was computed against (for its label), if any."""
        used = self.result.targets_used
        if not used:
            return None
        return next(
            (
                t
                for t in self.figure.indicator.targets.all()
                if (t.period, t.year) == (used[0].period, used[0].year)
            ),
            None,
        )


def figure_rows(case: CaseStudy, today: datetime.date | None = None) -> list[FigureRow]:
    """The figures, each judged by the engine as of the end of its fiscal year (or today, if earlier).

    Fetch the case study through `for_detail` so that this runs no query.
    """
    today = today or timezone.localdate()
    rows = []
    for figure in case.figures.all():
        indicator = figure.indicator
        year = figure.fiscal_year
        as_of = min(today, datetime.date(year + 1, 3, 31))
        result = achievement_of(
            indicator, fiscal_year=year, as_of=as_of, thresholds=thresholds_of(indicator.kpi.plan)
        )
        rows.append(FigureRow(figure, result, _period_label(indicator, year, result), _remark(year, result)))
    return rows


def _period_label(indicator: Indicator, year: int, result: Achievement) -> str:
    if indicator.target_shape == CUMULATIVE:
        start = result.targets_used[0].start_year if result.targets_used else None
        if start and start < year:
            return f"{start}〜{year}年度累計（{era_year(start)}〜{era_year(year)}年度）"
        return f"{fiscal_year_label(year)}末までの累計"
    return fiscal_year_label(year)


def _remark(year: int, result: Achievement) -> str:
    """The documents' own caveat: a rate on a later year's goal (北海道 FY2018: 121 ÷ the FY2019 goal)."""
    if not result.targets_used:
        return ""
    target = result.targets_used[0]
    if target.year == year:
        return ""
    if target.period == "cum":
        return f"{target.year}年度までの目標に対する率"
    return f"{target.year}年度の目標に対する率"


# --- reading a form ------------------------------------------------------------------------------


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


def region_kpis(plan: Plan, region: Region) -> QuerySet[Kpi]:
    return Kpi.objects.filter(plan=plan, region=region, level=Kpi.Level.REGIONAL).order_by("order", "code")


def region_indicators(plan: Plan, region: Region) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(kpi__plan=plan, kpi__region=region, kpi__level=Kpi.Level.REGIONAL)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code", "order", "code")
    )


def posted_rows(posted: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a repeated group of fields (`step-0-date_label`, `step-0-text`, …), in index order."""
    indexes = set()
    for key in posted:
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == prefix and parts[1].isdecimal() and parts[2] in names:
            indexes.add(int(parts[1]))
    return [
        {"index": str(i), **{name: (posted.get(f"{prefix}-{i}-{name}") or "").strip() for name in names}}
        for i in sorted(indexes)
    ]


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

    codes = [code for code in _getlist(posted, "themes") if code]
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


def _getlist(posted, name: str) -> list[str]:
    return posted.getlist(name) if hasattr(posted, "getlist") else list(posted.get(name) or [])


def _same_text(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


# --- writing -------------------------------------------------------------------------------------


@transaction.atomic
def create(user, *, plan: Plan, region: Region, data: CaseStudyInput) -> CaseStudy:
    """A new draft for the region, coded `<region code>-<n>` within the plan."""
    if not may_draft(user) or not may_draft_for(user, region):
        raise PermissionDenied(MAY_NOT_DRAFT)
    _check_belongs(plan, region, data)
    now = timezone.now()
    case = CaseStudy(
        plan=plan,
        region=region,
        code=next_code(plan, region),
        state=State.DRAFT,
        created_at=now,
        created_by=user,
    )
    _fill(case, data, user, now)
    case.order = int(case.code.rsplit("-", 1)[1])
    recorded(user, case, CREATED).save()
    case.themes.set(data.themes)
    _write_steps(user, case, data.steps, CREATED)
    _write_figures(user, case, data.figures, CREATED)
    return case


def next_code(plan: Plan, region: Region) -> str:
    prefix = f"{region.code}-"
    numbers = [
        int(code[len(prefix) :])
        for code in CaseStudy.objects.filter(plan=plan, code__startswith=prefix).values_list(
            "code", flat=True
        )
        if code[len(prefix) :].isdecimal()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


@transaction.atomic
def save(user, case: CaseStudy, *, version: int, data: CaseStudyInput) -> CaseStudy:
    _check_editable(user, case)
    _check_belongs(case.plan, case.region, data)
    _take_version(case, version)
    now = timezone.now()
    _fill(case, data, user, now)
    before = list(case.themes.order_by("order", "code"))
    theme_change = _theme_change(before, data.themes)
    case.themes.set(data.themes)
    recorded(user, case, SAVED + (f"（{theme_change}）" if theme_change else "")).save()
    _write_steps(user, case, data.steps, SAVED)
    _write_figures(user, case, data.figures, SAVED)
    return case


@transaction.atomic
def publish(user, case: CaseStudy, *, version: int) -> CaseStudy:
    if not may_see(user, case):
        raise PermissionDenied
    if not may_publish(user, case):
        raise PermissionDenied(MAY_NOT_PUBLISH)
    if case.is_published:
        raise WorkflowError("この成果事例は既に公開されています。")
    missing = []
    if not case.outcomes.strip():
        missing.append("成果（アウトカム）")
    if not case.steps.exists():
        missing.append("支援の取組")
    if missing:
        raise WorkflowError(f"公開する前に{'・'.join(missing)}を入力してください。")
    _take_version(case, version)
    case.state = State.PUBLISHED
    case.published_at = timezone.now()
    case.published_by = user
    case.unpublish_reason = ""
    recorded(user, case, "公開").save()
    return case


@transaction.atomic
def unpublish(user, case: CaseStudy, *, version: int, reason: str) -> CaseStudy:
    """Set a published case study back to draft for a correction; it leaves the library of those
    outside the region until published again."""
    if not may_see(user, case):
        raise PermissionDenied
    if not may_unpublish(user):
        raise PermissionDenied(MAY_NOT_UNPUBLISH)
    if not case.is_published:
        raise WorkflowError("公開済みの成果事例だけが、作成中に戻す対象です。")
    reason = required_text(
        reason, field="reason", missing="作成中に戻す理由を入力してください。", label="理由"
    )
    _take_version(case, version)
    case.state = State.DRAFT
    case.unpublish_reason = reason
    recorded(user, case, f"作成中に戻す: {reason}").save()
    return case


def _check_editable(user, case: CaseStudy) -> None:
    if not may_see(user, case):
        raise PermissionDenied
    if not may_draft_for(user, case.region):
        raise PermissionDenied(MAY_NOT_DRAFT)
    if case.is_published:
        raise WorkflowError(LOCKED)


def _check_belongs(plan: Plan, region: Region, data: CaseStudyInput) -> None:
    """A forged form cannot attach another region's KPI or indicator."""
    if data.kpi is not None and (data.kpi.plan_id != plan.pk or data.kpi.region_id != region.pk):
        raise WorkflowError(NOT_SAVED, field_errors={"kpi": "この計画・地域の地域KPIから選んでください。"})
    for figure in data.figures:
        kpi = figure.indicator.kpi
        if kpi.plan_id != plan.pk or kpi.region_id != region.pk:
            raise WorkflowError(
                NOT_SAVED, field_errors={"figures": "この計画・地域の地域KPIの指標から選んでください。"}
            )


def _fill(case: CaseStudy, data: CaseStudyInput, user, now) -> None:
    case.title = data.title
    case.subtitle = data.subtitle
    case.kpi = data.kpi
    case.kpi_text = data.kpi_text
    case.outcomes = data.outcomes
    case.stage = data.stage
    case.updated_at = now
    case.updated_by = user


def _theme_change(before: list[CaseStudyTheme], after: list[CaseStudyTheme]) -> str:
    added = [t.label for t in after if t not in before]
    removed = [t.label for t in before if t not in after]
    parts = []
    if added:
        parts.append("テーマ追加: " + "、".join(added))
    if removed:
        parts.append("テーマ削除: " + "、".join(removed))
    return "／".join(parts)


def _write_steps(user, case: CaseStudy, steps: list[StepInput], reason: str) -> None:
    """Steps in the order given; each changed row saved (or deleted) on its own for its history."""
    existing = {step.order: step for step in case.steps.all()}
    for order, new in enumerate(steps, start=1):
        month, fiscal_year = parse_step_date(new.date_label)
        step = existing.pop(order, None) or CaseStudyStep(case_study=case, order=order)
        values = {"date_label": new.date_label, "text": new.text, "month": month, "fiscal_year": fiscal_year}
        if step.pk and all(getattr(step, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(step, name, value)
        recorded(user, step, reason).save()
    for step in existing.values():
        recorded(user, step, "削除").delete()


def _write_figures(user, case: CaseStudy, figures: list[FigureInput], reason: str) -> None:
    """A row naming the same indicator and year as before keeps its record (its label may change);
    any other row is deleted first and written anew, so no (indicator, year) pair ever collides."""
    existing = {figure.order: figure for figure in case.figures.all()}
    kept = {}
    for order, figure in existing.items():
        new = figures[order - 1] if order <= len(figures) else None
        if new is not None and (figure.indicator_id, figure.fiscal_year) == (
            new.indicator.pk,
            new.fiscal_year,
        ):
            kept[order] = figure
        else:
            recorded(user, figure, "削除").delete()
    for order, new in enumerate(figures, start=1):
        figure = kept.get(order)
        if figure is not None and figure.label == new.label:
            continue
        if figure is None:
            figure = CaseStudyFigure(
                case_study=case, order=order, indicator=new.indicator, fiscal_year=new.fiscal_year
            )
        figure.label = new.label
        recorded(user, figure, reason).save()


# --- optimistic locking and history ---------------------------------------------------------------


def _take_version(case: CaseStudy, version: int) -> None:
    """As for progress reports: of two requests based on the same version, one is refused."""
    if not take_version(case, version):
        raise StaleCaseStudy(changes_since(case, version))


def changes_since(case: CaseStudy, version: int) -> list[Change]:
    """What was done to the case study after it was at `version`: each operation, and each field, step
    and figure changed."""
    opened = case.history.filter(version=version).order_by("history_date").first()
    since = opened.history_date if opened else None
    records = case.history.select_related("history_user").order_by("history_date")
    if since is not None:
        records = records.filter(history_date__gt=since)
    operations = [
        Change(
            what="操作",
            old="",
            new=record.history_change_reason or "",
            by=user_name(record.history_user),
            at=record.history_date,
        )
        for record in records
    ]
    return sorted(operations + field_changes(case, since=since), key=lambda change: change.at)


def state_history(case: CaseStudy) -> list[StateChange]:
    """Every saved step of the case study (作成, 保存, 公開, 作成中に戻す), oldest first."""
    return [
        StateChange(
            state=record.state,
            state_label=str(State(record.state).label),
            reason=record.history_change_reason or ("作成" if record.history_type == "+" else ""),
            by=user_name(record.history_user),
            at=record.history_date,
        )
        for record in case.history.select_related("history_user").order_by("history_date")
    ]


def field_changes(case: CaseStudy, *, since: datetime.datetime | None = None) -> list[Change]:
    """Each changed field of the case study, its steps and its figures, oldest first.

    Three queries however long the history: consecutive records are compared in memory.
    """
    records = list(case.history.select_related("history_user").order_by("history_date", "history_id"))
    found = []
    for previous, record in zip(records, records[1:], strict=False):
        if since is not None and record.history_date <= since:
            continue
        for name in TRACKED_FIELDS:
            attname = CaseStudy._meta.get_field(name).attname
            old, new = getattr(previous, attname), getattr(record, attname)
            if old != new:
                found.append((record, name, old, new))
    kpi_titles = {}
    if any(name == "kpi" for _record, name, _old, _new in found):
        kpi_titles = dict(Kpi.objects.filter(plan=case.plan_id).values_list("pk", "title"))
    changes = []
    for record, name, old, new in found:
        if name == "kpi":
            old, new = kpi_titles.get(old, old), kpi_titles.get(new, new)
        elif name == "stage":
            old, new = _stage_label(old), _stage_label(new)
        changes.append(
            Change(
                what=str(CaseStudy._meta.get_field(name).verbose_name),
                old=_shown(old),
                new=_shown(new),
                by=user_name(record.history_user),
                at=record.history_date,
            )
        )
    changes += _part_changes(case, CaseStudyStep, "取組", ("date_label", "text"), since)
    changes += _part_changes(case, CaseStudyFigure, "実績", ("indicator_id", "fiscal_year", "label"), since)
    return sorted(changes, key=lambda change: change.at)


def _stage_label(value) -> str:
    return "" if value in (None, "") else str(Kpi.Stage(int(value)).label)


def _part_changes(case, model, what: str, fields: tuple[str, ...], since) -> list[Change]:
    """Steps or figures added, changed and deleted after the case study was created or loaded."""
    records = list(
        model.history.filter(case_study_id=case.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    names = {}
    if "indicator_id" in fields:
        ids = {record.indicator_id for record in records}
        names = dict(Indicator.objects.filter(pk__in=ids).values_list("pk", "name"))
    last: dict[int, object] = {}
    changes = []
    for record in records:
        previous = last.get(record.id)
        last[record.id] = record
        if since is not None and record.history_date <= since:
            continue
        if record.history_type == "+":
            # written with the case study, or loaded from the documents: not a later change
            if record.history_change_reason in (CREATED, LOADED_REASON):
                continue
            old, new = "", _part_text(record, names)
        elif record.history_type == "-":
            old, new = _part_text(record, names), ""
        else:
            if previous is None or all(getattr(previous, f) == getattr(record, f) for f in fields):
                continue
            old, new = _part_text(previous, names), _part_text(record, names)
        changes.append(
            Change(
                what=f"{what}{record.order}",
                old=old,
                new=new,
                by=user_name(record.history_user),
                at=record.history_date,
            )
        )
    return changes


def _part_text(record, names: dict) -> str:
    if hasattr(record, "text"):
        return f"{record.date_label} {record.text}".strip()
    label = f"（{record.label}）" if record.label else ""
    return f"{names.get(record.indicator_id, '')} {record.fiscal_year}年度{label}"
