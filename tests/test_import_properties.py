"""Properties of the import over arbitrary input (hypothesis): whatever the bytes or the cells, the
readers raise nothing but their own refusal, the import raises nothing at all (a refusal is its
outcome), and an import with an error writes nothing: the actuals, targets and their history are
exactly as many as before.
"""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from test_import_export import ACTUAL_COLUMNS, TARGET_COLUMNS, kpi_data  # noqa: F401 (a fixture)

from kpis.export import export_file
from kpis.import_files import UnreadableFile
from kpis.importing import import_file, read_dataset
from kpis.models import Actual, Measure, Target
from kpis.resources import ActualResource, FileKind, TargetResource
from kpis.values import number_text, parse_figure, western_year

# Plan 2 with the test KPIs of test_import_export (TC01: a count and a percentage; 14-T1 of 神奈川県:
# a quantity) and their figures, for every test.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kpi_data")]

# No example database in the project folder; every run explores afresh.
QUICK = settings(max_examples=300, deadline=None, database=None)
WITH_DATABASE = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
WORKBOOKS = settings(WITH_DATABASE, max_examples=60)  # each example writes and reads a workbook

# Text as offices type it, and text as no one does.
DIGITS = "0123456789０１２３４５６７８９"
typed_numbers = st.text(alphabet=DIGITS + ",，.．-−+ 　", max_size=14)
era_years = st.builds(
    lambda era, number, suffix: f"{era}{number}{suffix}",
    st.sampled_from(["令和", "平成", "昭和", "R", "H", "S", "r", "h", "FY", ""]),
    st.one_of(st.integers(0, 70).map(str), st.just("元"), st.integers(1985, 2105).map(str)),
    st.sampled_from(["", "年", "年度", "年度上期"]),
)
any_text = st.text(max_size=20)
cells = st.one_of(
    typed_numbers, era_years, any_text, st.sampled_from(["", "#N/A", "=1+1", "'=A1", "fy", "上期", "TC01"])
)


def counts() -> dict:
    return {
        "actuals": Actual.objects.count(),
        "targets": Target.objects.count(),
        "actual history": Actual.history.count(),
        "target history": Target.history.count(),
    }


def assert_all_or_nothing(outcome, before: dict) -> None:
    event("refused" if outcome.errors else "imported")  # --hypothesis-show-statistics shows the mix
    after = counts()
    if outcome.errors:
        assert after == before, outcome.errors
    else:
        # Nothing but what the outcome counts: new figures, and a history record per written one.
        written = outcome.new + outcome.updated
        assert after["actuals"] + after["targets"] == before["actuals"] + before["targets"] + outcome.new
        assert (
            after["actual history"] + after["target history"]
            == before["actual history"] + before["target history"] + written
        )
    for error in outcome.errors:
        assert error.message.strip(), error


# --- the readers of a cell -------------------------------------------------------------------


@QUICK
@given(typed=st.one_of(typed_numbers, any_text))
def test_a_typed_number_is_read_or_refused_with_a_message_never_an_exception(typed):
    text = number_text(typed)
    assert text is None or text == "" or Decimal(text).is_finite()
    for measure in Measure:
        try:
            value = parse_figure(typed, measure)
        except ValidationError as refusal:
            assert refusal.messages[0].strip()
        else:
            assert value is None or (0 <= value <= Decimal("999999999999.99"))


@QUICK
@given(
    value=st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2), full_width=st.booleans()
)
def test_a_number_written_with_separators_or_full_width_digits_reads_back_as_itself(value, full_width):
    typed = f"{value:,}"
    if full_width:
        typed = typed.translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．"))

    assert parse_figure(typed, Measure.QUANTITY) == value


@QUICK
@given(typed=st.one_of(era_years, any_text))
def test_a_typed_year_is_read_as_a_western_year_or_as_none(typed):
    year = western_year(typed)
    assert year is None or isinstance(year, int)


