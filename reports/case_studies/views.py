"""/case-studies/: the case-study library (成果事例) and one case study's page.

- library: search (Japanese full text, several terms) and filters (plan, block, region, theme, stage);
- case_study: one case study, printable on one or two A4 pages, with its figures read from the
  indicator's actuals and its history for those who may see the region's drafts;
- new / edit: a draft, written by the region's officer (or the bureau or central staff for it);
- publish: publish a draft (bureau of the block, central staff) or set a published one back to
  draft with a reason (central staff).

The rules live in reports/case_studies.py. A draft outside the user's scope does not exist (404); an
action the role may not take on a case study the user may see is forbidden (403).
"""

from dataclasses import dataclass, field

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kpis.models import Kpi
from plans.fiscal import fiscal_year_label
from plans.models import Plan
from regions.models import Block, Region
from reports.audit import CONFLICT
from reports.case_studies import rules
from reports.display.formatting import display_number
from reports.display.labels import target_label
from reports.models import CaseStudy, CaseStudyTheme
from reports.posted import posted_list, posted_rows, posted_version
from reports.progress.workflow import WorkflowError

PAGE_SIZE = 30
EMPTY_STEP_ROWS = 3
EMPTY_FIGURE_ROWS = 2
SUCCESS = {
    "create": "成果事例を作成しました（作成中）。公開は経済産業局等または中央の担当者が行います。",
    "save": "成果事例を保存しました。",
    "publish": "成果事例を公開しました。すべての利用者が閲覧できます。",
    "unpublish": "成果事例を作成中に戻しました。再び公開されるまで、地域の外からは見えません。",
}
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


# --- the library ----------------------------------------------------------------------------------


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


@login_required
@require_safe
def library(request):
    user = request.user
    filters = CaseStudyFilter(
        request.GET,
        queryset=rules.for_library(rules.visible_case_studies(user)),
        drafts=rules.may_draft(user),
    )
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/case_studies.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "searched": any(request.GET.get(name) for name in filters.filters),
            "may_draft": rules.may_draft(user),
        },
    )


# --- one case study -------------------------------------------------------------------------------


def scoped(user, pk: int) -> CaseStudy:
    """The case study with all the page needs, or 404 when the user may not see it."""
    return get_object_or_404(rules.for_detail(rules.visible_case_studies(user)), pk=pk)


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
                status=row.result.status.label,
                remark=row.remark,
                indicator_id=row.indicator.pk,
            )
        )
    return views


@login_required
@require_safe
def case_study(request, pk: int):
    case = scoped(request.user, pk)
    return render_detail(request, case)


def render_detail(request, case: CaseStudy, *, error: WorkflowError | None = None, posted=None):
    user = request.user
    sees_drafts = rules.may_see_drafts_of(user, case.region)
    stale = error if isinstance(error, rules.StaleCaseStudy) else None
    context = {
        "case": case,
        "plan": case.plan,
        "region": case.region,
        "steps": list(case.steps.all()),
        "figures": figure_views(case),
        "themes": list(case.themes.all()),
        "may_edit": rules.may_edit(user, case),
        "show_publish": not case.is_published and rules.may_publish(user, case),
        "show_unpublish": case.is_published and rules.may_unpublish(user),
        "show_history": sees_drafts,
        "state_history": rules.state_history(case) if sees_drafts else [],
        "field_changes": rules.field_changes(case) if sees_drafts else [],
        "error": error,
        "stale": stale,
        "reason": (posted or {}).get("reason", ""),
        "reason_error": error.field_errors.get("reason", "") if error else "",
    }
    status = 200 if error is None else (CONFLICT if stale else 400)
    return render(request, "reports/case_study.html", context, status=status)


@login_required
@require_POST
def publish(request, pk: int):
    case = scoped(request.user, pk)
    user = request.user
    if not rules.may_publish(user, case) and not rules.may_unpublish(user):
        raise PermissionDenied(rules.MAY_NOT_PUBLISH)
    action = request.POST.get("action")
    try:
        if action not in ("publish", "unpublish"):
            raise WorkflowError("操作（公開・作成中に戻す）を選んでください。")
        version = posted_version(request.POST)
        if action == "publish":
            rules.publish(user, case, version=version)
        else:
            rules.unpublish(user, case, version=version, reason=request.POST.get("reason"))
    except WorkflowError as error:
        return render_detail(request, scoped(user, pk), error=error, posted=request.POST)
    messages.success(request, SUCCESS[action])
    return redirect("reports:case_study", case.pk)


# --- drafting -------------------------------------------------------------------------------------


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


def step_rows(case: CaseStudy | None, posted) -> list[dict[str, str]]:
    if posted is not None:
        return posted_rows(posted, "step", ("date_label", "text"))
    if case is None:
        return []
    return [{"date_label": s.date_label, "text": s.text} for s in case.steps.all()]


