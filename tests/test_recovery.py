"""Backup and restore (docs/backup.md): a backup taken after real work — a report returned, corrected,
approved and published, a target revised, a case study published, an indicator deleted — comes back
into an empty database with every row, the same history (who, when, why), the same users and roles,
the same reports in the same workflow state, and the same dashboards, computed afresh.

The dumpdata path (manage.py backup_dump / backup_restore) runs on SQLite and PostgreSQL inside the
test's transaction: the database is emptied with `flush` and filled again from the file. On PostgreSQL
the pg_dump -Fc / pg_restore path is tested too, into a database created beside the test database.
"""

import csv
import glob
import io
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from submitting import complete

from kpis.history import recorded
from kpis.models import Actual, Indicator, Kpi, Revision, Target
from kpis.revisions import revise_target
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Region
from reports.case_studies import rules as case_studies
from reports.management import backup
from reports.models import CaseStudy, CaseStudyTheme, DataVersion, ProgressReport
from reports.progress import workflow
from reports.progress.demo import open_demo_period

State = ProgressReport.State
RETURN_COMMENT = "開催日を取組内容に書いてください。"
REVISION_REASON = "予算増額に伴い目標を見直し（地域連絡会議で報告）"
DELETION_REASON = "重複して登録された指標の削除"
KANAGAWA_REPORT = "/progress/14/2022/h1/"
# what a viewer reads; every table on these pages is compared before and after
DASHBOARDS = (
    "/dashboard/2/?fiscal_year=2022&half=h1",
    "/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1",
    "/dashboard/2/blocks/hokkaido/?fiscal_year=2022",
    "/dashboard/2/blocks/kanto/revisions/",
    "/dashboard/2/regions/14/?fiscal_year=2022&half=h1",
)
# exports are computed on every request, never cached
EXPORTS = (
    "/dashboard/2/?fiscal_year=2022&half=h1&_export=csv&table=central",
    "/dashboard/2/?fiscal_year=2022&half=h1&_export=csv&table=blocks",
    "/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1&_export=csv&table=summary",
    "/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1&_export=csv&table=indicators",
)
# sign-ins and log-in attempts are not part of the data (reports/management/backup.py)
NOT_BACKED_UP = {"sessions", "axes"}
# The dashboards' data versions belong to the running service: `migrate` makes them, a new generation.
NOT_BACKED_UP_MODELS = {"reports.DataVersion"}


# --- the work done before the backup -----------------------------------------------------------------


def portal_activity() -> dict:
    """What the portal's users do in a half year, through the same functions the pages call."""
    create_demo_users()
    users = {user.username: user for user in User.objects.filter(username__startswith="demo-")}
    officer, bureau, central = users["demo-pref-14"], users["demo-bureau-kanto"], users["demo-jpo"]
    plan = Plan.objects.get(number=2)
    kanagawa = Region.objects.get(code="14")

    report = workflow.report_of(open_demo_period(), kanagawa, officer)
    first, second = report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
        "indicator_id", flat=True
    )
    submit(officer, report, {first: "2", second: "1"}, activities="セミナーを開催した。")
    workflow.return_report(bureau, fresh(report), version=fresh(report).version, comment=RETURN_COMMENT)
    submit(officer, report, {first: "12", second: "1"}, activities="6月10日、9月5日に開催した。")
    workflow.approve(bureau, fresh(report), version=fresh(report).version)

    revised = Indicator.objects.get(kpi__plan=plan, kpi__code="C04", code="1")
    revise_target(
        central, revised, new_value=Decimal("500"), effective_fiscal_year=2021, reason=REVISION_REASON
    )
    revise_target(
        bureau,
        Indicator.objects.get(pk=first),
        new_value=Decimal("10"),
        effective_fiscal_year=2022,
        reason=REVISION_REASON,
    )

    kpi = case_studies.region_kpis(plan, kanagawa).first()
    case = case_studies.create(
        officer,
        plan=plan,
        region=kanagawa,
        data=case_studies.CaseStudyInput(
            title="神奈川県の営業秘密管理の普及",
            kpi=kpi,
            outcomes="県内の中小企業3社が営業秘密管理規程を整備した。",
            stage=2,
            themes=list(CaseStudyTheme.objects.filter(code__in=["trade_secret", "support"])),
            steps=[case_studies.StepInput("R4.6", "知財総合支援窓口が企業を訪問し、助言した。")],
            figures=[case_studies.FigureInput(kpi.indicators.first(), 2022)],
        ),
    )
    case_studies.publish(bureau, case, version=case.version)

    # Deleted in the admin: its history (and its figures') now names an indicator that no longer
    # exists, which a backup by natural keys cannot write.
    deleted = (
        Indicator.objects.filter(kpi__region__code="01", kpi__plan=plan, targets__isnull=False)
        .filter(report_entries__isnull=True, case_study_figures__isnull=True, central_entries__isnull=True)
        .order_by("pk")
        .first()
    )
    deleted_id = deleted.pk
    recorded(central, deleted, DELETION_REASON).delete()
    return {
        "report": report.pk,
        "first": first,
        "revised": revised.pk,
        "case": case.pk,
        "deleted": deleted_id,
    }


