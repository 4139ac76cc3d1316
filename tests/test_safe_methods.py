"""GET and HEAD never write: every named URL of the portal, as every role, leaves every table as it was.

A table's fingerprint is its row count and its highest primary key, read for all tables in one
query; every audited model has a history table, so an update of an audited row shows as a new
history row. The dashboards' page cache (a cache, not data) and the sessions are left out.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from test_permissions import ROLES, RULES, portal, url_for  # noqa: F401  (portal: the fixture)

from reports.models import DataVersion

LEFT_OUT = {"django_session"}
# Besides the matrix's URLs: a report not yet started (埼玉県), which every role but central, 関東 and
# 埼玉's officer is refused, and one of a region with nothing to report in the plan (東京都).
NOT_STARTED = ["/progress/11/2022/h1/", "/progress/13/2022/h1/"]


def tables() -> list[tuple[str, str]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in LEFT_OUT and not model._meta.proxy:
            found.append((table, model._meta.pk.column))
    return sorted(set(found))


def fingerprint() -> tuple:
    """(count, highest key) of every table, and the data versions' numbers, in one query."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT '{table}', COUNT(*), CAST(MAX({quote(pk)}) AS VARCHAR(64)) FROM {quote(table)}"
        for table, pk in tables()
    ]
    versions = quote(DataVersion._meta.db_table)
    parts.append(f"SELECT 'versions', SUM(number), '' FROM {versions}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(cursor.fetchall()))


def changed(before: tuple, after: tuple) -> list[str]:
    return [f"{a[0]}: {b[1:]} → {a[1:]}" for b, a in zip(before, after, strict=True) if a != b]


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_writes_on_get_or_head(client, portal, role):  # noqa: F811
    if ROLES[role]:
        client.force_login(User.objects.get(username=ROLES[role]))
    writes = []
    for url in [url_for(name, portal) for name in RULES] + NOT_STARTED:
        for method in ("get", "head"):
            before = fingerprint()
            getattr(client, method)(url)
            difference = changed(before, fingerprint())
            if difference:
                writes.append(f"{method.upper()} {url} as {role}: {'; '.join(difference)}")
    assert writes == []


def test_opening_a_report_not_yet_started_stores_nothing(client, portal):  # noqa: F811
    from reports.models import ProgressReport

    client.force_login(User.objects.get(username="demo-jpo"))
    before = fingerprint()
    response = client.get("/progress/13/2022/h1/")  # 東京都: no regional KPI in the 2nd plan
    assert response.status_code == 200
    response = client.get("/progress/11/2022/h1/")  # 埼玉県: its report not started
    assert "まだ保存されていません" in response.content.decode()
    assert changed(before, fingerprint()) == []
    assert not ProgressReport.objects.filter(region__code__in=["11", "13"]).exists()
