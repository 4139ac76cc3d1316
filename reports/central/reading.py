"""What the central entry pages read: the plan's central indicators with their target, published
actual and entry for a period, the entries' history, and the drafts still to confirm."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from kpis.achievement import HALVES
from kpis.figures import target_of
from kpis.history import user_name
from kpis.models import Actual, Indicator, Kpi, Target
from plans.models import Plan
from reports.models import CentralEntry

State = CentralEntry.State


@dataclass(frozen=True)
class EntryRow:
    """One central indicator on the entry form."""

    indicator: Indicator
    target: Target | None
    actual: Actual | None  # the published figure for the period, if any
    entry: CentralEntry | None

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def version(self) -> int:
        return self.entry.version if self.entry else 0

    @property
    def draft(self) -> CentralEntry | None:
        return self.entry if self.entry and self.entry.state == State.DRAFT else None

    @property
    def value(self) -> Decimal | None:
        """What the form starts with: the entry (draft or confirmed), else the published actual."""
        if self.entry is not None:
            return self.entry.value
        return self.actual.value if self.actual else None

    @property
    def note(self) -> str:
        if self.entry is not None:
            return self.entry.note
        return self.actual.note if self.actual else ""

    @property
    def forecast(self) -> Decimal | None:
        return self.entry.forecast if self.entry else None

    @property
    def forecast_reason(self) -> str:
        return self.entry.forecast_reason if self.entry else ""


@dataclass(frozen=True)
class HistoryLine:
    indicator: Indicator | None
    at: datetime.datetime
    by: str
    old: Decimal | None
    new: Decimal | None
    state: str
    reason: str
    forecast: Decimal | None = None  # the 上期 entry's year-end forecast after the change


def central_indicators(plan: Plan) -> QuerySet[Indicator]:
    """The indicators of the plan's central KPIs, in the plan's order."""
    return (
        Indicator.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.CENTRAL)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code", "order", "code")
    )


def entry_rows(plan: Plan, fiscal_year: int, period: str) -> list[EntryRow]:
    """Every central indicator of the plan with its target, published actual and entry (3 queries)."""
    indicators = (
        central_indicators(plan)
        .select_related("kpi__plan")
        .prefetch_related(
            "targets",
            Prefetch(
                "actuals",
                queryset=Actual.objects.filter(period=period, year=fiscal_year),
                to_attr="period_actuals",
            ),
        )
    )
    indicators = list(indicators)
    entries = entries_of([i.pk for i in indicators], fiscal_year, period, related=True)
    return [
        EntryRow(
            indicator=indicator,
            target=target_of(indicator, fiscal_year, half=period if period in HALVES else None),
            actual=indicator.period_actuals[0] if indicator.period_actuals else None,
            entry=entries.get(indicator.pk),
        )
        for indicator in indicators
    ]


def entry_history(plan: Plan, fiscal_year: int, period: str) -> list[HistoryLine]:
    """Every change to the plan's central entries for the period, newest first (one query)."""
    records = (
        CentralEntry.history.filter(
            fiscal_year=fiscal_year,
            period=period,
            indicator_id__in=central_indicators(plan).values("pk"),
        )
        .select_related("history_user", "indicator")
        .order_by("history_date", "history_id")
    )
    last_value: dict[int, Decimal | None] = {}
    lines = []
    for record in records:
        old = last_value.get(record.id)
        new = None if record.history_type == "-" else record.value
        last_value[record.id] = new
        lines.append(
            HistoryLine(
                indicator=record.indicator,
                at=record.history_date,
                by=user_name(record.history_user),
                old=old,
                new=new,
                state="削除" if record.history_type == "-" else State(record.state).label,
                reason=record.history_change_reason or "",
                forecast=None if record.history_type == "-" else record.forecast,
            )
        )
    return lines[::-1]


def drafts_waiting() -> list[dict]:
    """Plans, years and periods with drafts not yet confirmed (one query)."""
    rows = (
        CentralEntry.objects.filter(state=State.DRAFT)
        .values("indicator__kpi__plan__number", "indicator__kpi__plan__name", "fiscal_year", "period")
        .order_by("indicator__kpi__plan__number", "fiscal_year", "period")
    )
    grouped: dict[tuple, dict] = {}
    for row in rows:
        key = (row["indicator__kpi__plan__number"], row["fiscal_year"], row["period"])
        group = grouped.setdefault(
            key,
            {
                "plan_number": key[0],
                "plan_name": row["indicator__kpi__plan__name"],
                "fiscal_year": key[1],
                "period": key[2],
                "period_label": CentralEntry.Period(key[2]).label,
                "count": 0,
            },
        )
        group["count"] += 1
    return list(grouped.values())


def entries_of(
    indicator_ids, fiscal_year: int, period: str, *, related: bool = False
) -> dict[int, CentralEntry]:
    entries = CentralEntry.objects.filter(
        indicator_id__in=indicator_ids, fiscal_year=fiscal_year, period=period
    )
    if related:
        entries = entries.select_related("updated_by")
    return {entry.indicator_id: entry for entry in entries}
