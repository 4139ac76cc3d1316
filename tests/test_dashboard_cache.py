"""Dashboards are cached for everyone, but each user gets their own header, and a committed change to
the data is on the next page view."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, transaction
from submitting import complete

from kpis.models import Actual
from regions.demo import create_demo_users
from regions.models import Block, Region
from reports.dashboards.caching import data_version
from reports.dashboards.versions import DataVersion, ensure_versions

URL = "/dashboard/2/"


@pytest.fixture
def users(db):
    create_demo_users()
    names = ("demo-viewer", "demo-jpo", "demo-admin", "demo-pref-14")
    return {name: User.objects.get(username=name) for name in names}


def page_as(client, user, url=URL) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def csrf_token_in(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_page_cached_for_one_user_shows_the_next_user_their_own_header(
    client, users, django_assert_max_num_queries
):
    # Central staff and administrators may see the same submitted reports: they share the page.
    first = page_as(client, users["demo-jpo"])
    client.logout()
    client.force_login(users["demo-admin"])
    with django_assert_max_num_queries(12):  # served from the cache (the full page takes ~25)
        second = client.get(URL).content.decode()
    assert "<span>demo-jpo<" in first and "<span>demo-admin<" not in first
    assert "<span>demo-admin<" in second and "<span>demo-jpo<" not in second
    # the role's menu is part of the header, never shared
    assert "（中央（特許庁・INPIT））" in first and "（システム管理者）" in second
    assert csrf_token_in(first) != csrf_token_in(second)
    assert "<!--portal:" not in second


def test_a_page_served_from_the_cache_is_the_page_computed_with_the_users_header(client, users):
    # kept as its shared parts, encoded once: read back, they are joined with the header as they are
    for url in (URL, "/dashboard/2/blocks/kanto/", "/dashboard/2/regions/14/"):
        client.force_login(users["demo-jpo"])
        computed = client.get(url).content.decode()
        served = client.get(url).content.decode()
        token = csrf_token_in(computed)
        assert served.replace(csrf_token_in(served), token) == computed
        assert "<span>demo-jpo<" in served and "<!--portal:" not in served


def test_users_who_may_see_different_submitted_reports_never_share_a_page(client, users):
    viewer = page_as(client, users["demo-viewer"])
    officer = page_as(client, users["demo-pref-14"])
    # the 速報 option is for those who may see some submitted reports; a viewer never gets it
    assert 'name="preliminary"' not in viewer
    assert 'name="preliminary"' in officer
    assert 'href="/admin/"' not in viewer


def test_a_committed_change_to_a_figure_shows_on_the_next_view(
    client, users, django_capture_on_commit_callbacks
):
    before = page_as(client, users["demo-viewer"], URL + "?_export=csv&table=central")
    assert "267,107" in before.replace('"', "")  # 003 I-2(2)①1)i): 267社 (107%)
    page_as(client, users["demo-viewer"])  # cached now
    actual = Actual.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C01", year=2020)
    with django_capture_on_commit_callbacks(execute=True):
        actual.value = 300
        actual.save()
    page = page_as(client, users["demo-viewer"])
    assert ">300<" in page and "120%" in page  # 300 ÷ 250


def test_a_rolled_back_change_leaves_the_version_and_the_cached_page(client, users):
    page_as(client, users["demo-viewer"])
    before = data_version()
    actual = Actual.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C01", year=2020)
    with pytest.raises(RuntimeError), transaction.atomic():
        actual.value = 300
        actual.save()
        assert data_version() == before + 1  # raised inside the writer's transaction...
        raise RuntimeError
    assert data_version() == before  # ...and undone with it
    assert ">267<" in page_as(client, users["demo-viewer"])


def test_exports_are_computed_every_time_not_served_from_the_page_cache(client, users):
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["demo-viewer"])
    client.get(URL)
    client.get(URL + "?_export=csv&table=central")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL + "?_export=csv&table=central")
    assert response["Content-Type"].startswith("text/csv")
    assert any('"kpis_actual"' in q["sql"] for q in queries.captured_queries)
    assert not any(
        '"portal_cache"' in q["sql"] and "dashboard:" in q["sql"] for q in queries.captured_queries
    )


def test_many_changes_in_one_transaction_bump_the_version_once(db, django_capture_on_commit_callbacks):
    before = data_version()
    actuals = Actual.objects.filter(indicator__kpi__plan__number=2, indicator__kpi__code__startswith="C")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for actual in actuals:
            actual.save()
    assert actuals.count() > 10
    assert len(callbacks) == 1
    assert data_version() == before + 1


def test_a_draft_leaves_the_dashboards_cached_and_a_submission_refreshes_them(
    users, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from regions.models import Region
    from reports.dashboards import caching
    from reports.progress.demo import open_demo_period
    from reports.progress.workflow import EntryInput, report_of, save_draft, submit

    report = report_of(open_demo_period(), Region.objects.get(code="14"))
    seminars = report.entries.first().indicator_id
    officer = users["demo-pref-14"]
    before = (caching.data_version(), caching.submissions_version())
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(officer, report, version=report.version, inputs={seminars: EntryInput(value=Decimal(2))})
    # drafts are seen by nobody on a dashboard: every cached page stays valid
    assert (caching.data_version(), caching.submissions_version()) == before
    with django_capture_on_commit_callbacks(execute=True):
        submit(officer, report, version=report.version, inputs=complete(report))
    # a submitted report is 速報 for those who ask for it: only those pages are recomputed, the
    # approved pages every viewer reads stay cached
    assert (caching.data_version(), caching.submissions_version()) == (before[0], before[1] + 1)


# --- the versions cannot go back ------------------------------------------------------------------
# The database cache culls a third of its rows in key order once it holds MAX_ENTRIES
# (settings.CACHES): anything kept there can vanish. The versions are kept in a table of their own.


def cached_keys(prefix: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_cache WHERE cache_key LIKE %s", [f":1:{prefix}%"])
        return cursor.fetchone()[0]


def test_a_cache_filled_past_its_limit_never_serves_an_old_page(client, users):
    assert ">267<" in page_as(client, users["demo-viewer"])  # cached under the first version
    actual = Actual.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C01", year=2020)
    actual.value = 300
    actual.save()
    version = data_version()
    assert ">300<" in page_as(client, users["demo-viewer"])

    limit = settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    cache.set_many({f"filler-{number:05d}": number for number in range(limit + 200)})

    assert cached_keys("filler-") < limit + 200  # the cache did cull
    assert data_version() == version
    page = page_as(client, users["demo-viewer"])
    assert ">300<" in page and ">267<" not in page


def test_versions_made_again_never_match_a_page_cached_before(client, users):
    DataVersion.objects.update(number=1)
    page_as(client, users["demo-viewer"])  # cached under version 1
    actual = Actual.objects.get(indicator__kpi__plan__number=2, indicator__kpi__code="C01", year=2020)
    Actual.objects.filter(pk=actual.pk).update(value=300)  # no signal: the version stays
    assert ">267<" in page_as(client, users["demo-viewer"])  # the cached page, as expected

    DataVersion.objects.all().delete()  # as an emptied database would
    ensure_versions()  # made again by post_migrate, numbered 1 like the rows before

    assert data_version() == 1
    assert ">300<" in page_as(client, users["demo-viewer"])  # a new generation: recomputed


def test_without_its_version_row_a_page_is_computed_and_not_kept(client, users):
    DataVersion.objects.all().delete()
    before = cached_keys("dashboard:")
    assert ">267<" in page_as(client, users["demo-viewer"])
    assert cached_keys("dashboard:") == before


# --- the URL's objects ----------------------------------------------------------------------------
# The national, block and region pages look in the cache before reading their plan, block or region.


def test_an_unknown_plan_block_or_region_is_a_404_while_known_ones_are_cached(client, users):
    client.force_login(users["demo-viewer"])
    for url in (URL, "/dashboard/2/blocks/kanto/", "/dashboard/2/regions/14/"):
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200  # from the cache
    for url in ("/dashboard/99/", "/dashboard/99/blocks/kanto/", "/dashboard/2/blocks/nowhere/"):
        assert client.get(url).status_code == 404
    assert client.get("/dashboard/99/regions/14/").status_code == 404
    assert client.get("/dashboard/2/regions/99/").status_code == 404


def test_a_region_removed_after_its_page_was_cached_is_a_404(client, users):
    # made without a signal: the test is one transaction, which raises the version once
    [region] = Region.objects.bulk_create(
        [
            Region(
                code="98",
                name_ja="試験県",
                short_name_ja="試験",
                name_en="Test",
                block=Block.objects.get(code="kanto"),
            )
        ]
    )
    client.force_login(users["demo-viewer"])
    assert "試験県" in client.get("/dashboard/2/regions/98/").content.decode()  # cached now
    region.delete()  # raises the data version, as any change to a region does
    assert client.get("/dashboard/2/regions/98/").status_code == 404
