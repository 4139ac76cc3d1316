"""A liaison meeting's pack (会議資料): everything its block reads at the meeting, as it stood at the
meeting's cut-off moment (`LiaisonMeeting.as_of`).

Every section is read from the history tables (reports/meetings/snapshots.py) and judged by the same rule
and table builders as the dashboards. A pack cut inside its year reads the year as it stood that day
(View.cut_off: 〇△× for what was complete then, progress with its pace for the rest); one cut after its
year reads the whole year, so for the same moment the pack's figures are the block dashboard's, and a
later correction changes the dashboards but not a pack already cut.
Sections: the block's summary (achievement and progress counts, forecasts at risk), what changed since
the block's previous meeting (reports/meetings/changes.py), the previous meeting's decision items and
the open ones, the block's achievement per region (tables and charts), every region's latest approved
half-year report with its text, the target and KPI revisions, the submission status of the year's
reporting periods, the block's published case studies, and the national comparison of blocks.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from kpis.models import Indicator
from kpis.revision_lists import block_revision_list
from kpis.rules.judgement import View
from kpis.rules.plausibility import labels_of
from plans.fiscal import PERIOD_ORDER, fiscal_year_of
from plans.models import Plan
from regions.models import Block, Region
from reports.dashboards.block_results import (
    RegionResults,
    block_regions,
    block_reported_result,
    group_results,
    total_tally,
)
from reports.dashboards.forecasts import (
    ForecastCount,
    count_forecasts,
    forecast_statuses,
    forecasts_beside,
    published_forecasts,
    shows_forecasts,
)
from reports.dashboards.pages import Period
from reports.dashboards.rows import (
    block_chart_rows,
    block_summary_rows,
    national_rows,
)
from reports.dashboards.selectors import IndicatorResult, judge_indicators, national_summary
from reports.dashboards.tallies import Tally
from reports.display import charts
from reports.meetings import decisions, snapshots
from reports.meetings.changes import Changes, changes_between
from reports.meetings.rules import plan_of_year, previous_meeting
from reports.models import CaseStudy, DecisionItem, LiaisonMeeting, ProgressReport, ReportEntry
from reports.progress.board import Row, board_rows, period_label, period_summaries
from reports.progress.checks import CAUSE_LABELS


@dataclass
class RegionReport:
    """A region's latest approved half-year report at the cut-off (None when it had none)."""

    region: Region
    report: ProgressReport | None = None
    lines: list[dict] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return period_label(self.report.period) if self.report else ""


@dataclass
class Pack:
    meeting: LiaisonMeeting
    plan: Plan
    period: Period
    moment: datetime.datetime
    previous: LiaisonMeeting | None
    regions: list[Region]
    summary_rows: list[dict]
    total: Tally
    sections: list[RegionResults]
    results: list[IndicatorResult]
    reports: list[RegionReport]
    revisions: list
    status_periods: list
    status_rows: list[Row]
    status_summaries: list
    case_studies: list[CaseStudy]
    national_rows: list[dict]
    block_chart: dict
    # what changed since the previous meeting, the decision items, the forecasts at the cut-off
    changes: Changes | None = None  # always set by build_pack
    previous_items: list[DecisionItem] = field(default_factory=list)
    open_items: list[DecisionItem] = field(default_factory=list)
    forecasts: ForecastCount = field(default_factory=ForecastCount)
    forecasts_shown: bool = False  # each result's forecast beside it (the year was under way)

    @property
    def block(self) -> Block:
        return self.meeting.block

    @property
    def news_region_ids(self) -> set[int]:
        """The regions with something to read: an approved report, or a change since the previous meeting.
        The others are one line of a table, not a page."""
        reported = {packed.region.pk for packed in self.reports if packed.report is not None}
        return reported | self.changes.region_ids()

    @property
    def overdue_items(self) -> list[DecisionItem]:
        day = timezone.localdate(self.moment)
        return [item for item in self.open_items if item.due_on < day]


class NoPlan(Exception):
    """The meeting's fiscal year belongs to no plan (a pack has nothing to show)."""


