"""Reading an uploaded file into rows of cells, refusing what is not a file of figures.

What offices send and what is accepted:

- CSV in UTF-8 (with or without a byte order mark) or in Shift_JIS (cp932, Excel's 「CSV（コンマ区切り）」);
- XLSX: the sheet named after the file's kind (「実績」「目標」「KPI」, as the portal's exports name
  them) or else the first visible sheet; other sheets are ignored. A formula cell is read as the
  value Excel saved with it; one without a saved value, a cell showing an error (#DIV/0!) and merged
  cells are refused with their line and column.

Refused before anything is parsed: a file over the size limit (settings.IMPORT_MAX_UPLOAD_BYTES), an
empty file, and a file whose first bytes say it is something else (an image, a PDF, an old .xls, a
ZIP that is no workbook, UTF-16 text). Refused while reading: more rows or columns than a person's
file holds, control characters, an XLSX that unpacks to more than `MAX_UNPACKED_BYTES`. Every refusal is a
Japanese message (`UnreadableFile`); nothing here touches the database.
"""

import csv
import gc
import io
import logging
import posixpath
import re
import warnings
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from xml.etree import ElementTree

import openpyxl
from django.conf import settings
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils.cell import range_boundaries

logger = logging.getLogger(__name__)

# A data line per row up to this many rows (blank lines not counted); a file of 5 MB holds about
# 100,000 rows of figures. Lines read at all, blank ones included, stop at Excel's own limit.
MAX_ROWS = 100_000
MAX_LINES = 1_048_576
# An XLSX is a ZIP: its sheets may unpack to many times the upload (a "ZIP bomb" to many more).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# Control characters other than tab, line feed and carriage return: no one types them, XLSX cannot
# hold them, PostgreSQL refuses NUL in text. U+F8F0–U+F8F3 are what Python's cp932 makes of the
# single bytes 0xA0 and 0xFD–0xFF, which no Shift_JIS text holds.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uf8f0-\uf8f3]")
# A formula or a merged range in a worksheet's XML, with or without a namespace prefix.
FORMULA_OR_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s/>]")
MERGED_RANGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=[\"']([^\"']*)[\"']")
# Columns of a file of figures: 16 at most; a sheet can claim 16,384.
MAX_COLUMNS = 100

# The first bytes of files people pick by mistake, and what to call them.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG 画像"),
    (b"\xff\xd8\xff", "JPEG 画像"),
    (b"GIF87a", "GIF 画像"),
    (b"GIF89a", "GIF 画像"),
    (b"%PDF-", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "古い Excel 形式（.xls）かパスワード付きの Office ファイル"),
    (b"\x1f\x8b", "gzip 圧縮ファイル"),
    (b"Rar!\x1a\x07", "RAR 圧縮ファイル"),
    (b"7z\xbc\xaf\x27\x1c", "7z 圧縮ファイル"),
    (b"\xff\xfe", "UTF-16 のテキスト（Excel の「Unicode テキスト」）"),
    (b"\xfe\xff", "UTF-16 のテキスト"),
)
ZIP = b"PK\x03\x04"
PLEASE = "CSV（UTF-8 または Shift_JIS）か XLSX のファイルを選んでください"


