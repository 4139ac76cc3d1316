"""The KPI file: one row per indicator, a KPI's own columns repeated on each of its rows."""

from django.core.exceptions import ValidationError
from import_export.fields import Field

from kpis.cells import ChoiceCell, TextCell, key_field
from kpis.import_keys import region_problem, same_text, save_or_explain
from kpis.models import Indicator, Kpi, Measure
from kpis.resource_base import NaturalKeyResource
from regions.models import Region

# --- KPI file: one row per indicator ---------------------------------------------------------

KPI_ATTRIBUTES = {
    "level": "level",
    "kind": "kind",
    "kpi_title": "title",
    "kpi_text": "text",
    "period_label": "period_label",
    "stage": "stage",
}

KPI_COLUMN_OF_ATTRIBUTE = {attribute: column for column, attribute in KPI_ATTRIBUTES.items()} | {
    "code": "kpi_code"
}


def code_region_problem(kpi_code: str, region_text: str, regions: dict) -> str | None:
    """A regional KPI's code begins with its region's code (14-1 is 神奈川県's, 28100-1 神戸市's): a
    new KPI whose code names another region than its region_code is refused, never filed under the
    wrong region. A code of any other form is left as it is."""
    prefix = kpi_code.split("-", 1)[0] if "-" in kpi_code else ""
    if not prefix or prefix == region_text or prefix not in regions or region_text not in regions:
        return None
    return (
        f'KPIコード "{kpi_code}" は{regions[prefix].name_ja}（地域コード "{prefix}"）のKPIのコードです。'
        f'地域コード "{region_text}" と一致しません'
    )