@QUICK
@given(year=st.integers(1990, 2100))
def test_every_year_reads_back_from_its_era_form(year):
    era, first = ("令和", 2019) if year >= 2019 else ("平成", 1989)
    number = year - first + 1
    typed = f"{era}{'元' if number == 1 else number}年度"

    letter = "R" if era == "令和" else "H"
    assert western_year(typed) == year
    assert western_year(f"{letter}{number}") == year


@QUICK
@given(value=st.one_of(cells, st.integers(), st.floats(), st.booleans(), st.dates(), st.none()))
def test_every_cell_reader_reads_a_cell_or_refuses_it_with_a_message(value):
    for resource in (ActualResource(), TargetResource()):
        for field in resource.cell_fields:
            try:
                field.widget.clean(value)
            except ValueError as refusal:
                assert str(refusal).strip()


# --- reading whole files ---------------------------------------------------------------------


@QUICK
@given(data=st.binary(max_size=3000), file_format=st.sampled_from(["csv", "xlsx"]))
def test_any_bytes_are_read_or_refused_with_a_message(data, file_format):
    try:
        dataset = read_dataset(data, file_format, sheet_title="実績")
    except UnreadableFile as refusal:
        assert all(problem.message.strip() for problem in refusal.problems)
    else:
        assert len(dataset.line_numbers) == len(dataset)


# --- importing: never an exception, never a partial write ----------------------------------------


def csv_file(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode(encoding, errors="replace")


headers = st.one_of(
    st.permutations(ACTUAL_COLUMNS),
    st.lists(st.sampled_from([*ACTUAL_COLUMNS, "value", "vaule", ""]), min_size=1, max_size=12),
)


@WITH_DATABASE
@given(data=st.binary(max_size=3000), file_format=st.sampled_from(["csv", "xlsx"]))
def test_importing_any_bytes_raises_nothing_and_writes_nothing(data, file_format):
    before = counts()

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format=file_format, dry_run=False)

    assert outcome.errors
    assert counts() == before


