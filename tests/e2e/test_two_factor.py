"""Two-factor log-in in Chromium: central staff, who must use a second factor with DEBUG off, sign in
with the password, are sent to enrol, read the key as an authenticator app would, confirm a code, then
sign out and in again with a newly generated code. Each page passes axe-core's accessibility check."""

import re
from base64 import b32decode

import pytest

from regions.demo import create_demo_users

from .support import PASSWORD, skip_without_browser

pytestmark = [pytest.mark.e2e, skip_without_browser()]


def code_from(secret: str, *, later: int = 0) -> str:
    """The six digits an authenticator app shows for this key (`later` steps of 30 s ahead)."""
    from django_otp.oath import totp

    return f"{totp(b32decode(secret), drift=later):06d}"


def no_accessibility_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [(v["id"], v["impact"]) for v in results.response["violations"]]
    assert violations == [], f"{page.url}: {violations}"


def test_central_staff_enrol_an_authenticator_and_log_in_with_its_code(browsing, settings):
    from playwright.sync_api import expect

    settings.TWO_FACTOR_REQUIRED = True  # as with DEBUG off
    create_demo_users()
    page = browsing.new_page()

    page.goto("/accounts/login/")
    no_accessibility_violations(page)
    page.get_by_label("ユーザー名").fill("demo-jpo")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.goto("/dashboard/2/")  # anything else first needs the second factor
    expect(page.get_by_role("heading", name="二段階認証の登録")).to_be_visible()
    no_accessibility_violations(page)

    page.get_by_role("button", name="登録を始める").click()
    qr = page.get_by_role("img", name="認証アプリに登録するためのQRコード")
    expect(qr).to_be_visible()
    # drawn by the portal, not fetched elsewhere; visible may come before loaded on a busy machine
    loaded_width = """image => image.complete ? image.naturalWidth
        : new Promise(done => { image.onload = () => done(image.naturalWidth); image.onerror = () => done(0); })"""
    assert qr.evaluate(loaded_width) > 0
    no_accessibility_violations(page)
    secret = page.locator("code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]+", secret)
    page.get_by_label("確認コード").fill(code_from(secret))
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("heading", name="二段階認証を登録しました")).to_be_visible()
    no_accessibility_violations(page)

    page.get_by_role("link", name="バックアップコードを作成する").click()
    page.get_by_role("button", name="新しいバックアップコードを作成する").click()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    no_accessibility_violations(page)

    page.get_by_role("button", name="ログアウト").click()
    page.get_by_label("ユーザー名").fill("demo-jpo")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_label("確認コード")).to_be_focused()
    no_accessibility_violations(page)
    page.get_by_label("確認コード").fill(code_from(secret, later=1))  # the enrolment used this step's code
    page.get_by_role("button", name="確認する").click()
    expect(page.locator(".logout")).to_contain_text("demo-jpo")
    page.goto("/dashboard/2/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("二段階認証の登録")
