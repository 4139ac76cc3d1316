"""Log-in: throttling of repeated failures (django-axes), no hint of which user names exist, the
password policy, how long a session lasts, and the absence of a password-reset flow."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from chizai_portal.login_security import address_of, client_ip, scaled_failures
from regions.demo import DEMO_PASSWORD, create_demo_users

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
FAILED = "ユーザー名またはパスワードが正しくありません。"
LOCKED = "ログインを一時的に停止しています"
OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


@pytest.fixture
def users():
    create_demo_users()


def attempt(client: Client, username: str, password: str, address: str = OFFICE):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, username: str, times: int, address: str = OFFICE) -> None:
    """Failed attempts; the one that reaches a limit is already answered with the lock-out page."""
    for _ in range(times):
        response = attempt(client, username, "まちがったパスワード", address)
        assert response.status_code in (200, 429), response.status_code


def page_without_tokens(response) -> str:
    """The page as a person reads it: the CSRF token and the user name typed back are left out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'id="id_username"[^>]*>', 'id="id_username">', html)


def is_logged_in(client: Client) -> bool:
    return client.get("/dashboard/2/").status_code == 200


# --- the same answer for every failure ----------------------------------------------------------------


def test_it_answers_an_unknown_user_name_and_a_wrong_password_with_the_same_page(client, users):
    unknown = attempt(client, "no-such-user", "まちがったパスワード")
    wrong_password = attempt(client, "demo-pref-14", "まちがったパスワード")

    assert unknown.status_code == wrong_password.status_code == 200
    assert FAILED in unknown.content.decode()
    assert page_without_tokens(unknown) == page_without_tokens(wrong_password)


def test_a_deactivated_account_gets_the_same_answer_even_with_its_right_password(client, users):
    User.objects.filter(username="demo-pref-14").update(is_active=False)

    inactive = attempt(client, "demo-pref-14", DEMO_PASSWORD)
    unknown = attempt(client, "no-such-user", DEMO_PASSWORD)

    assert page_without_tokens(inactive) == page_without_tokens(unknown)
    assert not is_logged_in(client)


def test_the_right_password_logs_in(client, users):
    response = attempt(client, "demo-pref-14", DEMO_PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


# --- throttling ----------------------------------------------------------------------------------------


def test_five_failures_lock_the_user_name_even_against_the_right_password(client, users):
    fail(client, "demo-pref-14", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "demo-pref-14", "まちがったパスワード").status_code == 429

    locked = attempt(client, "demo-pref-14", DEMO_PASSWORD)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "15分" in page
    assert '<html lang="ja">' in page
    assert not is_logged_in(client)


def test_the_lock_follows_the_user_name_to_another_address(users):
    fail(Client(), "demo-pref-14", settings.AXES_FAILURE_LIMIT)

    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD, address=ELSEWHERE).status_code == 429


def test_an_unknown_user_name_is_locked_exactly_like_a_known_one(client, users):
    fail(client, "demo-pref-14", settings.AXES_FAILURE_LIMIT)
    fail(client, "no-such-user", settings.AXES_FAILURE_LIMIT)

    known = attempt(client, "demo-pref-14", DEMO_PASSWORD)
    unknown = attempt(client, "no-such-user", DEMO_PASSWORD)

    assert known.status_code == unknown.status_code == 429
    assert page_without_tokens(known) == page_without_tokens(unknown)


def test_someone_elses_failures_from_the_same_office_do_not_lock_a_user(users):
    fail(Client(), "demo-pref-11", settings.AXES_FAILURE_LIMIT)

    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD).status_code == 302


def test_thirty_failures_from_one_address_lock_that_address_for_every_name(users):
    for number in range(settings.PORTAL_ADDRESS_FAILURE_LIMIT):
        fail(Client(), f"guess-{number}", 1)

    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD).status_code == 429
    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD, address=ELSEWHERE).status_code == 302


def test_twenty_nine_failures_from_one_address_do_not_lock_it(users):
    for number in range(settings.PORTAL_ADDRESS_FAILURE_LIMIT - 1):
        fail(Client(), f"guess-{number}", 1)

    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD).status_code == 302


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(client, users):
    fail(client, "demo-pref-14", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "demo-pref-14", DEMO_PASSWORD).status_code == 429
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert attempt(client, "demo-pref-14", DEMO_PASSWORD).status_code == 302


def test_failures_on_the_admins_log_in_page_count_too(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/",
            {"username": "demo-admin", "password": "まちがったパスワード"},
            REMOTE_ADDR=OFFICE,
        )

    assert attempt(client, "demo-admin", DEMO_PASSWORD).status_code == 429


def test_a_success_does_not_wipe_the_failures_of_the_address(users):
    """Otherwise anyone with an account could reset the count while trying other names."""
    for number in range(settings.PORTAL_ADDRESS_FAILURE_LIMIT - 1):
        fail(Client(), f"guess-{number}", 1)
    assert attempt(Client(), "demo-pref-11", DEMO_PASSWORD).status_code == 302

    fail(Client(), "guess-last", 1)

    assert attempt(Client(), "demo-pref-14", DEMO_PASSWORD).status_code == 429


@pytest.mark.parametrize(
    ("failures", "limit", "expected"),
    [(0, 30, 0), (29, 30, 4), (30, 30, 5), (31, 30, 5), (4, 5, 4), (5, 5, 5)],
)
def test_failures_are_scaled_so_each_limit_meets_the_common_one(failures, limit, expected):
    assert scaled_failures(failures, limit=limit, common_limit=5) == expected


# --- the client's address behind a reverse proxy -------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post(LOGIN, **extra)


