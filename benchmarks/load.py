"""python -m benchmarks.load [--database postgresql|sqlite] [--scale 100] [--viewers 50] [--officers 10] [--seconds 60]

A load test of the portal as deployed: gunicorn serving the app with DEBUG off, whitenoise the static
files, PostgreSQL (a throwaway cluster on 127.0.0.1, unless DATABASE_URL is given) or, with
`--database sqlite`, the embedded default: an SQLite file of its own in a temporary folder, every
gunicorn process writing to it (IMMEDIATE transactions, WAL, the busy timeout of the settings). The data is the
synthetic plan of the dashboard benchmark at the chosen scale. Locust (headless, bounded in time, only
127.0.0.1) runs viewers paging through the block and national dashboards while officers fill, save
and submit one half-year report after another. Every user arrives signed in, as after a log-in (a
session each); log-ins are timed apart, one after another on the idle server, since the password
hashing they run is slow on purpose and, 60 at once, would be timed in whatever shares the cores with
it. Afterwards every report an officer submitted must be in the database with the values sent
(nothing lost). Writes its section of BENCHMARKS.md.
"""

import argparse
import contextlib
import csv
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "load"
VIEWER = "load-viewer"
# BENCHMARKS.md keeps one section per database.
SECTIONS = {
    "postgresql": ("<!-- load test: start -->", "<!-- load test: end -->", "PostgreSQL"),
    "sqlite": ("<!-- load test (SQLite): start -->", "<!-- load test (SQLite): end -->", "SQLite"),
}


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[2])
    parser.add_argument("--database", choices=sorted(SECTIONS), default="postgresql")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--officers", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--output", type=Path, default=PROJECT / "BENCHMARKS.md")
    return parser.parse_args(argv)


def progress(message: str) -> None:
    print(f"[load] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(database_url: str, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chizai_portal.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_HTTPS": "false",  # plain http on 127.0.0.1: no redirect, cookies not https-only
        "STATIC_ROOT": static_root,
    }


def session_of(user) -> str:
    """A session as a log-in of the user makes it (the test client's force_login writes the same)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def prepare(scale: int, viewers: int, officers: int) -> dict:
    """Schema, the documents' data, the synthetic plan, users signed in (a session each), and the
    periods officers report on."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User

    from benchmarks.data import data_size, generate_scaled_data
    from regions import roles
    from regions.models import Affiliation, Block, Region
    from reports.models import ReportingPeriod

    for command in (("migrate",), ("createcachetable",), ("load_plan_data",), ("collectstatic", "--noinput")):
        call_command(*command, verbosity=0)
    plan = generate_scaled_data(scale)
    groups = {code: Group.objects.get_or_create(name=code)[0] for code in roles.ROLE_LABELS}
    viewer = User.objects.create_user(VIEWER, password=PASSWORD)
    viewer.groups.add(groups[roles.VIEWER])
    regions = list(Region.objects.filter(kind=Region.Kind.PREFECTURE).order_by("code")[:officers])
    officer_entries = []
    for region in regions:
        officer = User.objects.create_user(f"load-pref-{region.code}", password=PASSWORD)
        officer.groups.add(groups[roles.PREFECTURE_OFFICER])
        Affiliation.objects.create(user=officer, region=region)
        officer_entries.append(f"{officer.username}:{region.code}:{session_of(officer)}")
    periods = [
        ReportingPeriod.objects.create(plan=plan, fiscal_year=year, half=half, deadline="2099-03-31")
        for year in plan.fiscal_years
        for half in ("h1", "h2")
    ]
    from django.db import connections

    connections.close_all()
    return {
        "plan": plan.number,
        "size": data_size(plan),
        "blocks": list(Block.objects.values_list("code", flat=True)),
        "officers": officer_entries,
        "viewer_sessions": [session_of(viewer) for _viewer in range(viewers)],
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "periods": [f"{p.fiscal_year}:{p.half}" for p in periods],
    }


@contextlib.contextmanager
def gunicorn(env: dict, workers: int):
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "chizai_portal.wsgi",
        "-c", str(PROJECT / "chizai_portal" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "/dev/null",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/login/", server)
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=30)


