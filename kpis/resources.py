"""import-export resources of the KPI, target and actual files.

Rows are keyed by natural keys only (plan number, KPI code, region code, indicator code, period,
year), never by database ids (kpis/import_keys.py), and each bad cell becomes a Japanese message
on its own line and column.

All-or-nothing is enforced in `NaturalKeyResource.import_data` (kpis/resource_base.py), so the admin
(which calls the resource directly, and passes no rollback flag at its confirm step) and the
service behave the same. The KPI file's resource is in kpis/kpi_resource.py.

Targets and actuals are read and written by `kpis.figure_import` (the resources hold their columns
and readers): every row checked on plain values, then all figures written at once with their
history (`kpis.bulk_history`), in the import's transaction.
"""

from django.db import models
from import_export.fields import Field

from kpis.cells import ChoiceCell, DateCell, DecimalCell, FlagCell, TextCell, YearCell, key_field
from kpis.figure_import import import_figures
from kpis.import_keys import change_reason_for
from kpis.kpi_resource import KpiResource
from kpis.models import Actual, Period, Target
from kpis.resource_base import NaturalKeyResource

__all__ = ["RESOURCES", "ActualResource", "FileKind", "KpiResource", "TargetResource", "change_reason_for"]


class FileKind(models.TextChoices):
    KPIS = "kpis", "KPI"
    TARGETS = "targets", "目標"
    ACTUALS = "actuals", "実績"


# --- target and actual files -----------------------------------------------------------------


class FigureResource(NaturalKeyResource):
    """What the target and actual files share: an indicator's value for one period.

    The fields say how each column is read and written; importing is `kpis.figure_import`'s, which
    checks every row on plain values and writes all figures at once (import-export's row-by-row
    machinery builds several objects per row, too slow for files of thousands of rows)."""

    plan = key_field("indicator__kpi__plan__number", "plan")
    kpi_code = key_field("indicator__kpi__code", "kpi_code")
    region_code = key_field("indicator__kpi__region__code", "region_code")
    indicator_code = key_field("indicator__code", "indicator_code")
    period = Field("period", "period", ChoiceCell("期間", Period))
    year = Field("year", "year", YearCell("年度", required=True))
    start_year = Field("start_year", "start_year", YearCell("累計の開始年度"))
    value = Field("value", "value", DecimalCell("値", required=True))
    note = Field("note", "note", TextCell())
    source = Field("source", "source", TextCell())

    required_columns = ("plan", "kpi_code", "region_code", "indicator_code", "period", "year", "value")
    # Besides the indicator and its measure: fields whose cell reader already refuses anything the
    # model would (a period of the choices, a year 1990–2100), and a field no file holds.
    not_cleaned = ("indicator", "measure", "period", "year", "start_year", "achieved_on")
    export_related = ("indicator__kpi__plan", "indicator__kpi__region")

    def get_queryset(self):
        return self._meta.model.objects.select_related(*self.export_related).order_by(
            "indicator__kpi__plan__number",
            "indicator__kpi__level",
            "indicator__kpi__region__order",
            "indicator__kpi__order",
            "indicator__kpi__code",
            "indicator__order",
            "indicator__code",
            "year",
            "period",
        )

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        refused = self.read_headers(dataset)
        if refused is not None:
            return refused
        result = import_figures(
            self,
            dataset,
            dry_run=dry_run,
            user=kwargs.get("user"),
            file_name=kwargs.get("file_name"),
            raise_errors=raise_errors,
        )
        return self.as_written(result)


FIGURE_FIELDS = ("plan", "kpi_code", "region_code", "indicator_code", "period", "year", "start_year", "value")


class TargetResource(FigureResource):
    own_japanese_headers = {"value": "目標値"}
    baseline_value = Field("baseline_value", "baseline_value", DecimalCell("基準値"))
    baseline_year = Field("baseline_year", "baseline_year", YearCell("基準年度"))
    is_minimum = Field("is_minimum", "is_minimum", FlagCell("以上（下限目標）"))
    due_date = Field("due_date", "due_date", DateCell("期限"))

    sheet_title = "目標"
    not_cleaned = (*FigureResource.not_cleaned, "baseline_year", "is_minimum", "due_date")

    class Meta(FigureResource.Meta):
        model = Target
        fields = (
            *FIGURE_FIELDS,
            "baseline_value",
            "baseline_year",
            "is_minimum",
            "due_date",
            "note",
            "source",
        )


class ActualResource(FigureResource):
    sheet_title = "実績"
    own_japanese_headers = {"value": "実績値"}

    class Meta(FigureResource.Meta):
        model = Actual
        fields = (*FIGURE_FIELDS, "note", "source")


RESOURCES: dict[str, type[NaturalKeyResource]] = {
    FileKind.KPIS: KpiResource,
    FileKind.TARGETS: TargetResource,
    FileKind.ACTUALS: ActualResource,
}
