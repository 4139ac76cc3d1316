"""What the portal held at a past moment, read from the history tables (django-simple-history).

A liaison meeting's pack is generated from such a snapshot, so that a pack regenerated after a later
correction still shows the figures its meeting saw. Every object the dashboards read (KPIs,
indicators, targets, actuals, reports and their lines, reporting periods, case studies) keeps one
history record per change, and the documents' data gets a first one when it is loaded, so
"the latest record at or before the moment" is what was true then.

Each reader is one query (the latest record per object is picked by the database); the objects come
back as model instances, wired to each other here so that nothing queries again afterwards.

A past moment never changes: history records are only ever added, stamped with the time of their
write. So the plan's regional snapshot, the costly read (every KPI, indicator, target and actual of
the plan, for the pack's national comparison), is kept in the cache the first time it is read once
its moment has settled, and every later pack of that cut-off starts from it.
"""

import datetime
import pickle
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import caches
from django.utils import timezone

from kpis.figures import figures_from
from kpis.models import Actual, Indicator, Kpi, Target
from kpis.rules.inputs import IndicatorFigures
from plans.models import Plan
from regions.models import Region
from reports.models import CaseStudy, ProgressReport, ReportEntry, ReportingPeriod


@dataclass
class IndicatorSnapshot:
    """A plan's regional KPIs and indicators with the rule's inputs, as they were at `moment`."""

    moment: datetime.datetime
    kpis: list[Kpi] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    figures: dict[int, IndicatorFigures] = field(default_factory=dict)

    def of_regions(self, region_ids) -> "IndicatorSnapshot":
        region_ids = set(region_ids)
        return IndicatorSnapshot(
            moment=self.moment,
            kpis=[kpi for kpi in self.kpis if kpi.region_id in region_ids],
            indicators=[i for i in self.indicators if i.kpi.region_id in region_ids],
            figures=self.figures,
        )


# A write is stamped when it starts and seen once its transaction commits: a moment this far back
# can no longer gain a record (no write of the portal's runs that long).
SETTLED_AFTER = datetime.timedelta(minutes=10)
CACHE_ALIAS = "default"
# Keys carry the format: a snapshot kept by an older layout of these classes is never read.
CACHE_FORMAT = 2


def settled(moment: datetime.datetime, now: datetime.datetime | None = None) -> bool:
    """Whether nothing can be added to the history at or before `moment` any more."""
    return moment <= (now or timezone.now()) - SETTLED_AFTER


def _snapshot_key(plan: Plan, moment: datetime.datetime) -> str:
    return f"meeting-snapshot:{CACHE_FORMAT}:{plan.pk}:{moment.isoformat()}"


def regional_snapshot(plan: Plan, moment: datetime.datetime) -> IndicatorSnapshot:
    """The plan's regional KPIs, their indicators, targets and actuals as they were at `moment`:
    read once from the history for a settled moment, then from the cache (a cache: if it loses the
    snapshot, it is read again)."""
    if not settled(moment):
        return read_regional_snapshot(plan, moment)
    cache, key = caches[CACHE_ALIAS], _snapshot_key(plan, moment)
    kept = cache.get(key)
    if kept is not None:
        snapshot = pickle.loads(zlib.decompress(kept))
        for kpi in snapshot.kpis:
            kpi.plan = plan  # the caller's instance, as a fresh read gives
        return snapshot
    snapshot = read_regional_snapshot(plan, moment)
    cache.set(key, _kept(snapshot), None)
    return snapshot


def _kept(snapshot: IndicatorSnapshot) -> bytes:
    """The snapshot as kept: its instances without the history records they were made from (only
    their fields are read), compressed."""
    for instance in (*snapshot.kpis, *snapshot.indicators):
        instance.__dict__.pop("_history", None)
    return zlib.compress(pickle.dumps(snapshot, pickle.HIGHEST_PROTOCOL))


