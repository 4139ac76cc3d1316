"""What changed in a block since its previous liaison meeting (前回からの変化), read from the history
between the two packs' cut-offs (after the previous one, up to and including this one):

- new approved figures: actuals added or changed in value, per region;
- statuses that moved: each indicator as the previous pack judged it against this pack's judgement
  (e.g. 遅れ → 順調, × → 〇), both by the one rule (the callers pass the judged rows);
- revisions of targets and KPIs (the pack's own list);
- case studies published or updated while published;
- decision items closed (完了).

Nothing recorded after this pack's cut-off counts. Without a previous meeting there is nothing to
compare with, and the lists are empty.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from kpis.models import Actual, Indicator
from regions.models import Region
from reports.models import CaseStudy, DecisionItem

YEAR_PERIODS = {"fy": "年度", "cy": "年"}
HALF_PERIODS = {"h1": "上期", "h2": "下期"}


@dataclass(frozen=True)
class NewFigure:
    region: Region
    indicator: Indicator
    period: str  # "2022年度 上期", "2022年"
    value: Decimal
    previous: Decimal | None  # the value it replaced, None for a new figure
    at: datetime.datetime


@dataclass(frozen=True)
class StatusMove:
    region: Region
    indicator: Indicator
    before: str
    after: str


@dataclass(frozen=True)
class CaseStudyChange:
    region: Region
    title: str
    pk: int
    new: bool
    at: datetime.datetime


@dataclass
class Changes:
    since: datetime.datetime | None
    until: datetime.datetime
    figures: list[NewFigure] = field(default_factory=list)
    moves: list[StatusMove] = field(default_factory=list)
    revisions: list = field(default_factory=list)
    case_studies: list[CaseStudyChange] = field(default_factory=list)
    closed: list[DecisionItem] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.figures or self.moves or self.revisions or self.case_studies or self.closed)

    def region_ids(self) -> set[int]:
        """The regions with something new (a figure, a moved status, a case study)."""
        return {c.region.pk for c in (*self.figures, *self.moves, *self.case_studies)}


def period_text(period: str, year: int) -> str:
    if period in HALF_PERIODS:
        return f"{year}年度 {HALF_PERIODS[period]}"
    return f"{year}{YEAR_PERIODS.get(period, '')}"


def new_figures(indicators: list[Indicator], since, until) -> list[NewFigure]:
    """Actuals recorded after `since` up to `until` whose value is new or differs from the one at `since`
    (two queries); the last value of each figure in the window."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    key = ("indicator_id", "period", "year", "start_year")
    before = {
        tuple(getattr(a, k) for k in key): a.value
        for a in Actual.history.as_of(since).filter(indicator_id__in=list(by_id))
    }
    records = Actual.history.filter(
        indicator_id__in=list(by_id), history_date__gt=since, history_date__lte=until
    ).order_by("history_date", "history_id")
    latest = {}
    for record in records:
        latest[tuple(getattr(record, k) for k in key)] = record
    found = []
    for figure_key, record in latest.items():
        old = before.get(figure_key)
        if record.history_type == "-" or old == record.value:
            continue
        indicator = by_id[record.indicator_id]
        found.append(
            NewFigure(
                region=indicator.kpi.region,
                indicator=indicator,
                period=period_text(record.period, record.year),
                value=record.value,
                previous=old,
                at=record.history_date,
            )
        )
    return sorted(found, key=lambda f: (f.region.order, f.indicator.kpi.order, f.indicator.order, f.period))


def status_moves(before_rows, after_rows) -> list[StatusMove]:
    """The indicators whose judged word differs between two judgements (IndicatorResult rows)."""
    before = {row.indicator.pk: row.result.label for row in before_rows}
    moves = []
    for row in after_rows:
        old = before.get(row.indicator.pk)
        if old is not None and old != row.result.label:
            moves.append(
                StatusMove(region=row.region, indicator=row.indicator, before=old, after=row.result.label)
            )
    return moves


def case_study_changes(regions: dict[int, Region], since, until) -> list[CaseStudyChange]:
    """Case studies of the regions published, or changed while published, in the window (two queries)."""
    published_before = set(
        CaseStudy.history.as_of(since)
        .filter(region_id__in=list(regions), state=CaseStudy.State.PUBLISHED)
        .values_list("pk", flat=True)
    )
    records = CaseStudy.history.filter(
        region_id__in=list(regions),
        state=CaseStudy.State.PUBLISHED,
        history_date__gt=since,
        history_date__lte=until,
    ).order_by("history_date", "history_id")
    latest = {record.id: record for record in records}
    return [
        CaseStudyChange(
            region=regions[record.region_id],
            title=record.title,
            pk=record.id,
            new=record.id not in published_before,
            at=record.history_date,
        )
        for record in sorted(latest.values(), key=lambda r: (regions[r.region_id].order, r.title))
    ]


def closed_items(items: list[DecisionItem], since, until) -> list[DecisionItem]:
    """The items (as they stood at `until`) that reached 完了 in the window."""
    return [
        item
        for item in items
        if item.state == DecisionItem.State.DONE and item.closed_at and since < item.closed_at <= until
    ]


def changes_between(
    *, since, until, indicators, regions, before_rows, after_rows, revisions, items
) -> Changes:
    if since is None:
        return Changes(since=None, until=until)
    return Changes(
        since=since,
        until=until,
        figures=new_figures(indicators, since, until),
        moves=status_moves(before_rows, after_rows),
        revisions=revisions,
        case_studies=case_study_changes(regions, since, until),
        closed=closed_items(items, since, until),
    )
