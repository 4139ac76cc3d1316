"""What every import-export resource of the portal shares: natural keys, all-or-nothing imports,
Japanese line-numbered messages and a preview of what changes (`NaturalKeyResource`)."""

from collections import defaultdict
from functools import cached_property, partial

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import resources
from import_export.fields import Field
from import_export.results import Result, RowResult

from kpis.cells import cell_text, region_code_text
from kpis.import_keys import (
    JAPANESE_HEADERS,
    KeyIndex,
    header_keys,
    plan_number,
    plan_numbers_in,
    preview_text,
    same_text,
    save_or_explain,
)
from plans.models import Plan
from regions.models import Region


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
    # a column's Japanese name where this file's differs from JAPANESE_HEADERS (目標値, 実績値)
    own_japanese_headers: dict[str, str] = {}

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
        self.written: dict[str, str] = {}

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
        refused = self.read_headers(dataset)
        if refused is not None:
            return refused
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        return self.as_written(result)

    def read_headers(self, dataset) -> Result | None:
        """The result refusing the file for its header, or None once the dataset's headers are the
        columns' keys (English or Japanese, in any case, read as the key they name)."""
        written = [str(header) for header in dataset.headers or []]
        keys = header_keys(written, self.japanese_headers)
        problems = self.header_problems(written, keys)
        if problems:
            return self.result_for_header(problems)
        self.written = {key: header for key, header in zip(keys, written, strict=True) if key != header}
        dataset.headers = keys
        return None

    def as_written(self, result: Result) -> Result:
        """Each row's messages under the column's header as the file wrote it (「計画」, "PLAN")."""
        if self.written:
            for row in result.invalid_rows:
                row.error_dict = {self.written.get(key, key): texts for key, texts in row.error_dict.items()}
        return result

    def get_row_result_class(self):
        return PreviewRowResult

    def get_import_fields(self):
        # Asked for several times per row: the same list for the whole import.
        if self.import_fields is None:
            self.import_fields = super().get_import_fields()
        return self.import_fields

    @cached_property
    def japanese_headers(self) -> dict[str, str]:
        """Each column's key and its Japanese name, in the file's order of columns."""
        return {
            field.column_name: self.own_japanese_headers.get(field.column_name)
            or JAPANESE_HEADERS.get(field.column_name, field.column_name)
            for field in self.get_import_fields()
        }

    def header_problems(self, written: list[str], keys: list[str]) -> dict[str, list[str]]:
        """Missing, unknown and repeated columns, by the header as written (a missing one by its
        key and its Japanese name)."""
        names = self.japanese_headers
        problems = defaultdict(list)
        for column in self.required_columns:
            if column not in keys:
                problems[column].append(f'必須の列 "{column}"（{names[column]}）がありません')
        usable = "、".join(f"{key}（{name}）" for key, name in names.items())
        for header, key in zip(written, keys, strict=True):
            if key not in names:
                problems[header].append(f'列 "{header}" は不明です（使える列: {usable}）')
            elif keys.count(key) > 1 and not problems[header]:
                same = "、".join(f'"{other}"' for other, k in zip(written, keys, strict=True) if k == key)
                problems[header].append(f"同じ列 {same} が複数あります")
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