def read_regional_snapshot(plan: Plan, moment: datetime.datetime) -> IndicatorSnapshot:
    """The plan's regional KPIs, their indicators, targets and actuals as they were at `moment`,
    read from the history."""
    regions = {region.pk: region for region in Region.objects.select_related("block")}
    kpis = [
        kpi
        for kpi in Kpi.history.as_of(moment).filter(plan_id=plan.pk, level=Kpi.Level.REGIONAL)
        if kpi.region_id in regions
    ]
    for kpi in kpis:
        kpi.plan = plan
        kpi.region = regions[kpi.region_id]
    kpis.sort(key=lambda kpi: (kpi.region.order, kpi.order, kpi.code))
    kpis_by_id = {kpi.pk: kpi for kpi in kpis}

    indicators = [
        i for i in Indicator.history.as_of(moment).filter(kpi__plan_id=plan.pk) if i.kpi_id in kpis_by_id
    ]
    indicator_ids = [indicator.pk for indicator in indicators]
    targets = _grouped(Target.history.as_of(moment).filter(indicator__kpi__plan_id=plan.pk), indicator_ids)
    actuals = _grouped(Actual.history.as_of(moment).filter(indicator__kpi__plan_id=plan.pk), indicator_ids)

    counts = defaultdict(int)
    for indicator in indicators:
        indicator.kpi = kpis_by_id[indicator.kpi_id]
        counts[indicator.kpi_id] += 1
    for kpi in kpis:
        # what _regional_kpis() annotates for the block page's "KPI without indicators" list
        kpi.indicator_count = counts[kpi.pk]
    indicators.sort(key=lambda i: (i.kpi.region.order, i.kpi.order, i.kpi.code, i.order, i.code))
    return IndicatorSnapshot(
        moment=moment,
        kpis=kpis,
        indicators=indicators,
        figures={
            indicator.pk: figures_from(indicator, targets[indicator.pk], actuals[indicator.pk])
            for indicator in indicators
        },
    )


def _grouped(figures, indicator_ids) -> dict[int, list]:
    wanted = set(indicator_ids)
    grouped = defaultdict(list)
    for figure in figures:
        if figure.indicator_id in wanted:
            grouped[figure.indicator_id].append(figure)
    return grouped


def periods_of_year(plan: Plan, fiscal_year: int, moment: datetime.datetime) -> list[ReportingPeriod]:
    """The plan's reporting periods of that fiscal year that existed at `moment`, 上期 first."""
    periods = list(ReportingPeriod.history.as_of(moment).filter(plan_id=plan.pk, fiscal_year=fiscal_year))
    for period in periods:
        period.plan = plan
    return sorted(periods, key=lambda period: period.half)


def reports_of(period_ids, region_ids, moment: datetime.datetime) -> list[ProgressReport]:
    """The regions' progress reports of those periods, in the state they were in at `moment`."""
    return list(
        ProgressReport.history.as_of(moment).filter(
            period_id__in=list(period_ids), region_id__in=list(region_ids)
        )
    )


def approved_reports(plan: Plan, region_ids, moment: datetime.datetime) -> list[ProgressReport]:
    """Every approved report of the plan's periods in those regions at `moment`, with its period."""
    periods = {period.pk: period for period in ReportingPeriod.history.as_of(moment).filter(plan_id=plan.pk)}
    reports = [
        report
        for report in ProgressReport.history.as_of(moment).filter(
            region_id__in=list(region_ids), state=ProgressReport.State.APPROVED
        )
        if report.period_id in periods
    ]
    for report in reports:
        report.period = periods[report.period_id]
        report.period.plan = plan
    return reports


def entries_of(report_ids, moment: datetime.datetime) -> dict[int, list[ReportEntry]]:
    """The lines of those reports as they were at `moment`, per report."""
    grouped = defaultdict(list)
    for entry in ReportEntry.history.as_of(moment).filter(report_id__in=list(report_ids)):
        grouped[entry.report_id].append(entry)
    return grouped


def published_case_studies(region_ids, moment: datetime.datetime) -> list[CaseStudy]:
    """The regions' case studies that were published at `moment`."""
    return list(
        CaseStudy.history.as_of(moment).filter(
            region_id__in=list(region_ids), state=CaseStudy.State.PUBLISHED
        )
    )