def test_without_a_proxy_the_address_is_the_connections_and_forwarded_headers_are_ignored(settings):
    settings.REVERSE_PROXY_COUNT = 0

    assert client_ip(request_from("192.0.2.1", forwarded="203.0.113.5")) == "192.0.2.1"


def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(settings):
    settings.REVERSE_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.2", forwarded="203.0.113.5")) == "203.0.113.5"
    # entries to the left were written by the client and can say anything
    assert client_ip(request_from("10.0.0.2", forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"


def test_behind_two_proxies_the_address_is_the_outer_proxys_entry(settings):
    settings.REVERSE_PROXY_COUNT = 2

    forwarded = "1.2.3.4, 203.0.113.5, 10.0.0.3"
    assert client_ip(request_from("10.0.0.2", forwarded=forwarded)) == "203.0.113.5"


@pytest.mark.parametrize(
    ("entry", "address"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("203.0.113.5:4711", "203.0.113.5"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:4711", "2001:db8::1"),
        ("unknown", None),
        ("203.0.113.5:4711:1", None),
    ],
)
def test_a_forwarded_entry_is_read_with_or_without_a_port(entry, address):
    assert address_of(entry) == address


def test_a_forwarded_header_that_did_not_come_through_the_proxies_is_not_trusted(settings):
    settings.REVERSE_PROXY_COUNT = 2

    assert client_ip(request_from("10.0.0.2", forwarded="203.0.113.5")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"
    settings.REVERSE_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", forwarded="<script>")) == "10.0.0.2"


def test_behind_a_proxy_failures_count_for_the_forwarded_address(client, settings, users):
    settings.REVERSE_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for number in range(settings.PORTAL_ADDRESS_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess-{number}", "password": "x"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.1.1.{number}, {ELSEWHERE}",
        )

    locked = client.post(
        LOGIN,
        {"username": "demo-pref-14", "password": DEMO_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    other = Client().post(
        LOGIN,
        {"username": "demo-pref-14", "password": DEMO_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OFFICE,
    )

    assert locked.status_code == 429
    assert other.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ELSEWHERE}


# --- password policy -----------------------------------------------------------------------------------


def refusals(password: str, user: User | None = None) -> list[str]:
    with translation.override("ja"):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return list(error.messages)
    return []


def test_a_password_shorter_than_fifteen_characters_is_refused_in_japanese():
    assert settings.PASSWORD_MIN_LENGTH == 15

    assert "このパスワードは短すぎます。最低 15 文字以上必要です。" in refusals("ringo-mikan-1")


def test_common_and_all_digit_passwords_are_refused_in_japanese():
    assert "このパスワードは一般的すぎます。" in refusals("1q2w3e4r5t6y7u8i9o0p")
    assert "このパスワードは数字しか使われていません。" in refusals("820473619258371")


def test_a_password_like_the_users_name_is_refused(users):
    user = User.objects.get(username="demo-bureau-kanto")

    assert any("似すぎています" in message for message in refusals("demo-bureau-kanto", user))


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",  # 16 characters, not on Django's common list
        "qwertyuiopasdfgh",  # a keyboard row
        "aaaaaaaaaaaaaaaaaaaa",  # one key held down
        "password12345678",  # a word and a sequence
        "abcdefghijklmnop",  # the alphabet
    ],
)
def test_a_long_but_easily_guessed_password_is_refused_in_japanese(password):
    messages = refusals(password)

    assert messages, password
    assert any(message.startswith("パスワードが推測しやすすぎます") for message in messages), messages


def test_a_password_like_the_users_own_name_is_refused_by_the_strength_estimate_too(users):
    user = User.objects.get(username="demo-bureau-kanto")
    user.first_name = "関東経済産業局"

    assert refusals("demo-bureau-kanto-2024", user)


def test_a_long_passphrase_is_accepted_without_composition_rules():
    assert refusals("はるのうみ ひねもすのたり のたりかな") == []
    assert refusals("correct horse battery staple") == []


# --- sessions ------------------------------------------------------------------------------------------


def session_of(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_the_session_cookie_ends_with_the_browser_and_is_not_readable_by_scripts(client, users):
    attempt(client, "demo-pref-14", DEMO_PASSWORD)

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_session_ends_eight_hours_after_logging_in_whatever_the_activity(client, users):
    before = timezone.now()
    attempt(client, "demo-pref-14", DEMO_PASSWORD)
    expiry = session_of(client).expire_date
    assert before + datetime.timedelta(hours=8) <= expiry <= timezone.now() + datetime.timedelta(hours=8)

    for url in ("/dashboard/2/", "/progress/", "/case-studies/", "/dashboard/2/blocks/kanto/"):
        client.get(url)

    assert session_of(client).expire_date == expiry


def test_an_expired_session_is_sent_back_to_the_log_in_page(client, users):
    attempt(client, "demo-pref-14", DEMO_PASSWORD)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/dashboard/2/")

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_logging_out_ends_the_session_on_the_server(client, users):
    attempt(client, "demo-pref-14", DEMO_PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    client.post("/accounts/logout/")

    assert not Session.objects.filter(session_key=key).exists()


# --- no password reset ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["password_reset", "admin_password_reset", "password_change"])
def test_there_is_no_password_reset_or_change_page_that_could_tell_which_addresses_exist(name):
    with pytest.raises(NoReverseMatch):
        reverse(name)


def test_the_reset_addresses_django_would_use_lead_nowhere(client):
    for url in ("/accounts/password_reset/", "/admin/password_reset/", "/accounts/password/reset/"):
        assert client.post(url, {"email": "demo-pref-14@example.go.jp"}).status_code in (302, 404), url


def test_the_admins_log_in_page_offers_no_reset_link(client):
    page = client.get("/admin/login/").content.decode()

    assert "password_reset" not in page
