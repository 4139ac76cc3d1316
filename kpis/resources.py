"""import-export resources of the KPI, target and actual files.

Rows are keyed by natural keys only (plan number, KPI code, region code, indicator code, period,
year), never by database ids. Every referenced key is loaded once per import (`KeyIndex`) and
checked in Python, so an import of thousands of rows runs a handful of SELECTs, and each bad cell
becomes a Japanese message on its own line and column.

All-or-nothing is enforced here, in `import_data`, so the admin (which calls the resource
directly, and passes no rollback flag at its confirm step) and the service behave the same.

Targets and actuals are read and written by `kpis.figure_import` (the resources hold their columns
and readers): every row checked on plain values, then all figures written at once with their
history (`kpis.bulk_history`), in the import's transaction.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from import_export import resources
from import_export.fields import Field
from import_export.results import Result, RowResult

from kpis.cells import (
    ChoiceCell,
    DateCell,
    DecimalCell,
    FlagCell,
    TextCell,
    YearCell,
    cell_text,
    key_field,
    region_code_text,
)
from kpis.models import Actual, Indicator, Kpi, Measure, Period, Target
from plans.models import Plan
from regions.models import Region


class FileKind(models.TextChoices):
    KPIS = "kpis", "KPI"
    TARGETS = "targets", "目標"
    ACTUALS = "actuals", "実績"


# --- keys ------------------------------------------------------------------------------------


@dataclass
class KeyIndex:
    """Everything a file's keys can refer to, loaded once per import."""

    plans: dict[int, Plan]
    regions: dict[str, Region]
    kpis: dict[tuple[int, str], Kpi]
    indicators: dict[tuple[int, str, str], Indicator]

    @classmethod
    def load(cls, plan_numbers: set[int]) -> "KeyIndex":
        plans = {plan.number: plan for plan in Plan.objects.all()}
        # Only plans that exist are asked about: a file may name plan 99999999999999999999.
        plan_numbers = plan_numbers & plans.keys()
        regions = {region.code: region for region in Region.objects.all()}
        plans_by_id = {plan.pk: plan for plan in plans.values()}
        regions_by_id = {region.pk: region for region in regions.values()}
        kpis_by_id = {}
        for kpi in Kpi.objects.filter(plan__number__in=plan_numbers).order_by():
            # One shared object per KPI, so that every row of a file sees the same KPI.
            kpi.plan = plans_by_id[kpi.plan_id]
            kpi.region = regions_by_id.get(kpi.region_id)
            kpis_by_id[kpi.pk] = kpi
        indicators = {}
        for indicator in Indicator.objects.filter(kpi__plan__number__in=plan_numbers).order_by():
            indicator.kpi = kpis_by_id[indicator.kpi_id]
            indicators[(indicator.kpi.plan.number, indicator.kpi.code, indicator.code)] = indicator
        kpis = {(kpi.plan.number, kpi.code): kpi for kpi in kpis_by_id.values()}
        return cls(plans=plans, regions=regions, kpis=kpis, indicators=indicators)


def plan_number(text: str) -> int | None:
    """A plan cell's number ("2", "２" once read), None if it holds anything else."""
    return int(text) if text.isascii() and text.isdecimal() else None


def plan_numbers_in(dataset) -> set[int]:
    return {number for number in map(plan_number, map(cell_text, dataset["plan"])) if number is not None}


def region_code_of(kpi: Kpi) -> str:
    return kpi.region.code if kpi.region else ""


def region_problem(kpi: Kpi, file_region_code: str) -> str | None:
    """Why the file's region code does not fit the KPI, if it does not."""
    kpi_region_code = region_code_of(kpi)
    if file_region_code == kpi_region_code:
        return None
    if not kpi_region_code:
        return f'KPI "{kpi.code}" は中央KPIのため、地域コードは空欄にしてください'
    if not file_region_code:
        return f'KPI "{kpi.code}" は地域KPIのため、地域コード（"{kpi_region_code}"）を入力してください'
    return f'地域コード "{file_region_code}" はKPI "{kpi.code}" の地域（"{kpi_region_code}"）と一致しません'


# --- shared machinery ------------------------------------------------------------------------


def same_text(left, right) -> bool:
    """Equal, ignoring line endings: XLSX stores "\\r\\n" as "\\n", admin forms send "\\r\\n"."""
    if isinstance(left, str) and isinstance(right, str):
        return with_line_feeds(left) == with_line_feeds(right)
    return left == right


