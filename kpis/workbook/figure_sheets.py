"""The 目標 and 実績 sheets, imported by the target and actual files' own import (kpis.figure_import):
the same checks and messages, every figure written at once with its history. Only the column
names differ (Japanese, with the files' English keys as aliases), and the 実績 sheet also holds the
date a milestone was achieved (達成日), which the actual file leaves out."""

import tablib
from import_export.fields import Field
from import_export.results import RowResult

from kpis.cells import DateCell
from kpis.importing import message_of
from kpis.resources import FIGURE_FIELDS, ActualResource, TargetResource
from kpis.workbook import sheets
from kpis.workbook.reading import SheetData, SheetError
from kpis.workbook.sheet_import import UNREAD, ImportRun, Row, SheetCount


class WorkbookActualResource(ActualResource):
    achieved_on = Field("achieved_on", "achieved_on", DateCell("達成日"))

    class Meta(ActualResource.Meta):
        fields = (*FIGURE_FIELDS, "achieved_on", "note", "source")


RESOURCES = {sheets.TARGETS.title: TargetResource, sheets.ACTUALS.title: WorkbookActualResource}


def import_figure_sheet(run: ImportRun, data: SheetData) -> SheetCount:
    """The sheet's figures of the workbook's plan, checked and written by the figure import."""
    title = data.sheet.title
    count = SheetCount(title)
    kept = []
    for line, cells in data.rows:
        row = Row(data, line, cells)
        number = row.value("plan")
        if number is not UNREAD and number != run.plan.number:
            row.report("plan", f'計画 "{number}" は計画シートの計画（{run.plan.number}）と違います')
        if row.problems:
            run.errors.extend(row.errors())
        else:
            kept.append((line, cells))
    if not kept:
        return count
    columns = list(data.headers)
    dataset = tablib.Dataset(*[[cells.get(c) for c in columns] for _line, cells in kept], headers=columns)
    dataset.line_numbers = [line for line, _cells in kept]
    result = RESOURCES[title]().import_data(dataset, dry_run=False, user=run.user, file_name=run.file_name)
    run.errors.extend(figure_errors(data, result))
    totals = result.totals
    count.new = totals[RowResult.IMPORT_TYPE_NEW]
    count.changed = totals[RowResult.IMPORT_TYPE_UPDATE]
    count.unchanged = totals[RowResult.IMPORT_TYPE_SKIP]
    return count


def figure_errors(data: SheetData, result) -> list[SheetError]:
    """The figure import's problems, named by the sheet and its headers."""
    title = data.sheet.title
    names = data.sheet.names
    errors = [
        SheetError(title, row.number, data.header(column) if column in names else "", str(message))
        for row in result.invalid_rows
        for column, messages in row.error_dict.items()
        for message in messages
    ]
    errors += [SheetError(title, None, "", message_of(error.error)) for error in result.base_errors]
    return errors
