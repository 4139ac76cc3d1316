"""An import that fails half-way, inside its transaction, leaves the database exactly as it was:
no actual, no history record, no dashboard version bump; the user gets a Japanese message.

The failure is injected into the import's own batch writer (`kpis.bulk_history`), after the first
batch of 500 rows has gone in: by raising, and by sending the database a statement it refuses (a
real database error, which on PostgreSQL aborts the transaction until it is rolled back).
"""

import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from benchmarks.imports import actual_rows, create_import_plan, csv_file
from kpis import bulk_history
from kpis.bulk_history import WRITE_BATCH_SIZE
from kpis.importing import UNEXPECTED, import_file
from kpis.models import Actual
from kpis.resources import FileKind
from reports.dashboards.caching import data_version

pytestmark = pytest.mark.django_db

ROWS = 3 * WRITE_BATCH_SIZE  # three batches: the failure comes after the first


@pytest.fixture
def indicators():
    _plan, indicators = create_import_plan(ROWS)
    return indicators


def state(indicators) -> dict:
    """The actuals of the indicators and their history, every column."""
    return {
        "actuals": list(Actual.objects.filter(indicator__in=indicators).order_by("pk").values()),
        "history": list(Actual.history.filter(indicator__in=indicators).order_by("history_id").values()),
        "all actuals": Actual.objects.count(),
        "all history": Actual.history.count(),
    }


class Failure(Exception):
    """What the injected failure raises."""


def fail_after_first_batch(monkeypatch, function_name: str, *, database_error: bool = False) -> list:
    """Make `kpis.bulk_history.<function_name>` work once, then fail; returns the calls made."""
    real = getattr(bulk_history, function_name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            return real(*args, **kwargs)
        if database_error:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM a_table_that_does_not_exist")
        raise Failure("停電")

    monkeypatch.setattr(bulk_history, function_name, failing)
    return calls


def expected_message(error_name: str) -> str:
    return f"ファイル: {UNEXPECTED.format(name=error_name)}"


def database_error_name() -> str:
    """What Django calls the error of a statement on a missing table."""
    return "ProgrammingError" if connection.vendor == "postgresql" else "OperationalError"


@pytest.mark.parametrize("database_error", [False, True])
def test_a_failure_after_the_first_batch_of_new_rows_leaves_no_actual_and_no_history(
    indicators, monkeypatch, django_capture_on_commit_callbacks, database_error
):
    error_name = database_error_name() if database_error else "Failure"
    data = csv_file(actual_rows(indicators, ROWS))
    before = state(indicators)
    version = data_version()
    calls = fail_after_first_batch(monkeypatch, "insert_batch", database_error=database_error)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert len(calls) == 2  # the first batch was written, the second failed
    assert [str(error) for error in outcome.errors] == [expected_message(error_name)]
    assert state(indicators) == before
    assert callbacks == []
    assert data_version() == version


def test_a_failure_while_writing_the_history_leaves_no_actual(indicators, monkeypatch):
    data = csv_file(actual_rows(indicators, ROWS))
    before = state(indicators)

    def failing_history(*args, **kwargs):
        raise Failure("ディスクがいっぱい")

    monkeypatch.setattr(bulk_history, "copy_to_history", failing_history)

    outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False)

    assert [str(error) for error in outcome.errors] == [expected_message("Failure")]
    assert state(indicators) == before


@pytest.mark.parametrize("database_error", [False, True])
def test_a_failure_after_the_first_batch_of_updates_leaves_every_value_and_history_as_it_was(
    indicators, monkeypatch, database_error
):
    rows = actual_rows(indicators, ROWS)
    assert (
        import_file(kind=FileKind.ACTUALS, data=csv_file(rows), file_format="csv", dry_run=False).errors == ()
    )
    for row in rows:
        row["value"] = "1"  # every row now changes a value
    before = state(indicators)
    calls = fail_after_first_batch(monkeypatch, "update_batch", database_error=database_error)

    outcome = import_file(kind=FileKind.ACTUALS, data=csv_file(rows), file_format="csv", dry_run=False)

    assert len(calls) == 2
    assert len(outcome.errors) == 1
    assert state(indicators) == before
    assert not Actual.history.filter(indicator__in=indicators, history_type="~").exists()


def test_the_admin_confirm_step_reports_the_failure_and_writes_nothing(admin_client, indicators, monkeypatch):
    upload = SimpleUploadedFile("実績.csv", csv_file(actual_rows(indicators, ROWS)))
    preview = admin_client.post(
        reverse("admin:kpis_actual_import"), {"import_file": upload, "format": "0", "resource": "0"}
    )
    before = state(indicators)
    fail_after_first_batch(monkeypatch, "insert_batch", database_error=True)

    response = admin_client.post(
        reverse("admin:kpis_actual_process_import"), preview.context["confirm_form"].initial, follow=True
    )

    page = html.unescape(response.content.decode())
    assert expected_message(database_error_name()) in page
    assert "エラーが 1件あるため取り込めません。データベースは変更していません。" in page
    assert state(indicators) == before


def test_the_command_reports_the_failure_and_writes_nothing(indicators, monkeypatch, tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(csv_file(actual_rows(indicators, ROWS)))
    before = state(indicators)
    fail_after_first_batch(monkeypatch, "insert_batch")
    err = io.StringIO()

    with pytest.raises(CommandError, match="データベースは変更していません"):
        call_command("import_actuals", str(path), stderr=err)

    assert err.getvalue().splitlines() == [expected_message("Failure")]
    assert state(indicators) == before


def test_after_a_failed_import_the_same_file_imports_whole(indicators, monkeypatch):
    data = csv_file(actual_rows(indicators, ROWS))
    fail_after_first_batch(monkeypatch, "insert_batch", database_error=True)
    assert import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False).errors
    monkeypatch.undo()

    outcome = import_file(
        kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=False, filename="再.csv"
    )

    assert (outcome.errors, outcome.new) == ((), ROWS)
    assert Actual.objects.filter(indicator__in=indicators).count() == ROWS
    assert (
        Actual.history.filter(
            indicator__in=indicators, history_change_reason="ファイル取込（再.csv）"
        ).count()
        == ROWS
    )
