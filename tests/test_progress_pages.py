"""The half-year progress pages through the test client, with the demo users."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.db import transaction
from django.utils import timezone
from signed_in import login
from submitting import completed_form

from kpis.models import Actual
from regions.models import Region
from reports.models import ProgressReport
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

State = ProgressReport.State
KANAGAWA = "/progress/14/2022/h1/"
REVIEW = KANAGAWA + "review/"
REOPEN = KANAGAWA + "reopen/"
BLOCK_DASHBOARD = "/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1"


def kanagawa_report() -> ProgressReport:
    """Kanagawa's report as its first save stores it (opening the page stores nothing)."""
    return workflow.report_of(open_demo_period(), Region.objects.get(code="14"))


def indicator_ids(report) -> list[int]:
    return list(
        report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
            "indicator_id", flat=True
        )
    )


def form(report, values: dict[int, str], action: str, **texts) -> dict:
    data = {"action": action, "version": str(report.version), "confirmed": "1"}
    for indicator_id, value in values.items():
        data[f"value-{indicator_id}"] = value
        for name in workflow.TEXT_FIELDS:
            data[f"{name}-{indicator_id}"] = texts.get(name, "")
    return completed_form(report, data) if action == "submit" else data


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def dashboard_cells(client, indicator_id: int) -> list[list[str]]:
    """The cells of each dashboard row that links to the indicator."""
    html = client.get(BLOCK_DASHBOARD).content.decode()
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        if f'href="/kpis/{indicator_id}/"' in row:
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def earlier_requests_committed() -> None:
    """Each request is its own committed transaction in production. Here every request runs inside
    the test's transaction, which never commits, so the dashboard version bumps registered by earlier
    requests are still pending, and reports.caching registers no second one while one is pending.
    Run and drop them, as the commits of those requests would have."""
    connection = transaction.get_connection()
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()


def snapshot(report) -> tuple:
    report.refresh_from_db()
    entries = tuple(
        report.entries.order_by("pk").values_list("value", "activities", "outcomes", "next_steps")
    )
    return report.state, report.version, report.return_comment, report.reopen_reason, entries


# --- the scenario ---------------------------------------------------------------------------


