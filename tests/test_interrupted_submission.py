"""A submission or an approval that fails half-way leaves the database as it was.

Each workflow step is one transaction (reports/progress/workflow.py) and each request another
(ATOMIC_REQUESTS). Here the failure comes after some rows — report lines, published actuals — and
their history records have been written: the Nth save of a model raises, either in Python or because
the database refuses a statement. Afterwards the report's state and version, its lines, the actuals,
every table of the portal (history included, compared by row counts and checksums) and the
dashboards' data versions are exactly as before.
"""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from submitting import complete

from kpis.models import Actual
from regions.demo import create_demo_users
from regions.models import Region
from reports.dashboards import caching
from reports.management import backup
from reports.models import ProgressReport, ReportEntry, ReportingPeriod
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

State = ProgressReport.State
KANAGAWA = "/progress/14/2022/h1/"
REVIEW = KANAGAWA + "review/"


class Interrupted(Exception):
    """The failure injected half-way through a step."""


@contextmanager
def failing_at_save(model, nth: int, *, fault: str):
    """The `nth` save of `model` fails right after its row and its history record are written.

    fault "python": an exception raised by the code; fault "database": a statement the database
    refuses (a second reporting period for the same half), which on PostgreSQL also aborts the
    transaction. Yields what was written of `model` when the failure came.
    """
    seen = {"saves": 0, "history_at_failure": None}

    def fail(sender, instance, **kwargs):
        seen["saves"] += 1
        if seen["saves"] != nth:
            return
        seen["history_at_failure"] = model.history.count()
        fail_by(fault, f"{model.__name__} の {nth} 件目の保存で中断")

    # connected after django-simple-history's receiver: the history record exists when this runs
    post_save.connect(fail, sender=model, weak=False, dispatch_uid="interrupted-submission")
    try:
        yield seen
    finally:
        post_save.disconnect(sender=model, dispatch_uid="interrupted-submission")


def fail_by(fault: str, message: str) -> None:
    if fault == "python":
        raise Interrupted(message)
    existing = ReportingPeriod.objects.first()
    ReportingPeriod.objects.create(
        plan=existing.plan,
        fiscal_year=existing.fiscal_year,
        half=existing.half,
        deadline=existing.deadline,
    )


@contextmanager
def failing_at_lines_history(report, *, fault: str):
    """The report's lines are written together (reports/progress/workflow.py): the failure comes
    right after their rows were updated, when the statement recording their history runs. Yields
    the lines' values as they stood in the transaction when the failure came."""
    seen = {"values_at_failure": None}
    history = connection.ops.quote_name(ReportEntry.history.model._meta.db_table)

    def fail(execute, sql, params, many, context):
        if seen["values_at_failure"] is None and sql.startswith(f"INSERT INTO {history}"):
            seen["values_at_failure"] = []  # set first: the query below passes through here too
            lines = report.entries.order_by("indicator__kpi__order", "indicator__order")
            seen["values_at_failure"] = list(lines.values_list("value", flat=True))
            fail_by(fault, "報告の行の履歴を書く途中で中断")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield seen


FAULTS = ["python", "database"]
RAISED = {"python": Interrupted, "database": DatabaseError}


@pytest.fixture
def users():
    create_demo_users()
    return {user.username: user for user in User.objects.filter(username__startswith="demo-")}


@pytest.fixture
def report(users):
    """Kanagawa's report with a saved draft: both lines typed, not yet submitted."""
    report = workflow.report_of(open_demo_period(), Region.objects.get(code="14"), users["demo-pref-14"])
    first, second = indicator_ids(report)
    report = fresh(report)
    workflow.save_draft(
        users["demo-pref-14"],
        report,
        version=report.version,
        inputs=typed(report, {first: "3", second: "1"}, activities="下書き"),
    )
    committed()
    return fresh(report)


@pytest.fixture
def submitted(report, users):
    first, second = indicator_ids(report)
    workflow.submit(
        users["demo-pref-14"],
        report,
        version=report.version,
        inputs=complete(
            report, typed(report, {first: "12", second: "2"}, activities="6月10日、9月5日に開催した。")
        ),
    )
    committed()
    return fresh(report)


def committed() -> None:
    """Run what the commit of the steps so far would run (the dashboards' version bumps): the test's
    transaction never commits, and a bump still pending would hide the one a later step registers."""
    connection = transaction.get_connection()
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()


def indicator_ids(report) -> list[int]:
    return list(
        report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
            "indicator_id", flat=True
        )
    )


def typed(report, values: dict[int, str], **texts) -> dict:
    posted = {}
    for indicator_id, value in values.items():
        posted[f"value-{indicator_id}"] = value
        for name in workflow.TEXT_FIELDS:
            posted[f"{name}-{indicator_id}"] = texts.get(name, "")
    return workflow.read_inputs(report, posted)


def fresh(report) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def everything(report) -> dict:
    """What must not change: the report as its readers see it, the half's actuals, and every table
    of the portal by row count and checksum (history tables included)."""
    report = fresh(report)
    return {
        "report": (
            report.state,
            report.version,
            report.submitted_at,
            report.reviewed_by_id,
            report.updated_at,
        ),
        "lines": list(
            report.entries.order_by("pk").values_list("value", "activities", "updated_by_id", "updated_at")
        ),
        "actuals": list(
            Actual.objects.filter(year=2022, period="h1").order_by("pk").values_list("indicator_id", "value")
        ),
        "tables": backup.manifest()["models"],
    }


def assert_unchanged(report, before: dict) -> None:
    after = everything(report)
    # the tables that changed, by name, before the whole comparison
    assert backup.differences({"models": before["tables"]}, {"models": after["tables"]}) == []
    assert after == before