def figure_rows(case: CaseStudy | None, posted) -> list[dict[str, str]]:
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


def render_form(
    request,
    *,
    plan: Plan,
    region: Region,
    case: CaseStudy | None,
    posted=None,
    error: WorkflowError | None = None,
):
    errors = error.field_errors if error else {}
    values = form_values(case)
    if posted is not None:
        values = {name: (posted.get(name) or "") for name in values if name != "themes"}
        values["themes"] = posted_list(posted, "themes")
    steps = parts(step_rows(case, posted), ("date_label", "text"), EMPTY_STEP_ROWS, "step", errors)
    figures = parts(
        figure_rows(case, posted), ("indicator", "fiscal_year", "label"), EMPTY_FIGURE_ROWS, "figure", errors
    )
    stale = error if isinstance(error, rules.StaleCaseStudy) else None
    context = {
        "case": case,
        "plan": plan,
        "region": region,
        "values": values,
        "errors": errors,
        "error": error,
        "stale": stale,
        "error_list": error_list(errors, steps, figures, posted),
        "steps": steps,
        "figures": figures,
        "kpis": list(rules.region_kpis(plan, region)),
        "indicators": list(rules.region_indicators(plan, region)),
        "years": [(str(year), fiscal_year_label(year)) for year in plan.fiscal_years],
        "stages": [(str(value), label) for value, label in Kpi.Stage.choices],
        "themes": list(CaseStudyTheme.objects.all()),
        "action": reverse("reports:case_study_edit", args=[case.pk])
        if case
        else reverse("reports:case_study_new"),
    }
    status = 200 if error is None else (CONFLICT if stale else 400)
    return render(request, "reports/case_study_form.html", context, status=status)


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


def chosen(user, raw_plan: str | None, raw_region: str | None) -> tuple[Plan | None, Region | None]:
    """The plan and region a new case study is for, when both are given and the user may draft there."""
    plan = Plan.objects.filter(number=raw_plan).first() if (raw_plan or "").isdecimal() else None
    region = rules.draft_regions(user).filter(code=raw_region).first() if raw_region else None
    return plan, region


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    """First the plan and region (a GET form), then the case study's own form, posted here."""
    user = request.user
    if not rules.may_draft(user):
        raise PermissionDenied(
            "成果事例は、自治体・経済産業局等・中央（特許庁・INPIT）の担当者が作成します。"
        )
    regions = list(rules.draft_regions(user))
    if request.method != "POST" and "plan" not in request.GET:
        return render_chooser(request, regions, None, None, submitted=False)
    source = request.POST if request.method == "POST" else request.GET
    default_region = regions[0].code if len(regions) == 1 else None
    plan, region = chosen(user, source.get("plan"), source.get("region") or default_region)
    if plan is None or region is None:
        return render_chooser(request, regions, plan, region, submitted=True)
    if request.method != "POST":
        return render_form(request, plan=plan, region=region, case=None)
    try:
        data = rules.read_input(request.POST, plan=plan, region=region)
        case = rules.create(user, plan=plan, region=region, data=data)
    except WorkflowError as error:
        return render_form(request, plan=plan, region=region, case=None, posted=request.POST, error=error)
    messages.success(request, SUCCESS["create"])
    return redirect("reports:case_study", case.pk)


def render_chooser(
    request, regions: list[Region], plan: Plan | None, region: Region | None, *, submitted: bool
):
    errors = {}
    if submitted:
        if plan is None:
            errors["plan"] = "行動計画を選んでください。"
        if region is None:
            errors["region"] = "地域を選んでください。"
    plans = list(Plan.objects.action_plans())
    return render(
        request,
        "reports/case_study_new.html",
        {
            "plans": plans,
            "regions": regions,
            "plan_value": str(plan.number) if plan else str(plans[-1].number if plans else ""),
            "region_value": region.code if region else "",
            "errors": errors,
            "error_list": [
                {"id": f"id_{name}", "label": FIELD_LABELS[name], "message": m} for name, m in errors.items()
            ],
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    user = request.user
    case = scoped(user, pk)
    if not rules.may_draft_for(user, case.region):
        raise PermissionDenied(rules.MAY_NOT_DRAFT)
    if case.is_published:
        raise PermissionDenied(rules.LOCKED)
    if request.method != "POST":
        return render_form(request, plan=case.plan, region=case.region, case=case)
    try:
        version = posted_version(request.POST)
        data = rules.read_input(request.POST, plan=case.plan, region=case.region)
        rules.save(user, case, version=version, data=data)
    except WorkflowError as error:
        current = scoped(user, pk)
        return render_form(
            request, plan=current.plan, region=current.region, case=current, posted=request.POST, error=error
        )
    messages.success(request, SUCCESS["save"])
    return redirect("reports:case_study", case.pk)
