"""The plan workbook through its entry points: the commands (export_plan, import_plan), the admin
(download, template, upload → preview → confirm), and files that are not what they claim, refused as
the KPI, target and actual imports refuse them, naming the sheet."""

import html
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from test_import_hostile import PNG, with_saved_values
from test_plan_workbook import cells, edited, export

from kpis.workbook.importing import import_workbook
from plans.models import Measure, Plan
from regions import roles
from regions.demo import create_demo_users

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:plans_plan_workbook_import")
CONFIRM = reverse("admin:plans_plan_workbook_confirm")


def messages_of(data: bytes) -> list[str]:
    return [str(error) for error in import_workbook(data=data, dry_run=False, filename="plan.xlsx").errors]


def marks() -> list[str]:
    return list(
        Measure.objects.filter(policy__plan__number=1).order_by("order").values_list("mark", flat=True)
    )


# --- files that are not plan workbooks -----------------------------------------------------------


def test_an_image_named_xlsx_and_a_csv_are_refused_saying_what_they_seem_to_be():
    assert messages_of(PNG) == [
        "ファイル: このファイルは XLSX ではなくPNG 画像のようです。CSV（UTF-8 または Shift_JIS）か XLSX のファイルを選んでください"
    ]
    assert messages_of("計画,名称\n4,x\n".encode()) == [
        "ファイル: このファイルは XLSX（Excel）ではありません。CSV なら形式で「csv」を選び、拡張子を .csv にしてください"
    ]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024 // 10
    assert messages_of(b"PK\x03\x04" + b"\x00" * (1024 * 1024 // 5)) == [
        "ファイル: ファイルが大きすぎます（0.2 MB、上限 0.1 MB）。ファイルを分けて取り込んでください"
    ]


def test_a_zip_that_is_no_workbook_is_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("readme.txt", "x")
    assert messages_of(stream.getvalue())[0].startswith(
        "ファイル: このファイルは ZIP 形式ですが、Excel の XLSX ではありません"
    )


def test_merged_cells_and_formulas_without_a_saved_value_are_refused_naming_the_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(export(1)))
    workbook["施策"].merge_cells("B2:B3")
    workbook["報告値"]["E2"] = "=2+2"
    stream = io.BytesIO()
    workbook.save(stream)
    assert messages_of(stream.getvalue()) == [
        "施策 2行目 基本方針: セルが結合されています（B2:B3）。結合を解除し、各行のセルに値を入力してください",
        "報告値 2行目 項目数: 数式（E2）の計算結果が保存されていません。Excel で開いて保存し直すか、値として貼り付けてください",
    ]


def test_a_formula_with_a_saved_value_is_read_and_one_showing_an_error_refused():
    workbook = openpyxl.load_workbook(io.BytesIO(export(1)))
    workbook["報告値"]["E2"] = "=2+2"
    stream = io.BytesIO()
    workbook.save(stream)
    assert messages_of(with_saved_values(stream.getvalue(), {"E2": "#DIV/0!"})) == [
        "報告値 2行目 項目数: セルがエラー値 #DIV/0! です（数式の結果がエラーになっています）"
    ]
    outcome = import_workbook(data=with_saved_values(stream.getvalue(), {"E2": "6"}), dry_run=False)
    assert outcome.succeeded and outcome.changes == 0  # 中央KPI: 6項目のうち5項目を達成 (001 §1-2)


def test_a_hidden_sheet_and_the_instructions_are_not_read():
    workbook = openpyxl.load_workbook(io.BytesIO(edited(export(1), "施策", 2, "達成状況", "済")))
    workbook["施策"].sheet_state = "hidden"
    workbook["記入方法"]["A1"] = "=1/0"
    stream = io.BytesIO()
    workbook.save(stream)
    outcome = import_workbook(data=stream.getvalue(), dry_run=False)
    assert outcome.succeeded
    assert next(c for c in outcome.counts if c.title == "施策").rows == 0


# --- the commands --------------------------------------------------------------------------------


def test_the_commands_export_a_plan_and_import_it_with_a_dry_run_first(tmp_path, capsys):
    path = tmp_path / "plan1.xlsx"
    call_command("export_plan", "1", str(path))
    assert cells(path.read_bytes()) == cells(export(1))
    path.write_bytes(edited(path.read_bytes(), "施策", 2, "達成状況", "×"))

    call_command("import_plan", str(path), "--dry-run")
    assert "確認しました（--dry-run のため書き込みなし）: 第1次計画" in capsys.readouterr().out
    assert marks()[0] == "achieved"

    call_command("import_plan", str(path))
    output = capsys.readouterr().out
    assert "取り込みました: 第1次計画" in output and "施策: 新規 0件、変更 1件、変更なし 19件" in output
    assert marks()[0] == "not_achieved"


