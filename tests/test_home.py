"""/: a home page for each role with the work waiting for it (issue: a home page per role)."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from submitting import complete

from plans.dates import era_date
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.models import CentralEntry, LiaisonMeeting
from reports.progress import workflow
from reports.progress.demo import DEMO_DEADLINE_DAYS_AHEAD

pytestmark = pytest.mark.django_db


def page_of(client, username: str):
    client.force_login(User.objects.get(username=username))
    response = client.get("/")
    return response, response.content.decode()


def submitted(region_code: str, period):
    report = workflow.report_of(period, Region.objects.get(code=region_code))
    workflow.submit(
        User.objects.get(username="demo-jpo"), report, version=report.version, inputs=complete(report)
    )
    return report


def test_an_officer_sees_the_open_report_its_deadline_and_the_days_left(client, period):
    response, html = page_of(client, "demo-pref-14")
    assert response.status_code == 200
    assert "神奈川県の報告" in html
    assert era_date(period.deadline) in html  # a table cell: the short form, 令和8年12月18日
    assert f"あと{DEMO_DEADLINE_DAYS_AHEAD}日" in html
    assert 'href="/progress/14/2022/h1/"' in html and "入力する" in html


def test_an_officer_sees_a_returned_report_with_its_comment(client, period):
    report = submitted("14", period)
    workflow.return_report(
        User.objects.get(username="demo-bureau-kanto"),
        report,
        version=report.version,
        comment="件数の根拠を追記してください",
    )
    _response, html = page_of(client, "demo-pref-14")
    assert "差し戻された報告" in html and "件数の根拠を追記してください" in html


def test_an_overdue_report_says_how_late_instead_of_days_left(client, period):
    period.deadline = timezone.localdate() - datetime.timedelta(days=3)
    period.save()
    _response, html = page_of(client, "demo-pref-14")
    assert "期限超過 3日（未提出）" in html and "あと" not in html


def test_the_bureau_sees_its_queue_its_counts_and_its_next_meeting(client, period):
    submitted("14", period)
    submitted("02", period)  # 青森県: another block's, not in 関東's queue
    LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title="関東地域連絡会議（次回）",
        held_on=timezone.localdate() + datetime.timedelta(days=30),
        as_of=timezone.now(),
    )
    _response, html = page_of(client, "demo-bureau-kanto")
    waiting = html.split('id="waiting"')[1].split('id="counts"')[0]
    assert "神奈川県" in waiting and "確認する" in waiting and "青森県" not in waiting
    counts = html.split('id="counts"')[1].split('id="meeting"')[0]
    assert "提出済み（確認待ち）" in counts
    assert "関東地域連絡会議（次回）" in html.split('id="meeting"')[1]


def test_central_staff_see_national_counts_the_queue_and_drafts_to_confirm(client, period):
    submitted("02", period)
    indicator = Plan.objects.get(number=2).kpis.get(code="C01").indicators.first()
    CentralEntry.objects.create(indicator=indicator, period="fy", fiscal_year=2022, value=10)
    _response, html = page_of(client, "demo-jpo")
    assert "全国の状況" in html and "状態ごとの報告数（全国）" in html
    assert "青森県" in html.split('id="waiting"')[1]
    drafts = html.split('id="drafts"')[1]
    assert "下書き1件" in drafts and 'href="/central/2/2022/fy/"' in drafts


def test_a_viewer_goes_to_the_current_plans_dashboard(client, period):
    response, _html = page_of(client, "demo-viewer")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


@pytest.mark.parametrize("username", ["demo-pref-14", "demo-bureau-kanto", "demo-jpo"])
def test_the_home_page_runs_a_fixed_number_of_queries(client, period, username):
    client.force_login(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for code in ("14", "11", "02", "13"):
        if workflow.region_indicators(period.plan, Region.objects.get(code=code)).exists():
            submitted(code, period)
    ReportingPeriodFactory = type(period)
    ReportingPeriodFactory.objects.create(
        plan=period.plan, fiscal_year=2022, half="h2", deadline=period.deadline + datetime.timedelta(days=180)
    )
    with CaptureQueriesContext(connection) as more:
        assert client.get("/").status_code == 200
    assert len(more) == len(few), "\n".join(q["sql"][:160] for q in more.captured_queries)


def test_the_health_page_answers_a_signed_in_user_with_the_base_template_alone(
    client, django_assert_num_queries
):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-viewer"))
    # the session and the user, then the user area of the base template (the role, in one
    # transaction: groups and affiliation; the plans for the menu); nothing of the page's own
    with django_assert_num_queries(7):
        response = client.get("/health/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ポータルは稼働しています。" in html and 'class="site-header"' in html
    client.logout()
    assert client.get("/health/").status_code == 302
