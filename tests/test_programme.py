"""The model-region programme (知財経営支援モデル地域創出事業) in the portal: its own pages, half-year
reports by the designated regions, the dashboards of its number, and its absence from the plan menus.

FY2024 designates 青森県, 石川県 and 神戸市 (004 §1(2) ※²) with the targets of 004 §1(3)【実施回数】:
連携会議 3回以上, 伴走支援 5者以上, 事業報告会等 1回程度.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from submitting import complete

from kpis.models import Actual, Indicator
from plans.models import Plan
from regions import roles
from regions.demo import create_demo_users
from regions.models import Affiliation, Block, Region
from reports.models import ProgressReport
from reports.progress import reminders, workflow

pytestmark = pytest.mark.django_db

PROGRAMME = 2024
PAGE = "/programme/2024/"
KOBE_REPORT = "/progress/28100/2024/h1/programme/"
DESIGNATED = ["青森県", "石川県", "神戸市"]
# The summary table's tally columns after 指定地域, ブロック, 種別.
TALLY = ("items", "reported", "achieved", "rate", "final", "progress", "on_pace", "behind")


@pytest.fixture
def users(db):
    """The demo users, and an officer of 神戸市 and a bureau officer of 近畿 (神戸市's block)."""
    create_demo_users()
    kobe = User.objects.create_user("test-kobe", email="kobe@example.go.jp", password="x")
    kobe.groups.add(Group.objects.get(name=roles.PREFECTURE_OFFICER))
    Affiliation.objects.create(user=kobe, region=Region.objects.get(code="28100"))
    kinki = User.objects.create_user("test-bureau-kinki", email="kinki@example.go.jp", password="x")
    kinki.groups.add(Group.objects.get(name=roles.BUREAU_STAFF))
    Affiliation.objects.create(user=kinki, block=Block.objects.get(code="kinki"))
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def programme_period(users):
    """The programme's FY2024 上期, opened by central staff like any plan's period."""
    return workflow.open_period(
        users["demo-jpo"],
        plan=Plan.objects.get(number=PROGRAMME),
        fiscal_year=2024,
        half="h1",
        deadline=datetime.date(2024, 10, 31),
        confirm_past=True,
    )


def login(client, user):
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def nav(html: str) -> str:
    return html.split('class="site-nav"')[1].split("</nav>")[0]


# --- the programme's pages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["demo-viewer", "demo-pref-14", "test-kobe", "demo-bureau-kanto", "demo-jpo"]
)
def test_every_role_reads_the_programme_pages(client, users, username):
    login(client, users[username])
    index = client.get("/programme/")
    assert index.status_code == 200
    html = index.content.decode()
    assert (
        "令和6年度 知財経営支援モデル地域創出事業" in html
        and "令和7年度 知財経営支援モデル地域創出事業" in html
    )
    assert all(name in html for name in DESIGNATED)
    assert "この年度の指定地域は登録されていません。" in html  # FY2025: not yet chosen (004 §2(1))
    assert client.get(PAGE).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, db):
    for url in ("/programme/", PAGE):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_action_plans_number_is_not_a_programme(client, users):
    login(client, users["demo-viewer"])
    assert client.get("/programme/3/").status_code == 404
    assert client.get("/programme/2030/").status_code == 404


def test_without_reports_every_designated_regions_item_is_unreported(client, users):
    login(client, users["demo-viewer"])
    rows = csv_rows(client.get(PAGE, {"_export": "csv", "table": "indicators"}))
    assert rows[0] == [
        "指定地域",
        *(
            f"{name} {column}"
            for name in ("連携会議（仮称）の開催回数", "伴走支援の支援対象者数", "事業報告会等の開催回数")
            for column in ("目標", "実績", "達成率", "状況")
        ),
    ]
    assert [row[0] for row in rows[1:]] == DESIGNATED
    for row in rows[1:]:
        # targets 3 回, 5 者, 1 回 (004 §1(3)【実施回数】); no actual, no rate, 未報告
        assert row[1:] == ["3", "", "", "未報告", "5", "", "", "未報告", "1", "", "", "未報告"]
    summary = csv_rows(client.get(PAGE, {"_export": "csv", "table": "summary"}))
    assert summary[-1][0] == "指定地域計" and summary[-1][3:6] == ["9", "0", "0"]


