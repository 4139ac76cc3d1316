"""The pages timed at each scale, beyond the dashboards: the work pages of central staff and bureaus.

Per scale: a reporting period for each half-year with figures (the status board lists them all),
神奈川県's report submitted in the last one (the report page, with its review form), a 関東 liaison
meeting whose cut-off has passed (its pack, print and XLSX), and approvals timed one region at a time
(each submitted first, untimed). Every page also gets a raw read: one SQL query reading the rows the
page shows, timed alone, so "× raw read" tells how far a page is from what the database must do.
"""

import datetime
import statistics
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from benchmarks.timing import MIN_SAMPLES, FloorBeside, PageTiming, rss_mb
from chizai_portal.memory import collect_after_response

CENTRAL_USERNAME = "benchmark-central"
SUBMITTER_USERNAME = "benchmark-submitter"
REGION_CODE = "14"  # 神奈川県
RAW_READ_REPEAT = 7


@dataclass(frozen=True)
class WorkSetup:
    plan: object
    period: object
    meeting: object
    central: object
    submitter: object


def work_setup(plan) -> WorkSetup:
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from regions import roles
    from regions.models import Block, Region
    from reports.models import LiaisonMeeting, ReportingPeriod
    from reports.progress import workflow

    central_group = Group.objects.get_or_create(name=roles.CENTRAL_STAFF)[0]
    users = []
    for username in (CENTRAL_USERNAME, SUBMITTER_USERNAME):
        user, _created = User.objects.get_or_create(username=username)
        user.set_unusable_password()
        user.save()
        user.groups.set([central_group])
        users.append(user)
    years = sorted({year for year in range(plan.start_fiscal_year, plan.end_fiscal_year + 1)})
    periods = [
        ReportingPeriod.objects.create(plan=plan, fiscal_year=year, half=half, deadline="2099-03-31")
        for year in years[-_figure_years(plan) :]
        for half in ("h1", "h2")
    ]
    period = periods[-2]  # the last fiscal year's 上期
    report = workflow.report_of(period, Region.objects.get(code=REGION_CODE), users[1])
    workflow.submit(users[1], report, version=report.version, inputs=complete_inputs(report))
    now = timezone.now()
    meeting = LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=period.fiscal_year,
        title="ベンチマーク用の地域連絡会議",
        held_on=now.date(),
        as_of=now - datetime.timedelta(minutes=1),
    )
    return WorkSetup(plan, period, meeting, users[0], users[1])


def complete_inputs(report) -> dict:
    """A value on every line (a report is submitted complete), explained in case the plausibility
    rule flags it."""
    from reports.progress.workflow import EntryInput

    return {
        indicator_id: EntryInput(
            value=Decimal(1), outcomes="ベンチマーク", check_cause="confirmed", check_note="確認済みの値。"
        )
        for indicator_id in report.entries.values_list("indicator_id", flat=True)
    }


def _figure_years(plan) -> int:
    from kpis.models import Actual

    return Actual.objects.filter(indicator__kpi__plan=plan).values("year").distinct().count()


def remove(setup: WorkSetup) -> None:
    from django.contrib.auth.models import User

    from reports.models import ProgressReport, ReportingPeriod

    setup.meeting.delete()
    ProgressReport.objects.filter(period__plan=setup.plan).delete()
    ReportingPeriod.objects.filter(plan=setup.plan).delete()
    User.objects.filter(username__in=[CENTRAL_USERNAME, SUBMITTER_USERNAME]).delete()


def central_client(setup: WorkSetup):
    """A test client signed in as the setup's central staff, with the second factor DEBUG off asks for."""
    from django.test import Client

    client = Client()
    client.force_login(setup.central)
    signed_in_with_second_factor(client, setup.central)
    return client