def fresh(report) -> ProgressReport:
    return ProgressReport.objects.get(pk=report.pk)


def submit(user, report, values: dict[int, str], **texts) -> None:
    report = fresh(report)
    posted = {}
    for indicator_id, value in values.items():
        posted[f"value-{indicator_id}"] = value
        for name in workflow.TEXT_FIELDS:
            posted[f"{name}-{indicator_id}"] = texts.get(name, "")
    workflow.submit(
        user, report, version=report.version, inputs=complete(report, workflow.read_inputs(report, posted))
    )


# --- what must come back -----------------------------------------------------------------------------


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table of the portal (history tables, users, groups, memberships included),
    in a fixed order. A many-to-many table's own ids are left out: a restore numbers those anew."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in NOT_BACKED_UP or model._meta.proxy:
            continue
        if model._meta.label in NOT_BACKED_UP_MODELS:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        if model._meta.auto_created:
            fields.remove(model._meta.pk.attname)
            order = fields
        else:
            order = ["pk"]
        rows[model._meta.label] = list(model._base_manager.order_by(*order).values_list(*fields))
    return rows


def users_and_roles() -> dict:
    return {
        user.username: (
            sorted(user.groups.values_list("name", flat=True)),
            getattr(getattr(user, "affiliation", None), "block_id", None),
            getattr(getattr(user, "affiliation", None), "region_id", None),
            user.is_staff,
            user.is_superuser,
            user.password,
        )
        for user in User.objects.order_by("username")
    }


def audit_trail(facts: dict) -> dict:
    """The history as the pages tell it: the report's steps, its lines' changes, the published
    figures' records, the revision, the deleted indicator's last record."""
    report = ProgressReport.objects.get(pk=facts["report"])
    return {
        "report steps": [
            (step.state, step.reason, step.by, step.at) for step in workflow.state_history(report)
        ],
        "line changes": [
            (change.what, change.old, change.new, change.by, change.at)
            for change in workflow.entry_changes(report)
        ],
        "published actuals": list(
            Actual.history.filter(history_change_reason__startswith="承認")
            .order_by("history_date")
            .values_list(
                "indicator_id", "value", "history_user__username", "history_change_reason", "history_date"
            )
        ),
        "revised targets": list(
            Target.history.filter(history_change_reason=REVISION_REASON)
            .order_by("history_date")
            .values_list("indicator_id", "year", "value", "history_user__username", "history_date")
        ),
        "revisions": list(
            Revision.objects.values_list(
                "indicator_id", "old_value", "new_value", "reason", "revised_by__username"
            )
        ),
        "deleted indicator": list(
            Indicator.history.filter(id=facts["deleted"])
            .order_by("history_date")
            .values_list("history_type", "history_change_reason", "history_user__username")
        ),
    }


def page_tables(client, url: str) -> list[str]:
    """Every table of the page, with spacing normalised (what a reader compares)."""
    response = client.get(url)
    assert response.status_code == 200, url
    tables = re.findall(r"<table.*?</table>", response.content.decode(), flags=re.S)
    assert tables, url
    return [re.sub(r"\s+", " ", table) for table in tables]