def with_line_feeds(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PreviewRowResult(RowResult):
    """A row's result whose preview cells are worked out when first read: only the admin's preview
    page reads them, and a file of 10,000 rows would otherwise render 100,000 cells for nothing.
    The admin log describes its objects itself, so no text of the object is kept here either."""

    def __init__(self):
        self.preview = None
        super().__init__()

    @property
    def diff(self):
        if self._diff is None and self.preview is not None:
            self._diff = self.preview()
        return self._diff

    @diff.setter
    def diff(self, value):
        self._diff = value

    def add_instance_info(self, instance):
        if instance is not None:
            self.object_id = instance.pk


class NaturalKeyResource(resources.ModelResource):
    required_columns: tuple[str, ...] = ()
    # Model fields that are never cleaned from a cell: foreign keys are resolved through the
    # index (full_clean would query each one), `measure` is copied from the indicator.
    not_cleaned: tuple[str, ...] = ()
    sheet_title = "data"

    class Meta:
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        store_instance = True
        # import-export's diff deep-copies every row with its indicator, KPI, plan and region
        # (a third of an import's time); a snapshot of the row's cells does the same job.
        skip_diff = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.import_fields: list[Field] | None = None
        self.line_numbers: list[int] = []
        self.problems: dict[str, list[str]] = {}
        self.seen_keys: dict[tuple, int] = {}
        self.values_before: list | None = None
        self.plan_numbers: set[int] = set()

    # all-or-nothing, whoever calls

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        header_problems = self.header_problems(list(dataset.headers or []))
        if header_problems:
            return self.result_for_header(header_problems)
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def get_row_result_class(self):
        return PreviewRowResult

    def get_import_fields(self):
        # Asked for several times per row: the same list for the whole import.
        if self.import_fields is None:
            self.import_fields = super().get_import_fields()
        return self.import_fields

    def header_problems(self, headers: list[str]) -> dict[str, list[str]]:
        known = [field.column_name for field in self.get_import_fields()]
        problems = defaultdict(list)
        for column in self.required_columns:
            if column not in headers:
                problems[column].append(f'必須の列 "{column}" がありません')
        for column in headers:
            if column not in known:
                problems[column].append(f'列 "{column}" は不明です（使える列: {", ".join(known)}）')
            elif headers.count(column) > 1 and not problems[column]:
                problems[column].append(f'列 "{column}" が複数あります')
        return {column: messages for column, messages in problems.items() if messages}

    def result_for_header(self, problems: dict[str, list[str]]) -> Result:
        result = self.get_result_class()()
        result.diff_headers = self.get_diff_headers()
        result.append_invalid_row(1, {}, ValidationError(problems))
        return result

    # line numbers as the spreadsheet shows them

    def before_import(self, dataset, **kwargs):
        # Readers of this app record each row's line; any other dataset has no blank lines.
        self.line_numbers = getattr(dataset, "line_numbers", None) or list(range(2, len(dataset) + 2))
        self.plan_numbers = plan_numbers_in(dataset)
        self.index = KeyIndex.load(self.plan_numbers)

    def line_of(self, row_number: int) -> int:
        return self.line_numbers[row_number - 1]

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.line_of(row.number)

    def before_import_row(self, row, **kwargs):
        self.line = self.line_of(kwargs["row_number"])
        self.problems = defaultdict(list)

    def report(self, column: str, message: str) -> None:
        self.problems[column].append(message)

    def check_not_repeated(self, key: tuple, message: str, column: str) -> None:
        if key in self.seen_keys:
            self.report(column, message.format(line=self.seen_keys[key]))
        else:
            self.seen_keys[key] = self.line

    # the keys of a row, looked up in the index

    def find_plan(self, row) -> Plan | None:
        text = cell_text(row["plan"])
        plan = self.index.plans.get(plan_number(text))
        if not text:
            self.report("plan", "計画を入力してください")
        elif plan is None:
            self.report("plan", f'計画 "{text}" は存在しません')
        return plan

    def find_region(self, row) -> tuple[str, Region | None]:
        text = region_code_text(row["region_code"])
        region = self.index.regions.get(text)
        if text and region is None:
            self.report("region_code", f'地域コード "{text}" は存在しません')
        return text, region

    def required_code(self, row, column: str, label: str) -> str:
        text = cell_text(row[column])
        if not text:
            self.report(column, f"{label}を入力してください")
        return text

    # reading a row: every problem of the row at once, keyed by column

    def import_instance(self, instance, row, **kwargs):
        for field in self.cell_fields:
            if field.column_name not in row:
                continue
            try:
                # What field.save() does, without its per-cell overhead: these fields are the
                # model's own attributes and have no default.
                setattr(instance, field.attribute, field.widget.clean(row[field.column_name]))
            except ValueError as error:
                self.report(field.column_name, str(error))
        self.after_cells_read(instance, row)
        if self.problems:
            raise ValidationError(dict(self.problems))

    @cached_property
    def cell_fields(self) -> list[Field]:
        """The fields read from the row into the instance (keys are read by the resource)."""
        return [field for field in self.get_import_fields() if not field.readonly]

    def after_cells_read(self, instance, row) -> None:
        pass

    # unchanged rows and the admin's preview, from a snapshot of the row as it was

    def cell_values(self, instance) -> list:
        return [field.get_value(instance) for field in self.get_import_fields()]

    def after_init_instance(self, instance, new, row, **kwargs):
        self.values_before = None if new else self.cell_values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self.values_before is None:
            return False
        return all(map(same_text, self.cell_values(instance), self.values_before))

    def after_import_row(self, row, row_result, **kwargs):
        if row_result.is_valid() and row_result.instance is not None:
            row_result.preview = partial(self.preview_cells, row_result.instance, self.values_before)

    def preview_cells(self, instance, values_before: list | None) -> list[str]:
        """Each cell as it will be; a changed one as "before → after"."""
        after = self.rendered_cells(self.cell_values(instance))
        if values_before is None:
            return after
        before = self.rendered_cells(values_before)
        return [
            new if same_text(old, new) else f"{old} → {new}" for old, new in zip(before, after, strict=True)
        ]

    def rendered_cells(self, values: list) -> list[str]:
        fields = self.get_import_fields()
        return [preview_text(field.widget.render(value)) for field, value in zip(fields, values, strict=True)]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own rules, without the per-row queries of unique and check constraints
        (the index and the duplicate check stand in for those)."""
        errors = dict(import_validation_errors or {})
        self.clean_model(instance, errors, self.column_of_attribute)
        if errors:
            raise ValidationError(errors)

    def clean_model(self, instance, errors: dict, column_of: dict[str, str], not_cleaned=None) -> None:
        """Add the model's complaints about `instance` to `errors`, by column."""
        attribute_of = {column: attribute for attribute, column in column_of.items()}
        not_cleaned = self.not_cleaned if not_cleaned is None else not_cleaned
        exclude = {*not_cleaned, *(attribute_of.get(column, column) for column in errors)}
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for attribute, messages in error.message_dict.items():
                column = column_of.get(attribute, NON_FIELD_ERRORS)
                errors.setdefault(column, []).extend(messages)

    @cached_property
    def column_of_attribute(self) -> dict[str, str]:
        own_fields = [field for field in self.get_import_fields() if "__" not in field.attribute]
        return {field.attribute: field.column_name for field in own_fields} | {
            NON_FIELD_ERRORS: NON_FIELD_ERRORS
        }

    def do_instance_save(self, instance, is_create):
        save_or_explain(instance, force_insert=is_create)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(*self.export_related)

    def after_export(self, queryset, dataset, **kwargs):
        dataset.title = self.sheet_title


def preview_text(value) -> str:
    return "" if value is None else str(value)


def save_or_explain(instance, **save_options) -> None:
    """Save in a savepoint; a database check that still fails becomes a message on the row."""
    try:
        with transaction.atomic():
            instance.save(**save_options)
    except IntegrityError as error:
        raise ValidationError(f"データベースの制約により保存できません（{error}）") from error


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
            self.check_new_kpi_region(region_text)

    def check_kpi_kept(self, kpi: Kpi, region_text: str, region: Region | None) -> None:
        level = self.row_kpi_values.get("level")
        if level and level != kpi.level:
            self.report("level", f'KPI "{kpi.code}" の区分（{kpi.get_level_display()}）は変更できません')
        elif region or not region_text:  # an unknown region code is reported already
            problem = region_problem(kpi, region_text)
            if problem:
                self.report("region_code", problem)

    def check_new_kpi_region(self, region_text: str) -> None:
        level = self.row_kpi_values.get("level")
        if level == Kpi.Level.CENTRAL and region_text:
            self.report("region_code", "中央KPIでは地域コードを空欄にしてください")
        elif level == Kpi.Level.REGIONAL and not region_text:
            self.report("region_code", "地域KPIには地域コードを入力してください")

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


# --- target and actual files -----------------------------------------------------------------


def change_reason_for(file_name: str | None) -> str:
    """The history's reason for a figure an import wrote: the file's name when it is known."""
    return f"ファイル取込（{PurePath(file_name).name if file_name else '取込'}）"


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
        from kpis.figure_import import import_figures  # it builds on this module

        header_problems = self.header_problems(list(dataset.headers or []))
        if header_problems:
            return self.result_for_header(header_problems)
        return import_figures(
            self,
            dataset,
            dry_run=dry_run,
            user=kwargs.get("user"),
            file_name=kwargs.get("file_name"),
            raise_errors=raise_errors,
        )


FIGURE_FIELDS = ("plan", "kpi_code", "region_code", "indicator_code", "period", "year", "start_year", "value")


class TargetResource(FigureResource):
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

    class Meta(FigureResource.Meta):
        model = Actual
        fields = (*FIGURE_FIELDS, "note", "source")


RESOURCES: dict[str, type[NaturalKeyResource]] = {
    FileKind.KPIS: KpiResource,
    FileKind.TARGETS: TargetResource,
    FileKind.ACTUALS: ActualResource,
}
