"""A liaison meeting's decision items (決定事項・宿題): who adds, reads and answers them, their states, the
carry-over into the owner region's next half-year report, overdue items on the home page and the review
queue, optimistic locking, escaping, and the queries of the pages that show them."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.meetings import decisions
from reports.meetings import rules as meetings
from reports.models import DecisionItem, LiaisonMeeting
from reports.progress.demo import open_demo_period

KANAGAWA_REPORT = "/progress/14/2022/h1/"
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"


@pytest.fixture
def users(db):
    create_demo_users()
    return {u.username: u for u in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def meeting(users):
    kanto = Block.objects.get(code="kanto")
    held = LiaisonMeeting(
        block=kanto, fiscal_year=2022, title="関東地域連絡会議", held_on=datetime.date(2022, 7, 15)
    )
    return meetings.create_meeting(users["demo-bureau-kanto"], held, timezone.localdate())


def add_item(
    user, meeting, *, region="14", due=None, content="セミナー参加者の集計方法を見直す"
) -> DecisionItem:
    item = DecisionItem(
        meeting=meeting,
        content=content,
        owner=DecisionItem.Owner.REGION if region else DecisionItem.Owner.BUREAU,
        region=Region.objects.get(code=region) if region else None,
        due_on=due or timezone.localdate() + datetime.timedelta(days=30),
    )
    return decisions.create_item(user, item)


def item_post(**changes) -> dict:
    data = {
        "content": "支援事例を1件ずつ持ち寄る",
        "owner": "region",
        "region": str(Region.objects.get(code="14").pk),
        "due_on": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "kpi": "",
        "state": "not_started",
        "response": "",
    }
    return data | changes


def login(client, users, name):
    client.force_login(users[name])
    return client


# --- who may add, read and answer --------------------------------------------------------------------


def test_the_bureau_adds_an_item_from_the_meeting_page_and_everyone_of_the_block_reads_it(
    client, users, meeting
):
    bureau = login(client, users, "demo-bureau-kanto")
    assert (
        f'href="/meetings/{meeting.pk}/items/new/"' in bureau.get(f"/meetings/{meeting.pk}/").content.decode()
    )
    response = bureau.post(f"/meetings/{meeting.pk}/items/new/", item_post())
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    item = DecisionItem.objects.get()
    assert (
        item.region.code == "14"
        and item.state == "not_started"
        and item.created_by == users["demo-bureau-kanto"]
    )
    assert item.history.get().history_change_reason == decisions.CREATED

    saitama = login(client, users, "demo-pref-11")  # same block, another region: reads, may not change
    page = saitama.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "支援事例を1件ずつ持ち寄る" in page and "/items/new/" not in page
    assert saitama.post(f"/meetings/{meeting.pk}/items/new/", item_post()).status_code == 403
    assert saitama.get(f"/meetings/items/{item.pk}/answer/").status_code == 403
    aomori = login(client, users, "demo-pref-02")  # another block: the item does not exist for it
    assert aomori.get(f"/meetings/items/{item.pk}/answer/").status_code == 404
    assert aomori.get(f"/meetings/items/{item.pk}/edit/").status_code == 404


def test_a_region_item_needs_a_region_of_the_block_and_a_bureau_item_none(client, users, meeting):
    bureau = login(client, users, "demo-bureau-kanto")
    aomori = Region.objects.get(code="02")
    for data, message in (
        (item_post(region=""), "担当の地域を選んでください"),
        (item_post(region=str(aomori.pk)), "正しく選択してください"),
        (item_post(owner="bureau"), "担当が「地域（都道府県）」の場合だけ"),
        (item_post(due_on="2022/10/31"), "YYYY-MM-DD"),
    ):
        response = bureau.post(f"/meetings/{meeting.pk}/items/new/", data)
        assert response.status_code == 400 and message in response.content.decode()
        assert "支援事例を1件ずつ持ち寄る" in response.content.decode()  # nothing typed is lost
    assert not DecisionItem.objects.exists()
    assert (
        bureau.post(f"/meetings/{meeting.pk}/items/new/", item_post(owner="central", region="")).status_code
        == 302
    )


def test_the_owner_region_answers_and_done_closes_the_item(users, meeting):
    item = add_item(users["demo-bureau-kanto"], meeting)
    assert meetings.may_answer_item(users["demo-pref-14"], item)
    assert not meetings.may_answer_item(users["demo-pref-11"], item)
    assert meetings.may_answer_item(users["demo-jpo"], item) and meetings.may_change_items_of(
        users["demo-jpo"], meeting
    )
    assert not meetings.may_change_items_of(users["demo-pref-14"], meeting)

    decisions.answer_item(
        users["demo-pref-14"], item, version=1, state="in_progress", response="集計表を作成中"
    )
    assert item.closed_at is None and item.version == 2
    decisions.answer_item(users["demo-pref-14"], item, version=2, state="done", response="集計方法を統一した")
    item.refresh_from_db()
    assert item.state == "done" and item.closed_at is not None and item.updated_by == users["demo-pref-14"]
    assert [r.history_change_reason for r in item.history.order_by("history_date")] == [
        decisions.CREATED,
        decisions.ANSWERED,
        decisions.ANSWERED,
    ]
    # reopened by the bureau: no longer closed
    item.state = "in_progress"
    decisions.update_item(users["demo-bureau-kanto"], item, version=3)
    item.refresh_from_db()
    assert item.closed_at is None and item.version == 4


def test_overdue_means_past_due_and_not_done(users, meeting):
    today = timezone.localdate()
    late = add_item(users["demo-bureau-kanto"], meeting, due=today - datetime.timedelta(days=1))
    add_item(users["demo-bureau-kanto"], meeting, due=today, content="今日が期限")
    done = add_item(users["demo-bureau-kanto"], meeting, due=today - datetime.timedelta(days=3), content="済")
    decisions.answer_item(users["demo-pref-14"], done, version=1, state="done", response="")
    assert meetings.is_overdue(late, today) and not meetings.is_overdue(done, today)
    for name in ("demo-bureau-kanto", "demo-jpo", "demo-pref-14"):
        assert decisions.overdue_items(users[name], today) == [late], name
    assert decisions.overdue_items(users["demo-pref-11"], today) == []  # not Saitama's
    assert decisions.overdue_items(users["demo-viewer"], today) == []


def test_overdue_items_show_on_the_home_page_and_the_review_queue(client, users, meeting):
    add_item(users["demo-bureau-kanto"], meeting, due=timezone.localdate() - datetime.timedelta(days=2))
    for name, urls in (
        ("demo-bureau-kanto", ("/", "/progress/")),
        ("demo-jpo", ("/", "/progress/")),
        ("demo-pref-14", ("/",)),
    ):
        login(client, users, name)
        for url in urls:
            html = client.get(url).content.decode()
            assert "期限を過ぎた決定事項・宿題" in html and "セミナー参加者の集計方法を見直す" in html, (
                name,
                url,
            )
    login(client, users, "demo-pref-11")
    assert "期限を過ぎた決定事項・宿題" not in client.get("/").content.decode()


# --- carried into the next half-year report ------------------------------------------------------------


def test_the_regions_open_items_come_back_on_its_next_report_and_are_answered_there(client, users, meeting):
    open_demo_period()
    item = add_item(users["demo-bureau-kanto"], meeting)
    officer = login(client, users, "demo-pref-14")
    page = officer.get(KANAGAWA_REPORT).content.decode()
    assert "セミナー参加者の集計方法を見直す" in page
    assert (
        f'action="/meetings/items/{item.pk}/answer/"' in page
        and 'name="next" value="/progress/14/2022/h1/"' in page
    )

    response = officer.post(
        f"/meetings/items/{item.pk}/answer/",
        {"version": "1", "state": "done", "response": "集計方法を統一した", "next": KANAGAWA_REPORT},
    )
    assert response.status_code == 302 and response["Location"] == KANAGAWA_REPORT
    item.refresh_from_db()
    assert item.state == "done" and item.response == "集計方法を統一した"
    # done: no longer carried
    assert "セミナー参加者の集計方法を見直す" not in officer.get(KANAGAWA_REPORT).content.decode()


def test_the_answer_goes_back_only_to_the_portals_own_pages(client, users, meeting):
    item = add_item(users["demo-bureau-kanto"], meeting)
    officer = login(client, users, "demo-pref-14")
    data = {"version": "1", "state": "in_progress", "response": "", "next": "https://example.com/"}
    response = officer.post(f"/meetings/items/{item.pk}/answer/", data)
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"


def test_a_stale_answer_is_refused_with_409_and_keeps_what_was_typed(client, users, meeting):
    item = add_item(users["demo-bureau-kanto"], meeting)
    decisions.answer_item(
        users["demo-bureau-kanto"], item, version=1, state="in_progress", response="局で確認中"
    )
    officer = login(client, users, "demo-pref-14")
    response = officer.post(
        f"/meetings/items/{item.pk}/answer/", {"version": "1", "state": "done", "response": "県で対応済み"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "画面を開いた後に更新されています" in html and "局で確認中" in html and "県で対応済み" in html
    assert 'name="version" value="2"' in html
    item.refresh_from_db()
    assert item.state == "in_progress" and item.response == "局で確認中"


def test_a_stale_edit_of_an_item_is_refused_with_409(client, users, meeting):
    item = add_item(users["demo-bureau-kanto"], meeting)
    decisions.answer_item(users["demo-pref-14"], item, version=1, state="in_progress", response="着手")
    bureau = login(client, users, "demo-bureau-kanto")
    response = bureau.post(f"/meetings/items/{item.pk}/edit/", item_post(content="書き換え", version="1"))
    assert response.status_code == 409 and "書き換え" in response.content.decode()
    item.refresh_from_db()
    assert item.content == "セミナー参加者の集計方法を見直す"


def test_item_texts_are_shown_escaped_everywhere(client, users, meeting):
    open_demo_period()
    item = add_item(users["demo-bureau-kanto"], meeting, content=PAYLOAD, due=datetime.date(2022, 8, 1))
    decisions.answer_item(users["demo-pref-14"], item, version=1, state="in_progress", response=PAYLOAD)
    for name, urls in (
        ("demo-pref-14", ("/", KANAGAWA_REPORT, f"/meetings/items/{item.pk}/answer/")),
        ("demo-bureau-kanto", (f"/meetings/{meeting.pk}/", f"/meetings/items/{item.pk}/edit/", "/progress/")),
    ):
        login(client, users, name)
        for url in urls:
            html = client.get(url).content.decode()
            assert PAYLOAD not in html and "<img src=x" not in html, url
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_pages_read_the_items_in_a_fixed_number_of_queries(client, users, meeting):
    open_demo_period()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    add_item(users["demo-bureau-kanto"], meeting, due=yesterday)
    pages = {
        "demo-pref-14": (KANAGAWA_REPORT, "/"),
        "demo-bureau-kanto": (f"/meetings/{meeting.pk}/", "/", "/progress/"),
    }
    counted = {}
    for name, urls in pages.items():
        login(client, users, name).get("/")
        counted |= {(name, url): queries(client, url) for url in urls}
    for index in range(4):
        add_item(users["demo-bureau-kanto"], meeting, due=yesterday, content=f"宿題{index}")
    for name, urls in pages.items():
        login(client, users, name).get("/")
        for url in urls:
            assert queries(client, url) == counted[name, url], (name, url)