def dashboards(client, facts: dict) -> dict[str, list]:
    """The dashboards, exports, the report page (as the bureau sees it) and the indicator and case
    study pages, with the history tables they show."""
    pages = {}
    client.force_login(User.objects.get(username="demo-viewer"))
    for url in (*DASHBOARDS, f"/kpis/{facts['first']}/", f"/kpis/{facts['revised']}/"):
        pages[url] = page_tables(client, url)
    pages[f"/case-studies/{facts['case']}/"] = page_tables(client, f"/case-studies/{facts['case']}/")
    for url in EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    client.force_login(User.objects.get(username="demo-bureau-kanto"))
    pages[KANAGAWA_REPORT] = page_tables(client, KANAGAWA_REPORT)
    return pages


def cached_pages() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(cache_table())}")
        return cursor.fetchone()[0]


def cache_table() -> str:
    return settings.CACHES[backup.CACHE_ALIAS]["LOCATION"]


def empty_the_database() -> None:
    """What `migrate` leaves in a new database: no portal data, and content types and permissions
    created afresh, under ids other than the backup's."""
    # PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending in this transaction
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


# --- the dumpdata path: SQLite and PostgreSQL --------------------------------------------------------


def version_generations() -> set:
    return set(DataVersion.objects.values_list("generation", flat=True))


@pytest.mark.django_db
def test_a_backup_restored_into_an_empty_database_gives_the_same_data_history_and_dashboards(
    client, tmp_path
):
    facts = portal_activity()
    caches[backup.CACHE_ALIAS].clear()
    pages_before = dashboards(client, facts)
    # the work is in what is compared: the approved 12 of the 上期 against the revised yearly target 10
    # (a half is progress on the pace of half of it: 順調, no rate), the revision in the indicator's history
    kanagawa = [row for row in pages_before[EXPORTS[3]] if row[0] == "神奈川県"]
    assert [row[4:12] for row in kanagawa][0] == ["10", "年度目標", "12", "", "12", "", "", "順調"]
    assert any(REVISION_REASON in table for table in pages_before[f"/kpis/{facts['revised']}/"])
    rows_before, users_before, trail_before = every_row(), users_and_roles(), audit_trail(facts)
    assert all(trail_before.values())
    content_types_before = dict(ContentType.objects.values_list("pk", "model"))
    assert cached_pages() > 0  # the pages just read are cached now, under the current data version

    path = tmp_path / "portal.yaml.gz"
    out = io.StringIO()
    call_command("backup_dump", str(path), stdout=out)
    assert path.is_file() and backup.manifest_path(path).is_file()
    assert "バックアップしました" in out.getvalue()

    empty_the_database()
    assert backup.tables_with_rows() == []
    assert not User.objects.exists() and not Actual.history.exists()
    assert dict(ContentType.objects.values_list("pk", "model")) != content_types_before

    generations_before = version_generations()

    out = io.StringIO()
    call_command("backup_restore", str(path), stdout=out)
    assert "全表の行数・チェックサムが一致しました" in out.getvalue()

    # no page read before the restore can be served: the cache is empty, every page is computed, and
    # no key made before it (kept in a running process's memory too) is made again
    assert cached_pages() == 0
    assert version_generations().isdisjoint(generations_before)
    assert every_row() == rows_before
    assert dict(ContentType.objects.values_list("pk", "model")) == content_types_before
    assert users_and_roles() == users_before
    assert audit_trail(facts) == trail_before
    assert dashboards(client, facts) == pages_before


@pytest.mark.django_db
def test_the_restored_report_keeps_its_state_its_steps_and_who_took_them(client, tmp_path):
    facts = portal_activity()
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    empty_the_database()
    call_command("backup_restore", str(path), stdout=io.StringIO())

    report = ProgressReport.objects.get(pk=facts["report"])
    assert report.state == State.APPROVED
    assert report.reviewed_by.username == "demo-bureau-kanto"
    assert report.submitted_by.username == "demo-pref-14"
    steps = [(step.reason, step.by) for step in workflow.state_history(report)]
    assert ("提出", "神奈川県 担当者") in steps
    assert (f"差戻し: {RETURN_COMMENT}", "関東経済産業局 知的財産室") in steps
    assert steps[-1] == ("承認", "関東経済産業局 知的財産室")
    published = Actual.objects.get(indicator_id=facts["first"], period="h1", year=2022)
    assert published.value == Decimal(12)
    record = published.history.latest("history_date")
    assert record.history_user.username == "demo-bureau-kanto"
    assert record.history_change_reason == "承認（神奈川県 2022年度 上期）"
    assert set(Revision.objects.values_list("reason", "revised_by__username")) == {
        (REVISION_REASON, "demo-jpo"),
        (REVISION_REASON, "demo-bureau-kanto"),
    }
    assert CaseStudy.objects.get(pk=facts["case"]).is_published
    # the deleted indicator is gone, its history is not
    assert not Indicator.objects.filter(pk=facts["deleted"]).exists()
    last = Indicator.history.filter(id=facts["deleted"]).latest("history_date")
    assert (last.history_type, last.history_change_reason) == ("-", DELETION_REASON)
    # the roles work again: the officer reads the report, an outsider does not find it
    client.force_login(User.objects.get(username="demo-pref-14"))
    assert client.get(KANAGAWA_REPORT).status_code == 200
    client.force_login(User.objects.get(username="demo-pref-02"))
    assert client.get(KANAGAWA_REPORT).status_code == 404