@WITH_DATABASE
@given(
    header=headers,
    rows=st.lists(st.lists(cells, min_size=0, max_size=12), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    kind=st.sampled_from([FileKind.ACTUALS, FileKind.TARGETS]),
)
def test_importing_a_csv_of_any_cells_raises_nothing_and_writes_all_or_nothing(header, rows, encoding, kind):
    before = counts()

    outcome = import_file(
        kind=kind, data=csv_file(list(header), rows, encoding), file_format="csv", dry_run=False
    )

    assert_all_or_nothing(outcome, before)


# The indicators of kpi_data: (KPI code, region code, indicator code, largest value it takes).
INDICATORS = [("TC01", "", "1", 10**6), ("TC01", "", "2", 100), ("14-T1", "14", "1", 10**6)]


def typed_year(year: int, form: int) -> str:
    """A fiscal year as people type it: 2022, ２０２２, 令和4年度, R4, H30…"""
    era, first = ("令和", 2019) if year >= 2019 else ("平成", 1989)
    number = year - first + 1
    forms = [
        str(year),
        str(year).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{year}年度",
    ]
    forms += [f"{era}{'元' if number == 1 else number}年度", f"{'R' if era == '令和' else 'H'}{number}"]
    return forms[form % len(forms)]


def typed_value(value: Decimal, form: int) -> str:
    forms = [
        str(value),
        f"{value:,}",
        f"{value:,}".translate(str.maketrans("0123456789,.", "０１２３４５６７８９，．")),
    ]
    return forms[form % len(forms)]


@st.composite
def plausible_rows(draw) -> list[list[str]]:
    """Good rows of the test indicators (whole counts, percentages up to 100, any quantity), the
    keys not always distinct, and now and then one cell replaced by anything at all."""
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        kpi_code, region_code, indicator_code, largest = draw(st.sampled_from(INDICATORS))
        places = 2 if kpi_code == "14-T1" else 0
        value = draw(st.decimals(0, largest, places=places))
        row = [
            "2",
            kpi_code,
            region_code,
            indicator_code,
            draw(st.sampled_from(["fy", "h1", "h2", "上期", "累計"])),
            typed_year(draw(st.integers(1990, 2100)), draw(st.integers(0, 4))),
            "",
            typed_value(value, draw(st.integers(0, 2))),
            draw(st.text(max_size=10)),
            "",
        ]
        if draw(st.integers(0, 3)) == 0:
            row[draw(st.integers(0, len(row) - 1))] = draw(cells)
        rows.append(row)
    return rows


@WITH_DATABASE
@given(rows=plausible_rows(), encoding=st.sampled_from(["utf-8-sig", "cp932"]))
def test_importing_rows_close_to_good_ones_writes_every_row_or_none(rows, encoding):
    before = counts()

    outcome = import_file(
        kind=FileKind.ACTUALS, data=csv_file(ACTUAL_COLUMNS, rows, encoding), file_format="csv", dry_run=False
    )

    assert_all_or_nothing(outcome, before)
    if not outcome.errors:
        assert outcome.new + outcome.updated + outcome.unchanged == len(rows)


def legal(value):
    """What openpyxl can put in a cell (XLSX holds no control characters)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


xlsx_cells = st.one_of(
    cells,
    st.none(),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
)


def xlsx_file(header: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "実績"
    workbook.active.append([legal(cell) for cell in header])
    for row in rows:
        workbook.active.append([legal(cell) for cell in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@WORKBOOKS
@given(header=headers, rows=st.lists(st.lists(xlsx_cells, max_size=12), max_size=6))
def test_importing_an_xlsx_of_any_cells_raises_nothing_and_writes_all_or_nothing(header, rows):
    before = counts()

    outcome = import_file(
        kind=FileKind.ACTUALS, data=xlsx_file(list(header), rows), file_format="xlsx", dry_run=False
    )

    assert_all_or_nothing(outcome, before)


@pytest.fixture
def exported_actuals() -> bytes:
    return export_file(kind=FileKind.ACTUALS, file_format="xlsx")


@WORKBOOKS
@given(damage=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8))
def test_importing_a_damaged_xlsx_raises_nothing_and_writes_nothing_partial(exported_actuals, damage):
    data = bytearray(exported_actuals)
    for position, byte in damage:
        data[position % len(data)] = byte
    assume(bytes(data) != exported_actuals)
    before = counts()

    outcome = import_file(kind=FileKind.ACTUALS, data=bytes(data), file_format="xlsx", dry_run=False)

    assert_all_or_nothing(outcome, before)


def test_an_xlsx_claiming_a_zip_version_python_cannot_read_is_refused_as_damaged(exported_actuals):
    """A damaged central directory asking for ZIP version 6.4 (zipfile raises NotImplementedError)."""
    data = bytearray(exported_actuals)
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")  # version needed to extract
    before = counts()

    outcome = import_file(kind=FileKind.ACTUALS, data=bytes(data), file_format="xlsx", dry_run=False)

    assert "ZIP として壊れています" in " ".join(str(error) for error in outcome.errors)
    assert counts() == before


@WITH_DATABASE
@given(
    keep=st.lists(st.booleans(), min_size=len(TARGET_COLUMNS), max_size=len(TARGET_COLUMNS)),
    cut=st.integers(0, 4000),
)
def test_importing_a_truncated_or_thinned_export_raises_nothing_and_writes_all_or_nothing(keep, cut):
    text = export_file(kind=FileKind.TARGETS, file_format="csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    thinned = [[cell for cell, kept in zip(row, keep, strict=False) if kept] for row in rows]
    data = csv_file(thinned[0], thinned[1:], "utf-8")[:cut] if any(keep) else b""
    before = counts()

    outcome = import_file(kind=FileKind.TARGETS, data=data, file_format="csv", dry_run=False)

    assert_all_or_nothing(outcome, before)