@dataclass(frozen=True)
class LineError:
    """One problem of a file. `line` is the spreadsheet's row number (the header is line 1), None
    when the problem is the file as a whole; `column` the header of the cell's column, if any."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = "ファイル" if self.line is None else f"{self.line}行目"
        return f"{where} {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class UnreadableFile(Exception):
    """The file cannot be imported as it is; `problems` says why, in Japanese."""

    def __init__(self, message: str, line: int | None = None, *, problems: list[LineError] | None = None):
        self.problems = tuple(problems or [LineError(line, "", message)])
        super().__init__(" / ".join(map(str, self.problems)))


# --- before parsing --------------------------------------------------------------------------


def check_size(size: int) -> None:
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise UnreadableFile(
            f"ファイルが大きすぎます（{megabytes(size)}、上限 {megabytes(limit)}）。ファイルを分けて取り込んでください"
        )
    if size == 0:
        raise UnreadableFile("ファイルが空です（0バイト）")


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def kind_of_bytes(data: bytes) -> str | None:
    """What the first bytes say the file is, if it is a kind people upload by mistake."""
    for signature, name in SIGNATURES:
        if data.startswith(signature):
            return name
    return None


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[list]:
    """The records of a CSV file (a quoted cell may hold line breaks: records, not text lines,
    are the row numbers Excel shows)."""
    if data.startswith(ZIP):
        raise UnreadableFile(
            "このファイルは CSV ではなく XLSX（Excel）などの ZIP 形式のようです。XLSX なら形式で「xlsx」を選び、"
            "拡張子を .xlsx にしてください"
        )
    kind = kind_of_bytes(data)
    if kind:
        raise UnreadableFile(f"このファイルは CSV ではなく{kind}のようです。{PLEASE}")
    if b"\x00" in data:
        raise UnreadableFile(
            f"このファイルは CSV ではありません（文字ではないデータが含まれています）。{PLEASE}"
        )
    text = decoded(data)
    control = CONTROL_CHARACTER.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        raise UnreadableFile(
            f"文字として使えないコード（U+{ord(control.group()):04X}）が含まれています。取り除いてから取り込んでください",
            line=line,
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return limited_rows(reader)
    except csv.Error as error:
        raise UnreadableFile(
            f'CSVファイルとして読めません（{reader.line_num}行目付近: 引用符 " の対応が取れていないか、セルが長すぎます）'
        ) from error


def decoded(data: bytes) -> str:
    """UTF-8 (Excel's 「CSV UTF-8」, with its byte order mark) or else Shift_JIS (cp932: Excel's
    「CSV（コンマ区切り）」 on a Japanese Windows). Japanese text in Shift_JIS is practically never
    valid UTF-8, so trying UTF-8 first cannot misread it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "CSVファイルの文字コードを読み取れません。UTF-8（Excel の「CSV UTF-8（コンマ区切り）」）か"
            " Shift_JIS（「CSV（コンマ区切り）」）で保存してください"
        ) from error


def limited_rows(rows) -> list:
    """The rows, stopping with a message once a file holds more than a person's file does. An
    empty row is kept as `()` (a sheet may have a million of them between two cells)."""
    kept = []
    filled = 0
    for line, row in enumerate(rows, start=1):
        if line > MAX_LINES:
            raise UnreadableFile(
                f"行数が多すぎます（空行を含めて {MAX_LINES:,}行まで）。ファイルを分けて取り込んでください"
            )
        if is_empty_row(row):
            kept.append(())
            continue
        filled += 1
        if filled > MAX_ROWS + 1:
            raise UnreadableFile(
                f"行数が多すぎます（{MAX_ROWS:,}行まで）。ファイルを分けて取り込んでください"
            )
        kept.append(row)
    return kept


def is_empty_row(row) -> bool:
    # any() first: it settles nearly every row of data; a lone 0 or False is not empty.
    return not any(row) and row.count(None) + row.count("") == len(row)


# --- XLSX ------------------------------------------------------------------------------------


def xlsx_rows(data: bytes, sheet_title: str | None = None) -> list:
    """The rows of the file's sheet (see the module's docstring for which), as values."""
    archive = xlsx_archive(data)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it skips: nothing the importer needs.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = chosen_sheet(workbook, sheet_title)
                rows = sheet_values(sheet)
            finally:
                workbook.close()
            if needs_a_closer_look(archive):
                check_formulas_and_merges(data, archive, sheet.title, rows)
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        logger.info("unreadable XLSX: %r", error)
        raise UnreadableFile(
            "XLSXファイルとして読めません（壊れているか、Excel の XLSX 形式ではありません）"
        ) from error
    return rows


def xlsx_archive(data: bytes) -> zipfile.ZipFile:
    if not data.startswith(ZIP):
        kind = kind_of_bytes(data)
        if kind:
            raise UnreadableFile(f"このファイルは XLSX ではなく{kind}のようです。{PLEASE}")
        raise UnreadableFile(
            "このファイルは XLSX（Excel）ではありません。CSV なら形式で「csv」を選び、拡張子を .csv にしてください"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    # NotImplementedError: a damaged header claiming a ZIP version or compression zipfile lacks
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise UnreadableFile("XLSXファイルとして読めません（ZIP として壊れています）") from error
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise UnreadableFile(f"このファイルは ZIP 形式ですが、Excel の XLSX ではありません。{PLEASE}")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            f"XLSXファイルの中身が大きすぎます（展開後 {megabytes(MAX_UNPACKED_BYTES)} まで）。ファイルを分けて取り込んでください"
        )
    return archive


def chosen_sheet(workbook, sheet_title: str | None):
    sheets = workbook.worksheets
    if sheet_title and sheet_title in workbook.sheetnames and workbook[sheet_title] in sheets:
        return workbook[sheet_title]
    visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
    if not visible:
        raise UnreadableFile("XLSXファイルに表示されているシートがありません")
    return visible[0]


