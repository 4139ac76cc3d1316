"""A meeting pack of a settled cut-off is built once and then served as kept (print and XLSX), with
each user's own header; whatever the pack shows from the current tables (the meeting, the block's
earlier meetings, the figures' data version) builds it again; an unsettled cut-off is never kept."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from plans.models import ReportedResult
from regions.demo import create_demo_users
from regions.models import Block
from reports.dashboards.caching import CACHE_ALIAS
from reports.meetings import decisions, kept, snapshots
from reports.meetings import rules as meetings
from reports.models import CaseStudy, DecisionItem, LiaisonMeeting

TITLE = "令和4年度 関東地域知財連絡会議"


@pytest.fixture
def users(db):
    create_demo_users()
    return {name: User.objects.get(username=name) for name in ("demo-bureau-kanto", "demo-pref-14")}


@pytest.fixture
def settled_at_once(monkeypatch):
    """A cut-off counts as settled at once (snapshots.SETTLED_AFTER waits ten minutes)."""
    monkeypatch.setattr(snapshots, "SETTLED_AFTER", datetime.timedelta(0))


@pytest.fixture
def meeting(users) -> LiaisonMeeting:
    meeting = LiaisonMeeting(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title=TITLE,
        held_on=datetime.date(2022, 7, 15),
    )
    return meetings.create_meeting(users["demo-bureau-kanto"], meeting, timezone.localdate())


def page(client, meeting) -> str:
    response = client.get(f"/meetings/{meeting.pk}/pack/")
    assert response.status_code == 200
    return response.content.decode()


def workbook_bytes(client, meeting) -> bytes:
    response = client.get(f"/meetings/{meeting.pk}/pack.xlsx")
    assert response.status_code == 200
    return response.content


def facts(content: bytes) -> dict:
    """The workbook's 会議 sheet: item → value."""
    sheet = openpyxl.load_workbook(io.BytesIO(content))["会議"]
    return dict(sheet.iter_rows(min_row=2, values_only=True))


def without_header(html: str) -> str:
    """The page without the user area (name, menu, log-out form with its per-request CSRF token)."""
    return re.sub(r'<header class="site-header">.*?</header>', "", html, flags=re.S)


def kept_entries() -> int:
    table = caches[CACHE_ALIAS]._table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]


# A kept pack: the request's own queries (session, user, its groups and affiliation, the savepoint
# around the view and its release), the meeting (who may read it), the key (the block's meetings, the
# data version), the cache read; the print page fills in the user's menu (the plans).
LATER_WORKBOOK = 10
LATER_PRINT = LATER_WORKBOOK + 1
# Built: the same (the cache read missing), the pack from the history with its snapshot kept
# (tests/test_meetings.py), then the cache's write (its count, a savepoint, the key's row, the insert,
# the release).
FIRST_WORKBOOK = 41
FIRST_PRINT = FIRST_WORKBOOK + 1


@pytest.mark.usefixtures("settled_at_once")
def test_a_later_open_answers_the_kept_print_page_with_fewer_queries(
    client, users, meeting, django_assert_num_queries
):
    client.force_login(users["demo-bureau-kanto"])
    with django_assert_num_queries(FIRST_PRINT):
        first = page(client, meeting)
    with django_assert_num_queries(LATER_PRINT):
        later = page(client, meeting)
    assert TITLE in later and without_header(later) == without_header(first)
    assert "<!--portal:" not in later


@pytest.mark.usefixtures("settled_at_once")
def test_a_later_open_answers_the_kept_workbook_with_fewer_queries(
    client, users, meeting, django_assert_num_queries
):
    client.force_login(users["demo-bureau-kanto"])
    with django_assert_num_queries(FIRST_WORKBOOK):
        first = workbook_bytes(client, meeting)
    with django_assert_num_queries(LATER_WORKBOOK):
        later = workbook_bytes(client, meeting)
    # the very bytes kept: a workbook built again carries another creation time
    assert later == first and facts(later)["会議名"] == TITLE


@pytest.mark.usefixtures("settled_at_once")
def test_two_users_of_the_block_each_see_their_own_header_on_the_kept_page(client, users, meeting):
    client.force_login(users["demo-bureau-kanto"])
    first = page(client, meeting)
    client.force_login(users["demo-pref-14"])
    second = page(client, meeting)
    assert "<span>demo-bureau-kanto<" in first and "<span>demo-pref-14<" not in first
    assert "<span>demo-pref-14<" in second and "<span>demo-bureau-kanto<" not in second
    assert without_header(second) == without_header(first)


@pytest.mark.usefixtures("settled_at_once")
def test_a_user_of_another_block_is_refused_before_the_kept_pack(client, users, meeting):
    client.force_login(users["demo-bureau-kanto"])
    page(client, meeting)
    workbook_bytes(client, meeting)
    client.force_login(User.objects.get(username="demo-pref-02"))  # 青森県 (東北)
    assert client.get(f"/meetings/{meeting.pk}/pack/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/pack.xlsx").status_code == 404
    client.force_login(User.objects.get(username="demo-viewer"))  # no block: no packs
    assert client.get(f"/meetings/{meeting.pk}/pack/").status_code == 404


