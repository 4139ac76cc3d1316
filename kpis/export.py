"""Writing CSV and XLSX files that are safe to open in a spreadsheet: the KPI, target and actual files,
and, through reports/display/exports.py and reports/meetings/workbook.py, every table the portal exports.

Every cell goes through `escape_formula`, the one place that decides what a spreadsheet could run: a
text cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe, in CSV and in
XLSX alike, so it is shown as the text it is. Numbers (a negative one too), dates and empty cells are
left as they are, so they stay numbers and dates. import-export's own
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" (losing data) and turns every
cell into text, so these writers do the escaping themselves.
"""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import tablib
from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from kpis.resources import RESOURCES, FileKind

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A line feed (what XLSX turns a carriage return into) and an apostrophe are escaped too, so that
# an import can undo exactly what an export did: an exported file re-imports unchanged.
ESCAPED_PREFIXES = (*FORMULA_TRIGGERS, "\n", "'")


def escape_formula(cell):
    """Text a spreadsheet could execute, made inert with a leading apostrophe; anything else as it is.
    A translatable text (a lazy string) is text too."""
    if isinstance(cell, Promise):
        cell = str(cell)
    if isinstance(cell, str) and cell.startswith(ESCAPED_PREFIXES):
        return "'" + cell
    return cell


def unescape_formula(cell):
    """The text an export escaped, as it was before."""
    if isinstance(cell, str) and len(cell) > 1 and cell[0] == "'" and cell[1] in ESCAPED_PREFIXES:
        return cell[1:]
    return cell


def csv_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "1" if cell else "0"
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def dataset_to_csv(dataset: tablib.Dataset) -> bytes:
    """UTF-8 with a byte order mark: without it, Excel reads Japanese text as mojibake."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow([csv_text(escape_formula(header)) for header in dataset.headers])
    for row in dataset:
        writer.writerow([csv_text(escape_formula(cell)) for cell in row])
    return stream.getvalue().encode("utf-8-sig")


def xlsx_cell(cell):
    if isinstance(cell, Promise):
        cell = str(cell)
    if isinstance(cell, str):
        # Control characters cannot be stored in XLSX at all. They are removed before escaping: removed
        # after, "\x01=1+1" would become a formula.
        cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
    return escape_formula(cell)


def write_sheet(sheet, dataset: tablib.Dataset) -> None:
    """The dataset into an empty sheet: a bold, frozen header row, then formula-safe cells."""
    sheet.append([xlsx_cell(header) for header in dataset.headers])
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in dataset:
        sheet.append([xlsx_cell(cell) for cell in row])


def dataset_to_xlsx(dataset: tablib.Dataset) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = dataset.title or "data"
    write_sheet(sheet, dataset)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


WRITERS = {"csv": dataset_to_csv, "xlsx": dataset_to_xlsx}


def export_file(*, kind: FileKind, file_format: str, queryset=None) -> bytes:
    """A file of `kind` ("csv" or "xlsx") holding `queryset` (default: everything of that kind)."""
    dataset = RESOURCES[kind]().export(queryset)
    return WRITERS[file_format](dataset)
