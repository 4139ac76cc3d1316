"""A server error leaves its traceback in the log, one JSON line with the request's id, method, path and
user; neither the log nor the administrators' mail holds a password, a session id or a form value."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from regions.demo import create_demo_users
from regions.models import Region
from reports.progress import workflow
from reports.progress.demo import open_demo_period

KANAGAWA = "/progress/14/2022/h1/"
TYPED = "入力中の秘密の取組内容"


@pytest.fixture
def log_lines():
    """What the portal's stderr handler writes, caught in memory for the test."""
    (handler,) = [h for h in logging.getLogger("django.request").handlers if h.get_name() == "console"]
    caught = io.StringIO()
    previous = handler.setStream(caught)
    yield lambda: [json.loads(line) for line in caught.getvalue().splitlines()]
    handler.setStream(previous)


@pytest.fixture
def broken_save(db, monkeypatch):
    """A fault inside the save of Kanagawa's report."""
    create_demo_users()
    report = workflow.report_of(open_demo_period(), Region.objects.get(code="14"))

    def broken(*_args, **_kwargs):
        raise RuntimeError("a fault inside the save")

    monkeypatch.setattr(workflow, "save_draft", broken)
    return report


def post_the_broken_save(report, password: str = "not-a-password"):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username="demo-pref-14"))
    entry = report.entries.first()
    form = {
        "action": "save",
        "version": str(report.version),
        f"value-{entry.indicator_id}": "12",
        f"activities-{entry.indicator_id}": TYPED,
        "password": password,
    }
    return client, client.post(KANAGAWA, form)


def test_the_log_goes_to_stderr_at_the_configured_level():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stderr"
    assert handler["level"] == settings.LOG_LEVEL == "INFO"


def test_a_server_error_writes_one_line_with_its_traceback_and_the_request(broken_save, log_lines):
    client, response = post_the_broken_save(broken_save)

    assert response.status_code == 500
    (line,) = [line for line in log_lines() if line["level"] == "ERROR"]
    assert line["logger"] == "django.request" and line["status"] == 500
    assert (line["method"], line["path"]) == ("POST", KANAGAWA)
    assert line["user_id"] == User.objects.get(username="demo-pref-14").pk
    assert line["request_id"] == response["X-Request-ID"]
    assert "Traceback (most recent call last)" in line["traceback"]
    assert "RuntimeError: a fault inside the save" in line["traceback"]
    # the id is on the Japanese 500 page, for the user to quote
    assert response["X-Request-ID"] in response.content.decode()


def test_neither_the_log_nor_the_mail_holds_form_values_passwords_or_session_ids(
    broken_save, log_lines, settings
):
    settings.ADMINS = [("運用担当", "ops@example.go.jp")]
    client, response = post_the_broken_save(broken_save, password="hunter2-secret-pass")

    assert response.status_code == 500
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in log_lines())
    (message,) = mail.outbox
    assert message.to == ["ops@example.go.jp"]
    assert (
        "RuntimeError at /progress/14/2022/h1/" in message.body and "a fault inside the save" in message.body
    )
    for text in (written, message.body):
        assert TYPED not in text
        assert "hunter2-secret-pass" not in text
        assert session_id not in text


def test_every_response_carries_its_own_request_id(client, db):
    first, second = client.get("/accounts/login/"), client.get("/accounts/login/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
