"""The security headers on every kind of page, pages without inline script or style (what the
Content-Security-Policy requires), and plotly.js's style sheet kept in step with the installed plotly.

The browser side (charts drawn under the policy, no violation reported) is tests/e2e/test_csp.py.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from test_settings import run_settings

from chizai_portal.plotly_styles import (
    PARTIAL,
    STYLE_SHEET,
    maps_style_id,
    plotly_js_text,
    plotly_version,
    style_rules,
    stylesheet,
)
from kpis.models import Indicator
from regions.demo import create_demo_users
from reports.progress.demo import open_demo_period

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    parts = [part.strip().split(None, 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def pages(db):
    create_demo_users()
    open_demo_period()
    indicator = Indicator.objects.filter(kpi__plan__number=2, kpi__region__code="14").first()
    return [
        ("demo-jpo", "/dashboard/2/"),
        ("demo-jpo", "/dashboard/2/blocks/kanto/"),
        ("demo-jpo", "/dashboard/2/regions/14/"),
        ("demo-jpo", f"/kpis/{indicator.pk}/"),
        ("demo-jpo", f"/kpis/{indicator.pk}/revise/"),
        ("demo-jpo", "/dashboard/compare/"),
        ("demo-jpo", "/dashboard/2/blocks/kanto/revisions/"),
        ("demo-jpo", "/progress/"),
        ("demo-jpo", "/progress/periods/"),
        ("demo-jpo", "/progress/status/"),
        ("demo-pref-14", "/progress/14/2022/h1/"),
        ("demo-jpo", "/central/"),
        ("demo-jpo", "/central/2/2022/fy/"),
        ("demo-jpo", "/case-studies/"),
        ("demo-jpo", "/case-studies/new/"),
        ("demo-jpo", "/meetings/"),
        ("demo-jpo", "/programme/"),
        ("demo-viewer", "/progress/status/"),  # the 403 page
        ("demo-viewer", "/no-such-page/"),  # the 404 page
        (None, "/accounts/login/"),
        ("demo-admin", "/admin/"),
    ]


def test_every_kind_of_page_carries_the_policy_and_the_other_headers(client, pages):
    for username, url in pages:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert policy_of(response) == POLICY, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def test_an_export_carries_the_headers_too(client, pages):
    client.force_login(User.objects.get(username="demo-jpo"))

    response = client.get("/dashboard/2/?_export=csv&table=blocks")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


class InlineCode(HTMLParser):
    """Collects what a strict policy would refuse: inline scripts, event handler attributes, style
    attributes and elements, javascript: addresses."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: in {name} of <{tag}>")


def inline_code(text: str) -> list[str]:
    parser = InlineCode()
    parser.feed(text)
    return parser.found


def test_no_page_has_inline_script_or_style(client, pages):
    for username, url in pages:
        if url.startswith("/admin/"):
            continue  # Django's own admin templates, checked in the browser test
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        assert inline_code(client.get(url).content.decode()) == [], url


def test_no_template_of_the_portal_has_inline_script_or_style():
    templates = [path for directory in TEMPLATE_DIRS for path in directory.rglob("*.html")]
    assert len(templates) > 20
    for path in templates:
        assert inline_code(path.read_text(encoding="utf-8")) == [], path


def test_the_checker_would_see_inline_code():
    """The two checks above are not vacuous."""
    page = """<p style="color:red" onclick="go()">x</p><script>alert(1)</script><style>p{}</style>
    <a href="javascript:go()">y</a><script src="/static/a.js"></script><script type="application/json">{}</script>"""
    assert len(inline_code(page)) == 5


# --- plotly.js's style sheet -----------------------------------------------------------------------------


def test_plotlys_style_sheet_matches_the_installed_plotly_js():
    """After a plotly upgrade: `python -m chizai_portal.plotly_styles` rewrites it."""
    js = plotly_js_text()

    assert STYLE_SHEET.read_text(encoding="utf-8") == stylesheet(js)
    assert f"v{plotly_version(js)}" in STYLE_SHEET.read_text(encoding="utf-8")


def test_the_style_sheet_holds_plotlys_mode_bar_and_hover_rules():
    rules = dict(style_rules(plotly_js_text()))

    assert rules[".js-plotly-plot .plotly .modebar"] == "position:absolute;top:2px;right:2px;"
    assert ".plotly-notifier" in rules
    assert len(rules) > 40


def test_the_page_head_names_the_ids_plotly_js_looks_for():
    partial = PARTIAL.read_text(encoding="utf-8")

    assert 'id="plotly.js-style-global" class="no-inline-styles"' in partial
    assert f'id="{maps_style_id(plotly_js_text())}"' in partial
    assert "{% static 'reports/plotly.css' %}" in partial


# --- settings --------------------------------------------------------------------------------------------


def test_cookies_are_not_readable_by_scripts():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True


def test_a_proxy_count_it_cannot_read_stops_the_portal():
    result = run_settings({"REVERSE_PROXY_COUNT": "one"})

    assert result.returncode != 0
    assert "REVERSE_PROXY_COUNT must be a whole number" in result.stderr
