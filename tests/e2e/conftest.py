"""Browser tests: Debian's Chromium, driven by Playwright, against the portal served by `live_server`.

The live server needs a transactional database, and a transactional test empties the database when
it ends. Each test here therefore loads the documents' data again when it finds the database empty,
and the module loads it once more after its last test, so that tests run after these still find it.
"""

import os
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from .support import CHROMIUM, LOCAL_HOSTS, VIEWPORT


def _load_plan_data_if_empty() -> None:
    from plans.models import Plan

    if not Plan.objects.exists():
        call_command("load_plan_data", verbosity=0)


@pytest.fixture(scope="module", autouse=True)
def browser_test_module(django_db_setup, django_db_blocker):
    """While this module runs, Django allows database calls beside Playwright's event loop (the sync
    API runs one in the test's thread; it only waits for the browser). Afterwards the setting is
    restored, so nothing else (a `manage.py check --deploy` run by a later test) inherits it, and the
    documents' data is loaded again for the tests that follow."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield
        with django_db_blocker.unblock():
            _load_plan_data_if_empty()


@pytest.fixture
def plan_data(transactional_db):
    """The documents' data, present again after an earlier browser test emptied the database."""
    _load_plan_data_if_empty()


@pytest.fixture(scope="module")
def chromium(browser_test_module):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # Chromium's sandbox refuses to start as root (containers, CI)
            args=["--no-sandbox"] if os.geteuid() == 0 else [],
        )
        yield browser
        browser.close()


class Browsing:
    """Opens pages on the live server, one browser context (own cookies) per person. Every request
    for anything but the live server is blocked and remembered: the pages must work offline."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.blocked: list[str] = []

    def new_page(self):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=VIEWPORT,
            locale="ja-JP",
            timezone_id="Asia/Tokyo",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        context.route("**/*", self._local_only)
        self.contexts.append(context)
        return context.new_page()

    def _local_only(self, route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("internetdisconnected")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(chromium, live_server, plan_data):
    browsing = Browsing(chromium, live_server.url)
    yield browsing
    browsing.close()
    assert browsing.blocked == [], f"ポータル外への通信がありました: {browsing.blocked}"
