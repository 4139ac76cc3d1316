"""Importing KPI, target and actual files: the service the admin and the commands share.

`import_file` reads a CSV or XLSX file (`kpis.import_files` says which files are read and which are
refused), runs its resource in one transaction and returns either the counts or every error with
its line and column. Any bad row, any unreadable file, any failure while writing means nothing is
written, dry run or not.
"""

from dataclasses import dataclass, field
from pathlib import PurePath

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export.formats import base_formats
from import_export.results import Result, RowResult

from kpis.cells import is_blank
from kpis.export import dataset_to_csv, dataset_to_xlsx, unescape_formula
from kpis.import_files import (
    LineError,
    UnreadableFile,
    check_size,
    check_width,
    csv_rows,
    cycle_collection_paused,
    error_value,
    xlsx_rows,
)
from kpis.resources import RESOURCES, FileKind

FILE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class ImportOutcome:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[LineError, ...] = ()
    dry_run: bool = False
    result: Result | None = field(default=None, repr=False, compare=False)
    # rows of an actuals file the plausibility rule flags: imported all the same
    warnings: tuple[LineError, ...] = ()

    @property
    def succeeded(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"新規 {self.new}件、更新 {self.updated}件、変更なし {self.unchanged}件"


# --- the service -----------------------------------------------------------------------------


def import_file(
    *, kind: FileKind, data: bytes, file_format: str, dry_run: bool, user=None, filename: str | None = None
) -> ImportOutcome:
    """Import a file's bytes. `user` and `filename` go into the history of every figure written
    ("ファイル取込（actuals.xlsx）")."""
    try:
        dataset = read_dataset(data, file_format, sheet_title=RESOURCES[kind].sheet_title)
    except UnreadableFile as unreadable:
        errors = tuple(
            LineError(problem.line, problem.column, problem.message) for problem in unreadable.problems
        )
        return ImportOutcome(errors=errors, dry_run=dry_run)
    return import_dataset(kind=kind, dataset=dataset, dry_run=dry_run, user=user, filename=filename)


def import_dataset(
    *, kind: FileKind, dataset: tablib.Dataset, dry_run: bool, user=None, filename: str | None = None
) -> ImportOutcome:
    resource = RESOURCES[kind]()
    with transaction.atomic():
        # The resources write nothing when a row is bad; the flags say so once more because
        # import-export's defaults would keep the valid rows.
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
            file_name=filename,
        )
        if dry_run or result.has_errors() or result.has_validation_errors():
            # Whatever was done before the error (or for the preview) is undone.
            transaction.set_rollback(True)
    return outcome_of(result, dry_run=dry_run)


def outcome_of(result: Result, *, dry_run: bool) -> ImportOutcome:
    return ImportOutcome(
        new=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
        errors=tuple(line_errors(result)),
        dry_run=dry_run,
        result=result,
        warnings=tuple(getattr(result, "plausibility", ())),
    )


UNEXPECTED = (
    "取り込みの途中で予期しないエラーが発生したため、すべて取り消しました（{name}）。"
    "データベースは変更していません。もう一度取り込み、直らなければ管理者に連絡してください"
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
        LineError(row.number, "", message_of(error.error))
        for row in result.error_rows
        for error in row.errors
    ]
    errors += [LineError(None, "", message_of(error.error)) for error in result.base_errors]
    return sorted(errors, key=lambda error: error.line or 0)


def message_of(error: Exception) -> str:
    """A Japanese message for an error the import did not expect: its own words only when it is
    one of ours (a ValidationError), else its kind (a library's text would be English)."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return UNEXPECTED.format(name=type(error).__name__)


def format_of_filename(name: str) -> str | None:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return suffix if suffix in FILE_FORMATS else None


# --- reading files ---------------------------------------------------------------------------


def read_dataset(data: bytes, file_format: str, *, sheet_title: str | None = None) -> tablib.Dataset:
    """The file's rows under its header, each with the line a spreadsheet shows for it. The size
    is checked before anything is parsed."""
    if file_format not in FILE_FORMATS:
        raise UnreadableFile(f'ファイル形式 "{file_format}" には対応していません（csv, xlsx のいずれか）')
    check_size(len(data))
    with cycle_collection_paused():
        rows = csv_rows(data) if file_format == "csv" else xlsx_rows(data, sheet_title)
        return dataset_from_rows(rows)


def dataset_from_rows(rows: list[list]) -> tablib.Dataset:
    """The rows under the header's named columns; blank lines are left out but counted, cells that
    show an error refuse the file, and the apostrophes an export put before formula-like text
    are taken off again."""
    if not rows or all(is_blank(cell) for cell in rows[0]):
        raise UnreadableFile("1行目に列名（見出し）がありません", line=1)
    headers = [header_text(cell) for cell in rows[0]]
    check_delimiter(headers)
    check_width(max((index + 1 for index, header in enumerate(headers) if header), default=0))
    kept = [index for index, header in enumerate(headers) if header]
    names = [headers[index] for index in kept]
    width = len(headers)
    values_of_rows, line_numbers, problems = [], [], []
    for line, cells in enumerate(rows[1:], start=2):
        if not cells:
            continue
        if len(cells) < width:
            cells = [*cells, *([None] * (width - len(cells)))]
        values = [cells[index] for index in kept]
        if all(is_blank(value) for value in values):
            continue
        for position, value in enumerate(values):
            if isinstance(value, str) and value[:1] in ("'", "#"):
                values[position] = unescape_formula(value)
                if error_value(value):
                    problems.append(
                        LineError(
                            line,
                            names[position],
                            f"セルがエラー値 {value} です（数式の結果がエラーになっています）",
                        )
                    )
        values_of_rows.append(values)
        line_numbers.append(line)
    if problems:
        raise UnreadableFile("", problems=problems)
    if not values_of_rows:
        raise UnreadableFile("取り込む行がありません（2行目以降が空です）")
    dataset = tablib.Dataset(*values_of_rows, headers=names)
    dataset.line_numbers = line_numbers
    return dataset


def header_text(cell) -> str:
    return "" if cell is None else str(cell).replace("\ufeff", "").strip()


def check_delimiter(headers: list[str]) -> None:
    """A CSV separated by tabs or semicolons reads as one column named "plan\\tkpi_code…"."""
    named = [header for header in headers if header]
    if len(named) == 1 and ("\t" in named[0] or ";" in named[0]):
        separator = "タブ" if "\t" in named[0] else "セミコロン（;）"
        raise UnreadableFile(
            f"列が{separator}で区切られています。コンマ区切りの CSV（「CSV UTF-8（コンマ区切り）」）で保存してください",
            line=1,
        )


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
    # The sheet to read when a workbook has several (see kpis.import_files); set per file kind.
    sheet_title: str | None = None

    def create_dataset(self, in_stream):
        return read_dataset(as_bytes(in_stream), "xlsx", sheet_title=self.sheet_title)

    def export_data(self, dataset, **kwargs):
        return dataset_to_xlsx(dataset)


def xlsx_format_for(kind: FileKind) -> type[XlsxFile]:
    return type(f"{kind.name.title()}XlsxFile", (XlsxFile,), {"sheet_title": RESOURCES[kind].sheet_title})


def as_bytes(in_stream) -> bytes:
    return in_stream.encode("utf-8") if isinstance(in_stream, str) else bytes(in_stream)
