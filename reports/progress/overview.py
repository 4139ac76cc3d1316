"""What each role finds on /progress/: an officer's own reports, a bureau's review queue and its
block's reports, central staff's counts per open period. Each row says what its link offers
(入力する / 確認する / 表示), decided by the workflow's rules, not by the template."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse

from kpis.models import Kpi
from regions.models import Block, Region
from reports.dashboards.programme import report_url_name
from reports.models import ProgressReport, ReportingPeriod
from reports.progress import workflow
from reports.progress.board import expected_pairs

State = ProgressReport.State


NOT_STARTED = "not_started"
NOT_STARTED_LABEL = "未着手"
ACTION_LABELS = {workflow.EDIT: "入力する", workflow.REVIEW: "確認する", workflow.VIEW: "表示"}


@dataclass
class ReportRow:
    period: ReportingPeriod
    region: Region
    report: ProgressReport | None
    today: datetime.date
    # what the row's link offers this user (workflow.offered_action)
    action: str = workflow.VIEW

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def url(self) -> str:
        return report_url(self.region, self.period)

    @property
    def state(self) -> str:
        return self.report.state if self.report else NOT_STARTED

    @property
    def state_label(self) -> str:
        return self.report.get_state_display() if self.report else NOT_STARTED_LABEL

    @property
    def late_label(self) -> str:
        return lateness(self.report, self.period, self.today)

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (0 on the day) while the report is still to be submitted; None once
        it is submitted or approved, or after the deadline (then `late_label` says how late)."""
        if self.state in (State.SUBMITTED, State.APPROVED):
            return None
        left = (self.period.deadline - self.today).days
        return left if left >= 0 else None

    @property
    def waiting_for_review(self) -> bool:
        return self.state == State.SUBMITTED


def row_for(user, period: ReportingPeriod, region: Region, report, today: datetime.date) -> ReportRow:
    action = workflow.offered_action(user, region, period, report)
    return ReportRow(period, region, report, today, action)


def officer_overview(user, region_id: int, today: datetime.date) -> dict:
    region = Region.objects.select_related("block").get(pk=region_id)
    plans = Kpi.objects.filter(region=region, level=Kpi.Level.REGIONAL).values("plan_id")
    periods = ReportingPeriod.objects.filter(plan_id__in=plans).select_related("plan")
    reports = {r.period_id: r for r in ProgressReport.objects.filter(region=region).select_related("period")}
    rows = [row_for(user, p, region, reports.get(p.pk), today) for p in periods]
    return {"view": "officer", "region": region, "rows": rows}


def open_period_rows(
    user, today: datetime.date, *, block_id: int | None = None
) -> tuple[list[ReportingPeriod], list[ReportRow]]:
    """The open periods, and a row per open period and region that reports in it (of one block, when
    given) with its report: four queries however many periods and regions."""
    periods = list(ReportingPeriod.objects.filter(is_locked=False).select_related("plan"))
    pairs = expected_pairs({period.plan_id for period in periods})
    regions = Region.objects.filter(pk__in={region_id for _plan, region_id in pairs})
    reports = ProgressReport.objects.filter(period__in=periods).select_related("period")
    if block_id is not None:
        regions = regions.filter(block_id=block_id)
        reports = reports.filter(region__block_id=block_id)
    regions = list(regions.select_related("block").order_by("order", "code"))
    by_key = {(report.period_id, report.region_id): report for report in reports}
    rows = [
        row_for(user, period, region, by_key.get((period.pk, region.pk)), today)
        for period in periods
        for region in regions
        if (period.plan_id, region.pk) in pairs
    ]
    return periods, rows


def bureau_overview(user, block_id: int, today: datetime.date) -> dict:
    _periods, rows = open_period_rows(user, today, block_id=block_id)
    return {
        "view": "bureau",
        "block": Block.objects.get(pk=block_id),
        "waiting": [row for row in rows if row.waiting_for_review],
        "rows": [row for row in rows if not row.waiting_for_review],
    }


@dataclass
class PeriodSummary:
    period: ReportingPeriod
    counts: list[tuple[str, str, int]]
    rows: list[ReportRow] = field(default_factory=list)


def central_overview(user, today: datetime.date) -> dict:
    periods, rows = open_period_rows(user, today)
    summaries = []
    for period in periods:
        period_rows = [row for row in rows if row.period.pk == period.pk]
        by_state = Counter(row.state for row in period_rows)
        counts = [(NOT_STARTED, NOT_STARTED_LABEL, by_state[NOT_STARTED])]
        counts += [(state.value, str(state.label), by_state[state.value]) for state in State]
        summaries.append(PeriodSummary(period, counts, period_rows))
    return {
        "view": "central",
        "summaries": summaries,
        "waiting": [row for row in rows if row.waiting_for_review],
    }


def lateness(report: ProgressReport | None, period: ReportingPeriod, today: datetime.date) -> str:
    """遅延 N日 for a late submission; 期限超過 N日（未提出） while still missing after the deadline."""
    if report is not None and report.first_submitted_at is not None:
        return f"遅延 {report.days_late}日" if report.is_late else ""
    overdue = (today - period.deadline).days
    return f"期限超過 {overdue}日（未提出）" if overdue > 0 else ""


def report_url(region: Region, period: ReportingPeriod, action: str = "report") -> str:
    return reverse(report_url_name(period, action), args=[region.code, period.fiscal_year, period.half])
