"""Writing CSV and XLSX files that are safe to open in a spreadsheet: the KPI, target and actual files,
and, through reports/display/exports.py and reports/meetings/workbook.py, every table the portal exports.

CSV is written in UTF-8 with a byte order mark, or on request in Shift_JIS (`dataset_to_csv_shift_jis`,
cp932 as Japanese Windows and Excel write it) for tools that read nothing else. A character Shift_JIS
cannot hold (「企业」's 业, 𠮷, an emoji) is never dropped silently: it is written 〓 (U+3013, the
printer's sign for a missing character) and a note row at the end of the file names each one, its
line and column. UTF-8 keeps every character; the XLSX files too.

Every cell goes through `escape_formula`, the one place that decides what a spreadsheet could run: a
text cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe, in CSV and in
XLSX alike, so it is shown as the text it is. Numbers (a negative one too), dates and empty cells are
left as they are, so they stay numbers and dates. import-export's own
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" (losing data) and turns every
cell into text, so these writers do the escaping themselves.

Every XLSX sheet is written by `write_sheet`: a date or a moment stays a date cell (a moment in the
portal's time zone, XLSX having none) with a format Excel shows, and each column is as wide as its
longest line.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from unicodedata import east_asian_width

import openpyxl
import tablib
from django.utils import timezone
from django.utils.functional import Promise
from import_export.formats import base_formats
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
    if isinstance(cell, datetime):
        # what Excel reads back as a moment; an aware one in the portal's time zone
        moment = timezone.localtime(cell) if cell.tzinfo is not None else cell
        return f"{moment:%Y-%m-%d %H:%M}"
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def csv_cells(dataset: tablib.Dataset) -> list[list[str]]:
    """The header and the rows as the texts a CSV holds, formula-safe."""
    header = [csv_text(escape_formula(cell)) for cell in dataset.headers]
    return [header, *([csv_text(escape_formula(cell)) for cell in row] for row in dataset)]


def csv_document(rows: list[list[str]]) -> str:
    stream = io.StringIO(newline="")
    csv.writer(stream).writerows(rows)
    return stream.getvalue()


def dataset_to_csv(dataset: tablib.Dataset) -> bytes:
    """UTF-8 with a byte order mark: without it, Excel reads Japanese text as mojibake."""
    return csv_document(csv_cells(dataset)).encode("utf-8-sig")


# --- Shift_JIS -------------------------------------------------------------------------------

SHIFT_JIS = "cp932"  # Shift_JIS as Japanese Windows and Excel read and write it
NOT_IN_SHIFT_JIS = "〓"
# A character Shift_JIS has under another code point, shown the same (the em dash is its 「―」). The
# codec does the same for 〜 (U+301C, read back as ～ U+FF5E), − and ‖: Shift_JIS has one of each pair.
SAME_IN_SHIFT_JIS = str.maketrans({"\u2014": "\u2015"})
NOTED_PLACES = 20


def shift_jis_text(text: str) -> tuple[str, list[str]]:
    """The text as Shift_JIS can hold it, and the characters it could not (each written 〓)."""
    text = text.translate(SAME_IN_SHIFT_JIS)
    try:
        text.encode(SHIFT_JIS)
        return text, []
    except UnicodeEncodeError:
        pass
    kept, missing = [], []
    for character in text:
        try:
            character.encode(SHIFT_JIS)
            kept.append(character)
        except UnicodeEncodeError:
            kept.append(NOT_IN_SHIFT_JIS)
            missing.append(character)
    return "".join(kept), missing


def replacement_note(places: list[tuple[int, str, list[str]]]) -> str:
    """「※ Shift_JIS で表せない文字を「〓」に置き換えました…: 2行目 KPI U+4E1A」: the characters by
    their code points, since the note is in Shift_JIS too."""
    shown = [
        f"{line}行目 {column} {'・'.join(f'U+{ord(c):04X}' for c in missing)}"
        for line, column, missing in places[:NOTED_PLACES]
    ]
    more = f"、ほか {len(places) - NOTED_PLACES}か所" if len(places) > NOTED_PLACES else ""
    return (
        f"※ Shift_JIS で表せない文字を「{NOT_IN_SHIFT_JIS}」に置き換えました（UTF-8 の CSV と XLSX では元の文字のまま"
        f"書き出されます）: {'、'.join(shown)}{more}"
    )


def dataset_to_csv_shift_jis(dataset: tablib.Dataset) -> bytes:
    """Shift_JIS (cp932), no byte order mark; a character it cannot hold is written 〓 and named in a
    note row at the end (a file with that row is not imported again, so nothing lossy comes back)."""
    rows = csv_cells(dataset)
    header = rows[0]
    places = []
    for line, row in enumerate(rows, start=1):
        for position, text in enumerate(row):
            row[position], missing = shift_jis_text(text)
            if missing:
                places.append((line, "列名" if line == 1 else header[position], missing))
    if places:
        rows.append([replacement_note(places)])
    return csv_document(rows).encode(SHIFT_JIS)


def xlsx_cell(cell):
    if isinstance(cell, Promise):
        cell = str(cell)
    if isinstance(cell, str):
        # Control characters cannot be stored in XLSX at all. They are removed before escaping: removed
        # after, "\x01=1+1" would become a formula.
        cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
    if isinstance(cell, datetime) and cell.tzinfo is not None:
        # XLSX has no time zones: a moment is written as the portal's local time
        cell = timezone.localtime(cell).replace(tzinfo=None)
    return escape_formula(cell)


# What Excel shows a date or a moment as (Japanese Excel's own short forms); the cell stays a date.
DATE_FORMAT = "yyyy/m/d"
DATETIME_FORMAT = "yyyy/m/d h:mm"
MIN_WIDTH, MAX_WIDTH = 6, 60


def write_sheet(sheet, dataset: tablib.Dataset) -> None:
    """The dataset into an empty sheet: a bold, frozen header row, then formula-safe cells; dates as
    date cells Excel formats, each column as wide as its longest line (up to MAX_WIDTH)."""
    sheet.append([xlsx_cell(header) for header in dataset.headers])
    for header_cell in sheet[1]:
        header_cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in dataset:
        sheet.append([xlsx_cell(cell) for cell in row])
    for cells in sheet.iter_cols():
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
        sheet.column_dimensions[get_column_letter(cells[0].column)].width = column_width(cells)


def column_width(cells) -> float:
    """In Excel's units (about one half-width character): a full-width character counts two."""
    widest = max((shown_width(cell.value) for cell in cells), default=0)
    return min(max(widest + 2, MIN_WIDTH), MAX_WIDTH)