def test_a_kobe_officer_reports_the_bureau_approves_and_the_programme_page_shows_the_rates(
    client, users, programme_period, django_capture_on_commit_callbacks
):
    officer = login(client, users["test-kobe"])
    page = officer.get(KOBE_REPORT)
    assert page.status_code == 200
    html = page.content.decode()
    assert "令和6年度 知財経営支援モデル地域創出事業" in html
    report = workflow.report_of(
        programme_period, Region.objects.get(code="28100")
    )  # as a first save stores it
    lines = {e.indicator.name: e.indicator_id for e in report.entries.select_related("indicator")}
    assert set(lines) == {"連携会議（仮称）の開催回数", "伴走支援の支援対象者数", "事業報告会等の開催回数"}
    assert f'action="{KOBE_REPORT}"' in html

    values = {"連携会議（仮称）の開催回数": "2", "伴走支援の支援対象者数": "5", "事業報告会等の開催回数": "0"}
    posted = {"action": "submit", "confirmed": "1", "version": str(report.version)}
    for name, value in values.items():
        posted[f"value-{lines[name]}"] = value
        posted[f"activities-{lines[name]}"] = "連携会議で支援対象者を決定した。"
    response = officer.post(KOBE_REPORT, posted)
    assert response.status_code == 302 and response["Location"] == KOBE_REPORT
    report.refresh_from_db()
    assert report.state == ProgressReport.State.SUBMITTED

    # 神戸市 is in 近畿: the 近畿 bureau approves it, the 関東 bureau does not even see it
    assert login(client, users["demo-bureau-kanto"]).get(KOBE_REPORT).status_code == 404
    bureau = login(client, users["test-bureau-kinki"])
    with django_capture_on_commit_callbacks(execute=True):
        response = bureau.post(KOBE_REPORT + "review/", {"action": "approve", "version": str(report.version)})
    assert response.status_code == 302 and response["Location"] == KOBE_REPORT
    report.refresh_from_db()
    assert report.state == ProgressReport.State.APPROVED
    assert Actual.objects.get(indicator_id=lines["伴走支援の支援対象者数"], period="h1", year=2024).value == 5

    viewer = login(client, users["demo-viewer"])
    rows = {
        row[0]: row
        for row in csv_rows(viewer.get(PAGE, {"half": "h1", "_export": "csv", "table": "indicators"}))
    }
    # 上期 is progress, never a mark, and the year's targets are shown whole (never 1.5回, 0.5回): 2
    # meetings keep the pace of half of 3, none of half of 1 is behind; the number of companies
    # supported is a level, on pace with the year's 5 already (5 ÷ 5 → 100%)
    assert rows["神戸市"][1:] == ["3", "2", "", "順調", "5", "5", "100", "順調", "1", "0", "", "遅れ"]
    assert rows["青森県"][4] == "未報告"
    summary = {
        row[0]: dict(zip(TALLY, row[3:], strict=False))
        for row in csv_rows(viewer.get(PAGE, {"half": "h1", "_export": "csv", "table": "summary"}))
    }
    # in progress: counted apart, on pace or behind; nothing final, so nothing achieved and no rate
    assert summary["神戸市"] == {
        "items": "3",
        "reported": "3",
        "achieved": "0",
        "rate": "",
        "final": "0",
        "progress": "3",
        "on_pace": "2",
        "behind": "1",
    }
    assert [summary["指定地域計"][key] for key in ("items", "reported", "progress", "on_pace")] == [
        "9",
        "3",
        "9",
        "2",
    ]

    # the whole year (over by now) with only the first half reported: the meetings' and the reporting
    # event's years are unreported, not failed; the companies supported (a level) are 5 of 5
    year = {row[0]: row for row in csv_rows(viewer.get(PAGE, {"_export": "csv", "table": "indicators"}))}
    assert year["神戸市"][1:] == ["3", "2", "", "未報告", "5", "5", "100", "〇", "1", "0", "", "未報告"]
    html = viewer.get(PAGE, {"half": "h1"}).content.decode()
    assert "年3回の半分（上期）のペース" in html and "年1回の半分（上期）のペース" in html
    assert "1.5" not in html.split('id="indicators"')[1] and "0.5回" not in html


