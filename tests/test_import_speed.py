"""An import of many figures runs a bounded number of SQL queries, and still writes what a save() would:
the measure, a history record per figure with its user and reason, and one dashboard data-version bump.

Nothing here is timed (BENCHMARKS.md has the times); the query counts are what keeps an import fast.
"""

import math
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from benchmarks.imports import IMPORT_PLAN_NUMBER, actual_rows, create_import_plan, csv_file
from kpis.figure_import import FigureFile
from kpis.importing import LineError, import_file
from kpis.models import Actual, Measure, Target
from kpis.resources import FileKind
from reports.dashboards.caching import data_version

pytestmark = pytest.mark.django_db

# Every INSERT of a figure or of its history carries this many rows at least: SQLite's limit of 999
# parameters per statement allows 66 history rows, PostgreSQL gets batches of 500.
MIN_ROWS_PER_INSERT = 50


@pytest.fixture
def indicators():
    """A synthetic plan with enough regional indicators for 2,000 half-year actuals, and none yet."""
    _plan, indicators = create_import_plan(2_000)
    setup_committed()
    # Django asks a database once per connection what it supports (on SQLite, JSON functions, which
    # the history write uses): not a query of any import.
    assert connection.features.supports_json_field is not None
    return indicators


def setup_committed() -> None:
    """The test's transaction never commits, so the marker of the dashboard version raised by the setup
    is still registered, and no later change of the same transaction raises the version again
    (reports/dashboards/versions.py). Run and drop it, as a commit of the setup would have: each import
    then raises the version once (one UPDATE), as in its own transaction."""
    pending = list(connection.run_on_commit)
    connection.run_on_commit.clear()
    for _savepoints, callback, _robust in pending:
        callback()


def actuals_file(indicators, rows: int) -> bytes:
    return csv_file(actual_rows(indicators, rows))


def import_actuals(data: bytes, **options):
    return import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", **options)


def statements_of(data: bytes, *, dry_run: bool) -> list[str]:
    # The query log is a bounded deque: once full, a capture would see nothing.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        outcome = import_actuals(data, dry_run=dry_run)
    assert outcome.errors == ()
    return [query["sql"] for query in queries]


def is_insert(sql: str) -> bool:
    return sql.lstrip().upper().startswith("INSERT")


# --- queries ---------------------------------------------------------------------------------


def test_an_import_of_2000_actuals_runs_the_same_queries_as_one_of_200_but_for_batched_inserts(indicators):
    small = statements_of(actuals_file(indicators, 200), dry_run=False)
    Actual.objects.filter(indicator__in=indicators).delete()
    setup_committed()  # each import in a transaction of its own: each raises the data version once
    large = statements_of(actuals_file(indicators, 2_000), dry_run=False)

    assert Actual.objects.filter(indicator__in=indicators).count() == 2_000
    assert any(sql.startswith("SELECT") for sql in small)
    # Look-ups, savepoints and the sequence: as many for 2,000 rows as for 200.
    assert len([sql for sql in large if not is_insert(sql)]) == len(
        [sql for sql in small if not is_insert(sql)]
    )
    # The rows and their history go in batches, never one INSERT per row.
    inserts = [sql for sql in large if is_insert(sql)]
    assert len(inserts) <= 2 * math.ceil(2_000 / MIN_ROWS_PER_INSERT)


def test_a_dry_run_of_2000_actuals_runs_exactly_the_queries_of_one_of_200(indicators):
    small = statements_of(actuals_file(indicators, 200), dry_run=True)
    large = statements_of(actuals_file(indicators, 2_000), dry_run=True)

    assert len(large) == len(small) > 0
    assert not any(is_insert(sql) for sql in large)
    assert not Actual.objects.filter(indicator__in=indicators).exists()


def test_an_import_updating_2000_actuals_loads_them_in_one_query_and_updates_in_batches(indicators):
    data = actuals_file(indicators, 2_000)
    import_actuals(data, dry_run=False)
    Actual.objects.filter(indicator__in=indicators).update(value=0)
    reset_queries()

    with CaptureQueriesContext(connection) as queries:
        outcome = import_actuals(data, dry_run=False)

    assert (outcome.new, outcome.updated, outcome.errors) == (0, 2_000, ())
    # A batch sent with executemany is logged once, as "500 times: UPDATE …".
    statements = [re.sub(r"^\d+ times: ", "", query["sql"].lstrip()).upper() for query in queries]
    assert len([sql for sql in statements if sql.startswith("SELECT")]) == 5
    updates = [sql for sql in statements if sql.startswith("UPDATE")]
    assert 1 <= len(updates) <= math.ceil(2_000 / MIN_ROWS_PER_INSERT)
    assert not Actual.objects.filter(indicator__in=indicators, value=0).exists()