def shown_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2026/12/31 23:59")
    if isinstance(value, date):
        return len("2026/12/31")
    lines = str(value).split("\n")
    return max(sum(2 if east_asian_width(c) in "WF" else 1 for c in line) for line in lines)


def dataset_to_xlsx(dataset: tablib.Dataset) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = dataset.title or "data"
    write_sheet(sheet, dataset)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


WRITERS = {"csv": dataset_to_csv, "sjis": dataset_to_csv_shift_jis, "xlsx": dataset_to_xlsx}


def export_file(*, kind: FileKind, file_format: str, queryset=None) -> bytes:
    """A file of `kind` ("csv", "sjis" for CSV in Shift_JIS, or "xlsx") holding `queryset` (default:
    everything of that kind)."""
    dataset = RESOURCES[kind]().export(queryset)
    return WRITERS[file_format](dataset)


class ShiftJisCsvFile(base_formats.CSV):
    """The admin's export as CSV in Shift_JIS (import reads either encoding from the plain CSV format)."""

    def get_title(self):
        return "csv（Shift_JIS）"

    def get_content_type(self):
        return "text/csv; charset=shift_jis"

    def is_binary(self):
        return True

    def can_import(self):
        return False

    def export_data(self, dataset, **kwargs):
        return dataset_to_csv_shift_jis(dataset)
