"""The submission-status board: every region's report state per reporting period, how late it is,
and a summary per period. Plain functions over objects already read; `expected_pairs` is the one
that reads (a single query).

A region is expected to report for a period when it has regional KPIs in the period's plan (its
report has lines to fill in), or when it already has a report for the period. Other regions are
shown as 対象外 and counted nowhere.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from kpis.models import Kpi
from reports.models import ProgressReport, ReportEntry, ReportingPeriod

State = ProgressReport.State

MISSING = "missing"
NOT_EXPECTED = "not_expected"
STATE_LABELS = {
    MISSING: "未着手",
    State.DRAFT: "作成中",
    State.SUBMITTED: "提出済み",
    State.RETURNED: "差戻し",
    State.APPROVED: "承認済み",
    NOT_EXPECTED: "対象外",
}
# The order states are counted and listed in.
COUNTED_STATES = (MISSING, State.DRAFT, State.SUBMITTED, State.RETURNED, State.APPROVED)
LOCK_LABELS = {False: "受付中", True: "受付終了"}


@dataclass(frozen=True)
class Cell:
    period: ReportingPeriod
    state: str
    report: ProgressReport | None = None
    days_late: int = 0

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def expected(self) -> bool:
        return self.state != NOT_EXPECTED

    @property
    def first_submitted_at(self) -> datetime.datetime | None:
        return self.report.first_submitted_at if self.report else None

    @property
    def submitted_at(self) -> datetime.datetime | None:
        return self.report.submitted_at if self.report else None


@dataclass(frozen=True)
class Row:
    region: object
    cells: list[Cell]


@dataclass
class PeriodSummary:
    period: ReportingPeriod
    counts: dict[str, int] = field(default_factory=dict)
    late: int = 0

    @property
    def lock_label(self) -> str:
        return LOCK_LABELS[self.period.is_locked]

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    def count_list(self) -> list[tuple[str, int]]:
        return [(STATE_LABELS[state], self.counts.get(state, 0)) for state in COUNTED_STATES]


def period_label(period: ReportingPeriod) -> str:
    """'2022年度 上期（第2次計画）'; a programme's period carries the programme's name."""
    return f"{period.fiscal_year}年度 {period.get_half_display()}（{period.plan.label}）"


def expected_pairs(plan_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(plan id, region id) of every region with regional KPIs in these plans: one query."""
    return set(
        Kpi.objects.filter(plan_id__in=list(plan_ids), level=Kpi.Level.REGIONAL, region__isnull=False)
        .order_by()
        .values_list("plan_id", "region_id")
        .distinct()
    )


def flagged_counts(period_ids: Iterable[int], region_ids: Iterable[int]) -> dict[int, int]:
    """Per region: the lines of its reports for these periods whose value the plausibility rule
    flagged (reports/progress/checks.py), whatever their state: one query."""
    return dict(
        ReportEntry.objects.filter(report__period__in=list(period_ids), report__region__in=list(region_ids))
        .exclude(warnings="")
        .order_by()
        .values("report__region")
        .annotate(count=Count("pk"))
        .values_list("report__region", "count")
    )


def days_late(period: ReportingPeriod, report: ProgressReport | None, today: datetime.date) -> int:
    """Days after the deadline: until the first submission for a report submitted once, until
    today for one never submitted (or missing). 0 when on time or before the deadline."""
    if report is not None and report.first_submitted_at is not None:
        day = timezone.localdate(report.first_submitted_at)
    else:
        day = today
    return max((day - period.deadline).days, 0)


def cell_for(
    period: ReportingPeriod, report: ProgressReport | None, today: datetime.date, *, expected: bool = True
) -> Cell:
    if report is None:
        if not expected:
            return Cell(period=period, state=NOT_EXPECTED)
        return Cell(period=period, state=MISSING, days_late=days_late(period, None, today))
    return Cell(period=period, state=report.state, report=report, days_late=days_late(period, report, today))


def board_rows(
    periods: Iterable[ReportingPeriod],
    regions: Iterable,
    reports: Iterable[ProgressReport],
    today: datetime.date,
    *,
    expected: set[tuple[int, int]] | None = None,
) -> list[Row]:
    """One row per region, one cell per period (in the order given).

    `expected` holds (plan id, region id) pairs of the regions that report in a plan; None means
    every region reports for every period.
    """
    periods = list(periods)
    by_key = {(report.period_id, report.region_id): report for report in reports}
    rows = []
    for region in regions:
        cells = [
            cell_for(
                period,
                by_key.get((period.pk, region.pk)),
                today,
                expected=expected is None or (period.plan_id, region.pk) in expected,
            )
            for period in periods
        ]
        rows.append(Row(region=region, cells=cells))
    return rows


def period_summaries(periods: Iterable[ReportingPeriod], rows: list[Row]) -> list[PeriodSummary]:
    """Per period: how many expected regions are in each state, and how many are late."""
    summaries = []
    for index, period in enumerate(periods):
        cells = [row.cells[index] for row in rows if row.cells[index].expected]
        counts = Counter(cell.state for cell in cells)
        summaries.append(
            PeriodSummary(
                period=period,
                counts={state: counts.get(state, 0) for state in COUNTED_STATES},
                late=sum(1 for cell in cells if cell.days_late > 0),
            )
        )
    return summaries
