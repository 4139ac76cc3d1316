"""Importing a target or actual file: every row read into plain values and checked in Python, then
every figure written at once with its history, all or nothing.

Each row's keys are looked up in the index loaded once per file (`KeyIndex`), each cell is read by
its column's reader with a Japanese message, and the database's own rules (a count is whole, a
percentage at most 100, nothing negative, lengths and digits) are checked on the plain values: no
model object and no query per row. Only once every row is known to be good are the figures built
and written (`kpis.bulk_history`), in the import's transaction.

The outcome is import-export's `Result`, so that the admin shows its preview and its errors as it
does for any import.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from import_export.results import Error, Result, RowResult

from kpis.bulk_history import create_with_history, update_with_history
from kpis.cells import cell_text, region_code_text
from kpis.import_files import cycle_collection_paused
from kpis.import_keys import (
    KeyIndex,
    change_reason_for,
    plan_number,
    plan_numbers_in,
    preview_text,
    region_problem,
    same_text,
    save_or_explain,
)
from kpis.import_plausibility import flagged_rows
from kpis.models import Actual, Indicator
from kpis.signals import copy_measure, figures_written
from kpis.values import value_problem

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class FigureRow:
    """A good row: the figure it writes (`values` by attribute) and the one it replaces, if any."""

    line: int
    indicator: Indicator
    values: dict[str, Any]
    existing: Any = None
    changed: tuple[str, ...] = ()
    result: RowResult | None = None


def import_figures(
    resource, dataset, *, dry_run: bool, user=None, file_name=None, raise_errors=False
) -> Result:
    """Check every row of `dataset` (headers already checked); unless this is a dry run or a row is
    bad, write the figures. Never writes part of a file."""
    with cycle_collection_paused():
        check = FigureFile(resource, dataset)
        result = check.result
        rows = check.rows()
        if dry_run and check.model is Actual:
            # listed in the preview (a dry run), never refused; the write itself reads nothing more
            result.plausibility = flagged_rows(rows)
        if dry_run or result.has_validation_errors():
            return result
        writer = FigureWriter(resource._meta.model, user=user, reason=change_reason_for(file_name))
        try:
            writer.write(rows, result)
        except Exception as error:
            # A database gone away, a deadlock, a bug: the savepoint is rolled back, the user told so.
            if raise_errors:
                raise
            logger.exception("import of %s failed while writing", resource._meta.model.__name__)
            result.append_base_error(Error(error))
        return result


# --- checking --------------------------------------------------------------------------------


class FigureFile:
    """The rows of one target or actual file, checked against the database as it is."""

    def __init__(self, resource, dataset):
        self.resource = resource
        self.model = resource._meta.model
        self.dataset = dataset
        self.headers = list(dataset.headers)
        self.position = {column: index for index, column in enumerate(self.headers)}
        self.lines = getattr(dataset, "line_numbers", None) or list(range(2, len(dataset) + 2))
        self.index = KeyIndex.load(plan_numbers_in(dataset))
        self.existing = self.existing_figures()
        self.fields = {field.column_name: field for field in resource.get_import_fields()}
        # (column, attribute, reader, position) of each value column the file has
        self.readers = [
            (field.column_name, field.attribute, field.widget.clean, self.position[field.column_name])
            for field in resource.cell_fields
            if field.column_name in self.position
        ]
        self.validators = self.model_validators()
        self.seen: dict[tuple, int] = {}
        self.result = resource.get_result_class()()
        self.result.diff_headers = resource.get_diff_headers()
        self.result.total_rows = len(dataset)

    def existing_figures(self) -> dict[tuple, Any]:
        """The figures the file may update, by indicator, period and year: one query."""
        indicators = {}
        for plan, kpi_code, indicator_code in zip(
            self.column("plan"), self.column("kpi_code"), self.column("indicator_code"), strict=True
        ):
            number = plan_number(cell_text(plan))
            if number is not None:
                key = (number, cell_text(kpi_code), cell_text(indicator_code))
                indicator = self.index.indicators.get(key)
                if indicator is not None:
                    indicators[indicator.pk] = indicator
        existing = {}
        for figure in self.model.objects.filter(indicator_id__in=list(indicators)).order_by():
            figure.indicator = indicators[figure.indicator_id]
            existing[(figure.indicator_id, figure.period, figure.year)] = figure
        return existing

    def column(self, name: str) -> list:
        return self.dataset[name] if name in self.position else [None] * len(self.dataset)

    def model_validators(self) -> list[tuple[str, str, list]]:
        """Django's validators (digits, lengths) of the fields the database would check that no
        cell reader checks already (the resource's `not_cleaned` are read strictly)."""
        validators = []
        for column, attribute, _reader, _position in self.readers:
            if attribute in self.resource.not_cleaned:
                continue
            field = self.model._meta.get_field(attribute)
            if field.validators:
                validators.append((column, attribute, field.validators))
        return validators

    def rows(self) -> list[FigureRow]:
        """Every good row; every bad one goes into the result with its line and messages."""
        good = []
        result = self.result
        for line, cells in zip(self.lines, self.dataset, strict=True):
            problems: dict[str, list[str]] = defaultdict(list)
            row = self.checked_row(line, cells, problems)
            if problems:
                result.append_invalid_row(
                    line, dict(zip(self.headers, cells, strict=True)), ValidationError(problems)
                )
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                continue
            good.append(row)
            result.append_row_result(self.row_result(row))
        for row_result in result.rows:
            result.totals[row_result.import_type] += 1
        return good

    def cell(self, cells, column: str):
        position = self.position.get(column)
        return None if position is None else cells[position]

    def checked_row(self, line: int, cells, problems) -> FigureRow | None:
        indicator = self.find_indicator(cells, problems)
        values = {}
        for column, attribute, reader, position in self.readers:
            try:
                values[attribute] = reader(cells[position])
            except ValueError as error:
                problems[column].append(str(error))
        self.check_values(values, indicator, problems)
        if indicator is None or problems.keys() & {"period", "year"}:
            return None
        key = (indicator.pk, values["period"], values["year"])
        if key in self.seen:
            problems["period"].append(f"同じ指標・期間・年度の行が {self.seen[key]}行目にもあります")
            return None
        self.seen[key] = line
        if problems:
            return None
        existing = self.existing.get(key)
        changed = ()
        if existing is not None:
            changed = tuple(
                attribute
                for attribute, value in values.items()
                if not same_text(getattr(existing, attribute), value)
            )
        return FigureRow(line, indicator, values, existing, changed)

    def find_indicator(self, cells, problems) -> Indicator | None:
        """The row's indicator, by plan, KPI and indicator code; the region must be the KPI's."""
        plan_text = cell_text(self.cell(cells, "plan"))
        plan = self.index.plans.get(plan_number(plan_text))
        if not plan_text:
            problems["plan"].append("計画を入力してください")
        elif plan is None:
            problems["plan"].append(f'計画 "{plan_text}" は存在しません')
        region_text = region_code_text(self.cell(cells, "region_code"))
        region_unknown = bool(region_text) and region_text not in self.index.regions
        if region_unknown:
            problems["region_code"].append(f'地域コード "{region_text}" は存在しません')
        kpi_code = cell_text(self.cell(cells, "kpi_code"))
        if not kpi_code:
            problems["kpi_code"].append("KPIコードを入力してください")
        indicator_code = cell_text(self.cell(cells, "indicator_code"))
        if not indicator_code:
            problems["indicator_code"].append("指標コードを入力してください")
        if not (plan and kpi_code):
            return None
        kpi = self.index.kpis.get((plan.number, kpi_code))
        if kpi is None:
            problems["kpi_code"].append(f'KPI "{kpi_code}" は第{plan.number}次計画に存在しません')
            return None
        if not region_unknown:
            problem = region_problem(kpi, region_text)
            if problem:
                problems["region_code"].append(problem)
        indicator = self.index.indicators.get((plan.number, kpi_code, indicator_code))
        if indicator_code and indicator is None:
            problems["indicator_code"].append(f'指標 "{indicator_code}" はKPI "{kpi_code}" に存在しません')
        return indicator

    def check_values(self, values: dict, indicator: Indicator | None, problems) -> None:
        """The model's rules on the values read: what `full_clean` and the database would refuse."""
        for column, attribute, validators in self.validators:
            value = values.get(attribute)
            if value is None or value == "" or column in problems:
                continue
            for validator in validators:
                try:
                    validator(value)
                except ValidationError as error:
                    problems[column].extend(error.messages)
        value = values.get("value")
        if indicator is not None and value is not None and "value" not in problems:
            problem = value_problem(value, indicator.measure)
            if problem:
                problems["value"].append(problem)
        start_year, year = values.get("start_year"), values.get("year")
        if start_year and year and start_year > year:
            problems["start_year"].append(f"累計の開始年度 {start_year} が年度 {year} より後です")

    # the admin's preview

    def row_result(self, row: FigureRow) -> RowResult:
        row_result = self.resource.get_row_result_class()()
        if row.existing is None:
            row_result.import_type = RowResult.IMPORT_TYPE_NEW
        elif row.changed:
            row_result.import_type = RowResult.IMPORT_TYPE_UPDATE
        else:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            row_result.object_id = row.existing.pk
        row_result.preview = partial(self.preview_cells, row)
        row.result = row_result
        return row_result

    def preview_cells(self, row: FigureRow) -> list[str]:
        """Each cell as it will be; a changed one as "before → after"."""
        kpi = row.indicator.kpi
        keys = {
            "plan": kpi.plan.number,
            "kpi_code": kpi.code,
            "region_code": kpi.region.code if kpi.region else "",
            "indicator_code": row.indicator.code,
        }
        cells = []
        for column in self.result.diff_headers:
            field = self.fields[column]
            if column in keys:
                cells.append(preview_text(keys[column]))
                continue
            after = self.value_after(row, field.attribute)
            text = preview_text(field.widget.render(after))
            if row.existing is not None and field.attribute in row.changed:
                before = preview_text(field.widget.render(getattr(row.existing, field.attribute)))
                text = f"{before} → {text}"
            cells.append(text)
        return cells

    def value_after(self, row: FigureRow, attribute: str):
        if attribute in row.values:
            return row.values[attribute]
        if row.existing is not None:
            return getattr(row.existing, attribute)
        return self.model._meta.get_field(attribute).get_default()


# --- writing ---------------------------------------------------------------------------------


class FigureWriter:
    """Writes the good rows of a file: new figures, changed ones, each with its history record."""

    def __init__(self, model, *, user, reason: str):
        self.model = model
        self.user = user if getattr(user, "is_authenticated", False) else None
        self.reason = reason
        self.when = timezone.now()

    def write(self, rows: list[FigureRow], result: Result) -> None:
        created = [(row, self.new_figure(row)) for row in rows if row.existing is None]
        updated = [(row, self.updated(row)) for row in rows if row.existing is not None and row.changed]
        if not (created or updated):
            return
        attributes = sorted({attribute for row, _figure in updated for attribute in row.changed})
        try:
            with transaction.atomic():
                options = {"user": self.user, "reason": self.reason, "when": self.when}
                create_with_history(self.model, [figure for _row, figure in created], **options)
                update_with_history(self.model, [figure for _row, figure in updated], attributes, **options)
        except IntegrityError:
            # Someone saved one of these figures since the file was checked.
            self.explain_refusal([*created, *updated], result)
            return
        for row, figure in [*created, *updated]:
            row.result.instance = figure
            row.result.object_id = figure.pk
        figures_written.send(sender=self.model)

    def new_figure(self, row: FigureRow):
        figure = self.model(indicator=row.indicator, **row.values)
        copy_measure(figure)  # what pre_save does for a single save
        return figure

    def updated(self, row: FigureRow):
        figure = row.existing
        for attribute in row.changed:
            setattr(figure, attribute, row.values[attribute])
        return figure

    def explain_refusal(self, pairs: list, result: Result) -> None:
        """Save the figures one by one, in a savepoint rolled back afterwards, to name the rows the
        database refuses; the import is then in error and writes nothing."""
        with transaction.atomic():
            for row, figure in pairs:
                if row.existing is None:
                    figure.pk = None
                figure._change_reason = self.reason
                try:
                    save_or_explain(figure, force_insert=row.existing is None)
                except ValidationError as error:
                    result.append_invalid_row(row.line, {}, error)
            transaction.set_rollback(True)
        if not result.invalid_rows:
            result.append_invalid_row(
                None, {}, ValidationError({NON_FIELD_ERRORS: ["データベースの制約により保存できません"]})
            )
