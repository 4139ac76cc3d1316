"""Reading a plan workbook into its sheets, refusing what the KPI, target and actual imports refuse.

The file checks are kpis.import_files' own (size before parsing, what the first bytes say the file
is, a ZIP that unpacks too far, too many rows or columns, formulas without a saved value, merged
cells, cells showing an error), applied to every sheet and reported with the sheet's name. Each
sheet is then read by kpis.importing's reader (blank lines skipped but counted, the apostrophe an
export put before formula-like text taken off again) and its headers, Japanese or the English keys,
mapped to the columns of kpis.workbook.columns.

Visible sheets only are read; 記入方法 is skipped; any other sheet name is refused, so that a sheet
renamed by mistake is not silently left out.
"""

import io
import logging
import warnings
from dataclasses import dataclass, field

import openpyxl

from kpis.cells import is_blank
from kpis.import_files import (
    UnreadableFile,
    check_formulas_and_merges,
    check_size,
    cycle_collection_paused,
    needs_a_closer_look,
    sheet_values,
    xlsx_archive,
)
from kpis.importing import dataset_from_rows, header_text
from kpis.workbook.columns import Sheet
from kpis.workbook.sheets import INSTRUCTIONS_TITLE, SHEET_OF_NAME, SHEETS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SheetError:
    """One problem of a workbook: the sheet (empty for the file as a whole), the spreadsheet's line
    (None for the sheet as a whole), the column as its header reads, and a Japanese message."""

    sheet: str
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.sheet, f"{self.line}行目" if self.line else "") if part)
        where = where or "ファイル"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class WorkbookRefused(Exception):
    def __init__(self, errors: list[SheetError]):
        self.errors = tuple(errors)
        super().__init__(" / ".join(map(str, self.errors)))


@dataclass
class SheetData:
    """A sheet's rows: each a line number and the cells by column key (only the columns the sheet
    has); `headers` maps each key to the header as written, for messages."""

    sheet: Sheet
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict]] = field(default_factory=list)

    def header(self, alias: str) -> str:
        return self.headers.get(alias) or self.sheet.column(alias).name


def read_workbook(data: bytes) -> dict[str, SheetData]:
    """The workbook's sheets by their Japanese title; raises WorkbookRefused with every problem."""
    try:
        check_size(len(data))
        with cycle_collection_paused():
            raw = raw_sheets(data)
    except UnreadableFile as refused:
        raise WorkbookRefused(
            [SheetError("", p.line, p.column, p.message) for p in refused.problems]
        ) from refused
    errors: list[SheetError] = []
    sheets: dict[str, SheetData] = {}
    for title, rows in raw.items():
        sheet = SHEET_OF_NAME.get(title) or SHEET_OF_NAME.get(title.lower())
        if sheet is None:
            known = "、".join(s.title for s in SHEETS)
            errors.append(
                SheetError(
                    title, None, "", f"シート名が不明です（使えるシート: {known}、{INSTRUCTIONS_TITLE}）"
                )
            )
        elif sheet.title in sheets:
            errors.append(SheetError(title, None, "", f"シート「{sheet.title}」が2つあります"))
        else:
            try:
                sheets[sheet.title] = sheet_data(sheet, title, rows)
            except WorkbookRefused as refused:
                errors.extend(refused.errors)
    if errors:
        raise WorkbookRefused(errors)
    return sheets


def raw_sheets(data: bytes) -> dict[str, list]:
    """Every visible sheet's rows but 記入方法's, refused (with the sheet's name) as a file of
    figures would be."""
    archive = xlsx_archive(data)
    problems = []
    found = {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # styles and extensions openpyxl skips
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in workbook.worksheets:
                    if sheet.sheet_state == "visible" and sheet.title != INSTRUCTIONS_TITLE:
                        found[sheet.title] = named(sheet.title, problems, sheet_values, sheet)
            finally:
                workbook.close()
            if needs_a_closer_look(archive):
                for title, rows in found.items():
                    named(title, problems, check_formulas_and_merges, data, archive, title, rows or [])
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        logger.info("unreadable plan workbook: %r", error)
        raise UnreadableFile(
            "XLSXファイルとして読めません（壊れているか、Excel の XLSX 形式ではありません）"
        ) from error
    if problems:
        raise WorkbookRefused(problems)
    return found


def named(title: str, problems: list, function, *arguments):
    """`function(*arguments)`, its refusal kept with the sheet's name."""
    try:
        return function(*arguments)
    except UnreadableFile as refused:
        problems.extend(SheetError(title, p.line, p.column, p.message) for p in refused.problems)
        return None


def sheet_data(sheet: Sheet, title: str, rows: list | None) -> SheetData:
    if not rows or all(is_blank(cell) for cell in rows[0]):
        if rows and any(any(not is_blank(cell) for cell in row) for row in rows[1:] if row):
            raise WorkbookRefused([SheetError(title, 1, "", "1行目に列名（見出し）がありません")])
        return SheetData(sheet)
    headers = [header_text(cell) for cell in rows[0]]
    data = SheetData(sheet, headers=columns_of(sheet, title, headers))
    if not any(row and not all(is_blank(cell) for cell in row) for row in rows[1:]):
        return data
    try:
        dataset = dataset_from_rows(rows)
    except UnreadableFile as refused:
        raise WorkbookRefused(
            [SheetError(title, p.line, p.column, p.message) for p in refused.problems]
        ) from refused
    keys = [key_of(sheet, header) for header in dataset.headers]
    for line, cells in zip(dataset.line_numbers, dataset, strict=True):
        data.rows.append((line, dict(zip(keys, cells, strict=True))))
    return data


def key_of(sheet: Sheet, header: str) -> str:
    for column in sheet.columns:
        if header in (column.name, column.alias):
            return column.alias
    raise KeyError(header)  # columns_of has refused unknown headers already


def columns_of(sheet: Sheet, title: str, headers: list[str]) -> dict[str, str]:
    """Each column key with the header the sheet gives it; unknown, repeated or missing required
    columns refuse the sheet."""
    errors = []
    found: dict[str, str] = {}
    for header in filter(None, headers):
        column = next((c for c in sheet.columns if header in (c.name, c.alias)), None)
        if column is None:
            known = "、".join(c.name for c in sheet.columns)
            errors.append(SheetError(title, 1, header, f'列 "{header}" は不明です（使える列: {known}）'))
        elif column.alias in found:
            message = f'列 "{column.name}" が2つあります（"{found[column.alias]}" と "{header}"）'
            errors.append(SheetError(title, 1, header, message))
        else:
            found[column.alias] = header
    for column in sheet.columns:
        if column.required and column.alias not in found:
            errors.append(SheetError(title, 1, column.name, f'必須の列 "{column.name}" がありません'))
    if errors:
        raise WorkbookRefused(errors)
    return found