def sheet_values(sheet) -> list:
    """The sheet's rows, as wide as its header row: a sheet can claim 16,384 columns."""
    sheet.reset_dimensions()  # the file's own claim of its size is not trusted
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    width = max((index + 1 for index, cell in enumerate(header) if cell not in (None, "")), default=0)
    if width == 0:
        return [list(header)]
    check_width(width)
    return limited_rows(sheet.iter_rows(min_row=1, max_col=width, values_only=True))


def check_width(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise UnreadableFile(
            f"列が多すぎます（{columns:,}列、{MAX_COLUMNS}列まで）。1行目の列名を確かめてください", line=1
        )


def needs_a_closer_look(archive: zipfile.ZipFile) -> bool:
    """True when some worksheet holds a formula or a merged range (most files hold neither, and
    are read once, quickly)."""
    sheets = [
        member
        for member in archive.infolist()
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
    ]
    return any(FORMULA_OR_MERGE.search(archive.read(member)) for member in sheets)


def check_formulas_and_merges(data: bytes, archive: zipfile.ZipFile, title: str, rows: list) -> None:
    """Refuse merged cells, and formulas whose value Excel did not save, naming each cell.

    Both are read without openpyxl's full workbook, which would build a cell object for every cell
    a merged range covers (A1:XFD1048576 is seventeen billion): merges from the sheet's XML, formulas
    from a second streaming read of the sheet that keeps formulas instead of their values."""
    headers = rows[0] if rows else ()
    problems = [
        LineError(
            min_row,
            column_name(headers, min_col),
            f"セルが結合されています（{reference}）。結合を解除し、各行のセルに値を入力してください",
        )
        for reference, (min_col, min_row) in merged_ranges(archive, title)
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = workbook[title]
        sheet.reset_dimensions()
        formulas = sheet.iter_rows(min_row=1, max_row=len(rows), max_col=max(len(headers), 1))
        for line, cells in enumerate(formulas, start=1):
            for cell in cells:
                if cell.data_type == "f" and saved_value(rows, line, cell.column) is None:
                    problems.append(
                        LineError(
                            line,
                            column_name(headers, cell.column),
                            f"数式（{cell.coordinate}）の計算結果が保存されていません。Excel で開いて保存し直すか、"
                            "値として貼り付けてください",
                        )
                    )
    finally:
        workbook.close()
    if problems:
        raise UnreadableFile("", problems=sorted(problems, key=lambda problem: problem.line or 0))


def merged_ranges(archive: zipfile.ZipFile, title: str) -> list[tuple[str, tuple[int, int]]]:
    """The merged ranges of the sheet `title` ("B2:B3", with its first column and row)."""
    path = worksheet_path(archive, title)
    if path is None:
        return []
    ranges = []
    for reference in MERGED_RANGE.findall(archive.read(path)):
        text = reference.decode("ascii", errors="replace")
        try:
            min_col, min_row, _max_col, _max_row = range_boundaries(text)
        except ValueError:
            min_col, min_row = 1, 1
        ranges.append((text, (min_col or 1, min_row or 1)))
    return ranges


def worksheet_path(archive: zipfile.ZipFile, title: str) -> str | None:
    """Where in the XLSX the sheet named `title` is (xl/workbook.xml names it, its relationships
    say which file); tags are matched by their local names, whatever the namespace."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(
        (
            value
            for element in workbook.iter()
            if local_name(element.tag) == "sheet" and element.get("name") == title
            for key, value in element.attrib.items()
            if local_name(key) == "id"
        ),
        None,
    )
    if relation is None or "xl/_rels/workbook.xml.rels" not in archive.namelist():
        return None
    for element in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")).iter():
        if local_name(element.tag) == "Relationship" and element.get("Id") == relation:
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return path if path in archive.namelist() else None
    return None


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def saved_value(rows: list, line: int, column: int):
    if line > len(rows) or column > len(rows[line - 1]):
        return None
    return rows[line - 1][column - 1]


def column_name(headers: list, column: int) -> str:
    if column <= len(headers) and headers[column - 1] not in (None, ""):
        return str(headers[column - 1]).strip()
    return openpyxl.utils.get_column_letter(column) + "列"


def error_value(cell) -> str | None:
    """The error a spreadsheet cell shows (#DIV/0!, #N/A…), if it shows one."""
    return cell if isinstance(cell, str) and cell in ERROR_CODES else None


@contextmanager
def cycle_collection_paused():
    """Python's cycle collector paused while a file is checked and written.

    A file of 10,000 rows makes some 200,000 small objects that live until the import ends, and
    the collector walks every object of the process each time enough of them pile up: measured,
    a third to a half of an import's time, for nothing (none of them is in a reference cycle;
    reference counting frees them all). It runs again afterwards, as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
