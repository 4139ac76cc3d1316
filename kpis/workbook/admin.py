"""The plan workbook in the admin: download a plan's workbook or the empty template, upload a workbook,
see what it changes sheet by sheet (a dry run), then import it on confirm.

The plans app cannot import kpis, so its Plan admin is extended here and registered in its place.
Between the preview and the confirmation the upload is kept in the shared cache (the database cache
by default, seen by every host) under a key of the user's own; a lost entry asks for the file again.
"""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from kpis.import_files import UnreadableFile, check_size
from kpis.workbook.importing import import_workbook
from kpis.workbook.writing import plan_workbook, template_workbook
from plans.admin import PlanAdmin
from plans.models import Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEPT_SECONDS = 60 * 60
# Importing writes every kind of record a workbook holds.
IMPORT_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, models in {
        "plans": ("plan", "basicpolicy", "measure", "reportedresult", "designation"),
        "kpis": ("industrialvision", "kpi", "indicator", "target", "actual"),
    }.items()
    for model in models
    for action in ("add", "change")
]


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(label="計画ワークブック（.xlsx）")

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("計画ワークブックは XLSX ファイル（.xlsx）を選んでください")
        try:
            check_size(upload.size)
        except UnreadableFile as refused:
            raise forms.ValidationError(refused.problems[0].message) from refused
        return upload


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def kept_key(user, token: str) -> str:
    return f"plan-workbook:{user.pk}:{token}"


class PlanWorkbookAdmin(PlanAdmin):
    change_list_template = "admin/plans/plan/change_list_workbook.html"
    change_form_template = "admin/plans/plan/change_form_workbook.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("workbook/import/", view(self.workbook_import), name="plans_plan_workbook_import"),
            path(
                "workbook/confirm/",
                view(require_POST(self.workbook_confirm)),
                name="plans_plan_workbook_confirm",
            ),
            path(
                "workbook/template.xlsx",
                view(require_safe(self.workbook_template)),
                name="plans_plan_workbook_template",
            ),
            path(
                "<path:object_id>/workbook.xlsx",
                view(require_safe(self.workbook_download)),
                name="plans_plan_workbook",
            ),
            *super().get_urls(),
        ]

    def may_import(self, request) -> bool:
        return request.user.has_perms(IMPORT_PERMISSIONS)

    def changelist_view(self, request, extra_context=None):
        extra = {"may_import_workbook": self.may_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    # downloads

    def workbook_download(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(Plan, pk=object_id)
        return xlsx_response(plan_workbook(plan), f"plan{plan.number}.xlsx")

    def workbook_template(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return xlsx_response(template_workbook(), "plan_workbook_template.xlsx")

    # upload → preview → confirm

    def workbook_import(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        form = WorkbookUploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            status = 400 if request.method == "POST" else 200
            return self.render_import(request, form=form, status=status)
        upload = form.cleaned_data["workbook"]
        data = upload.read()
        outcome = import_workbook(data=data, dry_run=True, user=request.user, filename=upload.name)
        if not outcome.succeeded:
            return self.render_import(request, form=WorkbookUploadForm(), outcome=outcome, status=400)
        token = secrets.token_urlsafe(16)
        cache.set(kept_key(request.user, token), (upload.name, data), timeout=KEPT_SECONDS)
        return self.render_import(request, outcome=outcome, token=token, filename=upload.name)

    def workbook_confirm(self, request):
        if not self.may_import(request):
            raise PermissionDenied
        key = kept_key(request.user, request.POST.get("token", ""))
        kept = cache.get(key)
        if kept is None:
            messages.error(request, "確認した内容の保存期限が切れました。もう一度ファイルを選んでください。")
            return redirect("admin:plans_plan_workbook_import")
        filename, data = kept
        outcome = import_workbook(data=data, dry_run=False, user=request.user, filename=filename)
        cache.delete(key)
        if not outcome.succeeded:
            for error in outcome.errors[:100]:
                messages.error(request, str(error))
            messages.error(request, "エラーがあるため取り込めません。データベースは変更していません。")
            return redirect("admin:plans_plan_workbook_import")
        messages.success(
            request, f"{outcome.plan.label}を取り込みました: " + "／".join(outcome.summary_lines())
        )
        return redirect(reverse("admin:plans_plan_change", args=[outcome.plan.pk]))

    def render_import(self, request, *, status: int = 200, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "計画ワークブックの取り込み",
            **context,
        }
        return TemplateResponse(request, "admin/plans/plan/workbook_import.html", context, status=status)


admin.site.unregister(Plan)
admin.site.register(Plan, PlanWorkbookAdmin)
