"""Two people acting on the same report at the same moment, with real threads and a live database (on
SQLite and PostgreSQL alike): one wins, the other gets the "changed meanwhile" page (409), nothing is
lost, and no request ever ends in a server error.

Each request runs through Django's request handler in a thread of its own, with its own database
connection, as gunicorn's threads do. The first request is held inside its transaction for a moment
after taking the report's version, so that the second one certainly arrives while the first still
holds the lock: on SQLite it waits at BEGIN (IMMEDIATE), on PostgreSQL on the report's row.
"""

import html
import re
import threading
import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import Client
from submitting import complete

from benchmarks.imports import actual_rows, create_import_plan, csv_file
from kpis import figure_import
from kpis.importing import import_file
from kpis.models import Actual
from kpis.resources import FileKind
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Region
from reports.models import ProgressReport
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db(transaction=True)

KANAGAWA = "/progress/14/2022/h1/"
REVIEW = KANAGAWA + "review/"
# The first request keeps its transaction open this long; the second starts STAGGER after it.
HOLD_SECONDS = 0.8
STAGGER_SECONDS = 0.2
State = ProgressReport.State


@pytest.fixture(scope="module", autouse=True)
def documents_data_afterwards(django_db_setup, django_db_blocker):
    """A transactional test empties the database when it ends: the documents' data is loaded again
    for the tests that follow, and pages cached (and committed) from data now gone are dropped."""
    yield
    with django_db_blocker.unblock():
        if not Plan.objects.exists():
            call_command("load_plan_data", verbosity=0)
        cache.clear()


@pytest.fixture
def report():
    if not Plan.objects.exists():  # emptied by an earlier transactional test
        call_command("load_plan_data", verbosity=0)
    create_demo_users()
    return workflow.report_of(open_demo_period(), Region.objects.get(code="14"))