def workers_rss_mb(master_pid: int) -> list[int]:
    """The resident memory of each gunicorn worker (the master's children), in MB, from /proc."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue  # a process that ended meanwhile
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            found.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(found)


def wait_until_up(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + server.stderr.read().decode(errors="replace")[-2000:])
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def run_locust(host: str, env: dict, setup: dict, args, folder: Path) -> Path:
    log = folder / "submitted.jsonl"
    locust_env = {
        **env,
        "LOAD_SESSION_COOKIE": setup["session_cookie"],
        "LOAD_PLAN": str(setup["plan"]),
        "LOAD_BLOCKS": ",".join(setup["blocks"]),
        "LOAD_VIEWER_SESSIONS": ",".join(setup["viewer_sessions"]),
        "LOAD_VIEWERS": str(args.viewers),
        "LOAD_OFFICERS": ",".join(setup["officers"]),
        "LOAD_OFFICER_USERS": str(len(setup["officers"])),
        "LOAD_PERIODS": ",".join(setup["periods"]),
        "LOAD_SUBMITTED_LOG": str(log),
    }
    users = args.viewers + len(setup["officers"])
    command = [
        sys.executable, "-m", "locust", "-f", str(PROJECT / "benchmarks" / "locustfile.py"),
        "--headless", "--host", host, "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{args.seconds}s", "--stop-timeout", "30", "--csv", str(folder / "stats"),
        "--only-summary", "--exit-code-on-error", "0",
    ]  # fmt: skip
    subprocess.run(command, cwd=PROJECT, env=locust_env, check=True)
    return log


LOG_INS_TIMED = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def time_log_ins(host: str, count: int = LOG_INS_TIMED) -> list[float]:
    """Log-ins of the viewer one after another on the idle server (the login page, then the POST),
    each in a browser of its own: milliseconds each."""
    import requests  # installed with locust (the bench extra)

    timings = []
    for _attempt in range(count):
        with requests.Session() as browser:
            started = time.perf_counter()
            page = browser.get(f"{host}/accounts/login/")
            token = CSRF.search(page.text).group(1)
            form = {"username": VIEWER, "password": PASSWORD, "csrfmiddlewaretoken": token}
            answer = browser.post(f"{host}/accounts/login/", form, allow_redirects=False)
            if answer.status_code != 302:
                raise RuntimeError(f"log-in of {VIEWER} failed ({answer.status_code})")
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def read_stats(folder: Path) -> list[dict]:
    with open(folder / "stats_stats.csv", encoding="utf-8") as stats:
        return list(csv.DictReader(stats))


def check_nothing_lost(log: Path) -> tuple[int, int]:
    """(reports the officers submitted, of those found in the database with the values sent)."""
    import django

    django.setup()
    from reports.models import ProgressReport

    sent = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    found = 0
    for report in sent:
        stored = ProgressReport.objects.filter(
            region__code=report["region"],
            period__fiscal_year=report["fiscal_year"],
            period__half=report["half"],
            state=ProgressReport.State.SUBMITTED,
        ).first()
        if stored is None:
            continue
        values = {f"value-{e.indicator_id}": e.value for e in stored.entries.all()}
        if all(values.get(name) == Decimal(value) for name, value in report["values"].items()):
            found += 1
    return len(sent), found


# The goals: p95 per kind of request (log-ins, slow on purpose, are timed apart), worker memory.
P95_GOAL_MS = 1000
RSS_GOAL_MB = 120


def goal_lines(stats: list[dict], rss: list[int]) -> list[str]:
    slow = [
        f"{row['Name']} {row['95%']} ms"
        for row in stats
        if row["Name"] != "Aggregated" and str(row["95%"]).isdigit() and int(row["95%"]) > P95_GOAL_MS
    ]
    lines = [
        f"- Goal p95 ≤ {P95_GOAL_MS:,} ms for every kind of request (log-ins timed apart, below): "
        + ("**met**." if not slow else "**not met** by " + "; ".join(slow) + "."),
    ]
    if rss:
        verdict = "**met**" if max(rss) <= RSS_GOAL_MB else "**not met**"
        lines.append(
            f"- Worker RSS after the run: {', '.join(f'{mb} MB' for mb in rss)} (goal ≤ {RSS_GOAL_MB} MB "
            f"each: {verdict})."
        )
    return lines


def report_section(args, setup, stats, submitted, stored, database, rss=(), log_ins=()) -> str:
    rows = [
        "| request | count | failures | req/s | median ms | p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in stats:
        rows.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} |"
        )
    total = next(row for row in stats if row["Name"] == "Aggregated")
    size = setup["size"]
    start, end, title = SECTIONS[args.database]
    return "\n".join(
        [
            start,
            f"## Load test (gunicorn + {title})",
            "",
            f"`python -m benchmarks.load --database {args.database} --scale {args.scale} --viewers {args.viewers} --officers {args.officers} "
            f"--seconds {args.seconds}` ({database}; gunicorn {args.workers} workers, DEBUG off, whitenoise; "
            f"{os.cpu_count()} cores). Data: the synthetic plan at {args.scale}× "
            f"({size.get('indicators', '?')} indicators, {size.get('actuals', '?')} actuals). "
            f"{args.viewers} viewers page through the block and national dashboards while "
            f"{len(setup['officers'])} officers open, save twice and submit one half-year report after another.",
            "",
            *rows,
            "",
            f"- Throughput: {float(total['Requests/s']):.1f} requests/s; median {total['50%']} ms, p95 {total['95%']} ms.",
            f"- Errors: {total['Failure Count']}.",
            f"- Reports submitted: {submitted}; found in the database afterwards with the values sent: {stored}.",
            *goal_lines(stats, list(rss)),
            *log_in_lines(list(log_ins)),
            "- Dashboards are served from the shared cache between submissions (a submission invalidates "
            "only the 速報 pages), so viewers keep their cached pages.",
            end,
        ]
    )


def log_in_lines(log_ins: list[float]) -> list[str]:
    if not log_ins:
        return []
    return [
        "- Log-in, timed apart (slow on purpose: Django's password hashing, PBKDF2): every user above "
        "arrives signed in, as after a log-in; "
        f"{len(log_ins)} log-ins one after another on the idle server (the login page and the POST) took "
        f"{statistics.median(log_ins):,.0f} ms median, {max(log_ins):,.0f} ms the slowest.",
    ]


def section_in(text: str, database: str = "postgresql") -> str | None:
    """A load test's section of BENCHMARKS.md, so that the dashboard benchmark keeps it."""
    start, end, _title = SECTIONS[database]
    if start not in text or end not in text:
        return None
    return start + text.split(start, 1)[1].split(end, 1)[0] + end


