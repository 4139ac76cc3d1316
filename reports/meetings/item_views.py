"""/meetings/…/items/: a meeting's decision items (決定事項・宿題).

- item_new / item_edit: the meeting's managers (the block's bureau, central staff) add and edit items;
- item_answer: the owner answers (対応状況 and state), from the region's half-year report page or here.

An item of a meeting the user may not read does not exist (404); a change the user may not make is 403.
A stale save answers 409 with what changed meanwhile, and keeps what was typed.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kpis.models import Kpi
from regions.access import meeting_block_scope
from regions.models import Region
from reports.audit import CONFLICT, WorkflowError
from reports.meetings import decisions, rules
from reports.models import DecisionItem, LiaisonMeeting

MAY_NOT_CHANGE = (
    "決定事項の登録・更新は、ブロックの経済産業局等または中央（特許庁・INPIT）の担当者が行います。"
)
MAY_NOT_ANSWER = (
    "この決定事項に回答できるのは、担当の地域の担当者、ブロックの経済産業局等、中央の担当者です。"
)
NO_VERSION = "画面の版が送信されていません。画面を開き直してから保存してください。"
DATE_FORMAT = _("日付を YYYY-MM-DD（例 2022-10-31）の形で入力してください。")


class ItemForm(forms.ModelForm):
    class Meta:
        model = DecisionItem
        fields = list(decisions.EDITED_FIELDS)
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "response": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }
        error_messages = {"due_on": {"invalid": DATE_FORMAT}}

    def __init__(self, *args, meeting: LiaisonMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["region"].queryset = Region.objects.filter(block_id=meeting.block_id).order_by("order")
        plan = rules.plan_of_year(meeting.fiscal_year)
        kpis = Kpi.objects.filter(plan=plan).filter(
            Q(level=Kpi.Level.CENTRAL) | Q(region__block_id=meeting.block_id)
        )
        self.fields["kpi"].queryset = kpis.select_related("region").order_by("region__order", "order", "code")
        self.fields["kpi"].label_from_instance = lambda kpi: (
            f"{kpi.region.name_ja if kpi.region_id else '中央'} {kpi.code} {kpi.title}"
        )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for name, message in decisions.check_item(self.instance_with(cleaned)).items():
                self.add_error(name, message)
        return cleaned

    def instance_with(self, cleaned) -> DecisionItem:
        item = DecisionItem(meeting=self.instance.meeting)
        for name in decisions.EDITED_FIELDS:
            setattr(item, name, cleaned.get(name))
        item.response = item.response or ""
        return item


class AnswerForm(forms.Form):
    state = forms.ChoiceField(label=_("状態"), choices=DecisionItem.State.choices)
    response = forms.CharField(
        label=_("対応状況"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 70})
    )


def scoped_item(user, pk: int) -> DecisionItem:
    items = DecisionItem.objects.select_related("meeting__block", "region", "kpi")
    scope = meeting_block_scope(user)
    if scope is not None:
        items = items.filter(meeting__in=LiaisonMeeting.objects.filter(scope))
    return get_object_or_404(items, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_new(request, pk: int):
    scope = meeting_block_scope(request.user)
    meetings = LiaisonMeeting.objects.select_related("block")
    meeting = get_object_or_404(meetings if scope is None else meetings.filter(scope), pk=pk)
    if not rules.may_change_items_of(request.user, meeting):
        raise PermissionDenied(MAY_NOT_CHANGE)
    if request.method != "POST":
        return _item_form(request, ItemForm(meeting=meeting), meeting=meeting, item=None)
    form = ItemForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _item_form(request, form, meeting=meeting, item=None, status=400)
    decisions.create_item(request.user, form.save(commit=False))
    messages.success(request, "決定事項を登録しました。")
    return redirect("reports:meeting", meeting.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request, pk: int):
    item = scoped_item(request.user, pk)
    meeting = item.meeting
    if not rules.may_change_items_of(request.user, meeting):
        raise PermissionDenied(MAY_NOT_CHANGE)
    if request.method != "POST":
        return _item_form(request, ItemForm(instance=item, meeting=meeting), meeting=meeting, item=item)
    version = request.POST.get("version", "")
    form = ItemForm(request.POST, instance=item, meeting=meeting)
    if not version.isdecimal():
        form.add_error(None, NO_VERSION)
    if not form.is_valid():
        fresh = scoped_item(request.user, pk)
        return _item_form(request, form, meeting=meeting, item=fresh, status=400)
    try:
        decisions.update_item(request.user, form.save(commit=False), version=int(version))
    except decisions.StaleItem as error:
        fresh = scoped_item(request.user, pk)
        return _item_form(request, form, meeting=meeting, item=fresh, stale=error, status=CONFLICT)
    messages.success(request, "決定事項を更新しました。")
    return redirect("reports:meeting", meeting.pk)


def _item_form(request, form, *, meeting, item, stale=None, status=200):
    return render(
        request,
        "reports/decision_item_form.html",
        {"form": form, "meeting": meeting, "item": item, "stale": stale},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_answer(request, pk: int):
    item = scoped_item(request.user, pk)
    if not rules.may_answer_item(request.user, item):
        raise PermissionDenied(MAY_NOT_ANSWER)
    back = _back(request)
    if request.method != "POST":
        form = AnswerForm(initial={"state": item.state, "response": item.response})
        return _answer_form(request, form, item=item, back=back)
    form = AnswerForm(request.POST)
    version = request.POST.get("version", "")
    if not version.isdecimal():
        form.add_error(None, NO_VERSION)
    if not form.is_valid():
        return _answer_form(request, form, item=item, back=back, status=400)
    try:
        decisions.answer_item(
            request.user,
            item,
            version=int(version),
            state=form.cleaned_data["state"],
            response=form.cleaned_data["response"],
        )
    except decisions.StaleItem as error:
        fresh = scoped_item(request.user, pk)
        return _answer_form(request, form, item=fresh, back=back, stale=error, status=CONFLICT)
    except WorkflowError as error:
        for name, message in error.field_errors.items():
            form.add_error(name, message)
        return _answer_form(request, form, item=scoped_item(request.user, pk), back=back, status=400)
    messages.success(request, "対応状況を保存しました。")
    if back:
        return redirect(back)
    return redirect("reports:meeting", item.meeting_id)


def _back(request) -> str:
    """Where the answer came from (the report page), if it is one of the portal's own addresses."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
    return back if allowed and back.startswith("/") else ""


def _answer_form(request, form, *, item, back, stale=None, status=200):
    return render(
        request,
        "reports/decision_answer.html",
        {"form": form, "item": item, "back": back, "stale": stale},
        status=status,
    )
