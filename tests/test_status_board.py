"""/progress/status/: every region's report state per reporting period, scoped by role."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from submitting import complete

from plans.dates import SHORT, japanese_datetime
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.models import ProgressReport, ReportingPeriod
from reports.progress import board, workflow
from reports.progress.demo import open_demo_period

URL = reverse("reports:status_board")
# the request's savepoint and its release; session and user; the user's groups and affiliation; the
# plans of the header menu; then the plans of the filter, the periods, the regions in scope with
# their block, their reports and the regions taking part in the periods' plans
MAX_QUERIES = 2 + 2 + 2 + 1 + 5 + 1  # the last: each region's flagged lines


@pytest.fixture
def users(db):
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def period(db):
    return open_demo_period()


@pytest.fixture
def late_period(users):
    """A period whose deadline passed ten days ago."""
    return workflow.open_period(
        users["demo-jpo"],
        plan=Plan.objects.get(number=2),
        fiscal_year=2021,
        half="h2",
        deadline=timezone.localdate() - datetime.timedelta(days=10),
        confirm_past=True,
    )


@pytest.fixture
def reports(users, period):
    """神奈川県 approved, 埼玉県 returned, 青森県 作成中; every other region has no report yet."""
    kanagawa = workflow.report_of(period, Region.objects.get(code="14"))
    workflow.submit(users["demo-pref-14"], kanagawa, version=kanagawa.version, inputs=complete(kanagawa))
    workflow.approve(users["demo-bureau-kanto"], kanagawa, version=kanagawa.version)
    saitama = workflow.report_of(period, Region.objects.get(code="11"))
    workflow.submit(users["demo-pref-11"], saitama, version=saitama.version, inputs=complete(saitama))
    workflow.return_report(users["demo-bureau-kanto"], saitama, version=saitama.version, comment="数値の確認")
    workflow.report_of(period, Region.objects.get(code="02"))
    return period


def states(response, period) -> dict[str, str]:
    """Region name → state label in the period's column."""
    index = response.context["summaries"].index(
        next(s for s in response.context["summaries"] if s.period.pk == period.pk)
    )
    return {row["region"]: row[f"state_{index}"].state_label for row in response.context["table"].data}


def login(client, users, username):
    client.force_login(users[username])
    return client


# --- who sees what --------------------------------------------------------------------------------


def test_central_staff_see_every_region_and_its_state(client, users, reports):
    response = login(client, users, "demo-jpo").get(URL)

    assert response.status_code == 200
    shown = states(response, reports)
    assert len(shown) == Region.objects.count()
    assert shown["神奈川県"] == "承認済み"
    assert shown["埼玉県"] == "差戻し"
    assert shown["青森県"] == "作成中"
    assert shown["千葉県"] == "未着手"
    assert shown["東京都"] == "対象外"  # no regional KPI in the 2nd plan
    html = response.content.decode()
    assert "全地域" in html
    assert "受付中" in html
    assert reverse("reports:progress_report", args=["14", 2022, "h1"]) in html


def test_bureau_staff_see_the_regions_of_their_block_only(client, users, reports):
    response = login(client, users, "demo-bureau-kanto").get(URL)

    assert response.status_code == 200
    shown = states(response, reports)
    kanto = set(Region.objects.filter(block__code="kanto").values_list("name_ja", flat=True))
    assert set(shown) == kanto
    assert "青森県" not in shown
    assert "青森県" not in response.content.decode()
    assert shown["神奈川県"] == "承認済み"
    summary = response.context["summaries"][0]
    # 11 kanto regions, 東京都 not taking part: 8 missing, 1 returned, 1 approved
    assert summary.counts == {"missing": 8, "draft": 0, "submitted": 0, "returned": 1, "approved": 1}


@pytest.mark.parametrize("username", ["demo-pref-14", "demo-viewer"])
def test_officers_and_viewers_may_not_open_the_board(client, users, period, username):
    response = login(client, users, username).get(URL)
    assert response.status_code == 403
    assert "提出状況一覧を見られるのは" in response.content.decode()
    assert login(client, users, username).get(URL, {"_export": "csv"}).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, period):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- submission times, lateness, locks ------------------------------------------------------------


