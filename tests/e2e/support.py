"""What the browser tests share: where Chromium is, how a person signs in, how a page reads."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Locator, Page, expect
except ImportError:  # the browser tests are skipped (see `missing_browser`)
    Locator = Page = expect = None

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
PASSWORD = "demo"
# The most Tab presses a person needs to reach anything on these pages.
MAX_TABS = 80


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright が見つからないためブラウザテストを省略しました: pip install -e '.[test]'"
    if not CHROMIUM.exists():
        return "Chromium が見つからないためブラウザテストを省略しました: apt-get install chromium"
    return None


def skip_without_browser():
    """A mark that skips a test, with the reason in pytest's summary, where no browser can run."""
    reason = missing_browser()
    return pytest.mark.skipif(reason is not None, reason=reason or "")


def screenshot(page: Page, name: str, *, start: Locator | None = None) -> Path:
    """docs/screenshots/<name>.png: one screen (1280×800) from the top, or from `start` down; taking it
    neither scrolls nor moves the focus."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if start is None:
        page.screenshot(path=path, animations="disabled")
    else:
        top = max(start.evaluate("element => element.getBoundingClientRect().top + window.scrollY") - 16, 0)
        clip = {"x": 0, "y": top, **VIEWPORT}
        page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")
    return path


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator) -> int:
    """Press Tab until the target has the focus; how many presses it took."""
    expect(target).to_have_count(1)
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if is_focused(target):
            return presses
    raise AssertionError(f"{MAX_TABS}回 Tab を押しても {target} にフォーカスが移りませんでした")


def skip_to_content(page: Page) -> None:
    """The first Tab reaches the 「本文へ移動」 link; Enter moves the focus to the page's main part."""
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="本文へ移動")
    assert is_focused(skip_link)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def press_and_wait(page: Page, key: str) -> None:
    """A key that follows a link or submits a form; returns once the next page has loaded."""
    with page.expect_navigation():
        page.keyboard.press(key)


def log_in(page: Page, username: str, then: str = "") -> None:
    """Sign in the way a person does: the user name field has the focus, Tab to the password, Enter.
    `then`: the page asked for before signing in (the log-in page returns to it), else the home page."""
    page.goto(f"/accounts/login/?next={then}" if then else "/accounts/login/")
    expect(page.get_by_label("ユーザー名")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("パスワード")).to_be_focused()
    page.keyboard.type(PASSWORD)
    press_and_wait(page, "Enter")
    expect(page.locator(".logout")).to_contain_text(username)


def table_cells(table: Locator) -> list[list[str]]:
    """The table's rows as the reader sees them (header and body), each a list of cell texts."""
    return table.evaluate(
        "table => Array.from(table.rows, row => Array.from(row.cells, cell => cell.innerText.trim()))"
    )


def table_records(table: Locator, key: str | None = None) -> dict[str, dict[str, str]]:
    """Body rows keyed by the cell of column `key` (the first by default), each a mapping of column
    heading → cell text."""
    header, *rows = table_cells(table)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return {record[key or header[0]]: record for record in records}


def table_with_heading(page: Page, heading: str) -> Locator:
    """The (first) table with a column headed exactly so."""
    return page.locator("table").filter(has=page.get_by_role("columnheader", name=heading, exact=True)).first
