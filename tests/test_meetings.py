"""Liaison meetings (地域連絡会議) and their packs: creation by role, the pack's figures equal the block
dashboard's for the same moment, a pack keeps its figures after a later correction, the workbook."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from submitting import complete

from kpis.history import recorded
from kpis.models import Actual, Indicator, Kpi, Period
from kpis.revisions import revise_target
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.meetings import decisions
from reports.meetings import rules as meetings
from reports.meetings.packs import build_pack
from reports.models import DecisionItem, LiaisonMeeting, ReportingPeriod
from reports.progress import workflow
from reports.progress.demo import open_demo_period
from reports.progress.workflow import EntryInput

KANTO_2022 = {
    "block": "",
    "fiscal_year": "2022",
    "title": "令和4年度 関東地域知財連絡会議",
    "held_on": "2022-07-15",
    "place": "さいたま新都心合同庁舎",
    "online": "on",
    "participants": "関東経済産業局\n神奈川県\n埼玉県",
    "agenda": "1. 行動計画の進捗\n2. 成果事例の共有",
    "minutes": "",
    "decisions": "",
}


@pytest.fixture
def users(db):
    create_demo_users()
    return {
        name: User.objects.get(username=name) for name in ("demo-bureau-kanto", "demo-jpo", "demo-pref-14")
    }


@pytest.fixture
def kanto():
    return Block.objects.get(code="kanto")


def posted(**changes) -> dict:
    data = dict(KANTO_2022, as_of_day=timezone.localdate().isoformat())
    data["block"] = str(Block.objects.get(code="kanto").pk)
    return data | changes


def cut_meeting(user, block, *, title="関東地域連絡会議", day=None) -> LiaisonMeeting:
    meeting = LiaisonMeeting(block=block, fiscal_year=2022, title=title, held_on=datetime.date(2022, 7, 15))
    return meetings.create_meeting(user, meeting, day or timezone.localdate())


def sheet_rows(workbook, name) -> list[tuple]:
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def export_rows(client, url) -> list[tuple]:
    response = client.get(url)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def kanto_indicator_with_2022_target() -> Indicator:
    """A Kanto regional indicator of the 2nd plan with a per-year target for FY2022 and no actual yet."""
    for indicator in Indicator.objects.filter(
        kpi__plan__number=2, kpi__level=Kpi.Level.REGIONAL, kpi__region__block__code="kanto"
    ).order_by("pk"):
        if (
            indicator.targets.filter(year=2022, period=Period.FISCAL_YEAR).exists()
            and not indicator.actuals.filter(year=2022).exists()
            and indicator.direction == Indicator.Direction.HIGHER
        ):
            return indicator
    raise AssertionError("the fixtures hold no such indicator")


# --- creating and editing meetings ----------------------------------------------------------------


def test_bureau_creates_its_blocks_meeting_from_the_form(client, users, kanto):
    client.force_login(users["demo-bureau-kanto"])
    form = client.get("/meetings/new/").content.decode()
    # a bureau is offered its own block only
    assert "関東" in form and "東北" not in form.split('name="block"')[1].split("</select>")[0]
    response = client.post("/meetings/new/", posted())
    assert response.status_code == 302
    meeting = LiaisonMeeting.objects.get()
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert (
        meeting.block == kanto
        and meeting.online
        and meeting.participant_list == ["関東経済産業局", "神奈川県", "埼玉県"]
    )
    assert meeting.created_by == users["demo-bureau-kanto"]
    assert meeting.history.get().history_change_reason == meetings.CREATED
    page = client.get(response["Location"]).content.decode()
    assert "令和4年度 関東地域知財連絡会議" in page and "1. 行動計画の進捗" in page


def test_a_bureau_cannot_create_another_blocks_meeting(client, users):
    client.force_login(users["demo-bureau-kanto"])
    tohoku = Block.objects.get(code="tohoku")
    response = client.post("/meetings/new/", posted(block=str(tohoku.pk)))
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert not LiaisonMeeting.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fiscal_year": "2030"}, "2030年度を含む行動計画がありません。"),
        ({"as_of_day": "2999-01-01"}, "未来の日付は指定できません"),
        ({"as_of_day": "2001-01-01"}, "ポータルにデータが登録された日"),
        ({"held_on": "7月15日"}, "YYYY-MM-DD"),
        ({"title": ""}, "このフィールドは必須です。"),
    ],
)
def test_bad_input_is_refused_with_a_japanese_message(client, users, changes, message):
    client.force_login(users["demo-bureau-kanto"])
    response = client.post("/meetings/new/", posted(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LiaisonMeeting.objects.exists()


def test_cut_off_is_now_for_today_and_the_end_of_an_earlier_day():
    now = timezone.now()
    assert meetings.cut_off(timezone.localdate(now), now) == now
    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    moment = meetings.cut_off(yesterday, now)
    assert timezone.localtime(moment).date() == yesterday
    assert timezone.localtime(moment).time() == datetime.time.max


def test_editing_the_minutes_keeps_the_packs_moment_and_a_stale_edit_is_refused(client, users, kanto):
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    moment = meeting.as_of
    client.force_login(users["demo-bureau-kanto"])
    data = posted(minutes="各県の進捗を共有した。", version="1")
    response = client.post(f"/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "各県の進捗を共有した。" and meeting.as_of == moment and meeting.version == 2

    # someone else's form, opened at version 1, is refused with what changed meanwhile
    client.force_login(users["demo-jpo"])
    response = client.post(f"/meetings/{meeting.pk}/edit/", posted(minutes="別の内容", version="1"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "画面を開いた後に更新されています" in html and "各県の進捗を共有した。" in html
    meeting.refresh_from_db()
    assert meeting.minutes == "各県の進捗を共有した。"


def test_officers_read_their_blocks_meetings_only(client, users, kanto):
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    client.force_login(users["demo-pref-14"])
    assert "関東地域連絡会議" in client.get("/meetings/").content.decode()
    assert client.get(f"/meetings/{meeting.pk}/pack/").status_code == 200
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    client.force_login(User.objects.get(username="demo-pref-02"))  # 青森県 (東北)
    assert "関東地域連絡会議" not in client.get("/meetings/").content.decode()
    assert client.get(f"/meetings/{meeting.pk}/pack/").status_code == 404


# --- the pack ---------------------------------------------------------------------------------------


def test_pack_figures_equal_the_block_and_national_dashboards_for_the_same_moment(client, users, kanto):
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    client.force_login(users["demo-jpo"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/meetings/{meeting.pk}/pack.xlsx").content))

    block = "/dashboard/2/blocks/kanto/?fiscal_year=2022&_export=xlsx&table="
    assert sheet_rows(workbook, "ブロック集計") == export_rows(client, block + "summary")
    assert sheet_rows(workbook, "指標別実績") == export_rows(client, block + "indicators")
    national = "/dashboard/2/?fiscal_year=2022&_export=xlsx&table=blocks"
    assert sheet_rows(workbook, "全国比較") == export_rows(client, national)
    # the national line as 001 prints it for FY2022 (報告値): 90 of 114 regional KPIs achieved
    national_line = sheet_rows(workbook, "全国比較")[-1]
    assert national_line[0] == "全国" and 90 in national_line and 114 in national_line


def test_pack_regenerated_after_a_correction_still_shows_the_old_figure(client, users, kanto):
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    indicator = kanto_indicator_with_2022_target()
    target = indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value
    before = build_pack(meeting)
    row_before = next(r for r in before.results if r.indicator.pk == indicator.pk)
    assert row_before.year_value is None

    # after the cut-off the region's actual is published, and the target is revised
    recorded(
        users["demo-jpo"],
        Actual(indicator=indicator, period=Period.FISCAL_YEAR, year=2022, value=target),
        "訂正",
    ).save()
    revise_target(
        users["demo-jpo"], indicator, effective_fiscal_year=2022, new_value=target + 10, reason="見直し"
    )
    client.force_login(users["demo-jpo"])
    dashboard = export_rows(
        client, "/dashboard/2/blocks/kanto/?fiscal_year=2022&_export=xlsx&table=indicators"
    )
    header = dashboard[0]
    name, year = header.index("指標"), header.index("年度実績")
    assert any(row[name] == indicator.name and row[year] == target for row in dashboard[1:])

    after = build_pack(LiaisonMeeting.objects.get(pk=meeting.pk))
    row_after = next(r for r in after.results if r.indicator.pk == indicator.pk)
    assert row_after.year_value is None and row_after.result.target_value == target
    assert after.summary_rows == before.summary_rows
    assert after.revisions == []
    # a meeting cut later sees both, and lists the revision as made since the previous meeting
    later = cut_meeting(users["demo-bureau-kanto"], kanto, title="第2回")
    latest = build_pack(later)
    row_latest = next(r for r in latest.results if r.indicator.pk == indicator.pk)
    assert row_latest.year_value == target and row_latest.result.target_value == target + 10
    assert latest.previous == meeting
    assert [r.reason for r in latest.revisions] == ["見直し"]


def test_pack_holds_the_latest_approved_report_text_and_the_submission_status(client, users, kanto):
    period = open_demo_period()  # 2nd plan FY2022 上期
    kanagawa = Region.objects.get(code="14")
    report = workflow.report_of(period, kanagawa)
    first = report.entries.order_by("pk").first()
    officer, bureau = users["demo-pref-14"], users["demo-bureau-kanto"]
    inputs = {
        # 3 meetings against 年1回 is flagged: explained
        e.indicator_id: EntryInput(
            value=Decimal(3),
            activities="<b>セミナー</b>を6月に開催した。",
            check_cause="confirmed",
            check_note="臨時会議を開いた。",
        )
        for e in report.entries.all()
    }
    workflow.submit(officer, report, version=report.version, inputs=complete(report, inputs))
    report.refresh_from_db()
    workflow.approve(bureau, report, version=report.version)
    meeting = cut_meeting(bureau, kanto)

    pack = build_pack(meeting)
    packed = next(p for p in pack.reports if p.region == kanagawa)
    assert packed.report.pk == report.pk and packed.period_label == "2022年度 上期（第2次計画）"
    assert {line["activities"] for line in packed.lines} == {"<b>セミナー</b>を6月に開催した。"}
    assert all(p.report is None for p in pack.reports if p.region != kanagawa)
    [status] = [row for row in pack.status_rows if row.region == kanagawa]
    assert [cell.state_label for cell in status.cells] == ["承認済み"]
    assert first.indicator.name in {line["indicator"] for line in packed.lines}

    # reopened later, the report no longer counts as approved, but this pack keeps it
    report.refresh_from_db()
    workflow.reopen(users["demo-jpo"], report, version=report.version, reason="訂正のため")
    again = build_pack(LiaisonMeeting.objects.get(pk=meeting.pk))
    assert next(p for p in again.reports if p.region == kanagawa).report is not None

    client.force_login(bureau)
    html = client.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    assert "&lt;b&gt;セミナー&lt;/b&gt;を6月に開催した。" in html and "<b>セミナー</b>" not in html
    assert "承認済み" in html


def test_pack_lists_the_blocks_published_case_studies(users, kanto):
    pack = build_pack(cut_meeting(users["demo-bureau-kanto"], kanto))
    # 000 成果事例: of the ten, 長野 is the one in the Kanto block
    assert [(c.region.name_ja, c.title[:2]) for c in pack.case_studies] == [
        ("長野県", pack.case_studies[0].title[:2])
    ]
    assert all(c.region.block_id == kanto.pk for c in pack.case_studies)


def test_workbook_has_a_sheet_per_section_with_numbers_as_numbers(client, users, kanto):
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    client.force_login(users["demo-bureau-kanto"])
    response = client.get(f"/meetings/{meeting.pk}/pack.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
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
    ]
    summary = sheet_rows(workbook, "ブロック集計")
    total = summary[-1]
    assert total[0] == "関東ブロック計" and isinstance(total[1], int) and total[1] > 0
    meeting_sheet = dict(sheet_rows(workbook, "会議")[1:])
    assert meeting_sheet["会議名"] == "関東地域連絡会議" and meeting_sheet["年度"] == 2022
    # moments are date cells in Japan's time, not text
    as_of = timezone.localtime(meeting.as_of).replace(tzinfo=None, second=0, microsecond=0)
    assert meeting_sheet["資料の基準日時"] == as_of


def approved_report(users, region_code: str, officer: str):
    period = open_demo_period() if not ReportingPeriod.objects.exists() else ReportingPeriod.objects.get()
    report = workflow.report_of(period, Region.objects.get(code=region_code))
    inputs = {e.indicator_id: EntryInput(value=Decimal(1), outcomes="成果") for e in report.entries.all()}
    workflow.submit(
        User.objects.get(username=officer), report, version=report.version, inputs=complete(report, inputs)
    )
    report.refresh_from_db()
    return workflow.approve(users["demo-bureau-kanto"], report, version=report.version)


def pack_queries(client, meeting) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/meetings/{meeting.pk}/pack/").status_code == 200
    return len(queries.captured_queries)


def test_pack_page_queries_do_not_grow_with_reports_and_revisions(client, users, kanto):
    client.force_login(users["demo-bureau-kanto"])
    approved_report(users, "14", "demo-pref-14")
    one = pack_queries(client, cut_meeting(users["demo-bureau-kanto"], kanto))
    # the request (4), meeting, plan, previous meeting, snapshot (regions, KPIs, indicators, targets,
    # actuals), periods, reports, lines, revisions, case studies, plans, reported results (×2), the
    # block's meetings, their decision items, the forecasts
    assert one <= 30
    second = cut_meeting(users["demo-bureau-kanto"], kanto, title="第2回")
    two = pack_queries(client, second)
    approved_report(users, "11", "demo-pref-11")
    revise_target(
        users["demo-jpo"],
        kanto_indicator_with_2022_target(),
        effective_fiscal_year=2022,
        new_value=Decimal(99),
        reason="見直し",
    )
    decisions.create_item(
        users["demo-bureau-kanto"],
        DecisionItem(meeting=second, content="宿題", owner="bureau", due_on=datetime.date(2022, 12, 1)),
    )
    three = pack_queries(client, cut_meeting(users["demo-bureau-kanto"], kanto, title="第3回"))
    # with a previous meeting, what changed since: its plan, its snapshot (5), and the actuals and case
    # studies then and since (4)
    assert two <= one + 10
    assert three == two


PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"


def test_meeting_texts_are_shown_escaped_everywhere(client, users, kanto):
    client.force_login(users["demo-bureau-kanto"])
    texts = dict.fromkeys(("title", "place", "participants", "agenda", "minutes", "decisions"), PAYLOAD)
    assert client.post("/meetings/new/", posted(**texts)).status_code == 302
    meeting = LiaisonMeeting.objects.get()
    for url in ("/meetings/", f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/pack/"):
        html = client.get(url).content.decode()
        assert PAYLOAD not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/meetings/{meeting.pk}/pack.xlsx").content))
    facts = dict(sheet_rows(workbook, "会議")[1:])
    assert facts["会議名"] == PAYLOAD and facts["議事概要"] == PAYLOAD


# --- a settled cut-off's snapshot, kept --------------------------------------------------------------


def snapshot_queries(plan, moment):
    from reports.meetings import snapshots

    with CaptureQueriesContext(connection) as queries:
        snapshot = snapshots.regional_snapshot(plan, moment)
    return snapshot, len(queries.captured_queries)


def test_a_settled_cut_off_is_read_from_the_history_once_then_kept(db, monkeypatch):
    from plans.models import Plan
    from reports.meetings import snapshots

    plan, moment = Plan.objects.get(number=2), timezone.now()
    monkeypatch.setattr(snapshots, "SETTLED_AFTER", datetime.timedelta(0))  # settled at once
    first, read = snapshot_queries(plan, moment)
    indicator = first.indicators[0]
    Actual.objects.create(indicator_id=indicator.pk, period=Period.FISCAL_YEAR, year=2030, value=Decimal(7))
    kept, reread = snapshot_queries(plan, moment)
    assert reread == 1 < read  # the cache alone
    assert [i.pk for i in kept.indicators] == [i.pk for i in first.indicators]
    assert [(k.pk, k.region.name_ja, k.indicator_count) for k in kept.kpis] == [
        (k.pk, k.region.name_ja, k.indicator_count) for k in first.kpis
    ]
    assert kept.figures == first.figures and all(kpi.plan is plan for kpi in kept.kpis)
    assert all(i.kpi.plan is plan for i in kept.indicators)
    # the actual written after the moment is in neither, and in a read of a later moment
    assert all(a.year != 2030 for a in kept.figures[indicator.pk].actuals)
    later = snapshots.read_regional_snapshot(plan, timezone.now())
    assert any(a.year == 2030 for a in later.figures[indicator.pk].actuals)


def test_a_cut_off_not_yet_settled_is_read_from_the_history_every_time(db):
    from plans.models import Plan
    from reports.meetings import snapshots

    plan, moment = Plan.objects.get(number=2), timezone.now()
    assert not snapshots.settled(moment)
    _snapshot, read = snapshot_queries(plan, moment)
    _again, reread = snapshot_queries(plan, moment)
    assert reread == read > 1


def test_a_flagged_value_and_its_explanation_are_carried_into_the_pack(client, users, kanto):
    # Kanagawa's two demo lines at 13 and 3 are far above their history and pace (the plausibility rule)
    period = open_demo_period()
    report = workflow.report_of(period, Region.objects.get(code="14"))
    first, second = report.entries.order_by("indicator__order").values_list("indicator_id", flat=True)
    inputs = {
        first: EntryInput(value=Decimal(13), check_cause="external", check_note="補助事業で増えた。"),
        second: EntryInput(value=Decimal(3), check_cause="timing", check_note="前倒し。"),
    }
    workflow.submit(users["demo-pref-14"], report, version=report.version, inputs=inputs)
    report.refresh_from_db()
    workflow.approve(users["demo-bureau-kanto"], report, version=report.version)
    meeting = cut_meeting(users["demo-bureau-kanto"], kanto)
    client.force_login(users["demo-bureau-kanto"])
    page = client.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    assert "確認が必要な値" in page and "要因: 外部要因／説明: 補助事業で増えた。" in page
    response = client.get(f"/meetings/{meeting.pk}/pack.xlsx")
    rows = sheet_rows(openpyxl.load_workbook(io.BytesIO(response.content)), "半期報告")
    header = rows[0]
    explained = {
        row[header.index("今期の実績")]: (row[header.index("要因")], row[header.index("説明")])
        for row in rows[1:]
        if row[header.index("地域")] == "神奈川県"
    }
    assert explained == {13: ("外部要因", "補助事業で増えた。"), 3: ("事業の前倒し・遅れ", "前倒し。")}
