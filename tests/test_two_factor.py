"""Two-factor log-in: who must use it, enrolling an authenticator app, logging in with its code or a
backup code, django-axes counting wrong codes, and an administrator's reset.

Codes are computed as the phone's app would, from the device's key (django-otp's own TOTP).
"""

import re
from base64 import b32decode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from regions.demo import DEMO_PASSWORD, create_demo_users

LOGIN = reverse("login")
SETUP = reverse("two_factor:setup")
DASHBOARD = "/dashboard/2/"
LOGIN_STEP = "portal_login_view-current_step"
SETUP_STEP = "setup_view-current_step"


@pytest.fixture
def users(db, settings):
    settings.TWO_FACTOR_REQUIRED = True  # as with DEBUG off
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def password_step(client, username: str, password: str = DEMO_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_step(client, code: str):
    return client.post(LOGIN, {LOGIN_STEP: "token", "token-otp_token": code})


# --- who must use it --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["demo-jpo", "demo-bureau-kanto", "demo-admin"])
def test_required_roles_signed_in_with_the_password_alone_reach_only_the_enrolment(client, users, username):
    assert password_step(client, username).status_code == 302

    for url in (DASHBOARD, "/progress/", "/admin/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, SETUP), url
    assert client.get(SETUP).status_code == 200


@pytest.mark.parametrize("username", ["demo-viewer", "demo-pref-14"])
def test_viewers_and_officers_need_no_second_factor_by_default(client, users, username):
    password_step(client, username)
    assert client.get(DASHBOARD).status_code == 200


def test_officers_need_one_when_the_setting_says_so(client, users, settings):
    settings.TWO_FACTOR_FOR_OFFICERS = True
    password_step(client, "demo-pref-14")
    assert client.get(DASHBOARD)["Location"] == SETUP


def test_with_debug_on_the_demo_users_log_in_with_the_password_alone(client, users, settings):
    settings.TWO_FACTOR_REQUIRED = False  # the default with DEBUG on (chizai_portal/settings.py)
    password_step(client, "demo-jpo")
    assert client.get(DASHBOARD).status_code == 200


# --- enrolment, log-in, recovery --------------------------------------------------------------------


def test_a_central_user_enrols_then_logs_in_with_a_code(client, users):
    password_step(client, "demo-jpo")
    assert "二段階認証の登録" in client.get(SETUP).content.decode()
    page = client.post(SETUP, {SETUP_STEP: "welcome"}).content.decode()
    assert "QRコード" in page and 'src="/accounts/two-factor/setup/qrcode/"' in page
    assert client.get(reverse("two_factor:qr"))["Content-Type"].startswith("image/svg+xml")
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    phone = TOTPDevice(key=b32decode(secret).hex())  # what the app holds after reading the QR code

    refused = client.post(SETUP, {SETUP_STEP: "generator", "generator-token": "000000"})
    assert "確認コードが正しくありません" in refused.content.decode() or code_of(phone) == "000000"
    done = client.post(SETUP, {SETUP_STEP: "generator", "generator-token": code_of(phone)})

    assert done["Location"] == reverse("two_factor:setup_complete")
    assert client.get(DASHBOARD).status_code == 200  # verified by the enrolment itself
    client.post(reverse("logout"))

    asked = password_step(client, "demo-jpo")
    assert asked.status_code == 200 and "確認コード" in asked.content.decode()
    assert client.get(DASHBOARD).status_code == 302  # not signed in before the code
    device = TOTPDevice.objects.get(user=users["demo-jpo"])
    device.last_t = -1  # the enrolment used this time step's code; the app shows the next one
    device.save()
    assert code_step(client, code_of(device)).status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_a_lost_phone_is_replaced_by_a_backup_code_used_once(client, users):
    user = users["demo-bureau-kanto"]
    enrolled(user)
    backup = StaticDevice.objects.create(user=user, name="backup")
    backup.token_set.create(token="kanto0123")

    password_step(client, user.username)
    chooser = client.post(LOGIN, {LOGIN_STEP: "token", "wizard_goto_step": "backup"})
    assert "バックアップコード" in chooser.content.decode()
    assert client.post(LOGIN, {LOGIN_STEP: "backup", "backup-otp_token": "kanto0123"}).status_code == 302
    assert client.get(DASHBOARD).status_code == 200

    client.post(reverse("logout"))
    password_step(client, user.username)
    client.post(LOGIN, {LOGIN_STEP: "token", "wizard_goto_step": "backup"})
    again = client.post(LOGIN, {LOGIN_STEP: "backup", "backup-otp_token": "kanto0123"})
    assert again.status_code == 200 and "確認コードが正しくない" in again.content.decode()


def test_backup_codes_are_made_by_a_verified_user(client, users):
    user = users["demo-jpo"]
    device = enrolled(user)
    password_step(client, user.username)
    code_step(client, code_of(device))

    client.post(reverse("two_factor:backup_tokens"))

    page = client.get(reverse("two_factor:backup_tokens")).content.decode()
    codes = StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)
    assert len(codes) == 10 and all(code in page for code in codes)


# --- throttling ---------------------------------------------------------------------------------------


def test_wrong_codes_are_counted_as_failed_log_ins_and_lock_the_user_out(client, users, settings):
    user = users["demo-jpo"]
    device = enrolled(user)
    password_step(client, user.username)

    answers = [code_step(client, "000001" if code_of(device) != "000001" else "000002") for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 4 + [429]
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5
    # locked: the right password and then the right code no longer open anything
    assert password_step(client, user.username).status_code == 429
    assert client.get(DASHBOARD).status_code == 302


def test_a_device_holder_who_got_in_by_the_admins_log_in_page_is_sent_to_the_code(client, users):
    enrolled(users["demo-admin"])
    client.post("/admin/login/", {"username": "demo-admin", "password": DEMO_PASSWORD})

    response = client.get("/admin/")

    assert response["Location"].startswith(LOGIN)
    assert client.get(SETUP).status_code == 302  # signed out: no enrolling another phone either


# --- an administrator's reset -------------------------------------------------------------------------


def test_an_administrator_resets_a_users_second_factor(client, users, settings):
    settings.TWO_FACTOR_REQUIRED = False
    officer = users["demo-bureau-kanto"]
    enrolled(officer)
    StaticDevice.objects.create(user=officer, name="backup").token_set.create(token="x1")
    client.force_login(users["demo-admin"])

    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
        follow=True,
    )

    assert "二段階認証をリセットしました" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()


def test_central_staff_may_not_reset_anyones_second_factor(client, users, settings):
    settings.TWO_FACTOR_REQUIRED = False
    enrolled(users["demo-bureau-kanto"])
    client.force_login(users["demo-jpo"])

    page = client.get("/admin/auth/user/").content.decode()

    assert "reset_second_factor" not in page
    client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [users["demo-bureau-kanto"].pk]},
    )
    assert TOTPDevice.objects.filter(user=users["demo-bureau-kanto"]).exists()


# The settings page: session and user, the device the session was verified with, the request's
# savepoint and its release, the header menu's plans, groups and affiliation (as every signed-in page);
# then the backup codes' device, their count and the default device (read once, kept by the user).
PROFILE_QUERIES = 11


def test_the_settings_page_reads_a_fixed_number_of_queries(client, users, django_assert_num_queries):
    user = users["demo-jpo"]
    device = enrolled(user)
    password_step(client, user.username)
    code_step(client, code_of(device))
    backup = StaticDevice.objects.create(user=user, name="backup")
    for number in range(10):
        backup.token_set.create(token=f"code{number}")

    with django_assert_num_queries(PROFILE_QUERIES):
        page = client.get(reverse("two_factor:profile")).content.decode()

    assert "登録済み" in page and "10件" in page