def signed_in_with_second_factor(client, user) -> None:
    """As after a log-in with a code: central staff need one whenever DEBUG is off."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _created = StaticDevice.objects.get_or_create(user=user, name="benchmark", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def work_pages(setup: WorkSetup) -> list[tuple[str, str, bool]]:
    """(name, URL, whether the cache is cleared before each request): a pack's first open of a
    cut-off reads the history, later opens are served from the pack kept then."""
    from django.urls import reverse

    period, meeting = setup.period, setup.meeting
    report = [REGION_CODE, period.fiscal_year, period.half]
    pack = reverse("reports:meeting_pack", args=[meeting.pk])
    workbook = reverse("reports:meeting_pack_xlsx", args=[meeting.pk])
    return [
        ("status board", reverse("reports:status_board"), True),
        ("report page (神奈川県)", reverse("reports:progress_report", args=report), True),
        ("meeting pack, print, first open", pack, True),
        ("meeting pack, print, later opens", pack, False),
        ("meeting pack, XLSX, first open", workbook, True),
        ("meeting pack, XLSX, later opens", workbook, False),
    ]


def settled_at_once():
    """The meeting's cut-off counted as settled at once (reports/meetings/snapshots.py waits
    SETTLED_AFTER), so that its snapshot is kept as it would be for a meeting of the past."""
    from unittest import mock

    from reports.meetings import snapshots

    return mock.patch.object(snapshots, "SETTLED_AFTER", datetime.timedelta(0))


def time_approvals(client, setup: WorkSetup, *, repeat: int, budget_seconds: float) -> PageTiming:
    """POST 承認 to one submitted report after another (each submitted untimed just before)."""
    from django.urls import reverse

    from regions.models import Region
    from reports.progress import workflow

    regions = list(Region.objects.filter(kind=Region.Kind.PREFECTURE).exclude(code=REGION_CODE))
    samples, status, url = [], 200, ""
    floor = FloorBeside(client)
    deadline = time.perf_counter() + budget_seconds
    for count, region in enumerate(regions):
        if len(samples) >= repeat or (len(samples) >= MIN_SAMPLES and time.perf_counter() > deadline):
            break
        report = workflow.report_of(setup.period, region, setup.submitter)
        workflow.submit(setup.submitter, report, version=report.version, inputs=complete_inputs(report))
        report.refresh_from_db()
        url = reverse(
            "reports:progress_review", args=[region.code, setup.period.fiscal_year, setup.period.half]
        )
        collect_after_response()  # the previous response's, untimed (benchmarks/timing.py served_as_deployed)
        start = time.perf_counter()
        response = client.post(url, {"action": "approve", "version": report.version})
        elapsed = (time.perf_counter() - start) * 1000
        report.refresh_from_db()
        if response.status_code != 302 or report.state != report.State.APPROVED:
            return PageTiming("approval", url, response.status_code, error="not approved")
        if count:  # the first is a warm-up
            samples.append(elapsed)
            floor.time_one()
    return PageTiming(
        "approval (POST)",
        url,
        status,
        None,
        tuple(samples),
        rss_mb=rss_mb(),
        floor_samples_ms=floor.answered_samples_ms,
    )


def raw_read_ms(sql: str, params: list) -> float:
    """Median ms of one query reading the rows, fetched as tuples."""
    samples = []
    for _ in range(RAW_READ_REPEAT):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


FIGURES = """
SELECT f.indicator_id, f.period, f.year, f.start_year, f.value FROM {table} f
JOIN kpis_indicator i ON i.id = f.indicator_id JOIN kpis_kpi k ON k.id = i.kpi_id
LEFT JOIN regions_region r ON r.id = k.region_id WHERE k.plan_id = %s {where}
"""


def _figures_sql(where: str) -> str:
    return " UNION ALL ".join(
        FIGURES.format(table=table, where=where) for table in ("kpis_target", "kpis_actual")
    )


def raw_reads(plan, setup: WorkSetup | None, indicator_id: int | None) -> dict[str, float]:
    """Per page name: the raw read of the rows it shows (the targets and actuals of its scope)."""
    from regions.models import Block, Region
    from reports.meetings.rules import plan_of_year

    kanto = Block.objects.get(code="kanto").pk
    kanagawa = Region.objects.get(code=REGION_CODE).pk
    reads = {
        "national": raw_read_ms(_figures_sql(""), [plan.pk, plan.pk]),
        "block (関東)": raw_read_ms(_figures_sql("AND r.block_id = %s"), [plan.pk, kanto] * 2),
        "region (神奈川県)": raw_read_ms(_figures_sql("AND k.region_id = %s"), [plan.pk, kanagawa] * 2),
        "compare": raw_read_ms(_figures_sql(""), [plan.pk, plan.pk]),
    }
    if indicator_id is not None:
        reads["indicator"] = raw_read_ms(_figures_sql("AND f.indicator_id = %s"), [plan.pk, indicator_id] * 2)
    if setup is not None:
        reports = "SELECT id, period_id, region_id, state FROM reports_progressreport"
        reads["status board"] = raw_read_ms(reports, [])
        reads["report page (神奈川県)"] = reads["region (神奈川県)"]
        history = _figures_sql("AND r.block_id = %s").replace("kpis_target", "kpis_historicaltarget")
        history = history.replace("kpis_actual", "kpis_historicalactual")
        # a pack is of the action plan in force in its meeting's year (the documents' plan)
        pack_plan = plan_of_year(setup.meeting.fiscal_year) or plan
        pack = raw_read_ms(history, [pack_plan.pk, kanto] * 2)
        for name, _url, _cleared in work_pages(setup):
            if name.startswith("meeting pack"):
                reads[name] = pack
    return reads
