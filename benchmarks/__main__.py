"""python -m benchmarks [--scales 1 10 100] [--repeat N] [--budget S] [--import-only] [--smoke] [--output FILE]

Times every dashboard and work page of a synthetic plan at each scale beside a trivial floor page, and
an import of 10,000 actuals beside a raw insert of the same rows, and writes the tables to BENCHMARKS.md.
See benchmarks/report.py (ABOUT, IMPORT_ABOUT) for what is measured. `--smoke` runs everything once at
1× with few requests and writes to a temporary file: a check that the benchmark still works.
"""

import argparse
import datetime
import os
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path

import django

PROJECT = Path(__file__).resolve().parent.parent
BLOCK_CODE = "kanto"
REGION_CODE = "14"  # 神奈川県, in the Kanto block
BENCHMARK_USERNAME = "benchmark-viewer"
_started = time.perf_counter()


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[2])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100], help="default: 1 10 100")
    # 60: the p95 of 20 samples is their second largest, which one slow request moves; of 60, it is
    # between the third and fourth largest
    parser.add_argument("--repeat", type=int, default=60, help="timed requests per page (default 60)")
    parser.add_argument(
        "--budget",
        type=float,
        default=12.0,
        help="seconds of timed requests per page before stopping early, never under 5 requests (default 12)",
    )
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=PROJECT / "BENCHMARKS.md")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="time only the import, and rewrite only its block (this database's) of the output",
    )
    parser.add_argument("--import-rows", type=int, default=None, help="actuals in the file (default 10,000)")
    parser.add_argument("--import-repeat", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument(
        "--profile-import", action="store_true", help="also print a cProfile of one import of new rows"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="1× only, a few requests per page, a small import, the output in a temporary file",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.scales, args.repeat, args.warmup, args.budget = [1], 3, 1, 2.0
        args.import_rows, args.import_repeat = args.import_rows or 500, 1
    if min(args.scales) < 1 or args.repeat < 1 or args.warmup < 1 or args.import_repeat < 1:
        parser.error("scales, --repeat, --warmup and --import-repeat must be at least 1")
    if args.import_rows is not None and args.import_rows < 1:
        parser.error("--import-rows must be at least 1")
    return args


def progress(message: str) -> None:
    print(f"[{time.perf_counter() - _started:7.1f} s] {message}", flush=True)


def configure(temporary_folder: str) -> str:
    """Environment for the settings module; returns where the database comes from."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chizai_portal.settings")
    # Timed as deployed: DEBUG off (no query log kept, no debug templates).
    os.environ.setdefault("DEBUG", "false")
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    # Plain http through the test client: with DEBUG off the HTTPS redirect would answer every page 301.
    os.environ["PORTAL_HTTPS"] = "false"
    # DEBUG off serves the hashed static names, from a manifest written by collectstatic
    os.environ["STATIC_ROOT"] = str(Path(temporary_folder) / "static")
    if os.environ.get("DATABASE_URL"):
        return "DATABASE_URL"
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(temporary_folder) / 'benchmark.sqlite3'}"
    return "throwaway"


def machine_lines(database_origin: str) -> list[str]:
    from django.conf import settings
    from django.db import connection

    cpu = _cpu_model()
    return [
        f"Machine: {os.cpu_count()} CPUs{f' ({cpu})' if cpu else ''}, "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"Python {platform.python_version()}, Django {django.get_version()}",
        f"Database: {_database_version(connection)}, "
        + (
            "a throwaway file in a temporary folder (no DATABASE_URL set)"
            if database_origin == "throwaway"
            else "from DATABASE_URL"
        ),
        f"DEBUG {'on' if settings.DEBUG else 'off'}",
        # shared machines: other work slows every page alike, the floor included, so × floor holds
        f"Load average when the run began: {os.getloadavg()[0]:.1f}",
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _database_version(connection) -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = connection.pg_version
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return connection.display_name


def benchmark_client():
    """A test client signed in as a viewer (no affiliation: every region is visible)."""
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from regions import roles

    user, _created = User.objects.get_or_create(username=BENCHMARK_USERNAME)
    user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get_or_create(name=roles.VIEWER)[0]])
    client = Client()
    client.force_login(user)
    return client


def dashboard_pages(plan) -> list[tuple[str, str]]:
    from django.urls import reverse

    from kpis.models import Indicator

    indicator = (
        Indicator.objects.filter(kpi__plan=plan, kpi__region__code=REGION_CODE)
        .order_by("kpi__order", "order")
        .first()
    )
    return [
        ("national", reverse("reports:national", args=[plan.number])),
        ("block (関東)", reverse("reports:block", args=[plan.number, BLOCK_CODE])),
        ("region (神奈川県)", reverse("reports:region", args=[plan.number, REGION_CODE])),
        ("indicator", reverse("reports:indicator", args=[indicator.pk])),
        ("compare", reverse("reports:compare")),
    ]


def run_scale(client, scale: int, args):
    from django.urls import reverse

    from benchmarks.data import data_size, generate_scaled_data, size_of
    from benchmarks.pages import raw_reads, remove, work_setup
    from benchmarks.report import ScaleResult
    from benchmarks.worker import ROUNDS, worker_memory

    started = time.perf_counter()
    plan = generate_scaled_data(scale, seed=args.seed)
    generated = time.perf_counter() - started
    try:
        rows = data_size(plan)
        progress(
            f"{scale}×: plan {plan.number} generated in {generated:.1f} s ({rows['indicators']:,} "
            f"indicators, {rows['targets']:,} targets, {rows['actuals']:,} actuals)"
        )
        floor = _timed(client, scale, "floor: signed-in health page", reverse("health"), args, floor=True)
        pages = []
        dashboards = dashboard_pages(plan)
        change = one_figure_changed(plan)
        for name, url in dashboards:
            pages.append(_timed(client, scale, f"{name}, after a change", url, args, before_each=change))
            pages.append(_timed(client, scale, f"{name}, cached", url, args))
            pages.append(_timed(client, scale, f"{name}, nothing kept", url, args, before_each=nothing_kept))
        setup = work_setup(plan)
        try:
            pages += work_timings(setup, scale, args)
            raw = raw_reads(plan, setup, _indicator_of(dashboards))
            worker = worker_memory(
                setup, [url for _name, url in dashboards], change, rounds=1 if args.smoke else ROUNDS
            )
            progress(f"{scale}×: one gunicorn worker after every page, each round: {worker} MB")
        finally:
            remove(setup)
    finally:
        # One synthetic plan at a time, so that no page (compare) also reads the previous scale's
        # data; and none left behind in a database given by DATABASE_URL.
        plan.delete()
    return ScaleResult(size_of(scale), plan.number, rows, generated, floor, pages, raw, worker)


def _indicator_of(dashboards: list[tuple[str, str]]) -> int | None:
    url = dict(dashboards).get("indicator", "")
    return int(url.strip("/").split("/")[-1]) if url else None


def work_timings(setup, scale: int, args) -> list:
    """Central staff's pages (each request a first view, but for a pack's later opens), then approvals."""

    from benchmarks.pages import central_client, settled_at_once, time_approvals, work_pages

    client = central_client(setup)
    try:
        with settled_at_once():
            pages = [
                _timed(client, scale, name, url, args, before_each=clear_cache if cleared else None)
                for name, url, cleared in work_pages(setup)
            ]
        approvals = time_approvals(client, setup, repeat=args.repeat, budget_seconds=args.budget)
        progress(f"{scale}×: {approvals.name:28} {approvals.median_ms or 0:9.1f} ms median")
        return [*pages, approvals]
    finally:
        client.logout()


def clear_cache() -> None:
    from django.core.cache import cache

    cache.clear()


def nothing_kept() -> None:
    """As a new worker process after the cache was emptied: no page cached, no judgement kept."""
    from reports.dashboards import caching, judged_memo, kept_sections

    clear_cache()
    caching.clear_front()
    judged_memo.clear()
    kept_sections.clear()


def one_figure_changed(plan):
    """A change to the data before each request: one actual of 神奈川県 saved with another value through
    the ORM, as an approval saves it (the data version and the indicator's figures stamp are raised),
    then back at the next call."""
    from kpis.models import Actual, Measure

    actual = (
        Actual.objects.filter(indicator__kpi__plan=plan, indicator__kpi__region__code=REGION_CODE)
        .order_by("pk")
        .first()
    )
    original = actual.value
    step = -1 if actual.measure == Measure.PERCENT and original >= 99 else 1

    def change() -> None:
        actual.value = original + step if actual.value == original else original
        actual.save()

    return change


def _timed(client, scale: int, name: str, url: str, args, before_each=None, *, floor=False):
    from benchmarks.timing import time_page

    page = time_page(
        client,
        name,
        url,
        warmup=args.warmup,
        repeat=args.repeat,
        budget_seconds=args.budget,
        before_each=before_each,
        floor_beside=not floor,
    )
    if page.timed:
        progress(
            f"{scale}×: {name:28} {page.median_ms:9.1f} ms median, {page.p95_ms:9.1f} ms p95, "
            f"{page.queries} queries, n={len(page.samples_ms)}"
        )
    else:
        progress(f"{scale}×: {name:28} {page.error or page.status} — not timed")
    return page


def run_import(args, database: str):
    from benchmarks.imports import DEFAULT_ROWS, profile_import, run_import_benchmark

    rows = args.import_rows or DEFAULT_ROWS
    result = run_import_benchmark(rows=rows, repeat=args.import_repeat, database=database, progress=progress)
    progress(f"import: {result.ratio:.1f}× the raw insert")
    if args.profile_import:
        print(profile_import(rows=rows), flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chizai-bench-") as temporary_folder:
        origin = configure(temporary_folder)
        django.setup()
        from django.conf import settings
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection

        from benchmarks import load
        from benchmarks.report import import_block, render, with_import_block

        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        machine = machine_lines(origin)
        for line in machine:
            progress(line)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("load_plan_data", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        progress("migrated and loaded the documents' data")
        from benchmarks.timing import served_as_deployed
        from chizai_portal.memory import settle_after_start

        settle_after_start()  # as chizai_portal/wsgi.py does in each worker
        served_as_deployed()
        command = " ".join(["python -m benchmarks", *argv])
        date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        output = (Path(temporary_folder) / "BENCHMARKS.md") if args.smoke else args.output.resolve()
        previous = output.read_text(encoding="utf-8") if output.exists() else ""
        if args.import_only:
            text = previous or "# Benchmarks\n"
        else:
            client = benchmark_client()
            try:
                results = [run_scale(client, scale, args) for scale in sorted(set(args.scales))]
            finally:
                client.logout()
                User.objects.filter(username=BENCHMARK_USERNAME).delete()
            text = render(results, machine=machine, command=command, date=date)
            untimed = [page.name for r in results for page in [r.floor, *r.pages] if not page.timed]
            if args.smoke and untimed:
                progress(f"smoke test failed: no 200 answer from {', '.join(untimed)}")
                return 1
        imported = run_import(args, _database_version(connection))
        block = import_block(imported, vendor=connection.vendor, machine=machine, command=command, date=date)
        text = with_import_block(text, connection.vendor, block, previous=previous)
        for section in load.sections_in(previous or ""):  # the load tests' sections stay
            text = load.with_section(text, section)
        output.write_text(text, encoding="utf-8")
        progress(f"wrote {output}")
        from django.db import connections

        connections.close_all()  # before the temporary folder (and its SQLite file) goes
    return 0


if __name__ == "__main__":
    sys.exit(main())
