"""/progress/periods/: central staff open reporting periods and close or reopen them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from submitting import complete

from kpis.models import Actual
from plans.dates import era_date
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Region
from reports.models import ProgressReport, ReportingPeriod
from reports.progress import workflow
from reports.progress.demo import open_demo_period

URL = reverse("reports:periods")


@pytest.fixture
def users(db):
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def period(db):
    return open_demo_period()


def login(client, users, username):
    client.force_login(users[username])
    return client


def posted(**overrides):
    data = {
        "plan": str(Plan.objects.get(number=2).pk),
        "fiscal_year": "2021",
        "half": "h2",
        "deadline": "2022-04-30",
        "confirm_past": "on",  # the documents' years are past: their deadlines are too
    }
    data.update(overrides)
    return data


# --- the list -------------------------------------------------------------------------------------


def test_central_staff_see_every_period_with_its_reports_per_state(client, users, period):
    officer = users["demo-pref-14"]
    kanagawa = workflow.report_of(period, Region.objects.get(code="14"))
    workflow.submit(officer, kanagawa, version=1, inputs=complete(kanagawa))
    workflow.report_of(period, Region.objects.get(code="11"))
    locked = workflow.open_period(
        users["demo-jpo"],
        plan=period.plan,
        fiscal_year=2021,
        half="h1",
        deadline=datetime.date(2021, 10, 31),
        confirm_past=True,
    )
    workflow.set_period_locked(users["demo-jpo"], locked, True)

    response = login(client, users, "demo-jpo").get(URL)

    assert response.status_code == 200
    rows = {row["period"].pk: row for row in response.context["rows"]}
    assert set(rows) == {period.pk, locked.pk}
    # 未着手, 作成中, 提出済み, 差戻し, 承認済み
    expected_regions = (
        Region.objects.filter(kpis__plan=period.plan, kpis__level="regional").distinct().count()
    )
    assert rows[period.pk]["counts"] == [expected_regions - 2, 1, 1, 0, 0]
    assert rows[locked.pk]["counts"] == [expected_regions, 0, 0, 0, 0]
    assert rows[period.pk]["lock_label"] == "受付中"
    assert rows[locked.pk]["lock_label"] == "受付終了"
    html = response.content.decode()
    assert "第2次地域知財活性化行動計画" in html or period.plan.name in html
    assert "受付を終了する" in html and "受付を再開する" in html
    assert era_date(period.deadline) in html  # a table cell: the short form, 令和8年12月18日
    assert '<label for="id_deadline">' in html and 'type="date"' in html


@pytest.mark.parametrize("username", ["demo-bureau-kanto", "demo-pref-14", "demo-viewer"])
def test_other_roles_may_not_open_the_page_nor_open_a_period(client, users, period, username):
    login(client, users, username)
    assert client.get(URL).status_code == 403
    response = client.post(URL, posted())
    assert response.status_code == 403
    assert "中央（特許庁・INPIT）" in response.content.decode()
    assert ReportingPeriod.objects.count() == 1


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- opening a period -----------------------------------------------------------------------------


def test_central_staff_open_a_period(client, users, period):
    response = login(client, users, "demo-jpo").post(URL, posted(), follow=True)

    opened = ReportingPeriod.objects.get(plan__number=2, fiscal_year=2021, half="h2")
    assert opened.deadline == datetime.date(2022, 4, 30)
    assert opened.opened_by == users["demo-jpo"]
    assert not opened.is_locked
    assert opened.history.get().history_change_reason == "報告期間の開設"
    assert response.redirect_chain[-1][0] == URL
    assert "を開設しました" in response.content.decode()


def test_a_year_in_full_width_digits_is_accepted(client, users, db):
    response = login(client, users, "demo-jpo").post(URL, posted(fiscal_year="２０２０", half="h1"))
    assert response.status_code == 302
    assert ReportingPeriod.objects.filter(plan__number=2, fiscal_year=2020, half="h1").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fiscal_year": "令和3"}, "fiscal_year", "年度は数字で入力してください"),
        ({"fiscal_year": ""}, "fiscal_year", "年度を入力してください"),
        ({"deadline": ""}, "deadline", "提出期限を入力してください"),
        ({"deadline": "2022-13-40"}, "deadline", "提出期限は日付"),
        ({"half": "h3"}, "half", "上期か下期を選んでください"),
        ({"plan": "999999"}, "plan", "選ばれた行動計画がありません"),
        ({"fiscal_year": "2019"}, "fiscal_year", "2019年度は第2次"),
        ({"fiscal_year": "2023"}, "fiscal_year", "期間（2020〜2022年度）外です"),
        ({"fiscal_year": "2022", "half": "h1"}, None, "この報告期間は既に開設されています"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_created(
    client, users, period, overrides, field, message
):
    response = login(client, users, "demo-jpo").post(URL, posted(**overrides))

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in errors[0]
    assert ReportingPeriod.objects.count() == 1  # only the demo period
    assert ReportingPeriod.objects.get().deadline == period.deadline


# --- closing and reopening ------------------------------------------------------------------------


def test_central_staff_close_and_reopen_a_period(client, users, period):
    lock_url = reverse("reports:period_lock", args=[period.pk])
    login(client, users, "demo-jpo")

    response = client.post(lock_url, {"locked": "1"}, follow=True)
    period.refresh_from_db()
    assert period.is_locked
    assert response.redirect_chain[-1][0] == URL
    assert "受付を終了しました" in response.content.decode()

    response = client.post(lock_url, {"locked": "0"}, follow=True)
    period.refresh_from_db()
    assert not period.is_locked
    assert "受付を再開しました" in response.content.decode()
    assert [r.history_change_reason for r in period.history.order_by("history_date")][-2:] == [
        "受付終了",
        "受付再開",
    ]


def test_a_closed_period_refuses_submissions(client, users, period):
    login(client, users, "demo-jpo").post(reverse("reports:period_lock", args=[period.pk]), {"locked": "1"})
    report = workflow.report_of(ReportingPeriod.objects.get(pk=period.pk), Region.objects.get(code="14"))
    with pytest.raises(workflow.WorkflowError, match="受付を終了"):
        workflow.submit(users["demo-pref-14"], report, version=report.version, inputs=complete(report))
    assert ProgressReport.objects.get(pk=report.pk).state == "draft"


# Closing stops submissions and corrections; the review of what was submitted goes on, so that a
# report submitted before the deadline (or late) is still approved or returned (workflow.approve).


def submitted_kanagawa(users, period) -> ProgressReport:
    report = workflow.report_of(period, Region.objects.get(code="14"))
    values = {entry.indicator_id: workflow.EntryInput(value=Decimal(2)) for entry in report.entries.all()}
    return workflow.submit(
        users["demo-pref-14"], report, version=report.version, inputs=complete(report, values)
    )


def test_the_closing_message_says_what_closing_means(client, users, period):
    response = login(client, users, "demo-jpo").post(
        reverse("reports:period_lock", args=[period.pk]), {"locked": "1"}, follow=True
    )
    page = response.content.decode()
    assert "以後は提出・修正できません" in page
    assert "提出済みの報告の承認・差戻しは引き続きできます" in page


def test_a_report_submitted_before_closing_is_approved_after_it_and_published(client, users, period):
    report = submitted_kanagawa(users, period)
    workflow.set_period_locked(users["demo-jpo"], period, True)

    response = login(client, users, "demo-bureau-kanto").post(
        "/progress/14/2022/h1/review/", {"action": "approve", "version": str(report.version)}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "approved"
    published = Actual.objects.filter(indicator__kpi__region__code="14", period="h1", year=2022)
    assert set(published.values_list("value", flat=True)) == {Decimal(2)}


def test_a_report_returned_after_closing_cannot_be_corrected_until_the_period_reopens(client, users, period):
    report = submitted_kanagawa(users, period)
    workflow.set_period_locked(users["demo-jpo"], period, True)
    workflow.return_report(users["demo-bureau-kanto"], report, version=report.version, comment="数値の確認を")

    with pytest.raises(workflow.WorkflowError, match="受付を終了"):
        workflow.save_draft(users["demo-pref-14"], report, version=report.version, inputs={})
    report.refresh_from_db()

    workflow.set_period_locked(users["demo-jpo"], period, False)
    workflow.submit(users["demo-pref-14"], report, version=report.version, inputs=complete(report))
    assert ProgressReport.objects.get(pk=report.pk).state == "submitted"


@pytest.mark.parametrize("value", ["", "yes", "2"])
def test_a_bad_lock_value_changes_nothing(client, users, period, value):
    response = login(client, users, "demo-jpo").post(
        reverse("reports:period_lock", args=[period.pk]), {"locked": value}
    )
    assert response.status_code == 400
    assert "指定が正しくありません" in response.content.decode()
    period.refresh_from_db()
    assert not period.is_locked


@pytest.mark.parametrize("username", ["demo-bureau-kanto", "demo-pref-14", "demo-viewer"])
def test_only_central_staff_close_a_period(client, users, period, username):
    response = login(client, users, username).post(
        reverse("reports:period_lock", args=[period.pk]), {"locked": "1"}
    )
    assert response.status_code == 403
    period.refresh_from_db()
    assert not period.is_locked


def test_closing_is_post_only_and_an_unknown_period_is_404(client, users, period):
    login(client, users, "demo-jpo")
    assert client.get(reverse("reports:period_lock", args=[period.pk])).status_code == 405
    assert (
        client.post(reverse("reports:period_lock", args=[period.pk + 1000]), {"locked": "1"}).status_code
        == 404
    )


# --- deadlines in the past, and moving a deadline ----------------------------------------------------


def test_opening_a_period_with_a_past_deadline_asks_for_confirmation_and_keeps_the_form(client, users):
    client.force_login(users["demo-jpo"])
    posted = {
        "plan": Plan.objects.get(number=2).pk,
        "fiscal_year": "2022",
        "half": "h2",
        "deadline": "2020-01-01",
    }
    refused = client.post("/progress/periods/", posted)
    html = refused.content.decode()
    assert refused.status_code == 400
    assert (
        "提出期限 2020年1月1日（令和2年1月1日） が今日より前の日付です" in html
        and 'value="2020-01-01"' in html
    )
    assert not ReportingPeriod.objects.filter(fiscal_year=2022, half="h2").exists()
    confirmed = client.post("/progress/periods/", posted | {"confirm_past": "on"})
    assert confirmed.status_code == 302
    assert ReportingPeriod.objects.get(fiscal_year=2022, half="h2").deadline == datetime.date(2020, 1, 1)


def test_central_staff_move_a_deadline_with_a_reason_and_the_history_keeps_both(client, users, period):
    client.force_login(users["demo-jpo"])
    url = f"/progress/periods/{period.pk}/deadline/"
    new = period.deadline + datetime.timedelta(days=7)
    seen = period.deadline.isoformat()
    without_reason = client.post(url, {"seen": seen, "deadline": new.isoformat(), "reason": ""})
    assert (
        without_reason.status_code == 400
        and "変更の理由を入力してください" in without_reason.content.decode()
    )
    moved = client.post(url, {"seen": seen, "deadline": new.isoformat(), "reason": "システム停止のため延長"})
    assert moved.status_code == 302
    period.refresh_from_db()
    assert period.deadline == new
    record = period.history.order_by("-history_date").first()
    assert (
        record.history_user == users["demo-jpo"] and "システム停止のため延長" in record.history_change_reason
    )
    page = client.get(url).content.decode()
    assert f"{new:%Y年%-m月%-d日}" in page and "システム停止のため延長" in page


def test_a_deadline_moved_meanwhile_is_not_overwritten(client, users, period):
    client.force_login(users["demo-jpo"])
    url = f"/progress/periods/{period.pk}/deadline/"
    seen = period.deadline
    workflow.change_deadline(
        users["demo-admin"],
        period,
        seen=seen,
        deadline=seen + datetime.timedelta(days=1),
        reason="先の変更",
        today=seen,
    )
    stale = client.post(
        url,
        {
            "seen": seen.isoformat(),
            "deadline": (seen + datetime.timedelta(days=9)).isoformat(),
            "reason": "後の変更",
        },
    )
    assert stale.status_code == 409
    period.refresh_from_db()
    assert period.deadline == seen + datetime.timedelta(days=1)
    assert "後の変更" in stale.content.decode()  # what was typed is kept


def test_only_central_staff_move_a_deadline(users, period):
    with pytest.raises(PermissionDenied):
        workflow.change_deadline(
            users["demo-bureau-kanto"],
            period,
            seen=period.deadline,
            deadline=period.deadline,
            reason="x",
            today=period.deadline,
        )