def test_the_programme_report_and_the_action_plans_report_of_the_same_half_stay_apart(
    client, users, programme_period
):
    plan_period = workflow.open_period(
        users["demo-jpo"],
        plan=Plan.objects.get(number=3),
        fiscal_year=2024,
        half="h1",
        deadline=datetime.date(2024, 10, 31),
        confirm_past=True,
    )
    login(client, users["test-kobe"])
    programme_page = client.get(KOBE_REPORT)
    plan_page = client.get("/progress/28100/2024/h1/")
    assert programme_page.status_code == plan_page.status_code == 200
    assert "伴走支援の支援対象者数" in programme_page.content.decode()
    assert "伴走支援の支援対象者数" not in plan_page.content.decode()
    assert (
        "報告する指標がありません" in plan_page.content.decode()
        or "地域KPIの指標がありません" in plan_page.content.decode()
    )
    assert not ProgressReport.objects.filter(region__code="28100").exists()  # opening stores nothing
    assert plan_period.pk != programme_period.pk
    # an action plan's period has no programme address, and no programme period means 404
    login(client, users["demo-pref-14"])
    assert client.get("/progress/14/2024/h1/").status_code == 200
    assert client.get("/progress/14/2024/h2/programme/").status_code == 404


def test_the_programmes_block_page_shows_only_the_blocks_designated_regions(client, users):
    login(client, users["demo-viewer"])
    html = client.get("/dashboard/2024/blocks/kinki/").content.decode()
    assert 'id="region-28100"' in html
    assert 'id="region-27"' not in html and 'id="region-28"' not in html  # 大阪府, 兵庫県
    assert "神戸市" in html


def test_the_programmes_national_page_is_the_programme_page(client, users):
    login(client, users["demo-viewer"])
    response = client.get("/dashboard/2024/", {"half": "h1"})
    assert response.status_code == 302 and response["Location"] == PAGE + "?half=h1"
    assert client.get("/dashboard/2024/regions/17/").status_code == 200
    indicator = Indicator.objects.get(kpi__plan__number=PROGRAMME, kpi__code="17-1")
    page = client.get(f"/kpis/{indicator.pk}/")
    assert page.status_code == 200 and "連携会議（仮称）の開催回数" in page.content.decode()


# --- not one of the plans ---------------------------------------------------------------------------


def test_the_programme_is_not_in_the_plan_menu_nor_in_the_comparison(client, users):
    login(client, users["demo-viewer"])
    html = client.get("/dashboard/compare/").content.decode()
    menu = nav(html)
    assert re.findall(r'href="/dashboard/(\d+)/"', menu) == ["1", "2", "3"]
    assert 'href="/programme/"' in menu and "モデル地域創出事業" in menu
    assert "2024次" not in html and "知財経営支援モデル地域創出事業" not in html.split('id="main"')[1]
    rows = csv_rows(client.get("/dashboard/compare/", {"_export": "csv", "table": "plans"}))
    assert rows[0][3:] == ["第1次計画", "第2次計画", "第3次計画"]


def test_the_plan_in_force_and_the_central_entry_are_the_action_plans(client, users):
    login(client, users["demo-jpo"])
    assert client.get("/dashboard/")["Location"] == "/dashboard/3/"
    index = client.get("/central/").content.decode()
    assert "知財経営支援モデル地域創出事業" not in index and "/central/2024/" not in index
    assert client.get("/central/2024/2024/fy/").status_code == 404
    # periods open for the programme too, but the form suggests the action plan in force
    periods = client.get("/progress/periods/").content.decode()
    form = periods.split('name="plan"')[1].split("</select>")[0]
    assert "令和6年度 知財経営支援モデル地域創出事業" in form
    selected = re.search(r'<option value="(\d+)" selected>', form).group(1)
    assert Plan.objects.get(pk=selected).number == 3