def versions() -> tuple[int, int]:
    return caching.data_version(), caching.submissions_version()


# --- the workflow functions --------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
def test_a_submission_interrupted_while_writing_its_lines_changes_nothing(
    report, users, django_capture_on_commit_callbacks, fault
):
    first, second = indicator_ids(report)
    before, versions_before = everything(report), versions()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing_at_lines_history(report, fault=fault) as seen,
        pytest.raises(RAISED[fault]),
    ):
        workflow.submit(
            users["demo-pref-14"],
            report,
            version=report.version,
            inputs=complete(report, typed(report, {first: "12", second: "2"}, activities="途中で失敗")),
        )

    # the failure came half-way: the lines held the submitted values
    assert seen["values_at_failure"] == [Decimal(12), Decimal(2)]
    assert_unchanged(report, before)
    assert fresh(report).state == State.DRAFT
    assert callbacks == [] and versions() == versions_before


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    ("model", "nth", "written_before"),
    [(ProgressReport, 1, "every line and its history, and the report's submitted state")],
)
def test_a_submission_interrupted_half_way_changes_nothing(
    report, users, django_capture_on_commit_callbacks, model, nth, written_before, fault
):
    first, second = indicator_ids(report)
    before, versions_before = everything(report), versions()
    history_before = model.history.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing_at_save(model, nth, fault=fault) as seen,
        pytest.raises(RAISED[fault]),
    ):
        workflow.submit(
            users["demo-pref-14"],
            report,
            version=report.version,
            inputs=complete(
                report, typed(report, {first: "12", second: "2"}, activities="途中で失敗する提出")
            ),
        )

    # the failure came half-way: rows and their history records had been written
    assert seen["history_at_failure"] == history_before + nth, written_before
    assert_unchanged(report, before)
    assert fresh(report).state == State.DRAFT
    assert callbacks == [] and versions() == versions_before
    # and the officer can submit again, from the version they had open
    workflow.submit(
        users["demo-pref-14"], fresh(report), version=before["report"][1], inputs=complete(fresh(report))
    )
    assert fresh(report).state == State.SUBMITTED


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize(
    ("model", "nth", "written_before"),
    [
        (Actual, 2, "the first published actual and its history"),
        (ProgressReport, 1, "every published actual, and the report's approved state"),
    ],
)
def test_an_approval_interrupted_half_way_publishes_nothing(
    submitted, users, django_capture_on_commit_callbacks, model, nth, written_before, fault
):
    before, versions_before = everything(submitted), versions()
    assert before["actuals"] == []  # nothing published for the half yet
    history_before = model.history.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing_at_save(model, nth, fault=fault) as seen,
        pytest.raises(RAISED[fault]),
    ):
        workflow.approve(users["demo-bureau-kanto"], submitted, version=submitted.version)

    assert seen["history_at_failure"] == history_before + nth, written_before
    assert_unchanged(submitted, before)
    assert fresh(submitted).state == State.SUBMITTED
    # the dashboards' data version was bumped by no published actual: the cached pages stay valid
    assert callbacks == [] and versions() == versions_before


def test_a_completed_approval_publishes_and_bumps_the_data_version(
    submitted, users, django_capture_on_commit_callbacks
):
    """The counterpart of the tests above: what an interrupted approval must not do, a completed one does."""
    before, versions_before = everything(submitted), versions()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.approve(users["demo-bureau-kanto"], submitted, version=submitted.version)

    after = everything(submitted)
    assert after["actuals"] != before["actuals"] and len(after["actuals"]) == 2
    assert backup.differences({"models": before["tables"]}, {"models": after["tables"]})
    assert callbacks and versions()[0] == versions_before[0] + 1


# --- through the pages (ATOMIC_REQUESTS) -------------------------------------------------------------


def signed_in(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))  # before any snapshot: it sets last_login
    return client


def test_requests_are_transactions():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is True


@pytest.mark.parametrize("fault", FAULTS)
def test_a_submission_request_that_fails_half_way_answers_500_and_changes_nothing(
    report, django_capture_on_commit_callbacks, fault
):
    first, second = indicator_ids(report)
    officer = signed_in("demo-pref-14")
    assert officer.get(KANAGAWA).status_code == 200
    before, versions_before = everything(report), versions()
    form = {
        "action": "submit",
        "confirmed": "1",
        "version": str(report.version),
        f"value-{first}": "12",
        f"value-{second}": "2",
    }

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing_at_lines_history(report, fault=fault) as seen,
    ):
        response = officer.post(KANAGAWA, form)

    assert seen["values_at_failure"] == [Decimal(12), Decimal(2)]  # the lines were written
    assert response.status_code == 500
    assert_unchanged(report, before)
    assert callbacks == [] and versions() == versions_before
    # the page shows the draft as it was, still open for submission
    page = officer.get(KANAGAWA).content.decode()
    assert 'value="submit"' in page


@pytest.mark.parametrize("fault", FAULTS)
def test_an_approval_request_that_fails_half_way_answers_500_and_publishes_nothing(
    submitted, django_capture_on_commit_callbacks, fault
):
    bureau = signed_in("demo-bureau-kanto")
    before, versions_before = everything(submitted), versions()
    history_before = Actual.history.count()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        failing_at_save(Actual, 2, fault=fault) as seen,
    ):
        response = bureau.post(
            REVIEW, {"action": "approve", "version": str(submitted.version), "comment": ""}
        )

    assert seen["history_at_failure"] == history_before + 2  # both actuals were written when it broke
    assert response.status_code == 500
    assert_unchanged(submitted, before)
    assert callbacks == [] and versions() == versions_before
    assert not Actual.objects.filter(year=2022, period="h1", value=Decimal(12)).exists()