@pytest.mark.usefixtures("settled_at_once")
def test_editing_the_meeting_builds_its_pack_again(client, users, meeting):
    client.force_login(users["demo-bureau-kanto"])
    page(client, meeting)
    workbook_bytes(client, meeting)
    data = {
        "block": str(meeting.block_id),
        "fiscal_year": "2022",
        "title": "第2回 関東地域知財連絡会議",
        "held_on": "2022-07-15",
        "as_of_day": timezone.localdate(meeting.as_of).isoformat(),
        "version": str(meeting.version),
    }
    assert client.post(f"/meetings/{meeting.pk}/edit/", data).status_code == 302
    assert "第2回 関東地域知財連絡会議" in page(client, meeting)
    assert facts(workbook_bytes(client, meeting))["会議名"] == "第2回 関東地域知財連絡会議"


@pytest.mark.usefixtures("settled_at_once")
def test_an_earlier_meeting_added_or_deleted_builds_the_pack_again(client, users, meeting):
    client.force_login(users["demo-bureau-kanto"])
    assert "前回会議の記録がないため" in page(client, meeting)
    assert facts(workbook_bytes(client, meeting))["前回会議"] == "なし"
    earlier = LiaisonMeeting.objects.create(
        block=meeting.block,
        fiscal_year=2022,
        title="準備会合",
        held_on=datetime.date(2022, 5, 20),
        as_of=meeting.as_of - datetime.timedelta(seconds=1),
    )
    assert "前回会議の記録がないため" not in page(client, meeting)
    assert facts(workbook_bytes(client, meeting))["前回会議"].startswith("準備会合")
    earlier.delete()
    assert "前回会議の記録がないため" in page(client, meeting)
    assert facts(workbook_bytes(client, meeting))["前回会議"] == "なし"


@pytest.mark.usefixtures("settled_at_once")
def test_a_change_to_the_figures_builds_the_pack_again(client, users, meeting):
    """The reported totals are read as they are now (the national line, 報告値 of 001)."""
    client.force_login(users["demo-bureau-kanto"])
    national = ReportedResult.objects.get(
        plan__number=2,
        scope=ReportedResult.Scope.REGIONAL_KPIS,
        fiscal_year=2022,
        area=ReportedResult.NATIONAL,
    )
    assert national.items_achieved == 90

    def national_line(content: bytes) -> tuple:
        rows = openpyxl.load_workbook(io.BytesIO(content))["全国比較"].iter_rows(values_only=True)
        return next(row for row in rows if row[0] == "全国")

    assert 90 in national_line(workbook_bytes(client, meeting))
    before = page(client, meeting)
    national.items_achieved = 91
    national.save()  # raises the figures' data version
    assert 91 in national_line(workbook_bytes(client, meeting))
    assert without_header(page(client, meeting)) != without_header(before)


def test_an_unsettled_cut_off_is_built_every_time_and_never_kept(
    client, users, meeting, django_assert_num_queries
):
    assert not snapshots.settled(meeting.as_of)  # cut now: a write under way may still add to it
    assert kept.pack_key(meeting, kept.PRINT) is None
    client.force_login(users["demo-bureau-kanto"])
    entries = kept_entries()
    page(client, meeting)
    workbook_bytes(client, meeting)
    assert kept_entries() == entries
    # a second open builds it again, reading and writing no cache at all
    counts = []
    for _open in range(2):
        with CaptureQueriesContext(connection) as queries:
            page(client, meeting)
        counts.append(len(queries.captured_queries))
        assert not [q for q in queries.captured_queries if "portal_cache" in q["sql"]]
    assert counts[0] == counts[1] > LATER_PRINT


@pytest.mark.usefixtures("settled_at_once")
def test_what_the_key_leaves_out_is_read_from_the_history_so_a_kept_pack_equals_a_new_build(
    client, users, meeting
):
    """Decision items and case studies changed after the cut-off change neither the key nor the pack:
    the kept page is what a build from scratch gives."""
    client.force_login(users["demo-bureau-kanto"])
    kept_page = page(client, meeting)
    key = kept.pack_key(meeting, kept.PRINT)
    decisions.create_item(
        users["demo-bureau-kanto"],
        DecisionItem(
            meeting=meeting, content="会議後に追加した宿題", owner="bureau", due_on=datetime.date(2022, 12, 1)
        ),
    )
    case = CaseStudy.objects.get(region__block=meeting.block, state=CaseStudy.State.PUBLISHED)
    shown_title = case.title
    case.title = "会議後に改めた題名"
    case.save()
    assert kept.pack_key(LiaisonMeeting.objects.get(pk=meeting.pk), kept.PRINT) == key
    caches[CACHE_ALIAS].clear()
    built = page(client, meeting)
    assert without_header(built) == without_header(kept_page)
    assert shown_title in built and "会議後に" not in built
