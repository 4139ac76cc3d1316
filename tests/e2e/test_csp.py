"""The Content-Security-Policy in a real browser: every page that draws charts, and the report form,
works under the policy the portal sends (scripts and styles from the portal only, nothing inline), with
no violation reported by Chromium.

Chromium reports each refused script, style or request as a `securitypolicyviolation` event on the
document and as a console error; both are collected from the moment a page starts loading.
"""

import pytest

from kpis.models import Indicator, Kpi
from regions.demo import create_demo_users
from reports.progress.demo import open_demo_period

from .support import expect, log_in, skip_without_browser

pytestmark = [pytest.mark.e2e, skip_without_browser()]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    [event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber].join(" ")
  );
});
"""
EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = [part.strip().split(None, 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


class Watched:
    """A page whose console errors, uncaught script errors and CSP violations are kept."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    def _console(self, message) -> None:
        if message.type in ("error", "warning") and (
            "Content Security Policy" in message.text or message.type == "error"
        ):
            self.console_errors.append(message.text)

    def open(self, url: str) -> dict[str, str]:
        """The page at `url`, loaded; the directives of the policy it was sent with."""
        response = self.page.goto(url)
        assert response.status == 200, url
        header = response.headers.get("content-security-policy")
        assert header, f"{url}: Content-Security-Policy ヘッダーがありません"
        return directives(header)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations")

    def assert_clean(self, url: str) -> None:
        # Give late work (plotly.js's resize, the mode bar) a moment to report anything it would.
        self.page.wait_for_timeout(300)
        assert self.violations() == [], f"{url}: {self.violations()}"
        assert self.page_errors == [], f"{url}: {self.page_errors}"
        assert self.console_errors == [], f"{url}: {self.console_errors}"


def assert_charts_drawn(page) -> int:
    charts = page.locator("[data-chart]")
    count = charts.count()
    assert count > 0
    for index in range(count):
        expect(charts.nth(index).locator(".main-svg").first).to_be_attached()
    return count


def assert_the_portals_policy(policy: dict[str, str]) -> None:
    for name, value in EXPECTED_DIRECTIVES.items():
        assert policy.get(name) == value, (name, policy)
    assert "'unsafe-inline'" not in " ".join(policy.values())
    assert "'unsafe-eval'" not in " ".join(policy.values())


def test_the_dashboards_draw_their_charts_under_the_policy_without_a_violation(browsing):
    create_demo_users()
    kanagawa_seminars = Indicator.objects.filter(
        kpi__plan__number=2, kpi__level=Kpi.Level.REGIONAL, kpi__region__code="14"
    ).order_by("kpi__order", "order")[0]
    hands_on = Indicator.objects.get(
        kpi__plan__number=2, kpi__level=Kpi.Level.CENTRAL, name="ハンズオン支援社数"
    )
    watched = Watched(browsing.new_page())
    log_in(watched.page, "demo-viewer")
    watched.assert_clean("ログイン後のトップページ")

    for url in (
        "/dashboard/2/",
        "/dashboard/2/blocks/kanto/",
        "/dashboard/2/regions/14/",
        f"/kpis/{kanagawa_seminars.pk}/",
        f"/kpis/{hands_on.pk}/",
    ):
        assert_the_portals_policy(watched.open(url))
        assert assert_charts_drawn(watched.page) >= 1, url
        # plotly.js's rules came from the portal's style sheet, not from a <style> it inserted.
        assert watched.page.locator("style").count() == 0, url
        mode_bar = watched.page.locator(".modebar").first
        expect(mode_bar).to_have_css("position", "absolute")
        # Hovering draws the hover label and shows the mode bar: styles set by script, no violation.
        watched.page.locator("[data-chart]").first.hover()
        watched.assert_clean(url)

    # The mode bar's "download as image": plotly.js draws the picture from a blob: address.
    chart = watched.page.locator("[data-chart]").first
    chart.hover()
    with watched.page.expect_download() as download:
        chart.locator(".modebar-btn[data-title='Download plot as a PNG']").click()
    assert download.value.suggested_filename.endswith(".png")
    watched.assert_clean("グラフの画像のダウンロード")
    # and no button sends the figure to plotly's cloud service
    expect(chart.locator(".modebar-btn[data-title='Share chart...']")).to_have_count(0)


def test_the_report_form_works_under_the_policy_without_a_violation(browsing):
    create_demo_users()
    open_demo_period()
    watched = Watched(browsing.new_page())
    log_in(watched.page, "demo-pref-14")

    assert_the_portals_policy(watched.open("/progress/14/2022/h1/"))
    expect(watched.page.get_by_role("button", name="下書き保存")).to_be_visible()
    watched.page.get_by_role("button", name="下書き保存").click()
    watched.page.wait_for_load_state()
    expect(watched.page.locator(".messages")).to_contain_text("保存しました")
    watched.assert_clean("/progress/14/2022/h1/")


def test_the_admin_works_under_the_policy_without_a_violation(browsing):
    create_demo_users()
    watched = Watched(browsing.new_page())
    log_in(watched.page, "demo-admin")

    for url in ("/admin/", "/admin/kpis/kpi/", "/admin/kpis/kpi/add/", "/admin/auth/user/add/"):
        assert_the_portals_policy(watched.open(url))
        watched.assert_clean(url)
