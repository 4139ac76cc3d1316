"""No page wider than the window, on a 1366 px screen and on a 375 px phone, as each role: a wide
table scrolls inside its own frame, never the whole page sideways (document.documentElement.scrollWidth
is measured on every page of the URL map a role opens). The header does not wrap on a desk screen, the
menu does not break its words into a column of single characters on a phone."""

import contextlib
import re
import zlib

import pytest
from test_permissions import make_portal

from .support import expect, log_in, skip_without_browser
from .test_accessibility import ROLES, pages_for

pytestmark = [pytest.mark.e2e, skip_without_browser()]

WIDTHS = {"desk": 1366, "phone": 375}


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def widest(page) -> list[str]:
    """The outermost elements reaching past the window's right edge, to say what to fix."""
    return page.evaluate(
        """() => {
            const limit = document.documentElement.clientWidth;
            const found = [];
            for (const element of document.querySelectorAll("body *")) {
                if (element.closest("table, .table-container, .table-scroll, .board-scroll") !== element
                    && element.closest("table, .table-container, .table-scroll, .board-scroll")) { continue; }
                if (element.getBoundingClientRect().right > limit + 1
                    && !(element.parentElement && element.parentElement.getBoundingClientRect().right > limit + 1)) {
                    found.push(element.tagName.toLowerCase() + (element.className ? "." + element.className : "")
                        + (element.id ? "#" + element.id : ""));
                }
            }
            return found.slice(0, 5);
        }"""
    )


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_is_wider_than_the_window(browsing, role, width):
    portal = make_portal()
    page = browsing.new_page()
    page.set_viewport_size({"width": WIDTHS[width], "height": 800})
    log_in(page, ROLES[role])
    wider = {}
    for url in pages_for(role, portal):
        page.goto(url)
        extra = overflow(page)
        if extra > 0:
            wider[url] = (extra, widest(page))
    assert wider == {}, f"{WIDTHS[width]}px より広いページ: {wider}"


def header_rows(page) -> dict:
    """Where the header's parts stand: the tops of the site's name and the user's area, the distinct
    tops of the menu's items, and the menu links that take more than one line."""
    return page.evaluate(
        """() => {
            const top = element => Math.round(element.getBoundingClientRect().top);
            const items = Array.from(document.querySelectorAll(".site-nav li"));
            return {
                name: top(document.querySelector(".site-name")),
                user: top(document.querySelector(".logout")),
                menu_rows: new Set(items.map(top)).size,
                broken: Array.from(document.querySelectorAll(".site-nav a"))
                    .filter(link => link.getClientRects().length > 1
                        || link.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(link).fontSize))
                    .map(link => link.textContent.trim()),
            };
        }"""
    )


@pytest.mark.parametrize("role", [*ROLES, "admin"])
def test_the_header_keeps_its_rows_on_a_desk_and_whole_words_on_a_phone(browsing, plan_data, role):
    make_portal()
    page = browsing.new_page()
    page.set_viewport_size({"width": WIDTHS["desk"], "height": 800})
    log_in(page, ROLES.get(role, "demo-admin"))
    page.goto("/progress/" if role in ("officer", "bureau", "central") else "/plans/")
    desk = header_rows(page)
    # the site's name and the user's area on the first row, every menu item on the second
    assert abs(desk["name"] - desk["user"]) <= 8, desk
    assert desk["menu_rows"] == 1 and desk["broken"] == [], desk

    page.set_viewport_size({"width": WIDTHS["phone"], "height": 800})
    phone = header_rows(page)
    assert phone["broken"] == [], f"1語が複数行に折り返されたメニュー: {phone['broken']}"
    assert overflow(page) == 0


# --- print --------------------------------------------------------------------------------------


def text_per_page(pdf: bytes) -> list[int]:
    """How many pieces of text each page of a PDF written by Chromium shows (its text operators), in
    the order of the pages: a page with none is blank."""
    objects = {int(number): body for number, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", pdf, re.S)}
    kids = re.search(rb"/Type /Pages.*?/Kids \[([^\]]*)\]", pdf, re.S).group(1)
    counts = []
    for number in map(int, re.findall(rb"(\d+) 0 R", kids)):
        contents = int(re.search(rb"/Contents (\d+) 0 R", objects[number]).group(1))
        stream = objects[contents].split(b"stream", 1)[1].lstrip(b"\r\n").rsplit(b"endstream", 1)[0]
        with contextlib.suppress(zlib.error):  # else stored uncompressed
            stream = zlib.decompress(stream)
        counts.append(len(re.findall(rb"T[Jj]", stream)))
    return counts


@pytest.mark.parametrize("url", ["/dashboard/1/", "/dashboard/2/", "/dashboard/2/blocks/kanto/"])
def test_a_dashboard_prints_without_a_blank_first_page(browsing, url):
    """/dashboard/1/ used to print its heading alone on the first page: its first table, kept whole,
    did not fit under it. A table now goes on over the next page with its heading row repeated."""
    make_portal()
    page = browsing.new_page()
    log_in(page, "demo-viewer", then=url)
    expect(page.locator("[data-chart] .main-svg").first).to_be_attached()
    # printed as the page stands, its charts as drawn for the screen (whatever charts.js does then)
    texts = text_per_page(page.pdf(prefer_css_page_size=True))
    assert len(texts) > 1
    later = sorted(texts[1:])
    assert texts[0] >= later[len(later) // 2] / 2, f"1ページ目がほぼ空白です: {texts}"
