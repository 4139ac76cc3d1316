"""Each process keeps the dashboard pages it read or wrote last (reports/dashboards/caching.py): served
from there while the shared cache still holds their key, never once it let them go."""

import base64
import pickle

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regions.demo import create_demo_users
from reports.dashboards import caching

URL = "/dashboard/2/blocks/kanto/"
STAND_IN = (b"<html><body>", b"<p>shared-cache-copy</p>", b"</body></html>")


@pytest.fixture
def viewer_client(db, client):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-viewer"))
    return client


def page_keys() -> list[str]:
    """The dashboard pages in the shared cache (keys as the database cache stores them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM portal_cache WHERE cache_key LIKE %s", [":1:dashboard:%"])
        return [key for (key,) in cursor.fetchall()]


def stand_in_shared_copy(key: str) -> None:
    """The shared cache's copy of the page replaced behind the process's back (as no portal code ever
    does: a key is never written with other content), to tell which copy a view was served from."""
    value = base64.b64encode(pickle.dumps(STAND_IN)).decode("latin1")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_cache SET value = %s WHERE cache_key = %s", [value, key])


def test_a_page_read_again_is_served_from_the_process_while_the_shared_cache_holds_its_key(viewer_client):
    computed = viewer_client.get(URL).content.decode()
    [key] = page_keys()
    stand_in_shared_copy(key)

    with CaptureQueriesContext(connection) as queries:
        again = viewer_client.get(URL).content.decode()

    assert "kanto" in again and "shared-cache-copy" not in again
    assert again.count("<table") == computed.count("<table") > 0
    assert any("portal_cache" in query["sql"] for query in queries)  # the key looked up, as before
    caching.clear_front()  # as another process, which has kept nothing
    assert "shared-cache-copy" in viewer_client.get(URL).content.decode()


def test_a_page_the_shared_cache_let_go_is_computed_again_not_served_from_the_process(viewer_client):
    viewer_client.get(URL)
    assert caching.front_bytes() > 0
    [key] = page_keys()
    cache.clear()  # emptied (a restore), culled or expired
    assert page_keys() == []

    with CaptureQueriesContext(connection) as queries:
        page = viewer_client.get(URL).content.decode()

    assert "kanto" in page
    assert page_keys() == [key]  # computed and kept again
    assert len(queries) > 15  # the judgements read again (a page from the cache takes ~9 queries)


def test_the_process_keeps_at_most_its_bound_the_least_recently_used_leaving_first(db):
    first = (b"a" * 1000, b"", b"")
    caching.put("dashboard:first", first)
    stand_in_shared_copy(":1:dashboard:first")
    assert caching.get("dashboard:first") == first  # kept in the process
    large = caching.FRONT_BYTES // 4
    for number in range(4):
        caching.put(f"dashboard:large-{number}", (b"b" * large, b"", b""))

    assert caching.front_bytes() <= caching.FRONT_BYTES
    assert caching.get("dashboard:first") == STAND_IN  # let go: read from the shared cache
    assert caching.get("dashboard:large-3")[0] == b"b" * large
