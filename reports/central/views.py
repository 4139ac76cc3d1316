"""/central/: central staff (特許庁 普及支援課, INPIT) enter the central KPIs' actuals per fiscal year
or half: saved as drafts, published to the dashboards when confirmed. The rules are in
reports/central/entry.py; these views read the form and show the outcome."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from plans.fiscal import fiscal_year_label
from plans.models import Plan
from regions import access
from reports.central.confirming import confirmation_rows
from reports.central.entry import (
    FORECAST_PERIOD,
    CentralEntryError,
    StaleEntry,
    check_confirmation,
    confirm,
    read_form,
    save_drafts,
    user_name,
)
from reports.central.reading import drafts_waiting, entry_history, entry_rows
from reports.dashboards.selectors import current_plan, default_fiscal_year
from reports.display.formatting import plain_number
from reports.display.labels import (
    ENTRY_PERIOD_CHOICES,
    ENTRY_PERIOD_LABELS,
    entry_period_label,
    indicator_title,
    target_label,
)


def _require_central(user) -> None:
    if not access.may_enter_central_actuals(user):
        raise PermissionDenied("中央KPIの実績入力は、中央（特許庁・INPIT）の担当者だけが利用できます。")


# --- choosing a plan, year and period ---------------------------------------------------------------


class ChooseForm(forms.Form):
    plan = forms.TypedChoiceField(label="行動計画", coerce=int)
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    period = forms.ChoiceField(label="期間", choices=ENTRY_PERIOD_CHOICES)

    def __init__(self, *args, plans: list[Plan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {plan.number: plan for plan in plans}
        self.fields["plan"].choices = [(plan.number, plan.name) for plan in plans]
        years = sorted({year for plan in plans for year in plan.fiscal_years})
        self.fields["fiscal_year"].choices = [(year, fiscal_year_label(year)) for year in years]

    def clean(self):
        cleaned = super().clean()
        plan = self.plans.get(cleaned.get("plan"))
        year = cleaned.get("fiscal_year")
        if plan is not None and year is not None and year not in plan.fiscal_years:
            self.add_error(
                "fiscal_year",
                f"{year}年度は{plan.name}の期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。",
            )
        return cleaned


@login_required
@require_GET
def index(request):
    _require_central(request.user)
    plans = list(Plan.objects.action_plans().order_by("number"))
    if not plans:
        raise Http404
    today = timezone.localdate()
    status = 200
    if "plan" in request.GET:
        form = ChooseForm(request.GET, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            return redirect("reports:central_entry", data["plan"], data["fiscal_year"], data["period"])
        status = 400
    else:
        default = current_plan(plans, today)
        form = ChooseForm(
            initial={
                "plan": default.number,
                "fiscal_year": default_fiscal_year(default, today),
                "period": "fy",
            },
            plans=plans,
        )
    return render(
        request,
        "reports/central_index.html",
        {
            "form": form,
            "plans": [
                {"plan": plan, "years": [(year, fiscal_year_label(year)) for year in plan.fiscal_years]}
                for plan in plans
            ],
            "period_choices": list(ENTRY_PERIOD_LABELS.items()),
            "waiting": [
                waiting | {"label": entry_period_label(waiting["fiscal_year"], waiting["period"])}
                for waiting in drafts_waiting()
            ],
        },
        status=status,
    )


# --- the entry form ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry(request, plan_number: int, fiscal_year: int, period: str):
    _require_central(request.user)
    plan = get_object_or_404(Plan.objects.action_plans(), number=plan_number)
    if fiscal_year not in plan.fiscal_years:
        raise Http404
    context = {"error": "", "field_errors": {}, "changes": []}
    posted, posted_versions, status = None, True, 200
    if request.method == "POST" and request.POST.get("action") == "back":
        # back from the confirmation page: the form with everything typed, nothing written
        posted, posted_versions = request.POST, True
    elif request.method == "POST":
        try:
            return _post(request, plan, fiscal_year, period)
        except StaleEntry as error:
            # The posted values stay in the form; the versions are now the current ones, so saving
            # again (after reading what changed) is a deliberate overwrite.
            context |= {"error": error.message, "changes": error.changes}
            posted, posted_versions, status = request.POST, False, 409
        except CentralEntryError as error:
            context |= {"error": error.message, "field_errors": error.field_errors}
            posted, status = request.POST, 400
    rows = entry_rows(plan, fiscal_year, period)
    context |= {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "period": period,
        "period_label": entry_period_label(fiscal_year, period),
        "rows": [_row(row, posted, posted_versions, context["field_errors"]) for row in rows],
        "takes_forecast": period == FORECAST_PERIOD,
        "other_periods": [
            {"code": code, "label": ENTRY_PERIOD_LABELS[code], "current": code == period}
            for code in ("fy", "h1", "h2")
        ],
        "other_years": [{"year": year, "current": year == fiscal_year} for year in plan.fiscal_years],
        "drafts": sum(1 for row in rows if row.draft),
        "history": entry_history(plan, fiscal_year, period),
    }
    return render(request, "reports/central_entry.html", context, status=status)


def _post(request, plan, fiscal_year, period):
    action = request.POST.get("action")
    if action not in ("save", "review", "confirm"):
        raise CentralEntryError("「下書き保存」か「確定」のボタンで送信してください。保存していません。")
    values, versions = read_form(plan, request.POST, period)
    if action == "review":
        # 確定's first step: what would be published, beside the targets, with the warnings
        check_confirmation(request.user, plan, fiscal_year, period, versions)
        return _confirmation(request, plan, fiscal_year, period, values)
    if action == "save":
        save_drafts(request.user, plan, fiscal_year, period, values, versions)
        messages.success(
            request,
            f"{entry_period_label(fiscal_year, period)}の実績を下書き保存しました。"
            "ダッシュボードには、確定するまで反映されません。",
        )
    else:
        confirmed = confirm(request.user, plan, fiscal_year, period, versions, values=values)
        if confirmed:
            messages.success(
                request,
                f"{entry_period_label(fiscal_year, period)}の実績{len(confirmed)}件を確定し、ダッシュボードに反映しました。",
            )
        else:
            messages.info(request, "確定する下書きはありませんでした（公表中の実績から変更はありません）。")
    return redirect(request.path)


def _confirmation(request, plan, fiscal_year, period, values):
    carried = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "action")
        for value in request.POST.getlist(name)
    ]
    context = {
        "plan": plan,
        "fiscal_year": fiscal_year,
        "period": period,
        "period_label": entry_period_label(fiscal_year, period),
        "rows": confirmation_rows(plan, fiscal_year, period, values),
        "carried": carried,
    }
    return render(request, "reports/central_confirm.html", context)


def _row(row, posted, posted_versions: bool, field_errors: dict) -> dict:
    indicator = row.indicator
    key = indicator.pk
    names = ("value", "note", "forecast", "forecast_reason")
    if posted is not None and f"value-{key}" in posted:
        value, note, forecast, reason = (posted.get(f"{name}-{key}", "") for name in names)
    else:
        value, note = _shown(row.value), row.note
        forecast, reason = _shown(row.forecast), row.forecast_reason
    version = (
        posted.get(f"version-{key}", row.version) if posted is not None and posted_versions else row.version
    )
    entry = row.entry
    return {
        "id": key,
        "title": indicator_title(indicator),
        "indicator": indicator,
        "unit": row.unit,
        "measure": indicator.get_measure_display(),
        "target": target_label(row.target, row.unit) if row.target else "",
        "actual": row.actual.value if row.actual else None,
        "actual_source": row.actual.source if row.actual else "",
        "state": entry.get_state_display() if entry else "未入力",
        "is_draft": bool(row.draft),
        "draft_value": row.draft.value if row.draft else None,
        "updated_by": user_name(entry.updated_by) if entry else "",
        "updated_at": entry.updated_at if entry else None,
        "value": value,
        "note": note,
        "forecast": forecast,
        "forecast_reason": reason,
        "draft_forecast": row.draft.forecast if row.draft else None,
        "version": version,
        **{f"{name}_error": field_errors.get(f"{name}-{key}", "") for name in names},
    }


def _shown(value) -> str:
    number = plain_number(value)
    return "" if number is None else str(number)
