"""A meeting pack as one XLSX workbook, a sheet per section, through the formula-safe cell writer
the other exports use (numbers stay numbers, text that looks like a formula is made inert)."""

import datetime
import io

import openpyxl
import tablib
from openpyxl.styles import Alignment

from kpis.export import write_sheet
from kpis.history import user_name
from plans.dates import SHORT, japanese_date, local
from reports.dashboards.rows import indicator_rows, indicator_table, revision_row
from reports.display.exports import table_dataset
from reports.display.tables import BlockResultTable, RegionSummaryTable, RevisionTable
from reports.meetings.packs import Pack

SHEETS = (
    "会議",
    "前回からの変化",
    "決定事項",
    "ブロック集計",
    "指標別実績",
    "半期報告",
    "目標・KPIの改定",
    "提出状況",
    "成果事例",
    "全国比較",
)


def pack_workbook(pack: Pack) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, dataset in zip(SHEETS, pack_datasets(pack), strict=True):
        _write_sheet(workbook.create_sheet(title), dataset)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def pack_datasets(pack: Pack) -> list[tablib.Dataset]:
    return [
        meeting_dataset(pack),
        changes_dataset(pack),
        items_dataset(pack),
        table_dataset(RegionSummaryTable(pack.summary_rows), "ブロック集計"),
        table_dataset(
            indicator_table(indicator_rows(pack.results), pack.period, forecasts=pack.forecasts_shown),
            "指標別実績",
        ),
        reports_dataset(pack),
        table_dataset(RevisionTable([revision_row(r) for r in pack.revisions]), "目標・KPIの改定"),
        status_dataset(pack),
        case_studies_dataset(pack),
        table_dataset(BlockResultTable(pack.national_rows), "全国比較"),
    ]


def _write_sheet(sheet, dataset: tablib.Dataset) -> None:
    write_sheet(sheet, dataset)
    # report texts and minutes keep their line breaks readable
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def meeting_dataset(pack: Pack) -> tablib.Dataset:
    meeting = pack.meeting
    rows = [
        ("会議名", meeting.title),
        ("地域ブロック", f"{meeting.block.name_ja}（{meeting.block.bureau_ja}）"),
        ("年度", meeting.fiscal_year),
        ("行動計画", pack.plan.name),
        ("開催日", meeting.held_on),
        ("開催場所", meeting.place + ("（オンライン）" if meeting.online else "")),
        ("参加機関", "\n".join(meeting.participant_list)),
        ("議事次第", meeting.agenda),
        ("議事概要", meeting.minutes),
        ("決定事項（メモ）", meeting.decisions),
        ("資料の基準日時", _at(pack.moment)),
        (
            "前回会議",
            f"{pack.previous.title}（{japanese_date(pack.previous.held_on, SHORT)}）"
            if pack.previous
            else "なし",
        ),
    ]
    return tablib.Dataset(*rows, headers=["項目", "内容"], title="会議")


def reports_dataset(pack: Pack) -> tablib.Dataset:
    headers = [
        "地域",
        "報告期間",
        "承認日時",
        "KPI",
        "指標",
        "単位",
        "今期の実績",
        "取組内容",
        "成果",
        "課題・次の取組",
        "実績なしの理由",
        "確認が必要な理由",
        "要因",
        "説明",
    ]
    rows = []
    for packed in pack.reports:
        if packed.report is None:
            rows.append((packed.region.name_ja, "承認済みの報告なし", None, *[""] * 3, None, *[""] * 7))
            continue
        approved_at = _at(packed.report.reviewed_at)
        for line in packed.lines:
            rows.append(
                (
                    packed.region.name_ja,
                    packed.period_label,
                    approved_at,
                    line["kpi"],
                    line["indicator"],
                    line["unit"],
                    line["value"],
                    line["activities"],
                    line["outcomes"],
                    line["next_steps"],
                    line["no_result_reason"] if line["no_result"] else "",
                    "、".join(line["checks"]),
                    line["cause"],
                    line["note"],
                )
            )
    return tablib.Dataset(*rows, headers=headers, title="半期報告")


def status_dataset(pack: Pack) -> tablib.Dataset:
    headers = ["地域"]
    for period in pack.status_periods:
        label = period.get_half_display()
        headers += [f"{label} 状態", f"{label} 提出日時", f"{label} 遅延日数"]
    rows = []
    for row in pack.status_rows:
        values = [row.region.name_ja]
        for cell in row.cells:
            submitted = cell.submitted_at
            values += [
                cell.state_label,
                _at(submitted),
                cell.days_late if cell.expected else None,
            ]
        rows.append(values)
    return tablib.Dataset(*rows, headers=headers, title="提出状況")


def case_studies_dataset(pack: Pack) -> tablib.Dataset:
    headers = ["地域", "行動計画", "事例コード", "題名", "副題", "成果", "公開日時", "公開者"]
    rows = [
        (
            case.region.name_ja,
            case.plan.name,
            case.code,
            case.title,
            case.subtitle,
            case.outcomes,
            _at(case.published_at),
            user_name(case.published_by) if case.published_by_id else "",
        )
        for case in pack.case_studies
    ]
    return tablib.Dataset(*rows, headers=headers, title="成果事例")


def changes_dataset(pack: Pack) -> tablib.Dataset:
    """前回からの変化: one row per change, its kind first (empty without a previous meeting)."""
    changes = pack.changes
    headers = ["種類", "地域", "KPI・指標・事例", "期間", "変化前", "変化後", "日時"]
    rows = []
    for figure in changes.figures:
        rows.append(
            (
                "新しい実績",
                figure.region.name_ja,
                figure.indicator.name,
                figure.period,
                figure.previous,
                figure.value,
                _at(figure.at),
            )
        )
    for move in changes.moves:
        rows.append(("状況の変化", move.region.name_ja, move.indicator.name, "", move.before, move.after, ""))
    for revision in changes.revisions:
        row = revision_row(revision)
        what = f"{row['kpi']} {row['subject']}"
        rows.append(
            (
                "目標・KPIの改定",
                row["region"],
                what,
                row["effective"],
                row["old"],
                row["new"],
                row["revised_at"],
            )
        )
    for case in changes.case_studies:
        kind = "成果事例（新規公開）" if case.new else "成果事例（更新）"
        rows.append((kind, case.region.name_ja, case.title, "", "", "", _at(case.at)))
    for item in changes.closed:
        rows.append(
            ("決定事項の完了", item.owner_label(), item.content, "", "", item.response, _at(item.closed_at))
        )
    return tablib.Dataset(*rows, headers=headers, title="前回からの変化")


def items_dataset(pack: Pack) -> tablib.Dataset:
    """決定事項: the previous meeting's items and every item still open, as they stood at the cut-off."""
    headers = ["会議", "決定事項・宿題", "担当", "期限", "状態", "対応状況", "完了日時"]
    seen, rows = set(), []
    for item in [*pack.previous_items, *pack.open_items]:
        if item.pk in seen:
            continue
        seen.add(item.pk)
        rows.append(
            (
                item.meeting.title,
                item.content,
                item.owner_label(),
                item.due_on,
                item.get_state_display(),
                item.response,
                _at(item.closed_at),
            )
        )
    return tablib.Dataset(*rows, headers=headers, title="決定事項")


def _at(moment) -> datetime.datetime | None:
    """A moment as a date cell in Japan's time (a spreadsheet formats it; text would not sort)."""
    return local(moment).replace(tzinfo=None, second=0, microsecond=0) if moment else None