def signed_in(username: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    return client


def hold_the_first_version_taken(monkeypatch) -> None:
    """The first request to take a report's version keeps its transaction open for HOLD_SECONDS."""
    take = workflow.take_version
    first = threading.Lock()

    def held(instance, version):
        taken = take(instance, version)
        if first.acquire(blocking=False):
            time.sleep(HOLD_SECONDS)
        return taken

    monkeypatch.setattr(workflow, "take_version", held)


def at_once(*requests) -> list:
    """Run each request in its own thread, each STAGGER_SECONDS after the one before; their responses
    (or the exception a thread met) in the same order."""
    results: list = [None] * len(requests)

    def run(position, request):
        try:
            time.sleep(position * STAGGER_SECONDS)
            results[position] = request()
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            results[position] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def report_form(report, action: str, value: str, activities: str) -> dict:
    data = {"action": action, "version": str(report.version), "confirmed": "1"}
    for entry in report.entries.order_by("indicator__kpi__order", "indicator__order"):
        data[f"value-{entry.indicator_id}"] = value
        data[f"activities-{entry.indicator_id}"] = activities
    return data


def statuses(responses) -> list[int]:
    return [getattr(response, "status_code", response) for response in responses]


def test_two_saves_of_the_same_version_one_wins_the_other_gets_409_with_what_it_typed(report, monkeypatch):
    hold_the_first_version_taken(monkeypatch)
    officer, bureau = signed_in("demo-pref-14"), signed_in("demo-bureau-kanto")
    first = report_form(report, "save", "3", "県のセミナー")
    second = report_form(report, "save", "5", "局の代理入力")

    responses = at_once(lambda: officer.post(KANAGAWA, first), lambda: bureau.post(KANAGAWA, second))

    assert statuses(responses) == [302, 409]
    report.refresh_from_db()
    assert report.version == 2  # one save
    assert set(report.entries.values_list("value", "activities")) == {(Decimal(3), "県のセミナー")}
    page = responses[1].content.decode()
    assert "画面を開いた後に更新されています" in page
    assert "局の代理入力" in page  # what the loser typed is on the page, not lost


def test_two_submissions_one_wins_the_other_gets_409(report, monkeypatch):
    hold_the_first_version_taken(monkeypatch)
    officer, bureau = signed_in("demo-pref-14"), signed_in("demo-bureau-kanto")
    form = report_form(report, "submit", "2", "")

    responses = at_once(lambda: officer.post(KANAGAWA, form), lambda: bureau.post(KANAGAWA, form))

    assert statuses(responses) == [302, 409]
    report.refresh_from_db()
    assert (report.state, report.version) == (State.SUBMITTED, 2)
    assert report.submitted_by.username == "demo-pref-14"
    assert report.history.filter(history_change_reason="提出").count() == 1


def test_two_approvals_one_wins_the_other_gets_409_and_the_figures_are_published_once(report, monkeypatch):
    # 6 a half is flagged for both lines (年5回, 年1回): explained
    explained = {"check_cause": "timing", "check_note": "下期の開催を前倒しした。"}
    values = {
        entry.indicator_id: workflow.EntryInput(value=Decimal(6), **explained)
        for entry in report.entries.all()
    }
    officer = User.objects.get(username="demo-pref-14")
    workflow.submit(officer, report, version=report.version, inputs=complete(report, values))
    hold_the_first_version_taken(monkeypatch)
    bureau, central = signed_in("demo-bureau-kanto"), signed_in("demo-jpo")
    form = {"action": "approve", "version": str(report.version)}

    responses = at_once(lambda: bureau.post(REVIEW, form), lambda: central.post(REVIEW, form))

    assert statuses(responses) == [302, 409]
    report.refresh_from_db()
    assert report.state == State.APPROVED and report.reviewed_by.username == "demo-bureau-kanto"
    published = Actual.objects.filter(indicator__in=values, period="h1", year=2022)
    assert sorted(published.values_list("value", flat=True)) == [Decimal(6)] * len(values)
    assert all(actual.history.count() == 1 for actual in published)


def test_a_save_during_an_import_waits_for_it_and_both_are_kept(report, monkeypatch):
    _plan, indicators = create_import_plan(600)
    rows = actual_rows(indicators, 600)
    write = figure_import.FigureWriter.write

    def slow_write(self, *args, **kwargs):
        write(self, *args, **kwargs)
        time.sleep(HOLD_SECONDS)  # still inside the import's transaction

    monkeypatch.setattr(figure_import.FigureWriter, "write", slow_write)
    officer = signed_in("demo-pref-14")
    form = report_form(report, "save", "7", "取込中の保存")

    def run_import():
        with transaction.atomic():
            return import_file(kind=FileKind.ACTUALS, data=csv_file(rows), file_format="csv", dry_run=False)

    outcome, response = at_once(run_import, lambda: officer.post(KANAGAWA, form))

    assert not outcome.errors
    assert response.status_code == 302
    assert Actual.objects.filter(indicator__in=indicators).count() == 600
    assert set(report.entries.values_list("value", "activities")) == {(Decimal(7), "取込中の保存")}


# --- a lock that cannot be had in time --------------------------------------------------------------


def hold_the_report(report, held: threading.Event, release: threading.Event) -> None:
    """In another connection: the database's write lock (SQLite) or the report's row (PostgreSQL)."""
    try:
        with transaction.atomic():
            # SQLite: BEGIN IMMEDIATE has taken the database's write lock already
            ProgressReport.objects.select_for_update().get(pk=report.pk)
            held.set()
            release.wait(30)
    finally:
        connections.close_all()


def wait_briefly_for_locks() -> None:
    """This connection gives up a lock after 0.2 s instead of waiting (SQLITE_BUSY_TIMEOUT on SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = '200ms'")
        else:
            cursor.execute("PRAGMA busy_timeout = 200")


def test_a_lock_wait_that_runs_out_answers_409_and_the_same_form_can_be_sent_again(report):
    client = signed_in("demo-pref-14")
    form = report_form(report, "save", "9", "混雑時の入力\n2行目")
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_the_report, args=(report, held, release))
    holder.start()
    try:
        assert held.wait(10)
        wait_briefly_for_locks()
        response = client.post(KANAGAWA, form)
    finally:
        release.set()
        holder.join(30)
        connection.close()  # the next connection waits as configured again

    assert response.status_code == 409
    page = response.content.decode()
    assert "他の方の操作と重なりました" in page and "保存していません" in page
    assert set(report.entries.values_list("value", flat=True)) == {None}  # nothing written
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    resent = {name: html.unescape(value) for name, value in hidden if name != "csrfmiddlewaretoken"}
    assert resent == form  # everything typed, ready to be sent again

    again = client.post(KANAGAWA, resent)

    assert again.status_code == 302
    assert set(report.entries.values_list("value", "activities")) == {(Decimal(9), "混雑時の入力\n2行目")}


def test_pages_are_read_while_a_writer_holds_the_lock(report):
    """Reads take no write lock (on SQLite their transaction starts DEFERRED): while someone else's
    transaction holds the lock, the dashboards and the report page still answer at once."""
    client = signed_in("demo-pref-14")
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_the_report, args=(report, held, release))
    holder.start()
    try:
        assert held.wait(10)
        wait_briefly_for_locks()
        pages = [client.get(url) for url in ("/dashboard/2/blocks/kanto/", "/dashboard/2/", KANAGAWA)]
    finally:
        release.set()
        holder.join(30)
        connection.close()

    assert [page.status_code for page in pages] == [200, 200, 200]
