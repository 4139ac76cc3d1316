"""/meetings/: a block's liaison meetings (地域連絡会議) and their packs.

- index: the meetings the user may read (central all; a bureau and the officers of its regions their block's);
- new / edit: a meeting and its pack's cut-off date, by the block's bureau or central staff;
- meeting: the meeting with its minutes and its decision items (reports/meetings/item_views.py);
- pack / pack_workbook: the pack as a print-ready page (A4 landscape) and as one XLSX workbook, kept
  once its cut-off has settled (reports/meetings/kept.py).

Who may do what is in regions/access.py, the rules in reports/meetings/rules.py, the pack in reports/meetings/packs.py.
A meeting outside the user's block does not exist (404); editing one the user may only read is 403.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from kpis.history import user_name
from plans.fiscal import fiscal_year_of
from regions.access import (
    access_of,
    may_create_meetings,
    may_manage_meetings_of,
    meeting_block_scope,
)
from regions.models import Block
from reports.audit import WorkflowError
from reports.dashboards.pages import personalised, shared_parts
from reports.dashboards.rows import region_section, revision_row
from reports.display.tables import BlockResultTable, RegionSummaryTable, RevisionTable
from reports.meetings import decisions, rules
from reports.meetings.kept import PRINT, WORKBOOK, kept
from reports.meetings.packs import NoPlan, build_pack
from reports.meetings.workbook import pack_workbook
from reports.models import LiaisonMeeting

MAY_NOT_MANAGE = (
    "地域連絡会議の登録・更新は、ブロックの経済産業局等または中央（特許庁・INPIT）の担当者が行います。"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MeetingForm(forms.ModelForm):
    as_of_day = forms.DateField(
        label=_("資料の基準日"),
        help_text=_(
            "会議資料は、この日の終わり（今日なら今）の時点でポータルにあった数値・報告で作成します。"
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("日付を YYYY-MM-DD（例 2022-07-15）の形で入力してください。")},
    )

    class Meta:
        model = LiaisonMeeting
        fields = ["block", *rules.EDITED_FIELDS]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "participants": forms.Textarea(attrs={"rows": 5, "cols": 60}),
            "agenda": forms.Textarea(attrs={"rows": 5, "cols": 80}),
            "minutes": forms.Textarea(attrs={"rows": 10, "cols": 80}),
            "decisions": forms.Textarea(attrs={"rows": 5, "cols": 80}),
        }
        error_messages = {
            "held_on": {"invalid": _("日付を YYYY-MM-DD（例 2022-07-15）の形で入力してください。")},
        }
        # decisions to follow up are items of their own (reports/meetings/decisions.py): this stays a note
        labels = {"decisions": _("決定事項（メモ）")}
        help_texts = {
            "decisions": _(
                "担当・期限を付けて追跡する決定事項・宿題は、会議の画面の「決定事項を追加する」から登録します。"
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        access = access_of(user)
        if not access.is_central:
            # a bureau holds meetings of its own block only
            self.fields["block"].queryset = Block.objects.filter(pk=access.block_id)
            self.fields["block"].empty_label = None
        self.fields["fiscal_year"].widget.attrs.update({"min": 2016, "max": 2099})
        for name in ("title", "place"):
            self.fields[name].widget.attrs["size"] = 60

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("fiscal_year") and cleaned.get("as_of_day"):
            for name, message in rules.check_meeting(
                cleaned["fiscal_year"], cleaned["as_of_day"], timezone.localdate()
            ).items():
                self.add_error(name, message)
        return cleaned


def scoped_meetings(user):
    meetings = LiaisonMeeting.objects.select_related("block")
    scope = meeting_block_scope(user)
    return meetings if scope is None else meetings.filter(scope)


def scoped(user, pk: int) -> LiaisonMeeting:
    return get_object_or_404(scoped_meetings(user), pk=pk)


@login_required
@require_safe
def index(request):
    meetings = list(scoped_meetings(request.user))
    return render(
        request,
        "reports/meetings.html",
        {"meetings": meetings, "may_create": may_create_meetings(request.user)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    user = request.user
    if not may_create_meetings(user):
        raise PermissionDenied(MAY_NOT_MANAGE)
    if request.method != "POST":
        initial = {"as_of_day": timezone.localdate(), "fiscal_year": _default_year()}
        return render_form(request, MeetingForm(user=user, initial=initial), meeting=None)
    form = MeetingForm(request.POST, user=user)
    if not form.is_valid():
        return render_form(request, form, meeting=None, status=400)
    if not may_manage_meetings_of(user, form.cleaned_data["block"]):
        raise PermissionDenied(MAY_NOT_MANAGE)
    try:
        meeting = rules.create_meeting(user, form.save(commit=False), form.cleaned_data["as_of_day"])
    except WorkflowError as error:
        form.add_error(None, error.message)
        return render_form(request, form, meeting=None, status=400)
    messages.success(request, "会議を登録しました。会議資料を開けます。")
    return redirect("reports:meeting", meeting.pk)


def _default_year() -> int:
    return fiscal_year_of(timezone.localdate())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    user = request.user
    meeting = scoped(user, pk)
    if not may_manage_meetings_of(user, meeting.block):
        raise PermissionDenied(MAY_NOT_MANAGE)
    if request.method != "POST":
        form = MeetingForm(
            instance=meeting, user=user, initial={"as_of_day": timezone.localdate(meeting.as_of)}
        )
        return render_form(request, form, meeting=meeting)
    version = request.POST.get("version", "")
    form = MeetingForm(request.POST, instance=meeting, user=user)
    if not version.isdecimal():
        form.add_error(None, "画面の版が送信されていません。画面を開き直してから保存してください。")
        return render_form(request, form, meeting=scoped(user, pk), status=400)
    if not form.is_valid():
        return render_form(request, form, meeting=scoped(user, pk), status=400)
    try:
        rules.update_meeting(
            user, form.save(commit=False), version=int(version), as_of_day=form.cleaned_data["as_of_day"]
        )
    except rules.StaleMeeting as error:
        return render_form(request, form, meeting=scoped(user, pk), stale=error, status=409)
    except WorkflowError as error:
        form.add_error(None, error.message)
        return render_form(request, form, meeting=scoped(user, pk), status=400)
    messages.success(request, "会議を更新しました。")
    return redirect("reports:meeting", pk)


def render_form(request, form, *, meeting, stale=None, status=200):
    return render(
        request,
        "reports/meeting_form.html",
        {"form": form, "meeting": meeting, "stale": stale},
        status=status,
    )


@login_required
@require_safe
def meeting(request, pk: int):
    meeting = scoped(request.user, pk)
    history = [
        {
            "at": record.history_date,
            "by": user_name(record.history_user),
            "reason": record.history_change_reason,
        }
        for record in meeting.history.select_related("history_user").order_by("history_date")
    ]
    today = timezone.localdate()
    items = [
        {
            "item": item,
            "overdue": rules.is_overdue(item, today),
            "may_answer": rules.may_answer_item(request.user, item),
        }
        for item in decisions.items_of(meeting)
    ]
    return render(
        request,
        "reports/meeting.html",
        {
            "meeting": meeting,
            "items": items,
            "plan": rules.plan_of_year(meeting.fiscal_year),
            "previous": rules.previous_meeting(meeting),
            "may_manage": may_manage_meetings_of(request.user, meeting.block),
            "history": history,
        },
    )


def _built(meeting: LiaisonMeeting):
    try:
        return build_pack(meeting)
    except NoPlan as error:
        raise PermissionDenied(str(error)) from error


@login_required
@require_safe
def pack(request, pk: int):
    # who may read the meeting first: a kept pack is no way round it
    meeting = scoped(request.user, pk)
    parts = kept(meeting, PRINT, lambda: shared_parts(_pack_html(request, _built(meeting))))
    return personalised(parts, request)


def _pack_html(request, built) -> str:
    """The print page without the user's header and messages (markers, filled in per request)."""
    reports = {packed.region.pk: packed for packed in built.reports}
    news = built.news_region_ids
    context = {
        "pack": built,
        "meeting": built.meeting,
        # a page per region with something to read, its results and its report together
        "sections": [
            region_section(built.plan, built.period, s, forecasts=built.forecasts_shown)
            | {"packed": reports.get(s.region.pk)}
            for s in built.sections
            if s.region.pk in news
        ],
        "quiet_regions": [s.region for s in built.sections if s.region.pk not in news],
        "summary_table": RegionSummaryTable(built.summary_rows),
        "revision_table": RevisionTable([revision_row(r) for r in built.revisions]),
        "national_table": BlockResultTable(built.national_rows),
        "cached_layout": True,
    }
    return render_to_string("reports/meeting_pack.html", context, request=request)


@login_required
@require_safe
def pack_workbook_download(request, pk: int):
    meeting = scoped(request.user, pk)
    content = kept(meeting, WORKBOOK, lambda: pack_workbook(_built(meeting)))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"meeting{meeting.pk}_{meeting.block.code}_{meeting.fiscal_year}_pack.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