def test_days_late_and_submission_time(client, users, period, late_period):
    kanagawa = workflow.report_of(late_period, Region.objects.get(code="14"))
    workflow.submit(users["demo-pref-14"], kanagawa, version=kanagawa.version, inputs=complete(kanagawa))
    on_time = workflow.report_of(period, Region.objects.get(code="14"))
    workflow.submit(users["demo-pref-14"], on_time, version=on_time.version, inputs=complete(on_time))
    workflow.set_period_locked(users["demo-jpo"], late_period, True)

    response = login(client, users, "demo-jpo").get(URL)

    summaries = response.context["summaries"]
    assert [s.period.pk for s in summaries] == [late_period.pk, period.pk]  # oldest first
    assert [s.lock_label for s in summaries] == ["受付終了", "受付中"]
    rows = {row["region"]: row for row in response.context["table"].data}
    assert rows["神奈川県"]["late_0"] == 10  # submitted today, ten days after the deadline
    assert rows["神奈川県"]["late_1"] == 0
    assert rows["千葉県"]["late_0"] == 10  # still missing: ten days past the deadline today
    assert rows["千葉県"]["late_1"] == 0
    submitted = ProgressReport.objects.get(pk=kanagawa.pk).first_submitted_at
    assert rows["神奈川県"]["submitted_0"] == submitted
    assert japanese_datetime(submitted, SHORT) in response.content.decode()  # 令和8年12月4日 13:02
    assert summaries[0].late == summaries[0].expected  # everyone is late in the closed period
    assert summaries[1].late == 0
    html = response.content.decode()
    assert "受付終了" in html and "10日" in html


def test_filter_by_plan_and_by_period(client, users, period, late_period):
    login(client, users, "demo-jpo")
    only = client.get(URL, {"period": late_period.pk})
    assert [s.period.pk for s in only.context["summaries"]] == [late_period.pk]
    other_plan = client.get(URL, {"plan": 1})
    assert other_plan.context["summaries"] == []
    assert "条件に合う報告期間はありません" in other_plan.content.decode()
    both = client.get(URL, {"plan": 2})
    assert len(both.context["summaries"]) == 2
    bad = client.get(URL, {"period": "abc"})
    assert bad.status_code == 200
    assert len(bad.context["summaries"]) == 2  # the bad choice is ignored and shown as an error
    assert bad.context["filters"].errors["period"]


# --- a fixed number of queries --------------------------------------------------------------------


def test_the_board_runs_a_fixed_number_of_queries(
    client, users, period, late_period, django_assert_max_num_queries
):
    login(client, users, "demo-jpo")
    with django_assert_max_num_queries(MAX_QUERIES):
        few = client.get(URL)
    for region in Region.objects.all():
        workflow.report_of(period, region)
        workflow.report_of(late_period, region)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = client.get(URL)
    assert len(many.context["table"].data) == Region.objects.count()
    assert set(states(many, period).values()) == {"作成中"}
    assert set(states(few, period).values()) == {"未着手", "対象外"}
    login(client, users, "demo-bureau-kanto")
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(URL)


# --- exports --------------------------------------------------------------------------------------