@pytest.mark.django_db
def test_a_restore_refuses_a_database_that_holds_data_and_changes_nothing(tmp_path):
    portal_activity()
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    before = backup.manifest()["models"]

    with pytest.raises(CommandError, match="既にデータがあります"):
        call_command("backup_restore", str(path), stdout=io.StringIO())
    assert backup.manifest()["models"] == before


@pytest.mark.django_db
def test_a_backup_that_does_not_match_its_manifest_is_not_restored(tmp_path):
    portal_activity()
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    manifest = backup.read_manifest(backup.manifest_path(path))
    manifest["models"]["kpis.historicalactual"]["sha256"] = "0" * 64
    backup.write_manifest(backup.manifest_path(path), manifest)
    empty_the_database()

    with pytest.raises(CommandError, match="kpis.historicalactual: 行数は同じ"):
        call_command("backup_restore", str(path), stdout=io.StringIO())
    assert backup.tables_with_rows() == []  # all or nothing


@pytest.mark.django_db
def test_a_backup_made_by_another_release_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    manifest = backup.read_manifest(backup.manifest_path(path))
    manifest["migrations"].append("reports.9999_from_a_later_release")
    backup.write_manifest(backup.manifest_path(path), manifest)
    empty_the_database()

    with pytest.raises(CommandError, match="未適用のマイグレーション（バックアップにはある）: reports.9999"):
        call_command("backup_restore", str(path), stdout=io.StringIO())
    assert backup.tables_with_rows() == []


@pytest.mark.django_db
def test_a_backup_file_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    assert path.stat().st_mode & 0o777 == 0o600  # names, e-mail addresses, password hashes


@pytest.mark.django_db
def test_a_failed_backup_leaves_the_previous_one_in_place(tmp_path, monkeypatch):
    path = tmp_path / "portal.yaml.gz"
    call_command("backup_dump", str(path), stdout=io.StringIO())
    previous = path.read_bytes()

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(backup, "manifest", broken)
    with pytest.raises(OSError, match="disk full"):
        call_command("backup_dump", str(path), stdout=io.StringIO())
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portal.yaml.gz", "portal.yaml.gz.manifest.json"]


@pytest.mark.django_db
def test_a_restore_of_a_damaged_file_changes_nothing(tmp_path):
    path = tmp_path / "portal.yaml.gz"
    path.write_bytes(b"not a backup")
    empty_the_database()

    with pytest.raises(CommandError, match="バックアップを読み込めません"):
        call_command("backup_restore", str(path), stdout=io.StringIO())
    assert backup.tables_with_rows() == []


@pytest.mark.django_db
def test_the_manifest_check_names_the_table_that_changed(tmp_path):
    portal_activity()
    manifest = tmp_path / "manifest.json"
    call_command("backup_manifest", output=str(manifest), stdout=io.StringIO())
    out = io.StringIO()
    call_command("backup_manifest", check=str(manifest), stdout=out)
    assert "一致しました" in out.getvalue()

    actual = Actual.objects.filter(period="fy").order_by("pk").first()
    Actual.objects.filter(pk=actual.pk).update(value=actual.value + 1)  # no history, no signal
    with pytest.raises(CommandError) as refused:
        call_command("backup_manifest", check=str(manifest), stdout=io.StringIO())
    assert str(refused.value).splitlines()[1:] == [
        "kpis.actual: 行数は同じ（" + str(Actual.objects.count()) + "行）ですが、内容のチェックサムが違います"
    ]


