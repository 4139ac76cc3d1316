"""Log-in throttling and the security headers as deployed: DEBUG off, gunicorn with two worker
processes behind a (pretended) reverse proxy that appends the client's address to X-Forwarded-For.

The failures are counted in the database, so it does not matter which worker answers which attempt.
"""

import http.cookiejar
import re
import secrets
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import pytest

pytest.importorskip("gunicorn", reason="gunicorn is not installed: `pip install -e .` installs it")

from test_production import (  # noqa: E402  (the production test's helpers: same environment, same commands)
    _NoRedirects,
    fetch,
    finish_manage,
    manage,
    production_env,
    running_gunicorn,
    start_manage,
)

ATTACKER = "203.0.113.5"
OFFICE = "198.51.100.7"
PROXY_COUNT = "1"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("security")
    env = production_env(
        tmp, PORTAL_HTTPS="false", ALLOWED_HOSTS="127.0.0.1", REVERSE_PROXY_COUNT=PROXY_COUNT
    )
    collectstatic = start_manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    try:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "createcachetable")
    finally:
        finish_manage(collectstatic)
    password = secrets.token_urlsafe(16)
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--noinput",
        "--username",
        "kanri",
        "--email",
        "kanri@example.go.jp",
    )
    log_path = tmp / "gunicorn.log"
    with running_gunicorn({**env, "GUNICORN_WORKERS": "2"}, log_path) as base:
        yield {"base": base, "password": password, "database": tmp / "portal.sqlite3", "log": log_path}


def log_in(portal, username: str, password: str, address: str) -> int:
    """A log-in from a new browser at `address` (as the proxy reports it); the answer's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirects)
    url = f"{portal['base']}/accounts/login/"
    _status, _headers, body = fetch(url, opener=opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    request = urllib.request.Request(url, data=form.encode(), headers={"X-Forwarded-For": address})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def recorded_addresses(portal) -> set[str]:
    with sqlite3.connect(portal["database"]) as connection:
        return {row[0] for row in connection.execute("SELECT ip_address FROM axes_accessattempt")}


def test_gunicorn_sends_the_content_security_policy_and_the_other_headers(portal):
    status, headers, _body = fetch(f"{portal['base']}/accounts/login/")

    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_failures_spread_over_the_workers_lock_the_user_name_for_every_address(portal):
    for _ in range(5):
        assert log_in(portal, "kanri", "まちがったパスワード", ATTACKER) in (200, 429)

    # the right password, from another address, in a fresh browser: still locked
    assert log_in(portal, "kanri", portal["password"], OFFICE) == 429
    # the attempts were counted for the addresses the proxy reported, never for the proxy's own
    assert recorded_addresses(portal) == {ATTACKER, OFFICE}