def test_the_import_command_prints_each_error_and_fails_writing_nothing(tmp_path, capsys):
    path = tmp_path / "plan1.xlsx"
    path.write_bytes(edited(edited(export(1), "施策", 2, "達成状況", "済"), "施策", 3, "達成状況", "×"))
    with pytest.raises(CommandError, match="エラーが 1件あるため取り込みを中止しました"):
        call_command("import_plan", str(path))
    assert '施策 2行目 達成状況: 達成状況 "済"' in capsys.readouterr().err
    assert marks()[:2] == ["achieved", "achieved"]


def test_the_export_command_refuses_an_unknown_plan_and_writes_the_template(tmp_path):
    with pytest.raises(CommandError, match="計画 9 はありません"):
        call_command("export_plan", "9", str(tmp_path / "plan9.xlsx"))
    call_command("export_plan", "--template", str(tmp_path / "template.xlsx"))
    assert "記入方法" in cells((tmp_path / "template.xlsx").read_bytes())


# --- the admin -----------------------------------------------------------------------------------


@pytest.fixture
def central(client):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-jpo"))
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_central_staff_download_a_plans_workbook_and_the_template(central):
    plan = Plan.objects.get(number=2)
    response = central.get(reverse("admin:plans_plan_workbook", args=[plan.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="plan2.xlsx"'
    assert cells(response.content) == cells(export(2))
    assert "ワークブックをダウンロード" in page(
        central.get(reverse("admin:plans_plan_change", args=[plan.pk]))
    )
    listing = page(central.get(reverse("admin:plans_plan_changelist")))
    assert "計画ワークブックの取り込み" in listing and "ひな形（空のワークブック）" in listing
    template = central.get(reverse("admin:plans_plan_workbook_template"))
    assert openpyxl.load_workbook(io.BytesIO(template.content)).sheetnames[-1] == "記入方法"


def test_an_upload_is_previewed_per_sheet_and_written_only_on_confirm(central):
    data = edited(export(1), "施策", 2, "達成状況", "△")
    response = central.post(IMPORT, {"workbook": SimpleUploadedFile("plan1.xlsx", data)})
    text = page(response)
    assert response.status_code == 200
    assert "第1次計画（plan1.xlsx）の取り込みの確認" in text
    assert '<th scope="row">施策</th><td>0</td><td>1</td><td>19</td>' in text
    assert marks()[0] == "achieved"
    token = response.context["token"]

    response = central.post(CONFIRM, {"token": token})
    assert response.status_code == 302
    assert marks()[0] == "partly"
    record = Measure.objects.get(policy__plan__number=1, order=1).history.latest()
    assert (record.history_user.username, record.history_change_reason) == (
        "demo-jpo",
        "ファイル取込（plan1.xlsx）",
    )
    # the kept upload is used once
    response = central.post(CONFIRM, {"token": token}, follow=True)
    assert "保存期限が切れました" in page(response)


def test_an_upload_with_errors_lists_them_and_offers_no_confirmation(central):
    data = edited(export(1), "施策", 2, "達成状況", "済")
    response = central.post(IMPORT, {"workbook": SimpleUploadedFile("plan1.xlsx", data)})
    assert response.status_code == 400
    assert '施策 2行目 達成状況: 達成状況 "済" は 〇、△、× のいずれか' in page(response)
    assert "取り込む" not in page(response).split('id="workbook-errors"')[1]
    response = central.post(IMPORT, {"workbook": SimpleUploadedFile("plan1.csv", b"a,b\n")})
    assert response.status_code == 400
    assert "計画ワークブックは XLSX ファイル（.xlsx）を選んでください" in page(response)


def test_only_those_who_may_write_every_record_of_a_plan_may_import(client):
    create_demo_users()
    staff = User.objects.create_user("staff-viewer", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT).status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
    assert Group.objects.filter(name=roles.CENTRAL_STAFF).exists()
    client.force_login(User.objects.get(username="demo-admin"))
    assert client.get(IMPORT).status_code == 200
    assert client.get(CONFIRM).status_code == 405