# --- what save() would have done -------------------------------------------------------------


def test_every_imported_actual_gets_its_indicators_measure(indicators):
    import_actuals(actuals_file(indicators, 400), dry_run=False)

    actuals = Actual.objects.filter(indicator__in=indicators).select_related("indicator")
    assert actuals.count() == 400
    assert {actual.measure for actual in actuals} == {Measure.COUNT, Measure.PERCENT}
    assert all(actual.measure == actual.indicator.measure for actual in actuals)


def test_every_created_and_updated_actual_has_a_history_record_with_the_user_and_the_file(indicators):
    user = User.objects.create_user("importer")
    data = actuals_file(indicators, 300)

    import_actuals(data, dry_run=False, user=user, filename="実績2024.csv")
    first = Actual.objects.filter(indicator__in=indicators).order_by("pk").first()
    Actual.objects.filter(indicator__in=indicators).update(value=0)
    import_actuals(data, dry_run=False, filename="/uploads/実績2024（修正）.xlsx")

    history = Actual.history.filter(indicator__in=indicators)
    assert history.filter(history_type="+").count() == 300
    assert history.filter(history_type="~").count() == 300
    created = history.get(id=first.pk, history_type="+")
    assert (created.history_user, created.history_change_reason) == (user, "ファイル取込（実績2024.csv）")
    updated = history.get(id=first.pk, history_type="~")
    assert updated.history_user is None
    assert updated.history_change_reason == "ファイル取込（実績2024（修正）.xlsx）"
    assert updated.value == first.value != 0


def test_an_import_without_a_file_name_says_so_in_the_history(indicators):
    import_actuals(actuals_file(indicators, 5), dry_run=False)

    reasons = set(
        Actual.history.filter(indicator__in=indicators).values_list("history_change_reason", flat=True)
    )
    assert reasons == {"ファイル取込（取込）"}


def test_a_target_file_is_written_with_history_too(indicators):
    indicator = next(indicator for indicator in indicators if indicator.kpi.region)
    kpi = indicator.kpi
    columns = "plan,kpi_code,region_code,indicator_code,period,year,value,is_minimum"
    line = f"{kpi.plan.number},{kpi.code},{kpi.region.code},{indicator.code},fy,2020,12,1"

    outcome = import_file(
        kind=FileKind.TARGETS, data=f"{columns}\n{line}\n".encode(), file_format="csv", dry_run=False
    )

    assert outcome.errors == ()
    target = Target.objects.get(indicator=indicator, period="fy", year=2020)
    assert (target.value, target.is_minimum, target.measure) == (Decimal(12), True, indicator.measure)
    assert target.history.get().history_change_reason == "ファイル取込（取込）"


# --- the dashboards --------------------------------------------------------------------------


def test_an_import_bumps_the_dashboard_data_version_once(indicators, django_capture_on_commit_callbacks):
    before = data_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_actuals(actuals_file(indicators, 1_000), dry_run=False)

    assert data_version() == before + 1
    assert len(callbacks) == 1


@pytest.mark.parametrize("case", ["dry run", "bad row"])
def test_an_import_that_writes_nothing_leaves_the_dashboards_alone(
    indicators, django_capture_on_commit_callbacks, case
):
    rows = actual_rows(indicators, 100)
    if case == "bad row":
        rows[-1]["value"] = "abc"
    before = data_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = import_actuals(csv_file(rows), dry_run=case == "dry run")

    assert bool(outcome.errors) == (case == "bad row")
    assert callbacks == []
    assert data_version() == before
    assert not Actual.objects.filter(indicator__in=indicators).exists()


# --- a figure saved by someone else meanwhile ------------------------------------------------


def test_a_row_the_database_refuses_at_the_end_is_reported_on_its_line_and_nothing_is_written(
    indicators, monkeypatch
):
    rows = actual_rows(indicators, 300)
    load_existing = FigureFile.existing_figures

    def raced(self):
        """Another user saves the figure of the file's third row (line 4) once the import has
        loaded the existing figures: the database's unique constraint refuses the batch."""
        existing = load_existing(self)
        third = rows[2]
        indicator = self.index.indicators[(IMPORT_PLAN_NUMBER, third["kpi_code"], third["indicator_code"])]
        Actual.objects.create(indicator=indicator, period=third["period"], year=int(third["year"]), value=1)
        return existing

    monkeypatch.setattr(FigureFile, "existing_figures", raced)

    outcome = import_actuals(csv_file(rows), dry_run=False)

    assert len(outcome.errors) == 1
    error = outcome.errors[0]
    assert (error.line, error.column) == (4, "")
    assert error.message.startswith("データベースの制約により保存できません")
    assert not Actual.objects.filter(indicator__in=indicators).exists()
    assert isinstance(error, LineError)
