"""The dashboards print their tables with reports/display/screen.py, a cell at a time no more: the same
text, attributes, row classes and sort links as django-tables2's `{% render_table %}` prints, for every
table of the pages, read from the page's own context."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import Column, Table

from kpis.models import Indicator, Period
from kpis.revisions import revise_target
from regions.demo import create_demo_users
from regions.models import Block
from reports.display.screen import screen_table
from reports.display.tables import BlockResultTable, NumberColumn
from reports.meetings import rules as meetings
from reports.models import LiaisonMeeting

PAGES = [
    "/dashboard/1/",
    "/dashboard/2/",
    "/dashboard/2/?half=h1&sort=-rate",
    "/dashboard/3/?sort=block",
    "/dashboard/2/blocks/kanto/",
    "/dashboard/2/blocks/kinki/?half=h1",
    "/dashboard/2/regions/14/",
    "/dashboard/3/regions/27/",
    "/dashboard/compare/",
]


def page_request(path: str, params: dict | None = None):
    """A request for rendering a table alone (render_table renders its template with the request)."""
    request = RequestFactory().get(path, params or {})
    request.user = User.objects.get_or_create(username="demo-viewer")[0]
    return request


def tables_in(response) -> list[Table]:
    found = {}
    for context in response.context:
        for values in context.dicts:
            for value in values.values() if isinstance(values, dict) else ():
                candidates = [value, *(value if isinstance(value, list) else [])]
                for candidate in candidates:
                    table = candidate.get("table") if isinstance(candidate, dict) else candidate
                    if isinstance(table, Table):
                        found[id(table)] = table
    return list(found.values())


def normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*(<[^>]*>)\s*", r"\1", html)
    return re.sub(r"\s+>", ">", html).strip()


def as_django_tables2_prints_it(table: Table, request) -> str:
    table._counter = itertools.count()  # rows numbered from the first, as when the page rendered it
    template = Template("{% load django_tables2 %}{% render_table table %}")
    return normalised(template.render(Context({"table": table, "request": request})))


def as_the_screen_prints_it(table: Table, request) -> str:
    table._counter = itertools.count()
    template = Template("{% load portal %}{% screen_table table %}")
    return normalised(template.render(Context({"table": table, "request": request})))


@pytest.mark.parametrize("url", PAGES)
def test_every_table_of_a_dashboard_prints_as_render_table_would(viewer, url):
    response = viewer.get(url)
    assert response.status_code == 200
    tables = tables_in(response)
    assert tables, url
    request = page_request(url)
    for table in tables:
        expected = as_django_tables2_prints_it(table, request)
        assert "<td" in expected or "<tbody></tbody>" in expected
        assert as_the_screen_prints_it(table, request) == expected
        # and the page shows that table's text (a table without rows may be left out of it)
        assert not len(table.data) or re.sub(r"<[^>]+>", "", expected)[:200] in re.sub(
            r"<[^>]+>", "", normalised(response.content.decode())
        )


def test_sort_links_keep_the_page_query_and_turn_the_ordering(db):
    rows = [
        {"block": "関東", "url": "/k/", "items": 3, "rate": Decimal("0.5")},
        {"block": "近畿", "url": "/n/", "items": 1},
    ]
    table = BlockResultTable(rows)
    table.order_by = "-items"
    request = page_request("/dashboard/2/", {"half": "h1", "sort": "-items"})
    printed = as_the_screen_prints_it(table, request)
    assert printed == as_django_tables2_prints_it(table, request)
    assert 'href="?half=h1&amp;sort=items"' in printed  # the ordered column: the other way next
    assert 'class="desc number orderable"' in printed
    assert printed.index("関東") < printed.index("近畿")


def test_a_missing_value_takes_the_default_and_markup_in_data_is_escaped(db):
    class Small(Table):
        name = Column(default="—")
        count = NumberColumn()

        class Meta:
            attrs = {"class": "results"}
            empty_text = "該当なし"

    request = page_request("/")
    table = Small([{"name": None, "count": 1200}, {"name": "<b>x</b>"}, {}])
    printed = as_the_screen_prints_it(table, request)
    assert printed == as_django_tables2_prints_it(table, request)
    assert printed.count("—") == 4 and "1,200" in printed and "&lt;b&gt;x&lt;/b&gt;" in printed
    empty = Small([])
    assert as_the_screen_prints_it(empty, request) == as_django_tables2_prints_it(empty, request)
    assert "該当なし" in as_the_screen_prints_it(empty, request)


def test_a_table_with_a_footer_is_left_to_django_tables2():
    class WithFooter(Table):
        name = NumberColumn(footer="計")

    with pytest.raises(ValueError):
        screen_table(WithFooter([{"name": 1}]))


def test_a_meeting_packs_tables_print_as_render_table_would(client, db):
    """The pack: its block and national tallies and the revisions since the previous meeting (a
    moment column, links), as django-tables2 prints them."""
    create_demo_users()
    bureau, jpo = User.objects.get(username="demo-bureau-kanto"), User.objects.get(username="demo-jpo")
    kanto = Block.objects.get(code="kanto")

    def cut(title):
        meeting = LiaisonMeeting(
            block=kanto, fiscal_year=2022, title=title, held_on=datetime.date(2022, 7, 15)
        )
        return meetings.create_meeting(bureau, meeting, timezone.localdate())

    cut("第1回")
    indicator = Indicator.objects.filter(
        kpi__plan__number=2, kpi__region__block=kanto, targets__year=2022, targets__period=Period.FISCAL_YEAR
    ).first()
    target = indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value
    revise_target(jpo, indicator, effective_fiscal_year=2022, new_value=target + 1, reason="見直し<改>")
    second = cut("第2回")
    client.force_login(jpo)
    url = f"/meetings/{second.pk}/pack/"
    response = client.get(url)
    assert response.status_code == 200
    tables = tables_in(response)
    # (a region's own table appears only with its report: the block pages above cover that table)
    assert {type(table).__name__ for table in tables} >= {
        "RegionSummaryTable",
        "RevisionTable",
        "BlockResultTable",
    }
    request = page_request(url)
    printed = [as_the_screen_prints_it(table, request) for table in tables]
    assert printed == [as_django_tables2_prints_it(table, request) for table in tables]
    assert any("見直し&lt;改&gt;" in html for html in printed)


def test_an_indicators_page_and_a_blocks_revisions_print_as_render_table_would(viewer, db):
    """Targets, years, the series across plans and the revisions (after one revision made)."""
    jpo = User.objects.get(username="demo-jpo")
    indicator = Indicator.objects.filter(
        kpi__plan__number=2, kpi__region__code="14", targets__year=2022, targets__period=Period.FISCAL_YEAR
    ).first()
    target = indicator.targets.get(year=2022, period=Period.FISCAL_YEAR).value
    revise_target(jpo, indicator, effective_fiscal_year=2022, new_value=target + 1, reason="見直し")
    central = Indicator.objects.filter(kpi__plan__number=2, kpi__region__isnull=True).first()
    for url in (f"/kpis/{indicator.pk}/", f"/kpis/{central.pk}/", "/dashboard/2/blocks/kanto/revisions/"):
        response = viewer.get(url)
        assert response.status_code == 200, url
        tables = tables_in(response)
        assert tables, url
        request = page_request(url)
        for table in tables:
            assert as_the_screen_prints_it(table, request) == as_django_tables2_prints_it(table, request)
    assert "見直し" in response.content.decode()