def build_pack(meeting: LiaisonMeeting) -> Pack:
    plan = plan_of_year(meeting.fiscal_year)
    if plan is None:
        raise NoPlan(f"{meeting.fiscal_year}年度を含む行動計画がありません。")
    moment = meeting.as_of
    day = timezone.localdate(moment)
    period = Period(fiscal_year=meeting.fiscal_year, half=None)
    block = meeting.block
    regions = block_regions(block)
    region_ids = [region.pk for region in regions]

    snapshot = snapshots.regional_snapshot(plan, moment)
    # the whole plan is judged once, the meeting's year as it stood on the cut-off day: the block's
    # rows for its sections, all of them for the comparison
    view = meeting_view(meeting.fiscal_year, day)
    results = judge_indicators(snapshot.indicators, view=view, as_of=day, figures=snapshot.figures)
    block_snapshot = snapshot.of_regions(region_ids)
    in_block = set(region_ids)
    block_results = [row for row in results if row.kpi.region_id in in_block]
    forecasts = published_forecasts(plan, meeting.fiscal_year, block=block, moment=moment)
    # beside each result as the dashboards show them, in a view that shows forecasts (a year under way)
    forecasts_shown = shows_forecasts(view, day)
    if forecasts_shown:
        block_results = forecasts_beside(block_results, forecasts, figures=block_snapshot.figures)
    sections = group_results(regions, block_snapshot.kpis, block_results)
    total = total_tally(sections)
    previous = previous_meeting(meeting)
    revisions = _revisions(plan, block, previous, moment)
    return Pack(
        meeting=meeting,
        plan=plan,
        period=period,
        moment=moment,
        previous=previous,
        regions=regions,
        summary_rows=block_summary_rows(
            plan, block, sections, total, block_reported_result(plan, block, period.fiscal_year)
        ),
        total=total,
        sections=sections,
        results=block_results,
        reports=latest_reports(plan, regions, moment, indicator_names(snapshot.indicators)),
        revisions=revisions,
        **_status(plan, period, regions, block_snapshot, moment),
        case_studies=case_studies(regions, moment),
        **_national(plan, period, results),
        **_follow_up(meeting, plan, previous, block_snapshot, block_results, regions, revisions, forecasts),
        forecasts_shown=forecasts_shown,
    )


def meeting_view(fiscal_year: int, day: datetime.date) -> View:
    """The meeting's year as the rule reads it on the cut-off day: as it stood that day when the day
    falls in it (View.cut_off: 〇△× for what was complete, progress with its pace for the rest), the
    whole year when the pack is cut after (or before) it."""
    if fiscal_year_of(day) == fiscal_year:
        return View.cut_off(day)
    return View.fiscal_year(fiscal_year)


def _follow_up(meeting, plan, previous, block_snapshot, block_results, regions, revisions, forecasts) -> dict:
    """What changed since the previous meeting, its decision items and the block's open ones, and the
    forecasts at the cut-off, all as they stood at the cut-off moment."""
    moment = meeting.as_of
    meetings = list(
        LiaisonMeeting.objects.select_related("block").filter(block_id=meeting.block_id, as_of__lte=moment)
    )
    items = decisions.items_at([m.pk for m in meetings], moment)
    by_region = {region.pk: region for region in regions}
    titles = {m.pk: m for m in meetings}
    for item in items:
        item.meeting = titles[item.meeting_id]
        item.region = by_region.get(item.region_id)
    before_rows = []
    if previous is not None and plan_of_year(previous.fiscal_year) == plan:
        before = snapshots.regional_snapshot(plan, previous.as_of).of_regions(by_region)
        day = timezone.localdate(previous.as_of)
        view = meeting_view(previous.fiscal_year, day)
        before_rows = judge_indicators(before.indicators, view=view, as_of=day, figures=before.figures)
    statuses = forecast_statuses(block_snapshot.indicators, forecasts, figures=block_snapshot.figures)
    return {
        "changes": changes_between(
            since=previous.as_of if previous else None,
            until=moment,
            indicators=block_snapshot.indicators,
            regions=by_region,
            before_rows=before_rows,
            after_rows=block_results,
            revisions=revisions,
            items=items,
        ),
        "previous_items": sorted(
            (i for i in items if previous and i.meeting_id == previous.pk), key=lambda i: (i.due_on, i.pk)
        ),
        "open_items": sorted((i for i in items if i.is_open), key=lambda i: (i.due_on, i.pk)),
        "forecasts": count_forecasts(statuses.values()),
    }


