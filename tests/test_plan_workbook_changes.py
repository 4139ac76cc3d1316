"""Importing a changed plan workbook: only what changed is written, each change with its history
(the importing user, 「ファイル取込（ファイル名）」); English column and sheet names are read too;
every bad row is reported as 「シート名 N行目 列: メッセージ」 and nothing at all is written."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from test_plan_workbook import edited, export, sheet_rows

from kpis.models import Indicator, Kpi, Target
from kpis.workbook.importing import import_workbook
from kpis.workbook.sheets import SHEETS
from kpis.workbook.writing import template_workbook
from plans.models import Measure, Plan

pytestmark = pytest.mark.django_db


def counts_of(outcome) -> dict[str, tuple[int, int, int]]:
    return {c.title: (c.new, c.changed, c.unchanged) for c in outcome.counts}


def measure_row(data: bytes, category: str, number: int) -> int:
    """The spreadsheet line of a measure of the 1st plan's basic policy 1."""
    rows = sheet_rows(data, "施策")
    return next(i for i, r in enumerate(rows, start=2) if (r["区分"], r["番号"]) == (category, number))


def test_a_changed_mark_and_target_are_the_only_writes_each_with_its_history():
    user = User.objects.create_user("jpo-staff")
    data = export(1)
    line = measure_row(data, "protection", 2)  # 000 §3-3: 知財訴訟保険 ×
    data = edited(data, "施策", line, "達成状況", "△")
    data = edited(data, "目標", 2, "目標値", 96000)  # C01's FY2019 target, 95,000 in 000 §2
    outcome = import_workbook(data=data, dry_run=False, user=user, filename="plan1_revised.xlsx")
    assert outcome.succeeded, outcome.errors
    counts = counts_of(outcome)
    assert counts["施策"] == (0, 1, 19)
    assert counts["目標"] == (0, 1, 19)
    assert counts["KPI"] == (0, 0, 15)
    measure = Measure.objects.get(policy__plan__number=1, category="protection", number=2)
    assert measure.mark == Measure.Mark.PARTLY
    record = measure.history.latest()
    assert (record.history_change_reason, record.history_user) == ("ファイル取込（plan1_revised.xlsx）", user)
    assert record.prev_record.mark == Measure.Mark.NOT_ACHIEVED
    target = Target.objects.get(indicator__kpi__plan__number=1, indicator__kpi__code="C01", year=2019)
    assert target.value == 96000
    assert target.history.latest().history_change_reason == "ファイル取込（plan1_revised.xlsx）"
    # nothing else got a new history record
    assert Measure.history.filter(history_change_reason__startswith="ファイル取込").count() == 1
    assert Kpi.history.filter(history_change_reason__startswith="ファイル取込").count() == 0


@pytest.mark.parametrize(
    ("typed", "mark"),
    [
        ("○", "achieved"),
        ("◯", "achieved"),
        ("〇", "achieved"),
        ("✕", "not_achieved"),
        ("partly", "partly"),
        (None, ""),
    ],
)
def test_a_mark_is_read_in_any_circle_and_written_as_the_documents_print_it(typed, mark):
    data = edited(export(1), "施策", 2, "達成状況", typed)
    assert import_workbook(data=data, dry_run=False, filename="marks.xlsx").succeeded
    first = Measure.objects.get(policy__plan__number=1, category="cross_cutting", number=1)
    assert first.mark == mark
    assert sheet_rows(export(1), "施策")[0]["達成状況"] == (
        {"achieved": "〇", "not_achieved": "×", "partly": "△"}.get(mark)
    )


def test_english_sheet_and_column_names_are_read_as_aliases():
    workbook = openpyxl.load_workbook(io.BytesIO(export(2)))
    for sheet in SHEETS:
        worksheet = workbook[sheet.title]
        worksheet.title = sheet.alias
        for cell in worksheet[1]:
            cell.value = next(c.alias for c in sheet.columns if c.name == cell.value)
    stream = io.BytesIO()
    workbook.save(stream)
    outcome = import_workbook(data=stream.getvalue(), dry_run=True, filename="plan2_english.xlsx")
    assert outcome.succeeded, outcome.errors
    assert outcome.changes == 0
    assert counts_of(outcome)["目標"] == (0, 0, 281)


def test_a_dry_run_counts_the_changes_and_writes_nothing():
    data = edited(export(1), "基本方針", 2, "基本方針", "着実な地域・中小企業支援の充実（改）")
    outcome = import_workbook(data=data, dry_run=True, filename="plan1.xlsx")
    assert counts_of(outcome)["基本方針"] == (0, 1, 2)
    assert Plan.objects.get(number=1).policies.get(number=1).title == "着実な地域・中小企業支援の充実"


def test_every_bad_row_is_reported_with_its_sheet_line_and_column_and_nothing_is_written():
    data = export(1)
    data = edited(data, "施策", 2, "達成状況", "済")
    data = edited(data, "施策", 3, "計画", 2)
    data = edited(data, "指標", 2, "KPIコード", "C99")
    data = edited(data, "実績", 3, "実績値", "abc")
    data = edited(data, "基本方針", 2, "基本方針", "変えたが取り込まれない")
    outcome = import_workbook(data=data, dry_run=False, filename="plan1.xlsx")
    assert [str(e) for e in outcome.errors] == [
        '施策 2行目 達成状況: 達成状況 "済" は 〇、△、× のいずれかで入力してください（未記入は空欄）',
        '施策 3行目 計画: 計画 "2" は計画シートの計画（1）と違います',
        '指標 2行目 KPIコード: KPI "C99" はKPIシートにも第1次計画にもありません',
        '実績 3行目 実績値: 値 "abc" は数値ではありません',
    ]
    assert Plan.objects.get(number=1).policies.get(number=1).title == "着実な地域・中小企業支援の充実"