def test_csv_export_holds_the_states(client, users, reports):
    response = login(client, users, "demo-bureau-kanto").get(URL, {"_export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["ブロック", "地域"]
    assert "2022年度上期（第2次） 状態［受付中" in header[2]
    by_region = {row[1]: row for row in body}
    assert set(by_region) == set(Region.objects.filter(block__code="kanto").values_list("name_ja", flat=True))
    assert by_region["神奈川県"][2] == "承認済み"
    assert by_region["埼玉県"][2] == "差戻し"
    assert by_region["千葉県"][2] == "未着手"
    assert by_region["千葉県"][0] == "関東"


def screen_cells(html: str) -> list[list[str]]:
    """The on-screen table's rows (headings first), each cell's text without its tags."""
    table = html.split('class="results status-board"')[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


def test_the_table_on_screen_shows_what_the_export_holds_with_links_to_the_reports(
    client, users, reports, late_period
):
    login(client, users, "demo-jpo")
    html = client.get(URL).content.decode()
    exported = list(csv.reader(io.StringIO(client.get(URL, {"_export": "csv"}).content.decode("utf-8-sig"))))
    # the export has a column of its own for a resubmission; on screen the submitted cell says it
    shown = [i for i, heading in enumerate(exported[0]) if not heading.endswith("再提出日時")]
    assert len(shown) == len(exported[0]) - 2  # one per period
    exported = [[row[i] for i in shown] for row in exported]
    on_screen = screen_cells(html)
    assert on_screen[0] == exported[0] and len(on_screen) == len(exported) == Region.objects.count() + 1
    by_region = {row[1]: row for row in on_screen[1:]}
    exported_by_region = {row[1]: row for row in exported[1:]}
    # the export writes days late as a number; the screen as 「n日」, and 0 where no report is expected
    assert by_region["神奈川県"][2:5] == ["未着手", "", "10日"] and exported_by_region["神奈川県"][4] == "10"
    assert by_region["神奈川県"][5] == "承認済み" and by_region["東京都"][2:5] == ["対象外", "", "0"]
    assert [row[:4] for row in on_screen[1:]] == [row[:4] for row in exported[1:]]
    for period in (reports, late_period):
        report = reverse("reports:progress_report", args=["14", period.fiscal_year, period.half])
        assert f'href="{report}"' in html


def test_xlsx_export_opens_and_holds_the_same_states(client, users, reports):
    response = login(client, users, "demo-jpo").get(URL, {"_export": "xlsx"})

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    state_column = header.index(next(h for h in header if "状態" in h))
    late_column = header.index(next(h for h in header if "遅延日数" in h))
    by_region = {row[1]: row for row in body}
    assert len(by_region) == Region.objects.count()
    screen = states(login(client, users, "demo-jpo").get(URL), reports)
    assert {name: row[state_column] for name, row in by_region.items()} == screen
    assert by_region["青森県"][state_column] == "作成中"
    assert by_region["神奈川県"][late_column] == 0
    assert by_region["東京都"][late_column] is None
    # the submission is a date cell in Japan's time, shown by Excel as a date and time
    assert sheet.title == "提出状況"
    submitted_column = header.index(next(h for h in header if h.endswith("提出日時")))
    first = ProgressReport.objects.get(region__code="14").first_submitted_at
    assert by_region["神奈川県"][submitted_column] == timezone.localtime(first).replace(
        tzinfo=None, microsecond=0
    )
    cell = sheet.cell(row=body.index(by_region["神奈川県"]) + 2, column=submitted_column + 1)
    assert cell.is_date and cell.number_format == "yyyy/m/d h:mm"
    assert any(h.endswith("再提出日時") for h in header)


# --- the plain row-building functions -------------------------------------------------------------


def make_period(pk, deadline, plan_id=2):
    return ReportingPeriod(pk=pk, plan_id=plan_id, fiscal_year=2022, half="h1", deadline=deadline)


def make_report(period, region, state, first_submitted=None, submitted=None):
    return ProgressReport(
        period=period,
        region=region,
        state=state,
        first_submitted_at=first_submitted,
        submitted_at=submitted or first_submitted,
    )


def at(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_board_rows_states_and_days_late():
    deadline = datetime.date(2022, 10, 31)
    today = datetime.date(2022, 11, 10)
    period = make_period(1, deadline)
    block = Block(pk=1, code="kanto", name_ja="関東")
    regions = [Region(pk=pk, code=str(pk), name_ja=f"地域{pk}", block=block) for pk in range(1, 7)]
    reports = [
        make_report(period, regions[0], "submitted", at(deadline - datetime.timedelta(days=3))),
        make_report(period, regions[1], "approved", at(deadline + datetime.timedelta(days=4))),
        make_report(period, regions[2], "draft"),
        make_report(
            period,
            regions[3],
            "returned",
            at(deadline + datetime.timedelta(days=2)),
            at(deadline + datetime.timedelta(days=8)),
        ),
    ]
    expected = {(2, pk) for pk in range(1, 6)}  # region 6 takes no part

    rows = board.board_rows([period], regions, reports, today, expected=expected)

    cells = [row.cells[0] for row in rows]
    assert [c.state_label for c in cells] == ["提出済み", "承認済み", "作成中", "差戻し", "未着手", "対象外"]
    # on time; 4 days late at the first submission; never submitted: 10 days as of today; first
    # submission counts, not the resubmission; missing: 10 days; not expected: nothing
    assert [c.days_late for c in cells] == [0, 4, 10, 2, 10, 0]
    summary = board.period_summaries([period], rows)[0]
    assert summary.counts == {"missing": 1, "draft": 1, "submitted": 1, "returned": 1, "approved": 1}
    assert summary.late == 4
    assert summary.expected == 5


def test_nothing_is_late_before_the_deadline():
    deadline = datetime.date(2022, 10, 31)
    period = make_period(1, deadline)
    assert board.days_late(period, None, deadline) == 0
    assert board.days_late(period, None, deadline + datetime.timedelta(days=1)) == 1
    report = make_report(period, Region(pk=1), "submitted", at(deadline, hour=23))
    assert board.days_late(period, report, deadline + datetime.timedelta(days=30)) == 0


def test_without_participation_data_every_region_is_expected():
    period = make_period(1, datetime.date(2022, 10, 31))
    regions = [Region(pk=1, code="1", name_ja="地域1")]
    rows = board.board_rows([period], regions, [], datetime.date(2022, 10, 1))
    assert rows[0].cells[0].state == board.MISSING


def test_the_board_is_read_only(client, users, period):
    assert login(client, users, "demo-jpo").post(URL).status_code == 405