@pytest.mark.django_db
def test_the_manifest_lists_every_table_with_its_rows():
    out = io.StringIO()
    call_command("backup_manifest", stdout=out)
    lines = out.getvalue().splitlines()
    kpis_line = next(line for line in lines if line.startswith("kpis.kpi "))
    assert kpis_line.split()[1] == str(Kpi.objects.count())
    assert any(line.startswith("kpis.historicalactual ") for line in lines)
    assert not any(line.startswith("sessions.") for line in lines)


@pytest.mark.django_db
def test_a_backup_name_other_than_yaml_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "portal.json"
    with pytest.raises(CommandError, match=r"\.yaml\.gz"):
        call_command("backup_dump", str(path), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


# --- pg_dump -Fc / pg_restore: PostgreSQL only, last in this module ---------------------------------
# pg_dump reads only committed rows, so this test commits; a transactional test empties the database
# when it ends, and the module's fixture below loads the documents' data again for the tests after it.


def postgres_tools() -> dict[str, str] | None:
    """pg_dump and pg_restore of the newest PostgreSQL installed (Debian's /usr/lib/postgresql/<n>/bin,
    whose pg_dump reads any server up to its own version), else from PATH."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))
    for folder in reversed(folders):
        tools = {name: os.path.join(folder, name) for name in ("pg_dump", "pg_restore")}
        if all(os.access(path, os.X_OK) for path in tools.values()):
            return tools
    found = {name: shutil.which(name) for name in ("pg_dump", "pg_restore")}
    return found if all(found.values()) else None


def server_arguments(settings_dict: dict) -> tuple[list[str], dict]:
    arguments = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{option}={settings_dict[key]}")
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


@contextmanager
def reading_database(name: str):
    """The portal's own connection pointed at another database on the same server, then back."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def drop_database(name: str) -> None:
    force = " WITH (FORCE)" if connection.pg_version >= 130000 else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}{force}")


@pytest.fixture(scope="module", autouse=True)
def documents_data_after_this_module(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        if not Plan.objects.exists():
            call_command("load_plan_data", verbosity=0)
        caches[backup.CACHE_ALIAS].clear()  # pages cached (and committed) from data now gone


def pg_skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        return "pg_dump/pg_restore: only when the suite runs on PostgreSQL (DATABASE_URL=postgres://…)"
    if postgres_tools() is None:
        return "pg_dump/pg_restore not found on PATH or in /usr/lib/postgresql/*/bin"
    return None


# decided before the test starts, so that a skipped test does not empty the database either
@pytest.mark.skipif(pg_skip_reason() is not None, reason=pg_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_into_a_new_database_give_the_same_rows_and_dashboards(client, tmp_path):
    tools = postgres_tools()
    if not Plan.objects.exists():  # emptied by an earlier transactional test
        call_command("load_plan_data", verbosity=0)
    facts = portal_activity()
    pages_before = dashboards(client, facts)
    manifest_before = backup.manifest()
    assert cached_pages() > 0

    source = connection.settings_dict
    arguments, environment = server_arguments(source)
    dump = tmp_path / "portal.dump"
    subprocess.run(
        [
            tools["pg_dump"],
            "-Fc",
            f"--exclude-table-data={cache_table()}",
            f"--file={dump}",
            *arguments,
            f"--dbname={source['NAME']}",
        ],
        check=True,
        env=environment,
        timeout=60,
    )
    restored = f"{source['NAME']}_restore"
    drop_database(restored)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(restored)} TEMPLATE template0")
    try:
        subprocess.run(
            [
                tools["pg_restore"],
                "--no-owner",
                "--exit-on-error",
                *arguments,
                f"--dbname={restored}",
                str(dump),
            ],
            check=True,
            env=environment,
            timeout=60,
        )
        with reading_database(restored):
            assert connection.settings_dict["NAME"] == restored
            assert cached_pages() == 0  # the cache's rows are left out of the dump
            manifest_after = backup.manifest()
            pages_after = dashboards(client, facts)
    finally:
        drop_database(restored)

    assert backup.differences(manifest_before, manifest_after) == []
    assert manifest_after["models"]["kpis.historicalactual"]["rows"] > 0
    assert pages_after == pages_before
