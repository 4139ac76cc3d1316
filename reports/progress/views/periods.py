"""/progress/periods/: central staff open reporting periods and close or reopen them for submissions."""

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from plans.dates import japanese_date
from plans.fiscal import fiscal_year_of, half_of
from plans.models import Plan
from regions import access
from reports.models import Half, ProgressReport, ReportingPeriod
from reports.progress import workflow
from reports.progress.board import (
    COUNTED_STATES,
    LOCK_LABELS,
    MISSING,
    STATE_LABELS,
    expected_pairs,
    period_label,
)

NOT_ALLOWED = "報告期間を管理できるのは中央（特許庁・INPIT）の担当者です。"
LOCK_VALUES = {"1": True, "0": False}


class PeriodForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="行動計画",
        queryset=Plan.objects.all(),
        empty_label=None,
        error_messages={
            "required": "行動計画を選んでください。",
            "invalid_choice": "選ばれた行動計画がありません。画面を開き直してください。",
        },
    )
    fiscal_year = forms.IntegerField(
        label="年度（西暦）",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"}),
        error_messages={
            "required": "年度を入力してください（例: 2022）。",
            "invalid": "年度は数字で入力してください（例: 2022）。",
        },
    )
    half = forms.ChoiceField(
        label="期",
        choices=Half.choices,
        error_messages={
            "required": "上期か下期を選んでください。",
            "invalid_choice": "上期か下期を選んでください。",
        },
    )
    deadline = forms.DateField(
        label="提出期限",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        error_messages={
            "required": "提出期限を入力してください。",
            "invalid": "提出期限は日付（例: 2022-10-31）で入力してください。",
        },
    )

    confirm_past = forms.BooleanField(
        label="過去の日付の提出期限で設定することを確認しました",
        required=False,
        help_text="今日より前の提出期限は、この確認があるときだけ設定します。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-describedby", f"error-{name}")


class DeadlineForm(forms.Form):
    """A new deadline for a period, with the reason; `seen` is the deadline the page showed."""

    seen = forms.DateField(widget=forms.HiddenInput, input_formats=["%Y-%m-%d"])
    deadline = PeriodForm.base_fields["deadline"]
    reason = forms.CharField(
        label="変更の理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    confirm_past = PeriodForm.base_fields["confirm_past"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].label = "新しい提出期限"
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-describedby", f"error-{name}")


def _initial(today) -> dict:
    year = fiscal_year_of(today)
    plan = Plan.objects.action_plans().filter(start_fiscal_year__lte=year, end_fiscal_year__gte=year).first()
    if plan is None:  # after the last plan: suggest its last year
        plan = Plan.objects.action_plans().order_by("-number").first()
        year = plan.end_fiscal_year if plan else year
    return {"plan": plan, "fiscal_year": year, "half": half_of(today)}


@login_required
def periods(request):
    if not access.may_manage_periods(request.user):
        raise PermissionDenied(NOT_ALLOWED)
    if request.method == "POST":
        form = PeriodForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                period = workflow.open_period(
                    request.user,
                    plan=data["plan"],
                    fiscal_year=data["fiscal_year"],
                    half=data["half"],
                    deadline=data["deadline"],
                    confirm_past=data["confirm_past"],
                )
            except workflow.WorkflowError as error:
                outside = data["fiscal_year"] not in data["plan"].fiscal_years
                field = (
                    "deadline" if "deadline" in error.field_errors else ("fiscal_year" if outside else None)
                )
                form.add_error(field, error.message)
            except IntegrityError:
                # opened by someone else between the check and the insert
                form.add_error(None, "この報告期間は既に開設されています。")
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, texts)
            else:
                messages.success(
                    request,
                    f"報告期間「{period_label(period)}」を開設しました（提出期限 {japanese_date(period.deadline)}）。",
                )
                return redirect("reports:periods")
        return _page(request, form, status=400)
    return _page(request, PeriodForm(initial=_initial(timezone.localdate())))