def test_officer_submits_bureau_returns_officer_fixes_bureau_approves_dashboard_shows_it(
    client, period, django_capture_on_commit_callbacks
):
    # the officer opens Kanagawa's report: a line per indicator, nothing stored before the first save
    officer = login(client, "demo-pref-14")
    page = officer.get(KANAGAWA)
    assert page.status_code == 200
    assert not ProgressReport.objects.filter(region__code="14").exists()
    report = kanagawa_report()
    first, second = indicator_ids(report)
    html = page.content.decode()
    assert "実務・経営セミナーの開催回数" in html and "連絡調整会議の開催回数" in html
    assert f'name="value-{first}"' in html and f'name="next_steps-{second}"' in html
    assert 'value="save"' in html and 'value="submit"' in html
    assert "5回（2022年度）" in html  # the target in force

    response = officer.post(
        KANAGAWA, form(report, {first: "２", second: "1"}, "submit", activities="セミナーを開催した。")
    )
    assert response.status_code == 302 and response["Location"] == KANAGAWA
    assert any("提出しました" in text for text in message_texts(response))
    report.refresh_from_db()
    assert report.state == State.SUBMITTED and report.first_submitted_at is not None
    assert report.entries.get(indicator_id=first).value == Decimal(2)
    readonly = officer.get(KANAGAWA).content.decode()
    assert 'value="save"' not in readonly and "<textarea" not in readonly
    assert "セミナーを開催した。" in readonly

    # the bureau finds it waiting and returns it
    bureau = login(client, "demo-bureau-kanto")
    index = bureau.get("/progress/").content.decode()
    waiting = index.split('id="waiting"')[1].split('id="others"')[0]
    assert "神奈川県" in waiting and KANAGAWA in waiting
    review_page = bureau.get(KANAGAWA).content.decode()
    assert 'action="/progress/14/2022/h1/review/"' in review_page and 'value="approve"' in review_page
    response = bureau.post(
        REVIEW,
        {"action": "return", "version": str(report.version), "comment": "開催日を取組内容に書いてください。"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.RETURNED

    # the officer sees the comment, fixes and resubmits
    officer = login(client, "demo-pref-14")
    page = officer.get(KANAGAWA).content.decode()
    assert "差戻しコメント" in page and "開催日を取組内容に書いてください。" in page
    response = officer.post(
        KANAGAWA, form(report, {first: "12", second: "1"}, "submit", activities="6月10日、9月5日に開催した。")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED

    # before approval nobody reading the dashboard sees the value (and the page is cached now)
    earlier_requests_committed()
    viewer = login(client, "demo-viewer")
    assert all("12" not in cells for cells in dashboard_cells(viewer, first))

    # the bureau approves; the dashboard cache is invalidated after the commit
    bureau = login(client, "demo-bureau-kanto")
    with django_capture_on_commit_callbacks(execute=True):
        response = bureau.post(REVIEW, {"action": "approve", "version": str(report.version), "comment": ""})
    assert response.status_code == 302
    assert any("承認しました" in text for text in message_texts(response))
    report.refresh_from_db()
    assert report.state == State.APPROVED
    assert Actual.objects.get(indicator_id=first, period="h1", year=2022).value == Decimal(12)

    viewer = login(client, "demo-viewer")
    rows = dashboard_cells(viewer, first)
    assert rows and any("12" in cells for cells in rows)
    # the indicator's change history shows the published figure, who approved it and why
    indicator_page = viewer.get(f"/kpis/{first}/")
    assert indicator_page.status_code == 200
    changes = indicator_page.content.decode().split("変更履歴")[-1]
    assert "承認（神奈川県 2022年度 上期）" in changes
    assert "関東経済産業局 知的財産室" in changes

    # the history at the bottom of the page tells the story
    page = login(client, "demo-pref-14").get(KANAGAWA).content.decode()
    history = page.split('id="history-heading"')[1]
    for step in ("提出", "差戻し: 開催日を取組内容に書いてください。", "承認"):
        assert step in history
    assert "関東経済産業局 知的財産室" in history


@pytest.mark.parametrize("outsider", ["demo-pref-11", "demo-pref-02", "demo-viewer"])
def test_outsiders_get_404_and_change_nothing(client, period, outsider):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = kanagawa_report()
    first, second = indicator_ids(report)
    officer.post(KANAGAWA, form(report, {first: "2", second: "1"}, "submit"))
    before = snapshot(report)
    assert before[0] == State.SUBMITTED

    other = login(client, outsider)
    assert other.get(KANAGAWA).status_code == 404
    # review and reopen take POST only: a GET is refused before anything is looked up
    for url in (REVIEW, REOPEN):
        assert other.get(url).status_code == 405, url
    assert other.post(KANAGAWA, form(report, {first: "99", second: "99"}, "save")).status_code == 404
    assert other.post(REVIEW, {"action": "approve", "version": str(report.version)}).status_code == 404
    assert (
        other.post(REVIEW, {"action": "return", "version": str(report.version), "comment": "x"}).status_code
        == 404
    )
    assert other.post(REOPEN, {"version": str(report.version), "reason": "x"}).status_code == 404
    assert snapshot(report) == before
    assert not Actual.objects.filter(indicator_id=first, period="h1", year=2022).exists()


def test_outsider_does_not_create_a_report_by_opening_it(client, period):
    assert login(client, "demo-pref-11").get(KANAGAWA).status_code == 404
    assert not ProgressReport.objects.filter(region__code="14").exists()


def test_anonymous_is_sent_to_login(client, period):
    for url in ("/progress/", KANAGAWA, REVIEW, REOPEN):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
        response = client.post(url, {"action": "submit", "version": "1"})
        assert response.status_code == 302 and "login" in response["Location"], url
    assert not ProgressReport.objects.exists()


def test_unknown_region_or_period_is_404(client, period):
    central = login(client, "demo-jpo")
    assert central.get("/progress/99/2022/h1/").status_code == 404
    assert central.get("/progress/14/2022/h2/").status_code == 404  # no such period opened
    assert central.get("/progress/14/2019/h1/").status_code == 404
    assert central.get("/progress/14/2022/h3/").status_code == 404


# --- the list ---------------------------------------------------------------------------------------


def test_index_for_an_officer_lists_their_region_only(client, period):
    page = login(client, "demo-pref-14").get("/progress/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "神奈川県" in html and KANAGAWA in html
    assert "未着手" in html
    assert "/progress/11/" not in html


def test_index_for_the_bureau_lists_the_block_with_waiting_reports_first(client, period):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = kanagawa_report()
    officer.post(KANAGAWA, form(report, {indicator_ids(report)[0]: "1"}, "submit"))
    html = login(client, "demo-bureau-kanto").get("/progress/").content.decode()
    assert html.index('id="waiting"') < html.index(KANAGAWA) < html.index('id="others"')
    others = html.split('id="others"')[1]
    assert "/progress/11/2022/h1/" in others  # 埼玉県, same block, not started
    assert "/progress/02/" not in html  # 青森県 is in another block


def test_index_for_central_counts_reports_per_state(client, period):
    kanagawa_report()  # stored by a first save
    html = login(client, "demo-jpo").get("/progress/").content.decode()
    assert "状態ごとの報告数" in html
    counts = html.split("状態ごとの報告数")[1].split("</table>")[0]
    cells = re.findall(r'<td class="number">(\d+)</td>', counts)
    regions = Region.objects.filter(kpis__plan__number=2, kpis__level="regional").distinct().count()
    assert [int(n) for n in cells] == [regions - 1, 1, 0, 0, 0]
    assert "/progress/02/2022/h1/" in html


@pytest.mark.parametrize("username", ["demo-viewer", "nobody"])
def test_index_is_forbidden_without_a_workflow_role(client, period, username):
    if username == "nobody":
        User.objects.create(username="nobody")
    response = login(client, username).get("/progress/")
    assert response.status_code == 403
    assert "担当者" in response.content.decode()


# --- review and reopen ------------------------------------------------------------------------------


def submitted_by_officer(client) -> ProgressReport:
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = kanagawa_report()
    first, second = indicator_ids(report)
    officer.post(KANAGAWA, form(report, {first: "3", second: "1"}, "submit"))
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    return report


def test_review_and_reopen_only_accept_post_and_the_list_only_get(client, period):
    submitted_by_officer(client)
    assert login(client, "demo-bureau-kanto").get(REVIEW).status_code == 405
    assert login(client, "demo-jpo").get(REOPEN).status_code == 405
    assert login(client, "demo-jpo").post("/progress/").status_code == 405


def test_officer_may_not_approve_their_own_report(client, period):
    report = submitted_by_officer(client)
    before = snapshot(report)
    officer = login(client, "demo-pref-14")
    assert 'value="approve"' not in officer.get(KANAGAWA).content.decode()
    response = officer.post(REVIEW, {"action": "approve", "version": str(report.version)})
    assert response.status_code == 403
    assert snapshot(report) == before


def test_bureau_that_entered_on_behalf_sees_no_approve_button_and_is_refused(client, period):
    bureau = login(client, "demo-bureau-kanto")
    bureau.get(KANAGAWA)
    report = kanagawa_report()
    first, second = indicator_ids(report)
    assert bureau.post(KANAGAWA, form(report, {first: "4", second: "1"}, "submit")).status_code == 302
    report.refresh_from_db()
    page = bureau.get(KANAGAWA).content.decode()
    assert "代理入力" in page
    assert 'value="approve"' not in page and 'value="return"' in page
    before = snapshot(report)
    response = bureau.post(REVIEW, {"action": "approve", "version": str(report.version)})
    assert response.status_code == 403
    assert "承認できません" in response.content.decode()
    assert snapshot(report) == before
    # central may approve it
    central = login(client, "demo-jpo")
    assert central.post(REVIEW, {"action": "approve", "version": str(report.version)}).status_code == 302
    assert Actual.objects.get(indicator_id=first, period="h1", year=2022).value == Decimal(4)


def test_central_reopens_an_approved_report_with_a_reason(client, period):
    report = submitted_by_officer(client)
    login(client, "demo-bureau-kanto").post(REVIEW, {"action": "approve", "version": str(report.version)})
    report.refresh_from_db()
    assert report.state == State.APPROVED

    bureau = login(client, "demo-bureau-kanto")
    assert 'action="/progress/14/2022/h1/reopen/"' not in bureau.get(KANAGAWA).content.decode()
    assert bureau.post(REOPEN, {"version": str(report.version), "reason": "訂正"}).status_code == 403

    central = login(client, "demo-jpo")
    assert 'action="/progress/14/2022/h1/reopen/"' in central.get(KANAGAWA).content.decode()
    before = snapshot(report)
    response = central.post(REOPEN, {"version": str(report.version), "reason": "  "})
    assert response.status_code == 400
    assert (
        'role="alert"' in response.content.decode()
        and "再開の理由を入力してください" in response.content.decode()
    )
    assert snapshot(report) == before

    response = central.post(REOPEN, {"version": str(report.version), "reason": "県から訂正の申し出"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.DRAFT and report.reopen_reason == "県から訂正の申し出"
    page = login(client, "demo-pref-14").get(KANAGAWA).content.decode()
    assert "県から訂正の申し出" in page and 'value="submit"' in page


# --- conflicts --------------------------------------------------------------------------------------


def test_a_save_over_someone_elses_change_shows_the_change_and_the_current_values(client, period):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = kanagawa_report()
    first, second = indicator_ids(report)
    officer_form = form(report, {first: "2", second: "1"}, "save", outcomes="県の入力")

    bureau = login(client, "demo-bureau-kanto")
    assert bureau.post(KANAGAWA, form(report, {first: "8", second: "1"}, "save")).status_code == 302
    before = snapshot(report)

    response = login(client, "demo-pref-14").post(KANAGAWA, officer_form)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'role="alert"' in html and "保存していません" in html
    changes = html.split('id="stale-heading"')[1].split("</table>")[0]
    assert "関東経済産業局 知的財産室" in changes and "今期の実績" in changes
    assert "8" in changes
    # the form shows the current value and the new version, with what was sent below it
    assert f'name="value-{first}" value="8"' in html
    assert f'name="version" value="{before[1]}"' in html
    assert "県の入力" in html.split('id="entries"')[1]
    assert snapshot(report) == before


# --- lateness ---------------------------------------------------------------------------------------


def test_late_reports_are_marked_on_the_list_and_the_page(client, period):
    period.deadline = timezone.localdate() - datetime.timedelta(days=3)
    period.save()
    officer = login(client, "demo-pref-14")
    assert "期限超過 3日（未提出）" in officer.get("/progress/").content.decode()

    officer.get(KANAGAWA)
    report = kanagawa_report()
    officer.post(KANAGAWA, form(report, {indicator_ids(report)[0]: "1"}, "submit"))
    page = officer.get(KANAGAWA).content.decode()
    status = page.split('id="status-heading"')[1].split("</section>")[0]
    assert "遅延 3日" in status and "提出日時" in status
    waiting = login(client, "demo-bureau-kanto").get("/progress/").content.decode().split('id="waiting"')[1]
    assert "遅延 3日" in waiting.split('id="others"')[0]


def test_a_report_submitted_on_time_has_no_late_mark(client, period):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    report = kanagawa_report()
    officer.post(KANAGAWA, form(report, {indicator_ids(report)[0]: "1"}, "submit"))
    page = officer.get(KANAGAWA).content.decode()
    assert "遅延" not in page and "期限超過" not in page


# --- what each line shows ---------------------------------------------------------------------------


def test_each_line_shows_the_target_in_force_and_every_earlier_actual(client, period):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)
    seminars = indicator_ids(kanagawa_report())[0]
    for when, year, value in [
        ("fy", 2019, 9),  # before the plan, still an earlier figure of the indicator
        ("fy", 2020, 4),
        ("h1", 2021, 2),
        ("h2", 2021, 3),
        ("fy", 2021, 5),
        ("h2", 2022, 7),  # after the half reported on
    ]:
        Actual.objects.create(indicator_id=seminars, period=when, year=year, value=value)
    page = officer.get(KANAGAWA).content.decode()
    facts = page.split(f'name="value-{seminars}"')[0].rsplit("<fieldset", 1)[1]
    assert "5回（2022年度）" in facts
    earlier = facts.split("これまでの実績")[1].split("</dd>")[0]
    assert "2020年度" in earlier and "4回" in earlier
    assert "上期：2回" in earlier and "下期：3回" in earlier and "5回" in earlier
    assert "2019年度（令和元年度）：9回" in earlier
    assert "7回" not in earlier


def test_the_first_save_stores_the_report_and_a_form_opened_before_it_is_told_what_changed(client, period):
    officer = login(client, "demo-pref-14")
    page = officer.get(KANAGAWA).content.decode()
    assert 'name="version" value="0"' in page and "まだ保存されていません" in page
    first = re.search(r'name="value-(\d+)"', page).group(1)
    saved = officer.post(KANAGAWA, {"action": "save", "version": "0", f"value-{first}": "3"})
    assert saved.status_code == 302
    report = ProgressReport.objects.get(region__code="14", period=period)
    assert report.entries.get(indicator_id=first).value == Decimal(3)
    # the bureau had opened the page before that save: its form, at version 0, is refused with the change
    bureau = login(client, "demo-bureau-kanto")
    stale = bureau.post(KANAGAWA, {"action": "save", "version": "0", f"value-{first}": "9"})
    assert stale.status_code == 409
    report.refresh_from_db()
    assert report.entries.get(indicator_id=first).value == Decimal(3)