def indicator_names(indicators) -> dict[int, Indicator]:
    return {indicator.pk: indicator for indicator in indicators}


def latest_reports(plan, regions, moment, indicators: dict[int, Indicator]) -> list[RegionReport]:
    """Per region, its latest approved report at `moment` (by fiscal year, then half) with its lines."""
    latest = {}
    for report in snapshots.approved_reports(plan, [r.pk for r in regions], moment):
        key = (report.period.fiscal_year, PERIOD_ORDER[report.period.half])
        current = latest.get(report.region_id)
        if current is None or key > (current.period.fiscal_year, PERIOD_ORDER[current.period.half]):
            latest[report.region_id] = report
    entries = snapshots.entries_of([report.pk for report in latest.values()], moment)
    missing = {e.indicator_id for lines in entries.values() for e in lines} - indicators.keys()
    if missing:  # a line's indicator no longer a regional one of the plan at the cut-off: read it as it is
        indicators = indicators | {
            i.pk: i for i in Indicator.objects.select_related("kpi").filter(pk__in=missing)
        }
    packed = []
    for region in regions:
        report = latest.get(region.pk)
        lines = sorted(
            entries.get(report.pk, []) if report else [],
            key=lambda e: _line_order(indicators[e.indicator_id]),
        )
        packed.append(
            RegionReport(
                region=region, report=report, lines=[line_row(e, indicators[e.indicator_id]) for e in lines]
            )
        )
    return packed


def _line_order(indicator: Indicator) -> tuple:
    return (indicator.kpi.order, indicator.kpi.code, indicator.order, indicator.code)


def line_row(entry: ReportEntry, indicator: Indicator) -> dict:
    return {
        "kpi": indicator.kpi.title,
        "indicator": indicator.name,
        "unit": indicator.unit,
        "value": entry.value,
        "activities": entry.activities,
        "outcomes": entry.outcomes,
        "next_steps": entry.next_steps,
        # 実績なし with its reason, and a value the plausibility rule flagged with its explanation
        "no_result": entry.no_result,
        "no_result_reason": entry.no_result_reason,
        "checks": labels_of(entry.warnings),
        "cause": str(CAUSE_LABELS.get(entry.check_cause, "")),
        "note": entry.check_note,
    }


def _revisions(plan, block, previous, moment) -> list:
    return block_revision_list(plan, block, None, after=previous.as_of if previous else None, until=moment)


def _status(plan, period, regions, block_snapshot, moment) -> dict:
    """The submission board of the meeting year's reporting periods, as it stood at `moment`."""
    periods = snapshots.periods_of_year(plan, period.fiscal_year, moment)
    reports = snapshots.reports_of([p.pk for p in periods], [r.pk for r in regions], moment)
    expected = {(plan.pk, kpi.region_id) for kpi in block_snapshot.kpis}
    rows = board_rows(periods, regions, reports, timezone.localdate(moment), expected=expected)
    return {
        "status_periods": periods,
        "status_rows": rows,
        "status_summaries": period_summaries(periods, rows),
    }


def case_studies(regions, moment) -> list[CaseStudy]:
    by_id = {region.pk: region for region in regions}
    plans = {plan.pk: plan for plan in Plan.objects.all()}
    found = snapshots.published_case_studies(by_id, moment)
    for case in found:
        case.region = by_id[case.region_id]
        case.plan = plans[case.plan_id]
    return sorted(found, key=lambda c: (c.region.order, c.plan.number, c.order, c.code))


def _national(plan, period, results) -> dict:
    summary = national_summary(plan, period.fiscal_year, results)
    return {
        "national_rows": national_rows(plan, summary),
        "block_chart": charts.block_rates_chart(block_chart_rows(summary.blocks)),
    }