class KpiResource(NaturalKeyResource):
    """Creates and updates KPIs and their indicators; a KPI's own columns repeat on each of its rows."""

    plan = key_field("kpi__plan__number", "plan")
    kpi_code = key_field("kpi__code", "kpi_code")
    level = Field("kpi__level", "level", ChoiceCell("区分", Kpi.Level), readonly=True)
    region_code = key_field("kpi__region__code", "region_code")
    kind = Field("kpi__kind", "kind", ChoiceCell("種類", Kpi.Kind), readonly=True)
    kpi_title = Field("kpi__title", "kpi_title", TextCell(), readonly=True)
    kpi_text = Field("kpi__text", "kpi_text", TextCell(), readonly=True)
    period_label = Field("kpi__period_label", "period_label", TextCell(), readonly=True)
    stage = Field(
        "kpi__stage", "stage", ChoiceCell("知財活用ステージ", Kpi.Stage, required=False), readonly=True
    )
    indicator_code = key_field("code", "indicator_code")
    indicator_name = Field("name", "indicator_name", TextCell())
    unit = Field("unit", "unit", TextCell())
    measure = Field("measure", "measure", ChoiceCell("値の種類", Measure))
    target_shape = Field("target_shape", "target_shape", ChoiceCell("目標の形", Indicator.TargetShape))
    direction = Field("direction", "direction", ChoiceCell("方向", Indicator.Direction))
    aggregation = Field("aggregation", "aggregation", ChoiceCell("集計", Indicator.Aggregation))

    required_columns = (
        "plan",
        "kpi_code",
        "level",
        "region_code",
        "kind",
        "kpi_title",
        "kpi_text",
        "indicator_code",
        "indicator_name",
        "unit",
        "measure",
        "target_shape",
    )
    not_cleaned = ("kpi", "predecessor")
    export_related = ("kpi__plan", "kpi__region")
    sheet_title = "KPI"

    class Meta(NaturalKeyResource.Meta):
        model = Indicator
        fields = (
            "plan",
            "kpi_code",
            "level",
            "region_code",
            "kind",
            "kpi_title",
            "kpi_text",
            "period_label",
            "stage",
            "indicator_code",
            "indicator_name",
            "unit",
            "measure",
            "target_shape",
            "direction",
            "aggregation",
        )

    def get_queryset(self):
        return Indicator.objects.select_related(*self.export_related).order_by(
            "kpi__plan__number",
            "kpi__level",
            "kpi__region__order",
            "kpi__order",
            "kpi__code",
            "order",
            "code",
        )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.kpi_rows: dict[tuple[int, str], tuple[int, dict]] = {}
        self.kpis_to_save: set[tuple[int, str]] = set()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.row_kpi_values = self.read_kpi_values(row)
        plan = self.find_plan(row)
        region_text, region = self.find_region(row)
        kpi_code = self.required_code(row, "kpi_code", "KPIコード")
        indicator_code = self.required_code(row, "indicator_code", "指標コード")
        self.row_region = region
        self.row_indicator_code = indicator_code
        self.row_kpi_key = (plan.number, kpi_code) if plan and kpi_code else None
        self.row_key = (*self.row_kpi_key, indicator_code) if self.row_kpi_key and indicator_code else None
        if self.row_kpi_key:
            self.check_kpi_identity(self.row_kpi_key, region_text, region)
            self.check_kpi_consistent(self.row_kpi_key, region_text)
        if self.row_key:
            self.check_not_repeated(
                self.row_key, "同じKPI・指標の行が {line}行目にもあります", "indicator_code"
            )

    def read_kpi_values(self, row) -> dict:
        values = {}
        for column in KPI_ATTRIBUTES:
            if column in row:
                try:
                    values[column] = self.fields[column].widget.clean(row[column])
                except ValueError as error:
                    self.report(column, str(error))
        return values

    def check_kpi_identity(self, kpi_key, region_text: str, region: Region | None) -> None:
        """Level and region make a KPI central or some region's: a file may not move one."""
        kpi = self.index.kpis.get(kpi_key)
        # A KPI without an id is one this file introduced a few rows above.
        if kpi is not None and kpi.pk:
            self.check_kpi_kept(kpi, region_text, region)
        else:
            self.check_new_kpi_region(kpi_key[1], region_text)

    def check_kpi_kept(self, kpi: Kpi, region_text: str, region: Region | None) -> None:
        level = self.row_kpi_values.get("level")
        if level and level != kpi.level:
            self.report("level", f'KPI "{kpi.code}" の区分（{kpi.get_level_display()}）は変更できません')
        elif region or not region_text:  # an unknown region code is reported already
            problem = region_problem(kpi, region_text)
            if problem:
                self.report("region_code", problem)

    def check_new_kpi_region(self, kpi_code: str, region_text: str) -> None:
        level = self.row_kpi_values.get("level")
        if level == Kpi.Level.CENTRAL and region_text:
            self.report("region_code", "中央KPIでは地域コードを空欄にしてください")
        elif level == Kpi.Level.REGIONAL and not region_text:
            self.report("region_code", "地域KPIには地域コードを入力してください")
        elif level == Kpi.Level.REGIONAL:
            problem = code_region_problem(kpi_code, region_text, self.index.regions)
            if problem:
                self.report("region_code", problem)

    def check_kpi_consistent(self, kpi_key, region_text: str) -> None:
        values = {**self.row_kpi_values, "region_code": region_text}
        if kpi_key not in self.kpi_rows:
            self.kpi_rows[kpi_key] = (self.line, values)
            return
        first_line, first_values = self.kpi_rows[kpi_key]
        for column, value in values.items():
            if column in first_values and not same_text(first_values[column], value):
                self.report(column, f'KPI "{kpi_key[1]}" の {column} が {first_line}行目と異なります')

    def get_instance(self, instance_loader, row):
        return self.index.indicators.get(self.row_key) if self.row_key else None

    def init_instance(self, row=None):
        return Indicator(code=self.row_indicator_code)

    def after_cells_read(self, instance, row) -> None:
        if not self.row_kpi_key:
            return
        kpi = self.working_kpi(self.row_kpi_key)
        changed = False
        for column, value in self.row_kpi_values.items():
            attribute = KPI_ATTRIBUTES[column]
            if getattr(kpi, attribute) != value:
                setattr(kpi, attribute, value)
                changed = True
        if changed or kpi.pk is None:
            self.kpis_to_save.add(self.row_kpi_key)
        instance.kpi = kpi

    def working_kpi(self, kpi_key) -> Kpi:
        """The KPI every row of this key shares; a new one is created from its first row."""
        if kpi_key not in self.index.kpis:
            plan = self.index.plans[kpi_key[0]]
            self.index.kpis[kpi_key] = Kpi(plan=plan, code=kpi_key[1], region=self.row_region)
        return self.index.kpis[kpi_key]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.measure == "percent" and instance.unit != "%" and "unit" not in errors:
            errors["unit"] = ['割合（percent）の指標は単位を "%" にしてください']
        self.clean_model(instance, errors, self.column_of_attribute)
        if self.row_kpi_key:
            self.clean_model(
                instance.kpi, errors, KPI_COLUMN_OF_ATTRIBUTE, not_cleaned=("plan", "region", "vision")
            )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if self.row_kpi_key in self.kpis_to_save:
            save_or_explain(instance.kpi)
            self.kpis_to_save.discard(self.row_kpi_key)