def test_an_unknown_column_a_missing_one_or_an_unknown_sheet_refuses_the_file():
    data = edited(export(3), "KPI", 1, "注記", "メモ")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    workbook.create_sheet("目標一覧")
    workbook["指標"].delete_cols(5)  # 指標名
    stream = io.BytesIO()
    workbook.save(stream)
    messages = [str(e) for e in import_workbook(data=stream.getvalue(), dry_run=False).errors]
    assert any(
        m.startswith('KPI 1行目 メモ: 列 "メモ" は不明です（使える列: 計画、KPIコード') for m in messages
    )
    assert '指標 1行目 指標名: 必須の列 "指標名" がありません' in messages
    assert any(m.startswith("目標一覧: シート名が不明です（使えるシート: 計画、基本方針") for m in messages)


def test_a_workbook_without_its_plan_or_with_two_plans_is_refused():
    workbook = openpyxl.load_workbook(io.BytesIO(export(3)))
    del workbook["計画"]
    stream = io.BytesIO()
    workbook.save(stream)
    assert [str(e) for e in import_workbook(data=stream.getvalue(), dry_run=False).errors] == [
        "計画: シート「計画」がありません"
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(export(3)))
    workbook["計画"].append(list(next(workbook["計画"].iter_rows(min_row=2, values_only=True))))
    stream = io.BytesIO()
    workbook.save(stream)
    assert [str(e) for e in import_workbook(data=stream.getvalue(), dry_run=False).errors] == [
        "計画: 計画を1行だけ書いてください（2行あります）"
    ]


def test_a_plan_keeps_its_kind_and_a_kpi_its_level_and_region():
    data = edited(export(2), "計画", 2, "種類", "programme")
    kpi_line = next(i for i, r in enumerate(sheet_rows(data, "KPI"), start=2) if r["KPIコード"] == "14-1")
    data = edited(data, "KPI", kpi_line, "地域コード", "13")
    messages = [str(e) for e in import_workbook(data=data, dry_run=False).errors]
    assert messages == [
        "計画 2行目 種類: 計画 2 の種類（行動計画）は変更できません",
        "ファイル: 計画シートのエラーを直すまで、ほかのシートは確認していません",
    ]
    data = edited(export(2), "KPI", kpi_line, "地域コード", "13")
    assert [str(e) for e in import_workbook(data=data, dry_run=False).errors] == [
        f'KPI {kpi_line}行目 地域コード: 地域コード "13" はKPI "14-1" の地域（"14"）と一致しません'
    ]


def test_a_percentage_indicator_needs_the_percent_unit_and_a_reported_total_its_items():
    line = next(i for i, r in enumerate(sheet_rows(export(2), "指標"), start=2) if r["値の種類"] == "percent")
    data = edited(export(2), "指標", line, "単位", "割")
    data = edited(data, "報告値", 2, "達成項目数", 200)
    messages = [str(e) for e in import_workbook(data=data, dry_run=False).errors]
    assert f'指標 {line}行目 単位: 割合（percent）の指標は単位を "%" にしてください' in messages
    assert "報告値 2行目 達成項目数: 達成項目数 200 が項目数 114 を超えています" in messages


def test_a_predecessor_must_exist_in_a_plan_imported_before():
    data = edited(export(2), "前計画との対応", 2, "前計画のKPIコード", "C99")
    assert [str(e) for e in import_workbook(data=data, dry_run=False).errors] == [
        '前計画との対応 2行目 前計画のKPIコード: 第1次計画の指標 "C99"／"1" がありません（前の計画を先に取り込んでください）'
    ]
    data = edited(export(2), "前計画との対応", 2, "前計画", None)
    data = edited(data, "前計画との対応", 2, "前計画のKPIコード", None)
    data = edited(data, "前計画との対応", 2, "前計画の指標コード", None)
    outcome = import_workbook(data=data, dry_run=False, filename="unlink.xlsx")
    assert counts_of(outcome)["前計画との対応"] == (0, 1, 0)
    assert Indicator.objects.get(kpi__plan__number=2, kpi__code="C07").predecessor is None


def test_the_template_has_a_header_and_one_example_row_per_sheet_and_explains_every_column():
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    assert workbook.sheetnames == [sheet.title for sheet in SHEETS] + ["記入方法"]
    for sheet in SHEETS:
        rows = list(workbook[sheet.title].iter_rows(values_only=True))
        assert rows[0] == tuple(column.name for column in sheet.columns)
        assert len(rows) == 2, sheet.title
    explained = {(row[0], row[1]) for row in workbook["記入方法"].iter_rows(values_only=True)}
    assert {(s.title, c.name) for s in SHEETS for c in s.columns} <= explained
    # its examples make a 4th plan; only the programme's designated region does not fit a plan
    outcome = import_workbook(data=template_workbook(), dry_run=True, filename="template.xlsx")
    assert [str(e) for e in outcome.errors] == [
        "指定地域 2行目 計画: 指定地域は事業（種類 programme）の計画にだけ書けます"
    ]