# --- who reports: the designated regions ------------------------------------------------------------


def test_the_status_board_expects_the_designated_regions_for_a_programme_period(
    client, users, programme_period
):
    response = login(client, users["demo-jpo"]).get("/progress/status/", {"period": programme_period.pk})
    (summary,) = response.context["summaries"]
    assert summary.expected == 3 and summary.counts["missing"] == 3
    states = {row["region"]: row["state_0"].state_label for row in response.context["table"].data}
    assert [name for name, state in states.items() if state == "未着手"] == DESIGNATED
    assert states["神奈川県"] == "対象外" and states["兵庫県"] == "対象外"
    html = response.content.decode()
    assert KOBE_REPORT in html
    assert "2024年度 上期（令和6年度 知財経営支援モデル地域創出事業）" in html


def test_reminders_go_to_the_designated_regions_with_the_programmes_address(
    users, programme_period, settings
):
    settings.PORTAL_BASE_URL = "http://portal.example/"
    sent = reminders.send_reminders(reminders.collect_reminders(datetime.date(2024, 11, 1)))
    recipients = {address for message in mail.outbox for address in message.to}
    assert sent == len(mail.outbox)
    assert "kobe@example.go.jp" in recipients and "demo-pref-02@example.go.jp" in recipients  # 神戸市, 青森県
    assert "demo-pref-14@example.go.jp" not in recipients  # 神奈川県 is not designated
    (kobe,) = [m for m in mail.outbox if "kobe@example.go.jp" in m.to]
    assert "http://portal.example" + KOBE_REPORT in kobe.body
    assert "令和6年度 知財経営支援モデル地域創出事業" in kobe.subject


def test_the_kobe_officers_report_list_holds_the_programme_period(client, users, programme_period):
    html = login(client, users["test-kobe"]).get("/progress/").content.decode()
    assert KOBE_REPORT in html


# --- speed --------------------------------------------------------------------------------------------

# Session and user; the request's savepoint and its release; the header menu: the action plans, the
# user's groups and affiliation (7, as every signed-in page, see test_dashboard_queries.py). A page
# not yet cached reads the data version and looks itself up (2), then stores itself (5). Then: the
# programme; its indicators with KPI and figures stamp, then the plan and the regions with their
# blocks they share (3); their targets; their actuals; the designated regions with their block and
# prefecture.
PAGE_QUERIES = 7 + 2 + 5 + 7
# Served from the cache: the same 7, the programme, the data version and the cached page.
CACHED_PAGE_QUERIES = 7 + 1 + 2
# The index: the 7, the programmes, their designated regions with their blocks.
INDEX_QUERIES = 7 + 2


def test_the_programme_pages_run_a_fixed_number_of_queries(
    client, users, django_assert_max_num_queries, django_assert_num_queries
):
    login(client, users["demo-viewer"])
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        assert client.get(PAGE).status_code == 200
    with django_assert_num_queries(INDEX_QUERIES):
        assert client.get("/programme/").status_code == 200


def test_the_programme_pages_queries_do_not_grow_with_reports(client, users, programme_period):
    for code, username in (("28100", "test-kobe"), ("02", "demo-pref-02")):
        report = workflow.report_of(programme_period, Region.objects.get(code=code))
        inputs = {e.indicator_id: workflow.EntryInput(value=1) for e in report.entries.all()}
        workflow.submit(users[username], report, version=report.version, inputs=complete(report, inputs))
        workflow.approve(users["demo-jpo"], report, version=report.version)
    login(client, users["demo-viewer"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGE, {"half": "h1"}).status_code == 200
    assert len(queries) <= PAGE_QUERIES