@login_required
@require_POST
def lock(request, period_id: int):
    if not access.may_manage_periods(request.user):
        raise PermissionDenied(NOT_ALLOWED)
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=period_id)
    locked = LOCK_VALUES.get(request.POST.get("locked", ""))
    if locked is None:
        messages.error(request, "受付の終了・再開の指定が正しくありません。もう一度操作してください。")
        return _page(request, PeriodForm(initial=_initial(timezone.localdate())), status=400)
    workflow.set_period_locked(request.user, period, locked)
    if locked:
        messages.success(
            request,
            f"「{period_label(period)}」の受付を終了しました。以後は提出・修正できません。"
            "提出済みの報告の承認・差戻しは引き続きできます（差し戻した報告の修正には受付の再開が必要です）。",
        )
    else:
        messages.success(request, f"「{period_label(period)}」の受付を再開しました。")
    return redirect("reports:periods")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deadline(request, period_id: int):
    """Move a period's deadline, with a reason; the page lists the earlier deadlines."""
    if not access.may_manage_periods(request.user):
        raise PermissionDenied(NOT_ALLOWED)
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), pk=period_id)
    if request.method != "POST":
        form = DeadlineForm(initial={"seen": period.deadline, "deadline": period.deadline})
        return _deadline_page(request, period, form)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _deadline_page(request, period, form, status=400)
    data = form.cleaned_data
    try:
        moved = workflow.change_deadline(
            request.user,
            period,
            seen=data["seen"],
            deadline=data["deadline"],
            reason=data["reason"],
            today=timezone.localdate(),
            confirm_past=data["confirm_past"],
        )
    except workflow.StalePeriod as stale:
        period.refresh_from_db()
        return _deadline_page(request, period, form, stale=stale, status=409)
    except workflow.WorkflowError as error:
        for name, message in error.field_errors.items():
            form.add_error(name if name in form.fields else None, message)
        if error.message not in error.field_errors.values():
            form.add_error(None, error.message)
        return _deadline_page(request, period, form, status=400)
    messages.success(
        request, f"「{period_label(moved)}」の提出期限を {japanese_date(moved.deadline)} に変更しました。"
    )
    return redirect("reports:periods")


def _deadline_page(request, period, form, *, stale=None, status: int = 200):
    return render(
        request,
        "reports/period_deadline.html",
        {
            "period": period,
            "label": period_label(period),
            "form": form,
            "stale": stale,
            "history": workflow.deadline_history(period),
        },
        status=status,
    )


def _page(request, form: PeriodForm, *, status: int = 200):
    return render(
        request,
        "reports/periods.html",
        {"form": form, "rows": period_rows(), "state_labels": [STATE_LABELS[s] for s in COUNTED_STATES]},
        status=status,
    )


def period_rows() -> list[dict]:
    """Every period with the number of its reports in each state (未着手: expected regions without
    a report). Three queries whatever the number of periods and reports."""
    periods = list(ReportingPeriod.objects.select_related("plan", "opened_by"))
    expected = expected_pairs({period.plan_id for period in periods})
    reported = list(ProgressReport.objects.values_list("period_id", "region_id", "state"))
    counts = Counter((period_id, state) for period_id, _region, state in reported)
    with_report = {(period_id, region_id) for period_id, region_id, _state in reported}
    rows = []
    for period in periods:
        expected_regions = {region for plan, region in expected if plan == period.plan_id}
        missing = sum(1 for region in expected_regions if (period.pk, region) not in with_report)
        per_state = [
            missing if state == MISSING else counts.get((period.pk, state), 0) for state in COUNTED_STATES
        ]
        rows.append(
            {
                "period": period,
                "label": period_label(period),
                "lock_label": LOCK_LABELS[period.is_locked],
                "counts": per_state,
                "total": sum(per_state),
            }
        )
    return rows