def sections_in(text: str) -> list[str]:
    return [section for database in SECTIONS if (section := section_in(text, database)) is not None]


def with_section(text: str, section: str | None) -> str:
    if section is None:
        return text
    for database in SECTIONS:
        old = section_in(text, database)
        if old is not None and section.startswith(SECTIONS[database][0]):
            return text.replace(old, section)
    return text.rstrip() + "\n\n" + section + "\n"


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    path.write_text(with_section(text, section), encoding="utf-8")


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(PROJECT))
    with tempfile.TemporaryDirectory(prefix="chizai-load.") as folder, contextlib.ExitStack() as stack:
        folder = Path(folder)
        database_url = os.environ.get("DATABASE_URL")
        database = "PostgreSQL given by DATABASE_URL"
        if args.database == "sqlite":
            database_url = f"sqlite:///{folder / 'portal.sqlite3'}"
            database = "SQLite, one file shared by every gunicorn process"
        elif not database_url:
            from benchmarks.throwaway_postgres import throwaway_postgres

            database_url = stack.enter_context(throwaway_postgres())
            database = "a throwaway PostgreSQL cluster"
        env = environment(database_url, str(folder / "static"))
        os.environ.update(env)
        progress(f"preparing the {args.scale}× data set")
        setup = prepare(args.scale, args.viewers, args.officers)
        progress(f"starting gunicorn with {args.workers} workers")
        host, server = stack.enter_context(gunicorn(env, args.workers))
        log_ins = time_log_ins(host)
        progress(f"{len(log_ins)} log-ins timed: {statistics.median(log_ins):,.0f} ms median")
        progress(f"running locust for {args.seconds} s against {host}")
        log = run_locust(host, env, setup, args, folder)
        rss = workers_rss_mb(server.pid)
        stats = read_stats(folder)
        submitted, stored = check_nothing_lost(log)
        section = report_section(args, setup, stats, submitted, stored, database, rss, log_ins)
        print(section)
        write_section(args.output, section)
        failures = int(next(row for row in stats if row["Name"] == "Aggregated")["Failure Count"])
        return 0 if failures == 0 and submitted == stored else 1


if __name__ == "__main__":
    sys.exit(main())
