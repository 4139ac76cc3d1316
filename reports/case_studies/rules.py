"""Case studies (成果事例): who sees them, how they are searched, and how they are drafted and published.

    draft ──publish (bureau of the block, central)──▶ published ──back to draft (central, reason)──▶ draft

A published case study is visible to every signed-in user and locked; a draft only to the region's
officers, the bureau of its block and central staff (others get 404). Officers draft for their own
region; the bureau and central staff may draft for the regions they look after.

Plain functions, each one transaction, like reports/progress/workflow.py: they check who may act
(PermissionDenied → 403), check the input (WorkflowError with a Japanese message) and refuse a
change based on an outdated version (StaleCaseStudy, listing what changed meanwhile).

The form is read in form_input.py, the pages' reads and the figures are in reading.py, the history
in history.py, the step dates in dates.py; this module is the capability's face and re-exports them.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kpis.history import recorded, take_version
from plans.models import Plan
from regions import access
from regions.models import Region
from reports.audit import BackToDraft, StaleChange, WorkflowError
from reports.case_studies.dates import parse_step_date
from reports.case_studies.form_input import (
    NOT_SAVED,
    CaseStudyInput,
    FigureInput,
    StepInput,
    read_input,
)
from reports.case_studies.history import CREATED, changes_since, field_changes, state_history
from reports.case_studies.reading import (
    figure_rows,
    for_detail,
    for_library,
    region_indicators,
    region_kpis,
    search,
)
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep, CaseStudyTheme

# The rest of the capability, importable from here (the pages and the tests use this module as its face).
__all__ = [
    "CaseStudyInput",
    "FigureInput",
    "StaleCaseStudy",
    "StepInput",
    "changes_since",
    "create",
    "draft_regions",
    "field_changes",
    "figure_rows",
    "for_detail",
    "for_library",
    "parse_step_date",
    "publish",
    "read_input",
    "region_indicators",
    "region_kpis",
    "save",
    "search",
    "state_history",
    "unpublish",
    "visible_case_studies",
]

State = CaseStudy.State

SAVED = "保存"
LOCKED = (
    "公開済みの成果事例は変更できません。修正には中央（特許庁・INPIT）の担当者が作成中に戻す必要があります。"
)
MAY_NOT_DRAFT = "この地域の成果事例を作成・編集する権限がありません。"
MAY_NOT_PUBLISH = (
    "成果事例を公開できるのは、その地域のブロックの経済産業局等または中央（特許庁・INPIT）の担当者です。"
)
MAY_NOT_UNPUBLISH = "公開済みの成果事例を作成中に戻せるのは中央（特許庁・INPIT）の担当者です。"
NOT_PUBLISHED = "公開済みの成果事例だけが、作成中に戻す対象です。"
NO_UNPUBLISH_REASON = "作成中に戻す理由を入力してください。"
UNPUBLISH = BackToDraft(
    "作成中に戻す", "unpublish_reason", "理由", MAY_NOT_UNPUBLISH, NOT_PUBLISHED, NO_UNPUBLISH_REASON
)


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
    return case.is_published or may_see_drafts_of(user, case.region)


def may_see_drafts_of(user, region: Region | None) -> bool:
    """A region's drafts: its officers, its bureau, central staff; a central one's: central staff."""
    if region is None:
        return access.access_of(user).is_central
    return access.may_see_reports_of(user, region)


def may_draft_for(user, region: Region | None) -> bool:
    """Officers of the region, the bureau of its block and central staff; central case studies only
    central staff."""
    if region is None:
        return access.access_of(user).is_central
    return access.may_edit_report_of(user, region)


def may_draft(user) -> bool:
    """Whether the user's role drafts case studies at all (officers, bureaus, central staff)."""
    role = access.access_of(user)
    return role.is_central or role.is_bureau or role.is_officer


def may_edit(user, case: CaseStudy) -> bool:
    return not case.is_published and may_draft_for(user, case.region)


def may_publish(user, case: CaseStudy) -> bool:
    if case.is_central:
        return access.access_of(user).is_central
    return access.may_review_reports_of(user, case.region)


def may_unpublish(user) -> bool:
    return access.may_reopen_reports(user)


def draft_regions(user) -> QuerySet[Region]:
    """The regions the user may draft case studies for."""
    if not may_draft(user):
        return Region.objects.none()
    return access.regions_in_scope(user)


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


def next_code(plan: Plan, region: Region | None) -> str:
    prefix = f"{region.code}-" if region else "C-"
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
    return UNPUBLISH.apply(
        user,
        case,
        version=version,
        reason=reason,
        sees=may_see(user, case),
        allowed=may_unpublish(user),
        locked=case.is_published,
        take=_take_version,
    )


def _check_editable(user, case: CaseStudy) -> None:
    if not may_see(user, case):
        raise PermissionDenied
    if not may_draft_for(user, case.region):
        raise PermissionDenied(MAY_NOT_DRAFT)
    if case.is_published:
        raise WorkflowError(LOCKED)


def _check_belongs(plan: Plan, region: Region | None, data: CaseStudyInput) -> None:
    """A forged form cannot attach another region's KPI or indicator (a central case study: a central one)."""
    region_id = region.pk if region else None
    if data.kpi is not None and (data.kpi.plan_id != plan.pk or data.kpi.region_id != region_id):
        raise WorkflowError(NOT_SAVED, field_errors={"kpi": "この計画・地域の地域KPIから選んでください。"})
    for figure in data.figures:
        kpi = figure.indicator.kpi
        if kpi.plan_id != plan.pk or kpi.region_id != region_id:
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


# --- optimistic locking ---------------------------------------------------------------


def _take_version(case: CaseStudy, version: int) -> None:
    """As for progress reports: of two requests based on the same version, one is refused."""
    if not take_version(case, version):
        raise StaleCaseStudy(changes_since(case, version))
