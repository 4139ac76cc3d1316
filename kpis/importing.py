"""Importing KPI, target and actual files: the service the admin and the commands share.

`import_file` reads a CSV (UTF-8, with or without BOM) or XLSX file, runs its resource in one
transaction and returns either the counts or every error with its line and column. Any bad row
means nothing is written, dry run or not.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from kpis.cells import is_blank
from kpis.export import dataset_to_csv, dataset_to_xlsx, unescape_formula
from kpis.resources import RESOURCES, FileKind

FILE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class LineError:
    """One problem of a file. `line` is the spreadsheet's row number (the header is line 1);
    None when the problem is the file as a whole."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = "ファイル" if self.line is None else f"{self.line}行目"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[LineError, ...] = ()
    dry_run: bool = False
    result: Result | None = field(default=None, repr=False, compare=False)

    @property
    def succeeded(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"新規 {self.new}件、更新 {self.updated}件、変更なし {self.unchanged}件"


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.error = LineError(line, "", message)


# --- the service -----------------------------------------------------------------------------


def import_file(
    *, kind: FileKind, data: bytes, file_format: str, dry_run: bool, user=None, filename: str | None = None
) -> ImportOutcome:
    """Import a file's bytes. `user` and `filename` go into the history of every figure written
    ("ファイル取込（actuals.xlsx）")."""
    try:
        dataset = read_dataset(data, file_format)
    except UnreadableFile as unreadable:
        return ImportOutcome(errors=(unreadable.error,), dry_run=dry_run)
    return import_dataset(kind=kind, dataset=dataset, dry_run=dry_run, user=user, filename=filename)


def import_dataset(
    *, kind: FileKind, dataset: tablib.Dataset, dry_run: bool, user=None, filename: str | None = None
) -> ImportOutcome:
    resource = RESOURCES[kind]()
    with transaction.atomic():
        # The resource rolls back its own savepoint on any error; the flags say so once more
        # because import-export's defaults would keep the valid rows.
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
            file_name=filename,
        )
    return outcome_of(result, dry_run=dry_run)


def outcome_of(result: Result, *, dry_run: bool) -> ImportOutcome:
    return ImportOutcome(
        new=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
        errors=tuple(line_errors(result)),
        dry_run=dry_run,
        result=result,
    )


def line_errors(result: Result) -> list[LineError]:
    """Every error of an import, by line; the resources have already numbered rows by line."""
    errors = [
        LineError(row.number, "" if column == NON_FIELD_ERRORS else column, str(message))
        for row in result.invalid_rows
        for column, messages in row.error_dict.items()
        for message in messages
    ]
    errors += [
        LineError(row.number, "", f"予期しないエラー: {error.error}")
        for row in result.error_rows
        for error in row.errors
    ]
    errors += [LineError(None, "", f"予期しないエラー: {error.error}") for error in result.base_errors]
    return sorted(errors, key=lambda error: error.line or 0)


def format_of_filename(name: str) -> str | None:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return suffix if suffix in FILE_FORMATS else None


# --- reading files ---------------------------------------------------------------------------


def read_dataset(data: bytes, file_format: str) -> tablib.Dataset:
    """The file's rows under its header, each with the line a spreadsheet shows for it."""
    if len(data) > settings.IMPORT_MAX_UPLOAD_BYTES:
        limit = settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)
        raise UnreadableFile(f"ファイルが大きすぎます（上限 {limit} MB）")
    if file_format == "csv":
        return dataset_from_rows(csv_rows(data))
    if file_format == "xlsx":
        return dataset_from_rows(xlsx_rows(data))
    raise UnreadableFile(f'ファイル形式 "{file_format}" には対応していません（csv, xlsx のいずれか）')


def csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "CSVファイルをUTF-8として読めません。Excelでは「CSV UTF-8（コンマ区切り）」で保存してください"
        ) from error
    try:
        # A quoted cell may hold line breaks: counting records, not text lines, gives the row
        # numbers Excel shows.
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise UnreadableFile(f"CSVファイルとして読めません（{error}）") from error


def xlsx_rows(data: bytes) -> list[list]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile("XLSXファイルとして読めません") from error
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def dataset_from_rows(rows: list[list]) -> tablib.Dataset:
    if not rows or all(is_blank(cell) for cell in rows[0]):
        raise UnreadableFile("1行目に列名（見出し）がありません", line=1)
    headers = [header_text(cell) for cell in rows[0]]
    kept = [index for index, header in enumerate(headers) if header]
    dataset = tablib.Dataset(headers=[headers[index] for index in kept])
    line_numbers = []
    for line, cells in enumerate(rows[1:], start=2):
        values = [unescape_formula(cells[index]) if index < len(cells) else None for index in kept]
        if all(is_blank(value) for value in values):
            continue
        dataset.append(values)
        line_numbers.append(line)
    dataset.line_numbers = line_numbers
    return dataset


def header_text(cell) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


# --- the admin's file formats ----------------------------------------------------------------


class CsvFile(base_formats.CSV):
    """CSV read and written by this module rather than by tablib: line numbers and Japanese
    messages on import, formula escaping and a BOM for Excel on export."""

    def is_binary(self):
        # Hand over the raw bytes: decoding here, a bad encoding gets a Japanese message.
        return True

    def get_read_mode(self):
        return "rb"

    def get_content_type(self):
        return "text/csv; charset=utf-8"

    def create_dataset(self, in_stream, **kwargs):
        return read_dataset(as_bytes(in_stream), "csv")

    def export_data(self, dataset, **kwargs):
        return dataset_to_csv(dataset)


class XlsxFile(base_formats.XLSX):
    def create_dataset(self, in_stream):
        return read_dataset(as_bytes(in_stream), "xlsx")

    def export_data(self, dataset, **kwargs):
        return dataset_to_xlsx(dataset)


def as_bytes(in_stream) -> bytes:
    return in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
