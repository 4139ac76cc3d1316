"""CSV in Shift_JIS beside UTF-8 on every export: the dashboards' tables, the status board, the KPI,
target and actual files. Japanese text reads the same in both; a character Shift_JIS cannot hold
(「企业」's 业) is written 〓 and named in a note row, never dropped silently. The dashboards' XLSX
says it is a display table, not an import format."""

import csv
import io

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.urls import reverse

from kpis.export import dataset_to_csv, dataset_to_csv_shift_jis, export_file
from kpis.importing import import_file
from kpis.models import Kpi, Target
from kpis.resources import FileKind
from regions.demo import create_demo_users
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

NOTE = "※ Shift_JIS で表せない文字を「〓」に置き換えました（UTF-8 の CSV と XLSX では元の文字のまま書き出されます）: "


def rows_of(content: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))


@pytest.fixture
def central(client):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-jpo"))
    return client


def test_japanese_text_reads_the_same_in_shift_jis_and_utf8():
    dataset = tablib.Dataset(
        ["知財総合支援窓口", "①～③", 2615, "髙橋・﨑山"], headers=["KPI", "注記", "実績", "担当"]
    )
    assert rows_of(dataset_to_csv_shift_jis(dataset), "cp932") == rows_of(
        dataset_to_csv(dataset), "utf-8-sig"
    )
    assert not dataset_to_csv_shift_jis(dataset).startswith(b"\xef\xbb\xbf")  # no byte order mark


def test_a_character_shift_jis_cannot_hold_is_replaced_visibly_and_named_in_a_note_row():
    dataset = tablib.Dataset(["企业の知財支援", "=1+1"], ["𠮷野", "―"], headers=["KPI", "注記"])
    rows = rows_of(dataset_to_csv_shift_jis(dataset), "cp932")
    assert rows[:3] == [["KPI", "注記"], ["企〓の知財支援", "'=1+1"], ["〓野", "―"]]
    assert rows[3] == [NOTE + "2行目 KPI U+4E1A、3行目 KPI U+20BB7"]
    assert len(rows) == 4


def test_the_em_dash_is_written_as_the_dash_shift_jis_has():
    dataset = tablib.Dataset(["2020—2022"], headers=["期間"])
    assert rows_of(dataset_to_csv_shift_jis(dataset), "cp932") == [["期間"], ["2020―2022"]]


def test_a_dashboard_table_downloads_in_shift_jis_with_the_same_cells(central):
    url = "/dashboard/2/?fiscal_year=2022&table=central&_export="
    response = central.get(url + "sjis")
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    assert response["Content-Disposition"].endswith('_central_sjis.csv"')
    shift_jis = rows_of(response.content, "cp932")
    utf8 = rows_of(central.get(url + "csv").content, "utf-8-sig")
    # The pace's 〜 (U+301C) is the one Shift_JIS holds, read back as ～ (U+FF5E): the same cell.
    assert shift_jis == [[cell.replace("〜", "～") for cell in row] for row in utf8]
    assert any("～" in cell for row in shift_jis for cell in row)
    # 003 I-2(2)①1)i): ハンズオン支援社数 277社 in FY2022, 111%
    core = dict(zip(shift_jis[0], next(r for r in shift_jis if r[0] == "ハンズオン支援社数"), strict=True))
    assert (core["2022年度 実績"], core["2022年度 達成率"]) == ("277", "111")


def test_a_title_with_a_simplified_chinese_character_is_noted_in_the_block_table(central):
    kpi = Kpi.objects.get(plan__number=2, code="14-1")
    kpi.title = "中小企业の知財支援"  # 业 (U+4E1A) is not in Shift_JIS
    kpi.save()
    url = "/dashboard/2/blocks/kanto/?fiscal_year=2022&table=indicators&_export="
    utf8 = central.get(url + "csv").content.decode("utf-8-sig")
    shift_jis = rows_of(central.get(url + "sjis").content, "cp932")
    assert "中小企业の知財支援" in utf8
    header = shift_jis[0]
    lines = [n for n, row in enumerate(shift_jis, start=1) if "中小企〓の知財支援" in row]
    assert lines
    assert shift_jis[-1] == [NOTE + "、".join(f"{n}行目 {header[1]} U+4E1A" for n in lines)]
    assert sum(len(row) for row in shift_jis[:-1]) == sum(len(row) for row in rows_of(utf8.encode(), "utf-8"))


def test_every_table_link_offers_shift_jis_beside_utf8_and_xlsx(central):
    open_demo_period()
    for page in ("/dashboard/2/", "/dashboard/2/blocks/kanto/", "/dashboard/compare/", "/progress/status/"):
        html = central.get(page).content.decode()
        assert html.count("_export=sjis") == html.count("_export=csv") > 0, page
        assert "CSV（Shift_JIS）" in html


def test_the_status_board_downloads_in_shift_jis(central):
    open_demo_period()
    response = central.get("/progress/status/", {"_export": "sjis"})
    rows = rows_of(response.content, "cp932")
    assert response.status_code == 200 and any("神奈川県" in row for row in rows)


def test_the_kpi_files_export_in_shift_jis_and_import_again_changing_only_the_wave_dash(admin_client):
    data = export_file(kind=FileKind.TARGETS, file_format="sjis")
    outcome = import_file(kind=FileKind.TARGETS, data=data, file_format="csv", dry_run=True)
    # Shift_JIS has one wave dash: 〜 (U+301C) comes back as ～ (U+FF5E), shown the same; nothing else moves
    with_wave_dash = Target.objects.filter(note__contains="〜").count()
    assert outcome.errors == () and outcome.updated == with_wave_dash > 0
    assert outcome.unchanged == Target.objects.count() - with_wave_dash
    assert [row.diff for row in outcome.result.rows if row.import_type == "update"][0]
    # the admin's export form: CSV, XLSX, then CSV in Shift_JIS
    response = admin_client.post(reverse("admin:kpis_target_export"), {"format": "2", "resource": "0"})
    assert response["Content-Type"] == "text/csv; charset=shift_jis"
    assert sorted(rows_of(response.content, "cp932")) == sorted(rows_of(data, "cp932"))


def test_the_block_dashboards_xlsx_says_it_is_a_display_table(central):
    response = central.get("/dashboard/2/blocks/kanto/?fiscal_year=2022&table=indicators&_export=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    table, about = workbook.worksheets
    assert about.title == "この表について"
    assert "取り込み（インポート）の形式ではありません" in about["A2"].value
    assert "取り込み（インポート）の形式ではありません" in table["A1"].comment.text
    assert table["A1"].value == "地域"  # the table itself is as it was


def test_a_shift_jis_file_with_a_note_row_is_not_imported_again():
    target = Target.objects.filter(indicator__kpi__plan__number=2).first()
    target.note = "企业支援"
    target.save()
    data = export_file(kind=FileKind.TARGETS, file_format="sjis")
    outcome = import_file(kind=FileKind.TARGETS, data=data, file_format="csv", dry_run=False)
    last_line = len(rows_of(data, "cp932"))
    assert [(e.line, e.column) for e in outcome.errors if e.line == last_line][:1] == [(last_line, "plan")]
    target.refresh_from_db()
    assert target.note == "企业支援"  # nothing was written
