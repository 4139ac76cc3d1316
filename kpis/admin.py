from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ExportForm, ImportForm
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from kpis.export import ShiftJisCsvFile
from kpis.import_files import UnreadableFile, check_size
from kpis.importing import (
    FILE_FORMATS,
    CsvFile,
    XlsxFile,
    format_of_filename,
    import_dataset,
    line_errors,
    xlsx_format_for,
)
from kpis.models import Actual, Indicator, IndustrialVision, Kpi, Revision, Target
from kpis.resources import ActualResource, FileKind, KpiResource, TargetResource
from kpis.workbook import admin as workbook_admin  # noqa: F401 (the Plan admin with its workbook pages)

MAX_ERROR_MESSAGES = 100


class FileImportForm(ImportForm):
    """import-export's upload form, refusing a file by its size and name before it is read: a
    50 MB upload is turned away without being parsed (Django has streamed it to a temporary file,
    not into memory)."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if format_of_filename(upload.name) is None:
            suffix = upload.name.rsplit(".", 1)[-1] if "." in upload.name else ""
            raise forms.ValidationError(
                f'ファイル形式 "{suffix}" には対応していません（{", ".join(FILE_FORMATS)} のいずれか）。'
                "CSV か XLSX のファイルを選んでください"
            )
        try:
            check_size(upload.size)
        except UnreadableFile as refused:
            raise forms.ValidationError(refused.problems[0].message) from refused
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is not None and chosen not in (None, ""):
            expected = self.formats[int(chosen)]().get_title().lower()
            suffix = format_of_filename(upload.name)
            if suffix != expected:
                self.add_error(
                    "format",
                    f"選んだ形式（{expected}）とファイルの拡張子（.{suffix}）が違います。どちらかを合わせてください",
                )
        return cleaned


class FileImportExportAdmin(ImportExportModelAdmin):
    """Import and export of CSV and XLSX files through the import service.

    The upload is checked in a dry run (import-export's preview), then imported all-or-nothing
    on confirm. Every error is listed as "N行目 列: メッセージ", as the commands print it.
    """

    file_kind: FileKind
    formats = [CsvFile, XlsxFile]
    import_form_class = FileImportForm
    # Every column, always: an exported file is one that can be imported again.
    export_form_class = ExportForm

    def get_import_formats(self):
        # An XLSX of several sheets is read at the sheet named after the kind of file.
        return [CsvFile, xlsx_format_for(self.file_kind)]

    def get_export_formats(self):
        # the index of each format is the export form's choice: existing ones keep theirs
        return [CsvFile, XlsxFile, ShiftJisCsvFile]

    def process_dataset(self, dataset, form, request, **kwargs):
        return import_dataset(
            kind=self.file_kind,
            dataset=dataset,
            dry_run=False,
            user=request.user,
            filename=form.cleaned_data.get("original_file_name"),
        ).result

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        result = (getattr(response, "context_data", None) or {}).get("result")
        if result is not None:
            self.report_errors(request, result)
            for warning in getattr(result, "plausibility", ())[:MAX_ERROR_MESSAGES]:
                messages.warning(request, str(warning))
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The data changed between preview and confirm, or the write failed: nothing was written.
            self.report_errors(request, result)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)

    def report_errors(self, request, result) -> None:
        errors = line_errors(result)
        # A file of 100,000 bad rows would otherwise carry 100,000 messages through the session.
        for error in errors[:MAX_ERROR_MESSAGES]:
            messages.error(request, str(error))
        if len(errors) > MAX_ERROR_MESSAGES:
            messages.error(
                request,
                f"ほか {len(errors) - MAX_ERROR_MESSAGES}件のエラーがあります（最初の {MAX_ERROR_MESSAGES}件を表示しています）。",
            )
        if errors:
            messages.error(
                request, f"エラーが {len(errors)}件あるため取り込めません。データベースは変更していません。"
            )

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            f"取り込みました: 新規 {totals[RowResult.IMPORT_TYPE_NEW]}件、更新 {totals[RowResult.IMPORT_TYPE_UPDATE]}件、"
            f"変更なし {totals[RowResult.IMPORT_TYPE_SKIP]}件",
        )

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            for problem in e.problems:
                form.add_error("import_file", str(problem))
        else:
            super().add_data_read_fail_error_to_form(form, e)


@admin.register(IndustrialVision)
class IndustrialVisionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "plan", "region", "number", "period_label"]
    list_filter = ["plan", "region__block"]
    search_fields = ["title", "text", "region__name_ja"]
    list_select_related = ["plan", "region"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = [
        "code",
        "name",
        "unit",
        "measure",
        "target_shape",
        "direction",
        "aggregation",
        "order",
        "predecessor",
    ]
    autocomplete_fields = ["predecessor"]
    extra = 0
    show_change_link = True


@admin.register(Kpi)
class KpiAdmin(FileImportExportAdmin):
    file_kind = FileKind.KPIS
    resource_classes = [KpiResource]
    list_display = ["code", "title", "plan", "level", "kind", "region", "stage", "indicator_count"]
    list_display_links = ["code", "title"]
    list_filter = ["plan", "level", "kind", "region__block", "stage"]
    search_fields = ["code", "title", "text", "region__name_ja"]
    list_select_related = ["plan", "region"]
    autocomplete_fields = ["vision"]
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(indicator_count=Count("indicators"))

    @admin.display(description=_("指標数"), ordering="indicator_count")
    def indicator_count(self, kpi):
        return kpi.indicator_count

    def get_export_queryset(self, request):
        # The KPI file has a row per indicator: export the indicators of the KPIs listed.
        kpis = super().get_export_queryset(request)
        return KpiResource().get_queryset().filter(kpi__in=kpis.values("pk"))


class FigureInline(admin.TabularInline):
    extra = 0


class TargetInline(FigureInline):
    model = Target
    fields = [
        "period",
        "year",
        "start_year",
        "value",
        "baseline_value",
        "baseline_year",
        "is_minimum",
        "due_date",
        "note",
    ]


class ActualInline(FigureInline):
    model = Actual
    fields = ["period", "year", "start_year", "value", "achieved_on", "note"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kpi_code", "kpi", "unit", "measure", "target_shape", "direction"]
    list_filter = ["kpi__plan", "kpi__level", "kpi__region__block", "measure", "target_shape"]
    search_fields = ["name", "kpi__code", "kpi__title"]
    list_select_related = ["kpi__plan", "kpi__region"]
    autocomplete_fields = ["kpi", "predecessor"]
    inlines = [TargetInline, ActualInline]

    @admin.display(description=_("KPIコード"), ordering="kpi__code")
    def kpi_code(self, indicator):
        return indicator.kpi.code


class FigureAdmin(FileImportExportAdmin):
    list_filter = [
        "indicator__kpi__plan",
        "indicator__kpi__level",
        "indicator__kpi__region__block",
        "period",
        "year",
    ]
    search_fields = ["indicator__kpi__code", "indicator__kpi__title", "indicator__name", "note"]
    list_select_related = ["indicator__kpi__plan", "indicator__kpi__region"]
    autocomplete_fields = ["indicator"]

    @admin.display(description=_("KPIコード"), ordering="indicator__kpi__code")
    def kpi_code(self, figure):
        return figure.indicator.kpi.code


@admin.register(Target)
class TargetAdmin(FigureAdmin):
    file_kind = FileKind.TARGETS
    resource_classes = [TargetResource]
    list_display = ["kpi_code", "indicator", "period", "year", "value", "is_minimum", "due_date"]


@admin.register(Actual)
class ActualAdmin(FigureAdmin):
    file_kind = FileKind.ACTUALS
    resource_classes = [ActualResource]
    list_display = ["kpi_code", "indicator", "period", "year", "value", "achieved_on"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Revisions are made on the portal's revise page, which also changes the figures; here they are
    read (an administrator may correct a reason)."""

    list_display = [
        "kpi",
        "indicator",
        "effective_fiscal_year",
        "old_value",
        "new_value",
        "revised_by",
        "revised_at",
    ]
    list_filter = ["kpi__plan", "kpi__region__block", "effective_fiscal_year"]
    list_select_related = ["kpi__plan", "kpi__region", "indicator", "revised_by"]
    search_fields = ["kpi__code", "kpi__title", "reason"]
    raw_id_fields = ["kpi", "indicator"]
