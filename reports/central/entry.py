"""Central KPIs' actuals as central staff (特許庁 普及支援課, INPIT) enter them, per fiscal year or half.

    (none) ──save──▶ draft ──confirm──▶ confirmed ──save (changed)──▶ draft ──confirm──▶ …

A draft is not published: the dashboards read kpis.Actual, which only `confirm` writes. A confirmed
entry edited again is a draft until the next confirmation; the published actual stays meanwhile.

Plain functions, each one transaction: they check who may act (PermissionDenied → 403), check the
input (CentralEntryError with a Japanese message), and refuse a change based on an outdated version
of an entry (StaleEntry, listing what changed meanwhile). On any error nothing is written.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kpis.achievement import CUMULATIVE, HALVES, cumulative_target, target_in_force
from kpis.figures import target_figure
from kpis.history import recorded, take_version, user_name
from kpis.models import Actual, Indicator, Kpi, Target
from kpis.values import parse_figure
from plans.models import Plan
from regions import access
from reports.models import CentralEntry
from reports.progress.workflow import WorkflowError

State = CentralEntry.State
PERIODS = tuple(CentralEntry.Period.values)
FIELD_PREFIXES = ("value", "note", "version")
MAX_NOTE_LENGTH = 1000
# Actuals written by confirmation carry this source.
CONFIRMED_SOURCE = "中央KPI実績入力"
CONFIRM_REASON = "中央KPI実績の確定"
SAVE_REASON = "下書き保存"
DISCARD_REASON = "下書きの取消し"


class CentralEntryError(WorkflowError):
    """A request refused, with the message to show (nothing has been changed)."""


@dataclass(frozen=True)
class Change:
    """What someone else did to an entry after the form was opened."""

    indicator: str
    value: str
    state: str
    by: str
    at: datetime.datetime | None


class StaleEntry(CentralEntryError):
    def __init__(self, changes: list[Change]):
        super().__init__(
            "画面を開いた後に、他の人が次の実績を更新しました。保存していません。"
            "最新の内容を確認してから、もう一度保存してください。"
        )
        self.changes = changes


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


@dataclass(frozen=True)
class HistoryLine:
    indicator: Indicator | None
    at: datetime.datetime
    by: str
    old: Decimal | None
    new: Decimal | None
    state: str
    reason: str


# --- reading --------------------------------------------------------------------------------------


def central_indicators(plan: Plan) -> QuerySet[Indicator]:
    """The indicators of the plan's central KPIs, in the plan's order."""
    return (
        Indicator.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.CENTRAL)
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code", "order", "code")
    )


def entry_rows(plan: Plan, fiscal_year: int, period: str) -> list[EntryRow]:
    """Every central indicator of the plan with its target, published actual and entry (3 queries)."""
    indicators = central_indicators(plan).prefetch_related(
        "targets",
        Prefetch(
            "actuals",
            queryset=Actual.objects.filter(period=period, year=fiscal_year),
            to_attr="period_actuals",
        ),
    )
    indicators = list(indicators)
    entries = _entries([i.pk for i in indicators], fiscal_year, period, related=True)
    return [
        EntryRow(
            indicator=indicator,
            target=target_for(indicator, fiscal_year, period),
            actual=indicator.period_actuals[0] if indicator.period_actuals else None,
            entry=entries.get(indicator.pk),
        )
        for indicator in indicators
    ]


def target_for(indicator: Indicator, fiscal_year: int, period: str) -> Target | None:
    """The target the period's actual is measured against: the half's own target if there is one,
    else the target in force for the year (for a cumulative target, the plan-period total)."""
    targets = list(indicator.targets.all())
    if period in HALVES:
        own = next((t for t in targets if t.period == period and t.year == fiscal_year), None)
        if own is not None:
            return own
    figures = [target_figure(t) for t in targets]
    if indicator.target_shape == CUMULATIVE:
        chosen = cumulative_target(figures, fiscal_year)
    else:
        chosen = target_in_force(figures, fiscal_year, shape=indicator.target_shape)
    return next((t for t, f in zip(targets, figures, strict=True) if f is chosen), None)


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


# --- the form -------------------------------------------------------------------------------------


def read_form(
    plan: Plan, posted: Mapping[str, str]
) -> tuple[dict[int, tuple[Decimal | None, str]], dict[int, int]]:
    """The posted fields (`value-<indicator id>`, `note-<id>`, `version-<id>`) read and checked.

    A field naming an indicator that is not a central indicator of the plan (a forged or outdated
    form) refuses the whole form; bad values are collected per field so every problem shows at once.
    """
    indicators = {indicator.pk: indicator for indicator in central_indicators(plan)}
    _refuse_foreign(plan, {key for key in _posted_ids(posted) if key not in indicators})
    errors: dict[str, str] = {}
    values: dict[int, tuple[Decimal | None, str]] = {}
    versions: dict[int, int] = {}
    for indicator_id, indicator in indicators.items():
        if f"value-{indicator_id}" not in posted:
            continue
        try:
            value = parse_figure(posted.get(f"value-{indicator_id}"), indicator.measure, label=indicator.name)
        except ValidationError as error:
            errors[f"value-{indicator_id}"] = error.messages[0]
            value = None
        note = (posted.get(f"note-{indicator_id}") or "").strip()
        if len(note) > MAX_NOTE_LENGTH:
            errors[f"note-{indicator_id}"] = (
                f"注記は{MAX_NOTE_LENGTH}文字以内で入力してください（{len(note)}文字）。"
            )
        raw_version = (posted.get(f"version-{indicator_id}") or "0").strip()
        if not raw_version.isdecimal() or not raw_version.isascii():
            raise CentralEntryError(
                "送信された画面の情報が正しくありません。保存していません。画面を開き直してください。"
            )
        values[indicator_id] = (value, note)
        versions[indicator_id] = int(raw_version)
    if errors:
        raise CentralEntryError("入力内容に誤りがあります。保存していません。", field_errors=errors)
    return values, versions


def _posted_ids(posted: Mapping[str, str]) -> set:
    ids = set()
    for key in posted:
        prefix, _sep, suffix = key.partition("-")
        if prefix in FIELD_PREFIXES and suffix:
            ids.add(int(suffix) if suffix.isdecimal() and suffix.isascii() else suffix)
    return ids


# --- writing --------------------------------------------------------------------------------------


@transaction.atomic
def save_drafts(
    user,
    plan: Plan,
    fiscal_year: int,
    period: str,
    values: Mapping[int, tuple[Decimal | None, str]],
    versions: Mapping[int, int],
) -> dict[int, int]:
    """Keep the values as drafts (not published). A blank value discards the indicator's draft.

    Returns every posted indicator's entry version after saving (0: no entry).
    """
    _check(user, plan, fiscal_year, period)
    indicators = _indicators_of(plan, values)
    entries = _entries(list(values), fiscal_year, period)
    _refuse_stale(indicators, entries, versions, fiscal_year, period, list(values))
    actuals = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(indicator_id__in=list(values), period=period, year=fiscal_year)
    }
    for indicator_id, (value, note) in values.items():
        entry, actual = entries.get(indicator_id), actuals.get(indicator_id)
        if value is None:
            entries[indicator_id] = _discard(user, entry, actual, indicators[indicator_id])
        elif entry is None:
            if actual is not None and (actual.value, actual.note) == (value, note):
                continue  # the published figure, left as it was
            entries[indicator_id] = _create(user, indicators[indicator_id], fiscal_year, period, value, note)
        elif (entry.value, entry.note) != (value, note):
            _take_version(entry, indicators[indicator_id])
            entry.value, entry.note, entry.state = value, note, State.DRAFT
            entry.updated_by = user
            recorded(user, entry, SAVE_REASON).save()
    return {key: (entries[key].version if entries.get(key) else 0) for key in values}


@transaction.atomic
def confirm(
    user,
    plan: Plan,
    fiscal_year: int,
    period: str,
    versions: Mapping[int, int],
    *,
    values: Mapping[int, tuple[Decimal | None, str]] | None = None,
) -> list[CentralEntry]:
    """Publish every draft of the plan's central indicators for the period as their actuals.

    With `values`, they are saved as drafts first (one transaction: a refusal keeps nothing). The
    versions must be those the user saw, for every draft too: nobody confirms a figure unseen.
    Returns the entries confirmed (none when there was no draft).
    """
    _check(user, plan, fiscal_year, period)
    if values is not None:
        versions = {**versions, **save_drafts(user, plan, fiscal_year, period, values, versions)}
    indicators = {indicator.pk: indicator for indicator in central_indicators(plan)}
    _refuse_foreign(plan, set(versions) - set(indicators))
    entries = _entries(list(indicators), fiscal_year, period)
    drafts = [entry for entry in entries.values() if entry.state == State.DRAFT]
    checked = set(versions) | {entry.indicator_id for entry in drafts}
    _refuse_stale(indicators, entries, versions, fiscal_year, period, sorted(checked))
    actuals = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(
            indicator_id__in=[entry.indicator_id for entry in drafts], period=period, year=fiscal_year
        )
    }
    now = timezone.now()
    for entry in drafts:
        indicator = indicators[entry.indicator_id]
        _take_version(entry, indicator)
        actual = actuals.get(entry.indicator_id)
        if actual is None:
            actual = Actual(indicator=indicator, period=period, year=fiscal_year)
        elif (actual.value, actual.note, actual.source) == (entry.value, entry.note, CONFIRMED_SOURCE):
            actual = None  # already published as it is
        if actual is not None:
            actual.value, actual.note, actual.source = entry.value, entry.note, CONFIRMED_SOURCE
            recorded(user, actual, CONFIRM_REASON).save()
        entry.state = State.CONFIRMED
        entry.confirmed_at = now
        entry.updated_by = user
        recorded(user, entry, CONFIRM_REASON).save()
    return drafts


# --- checks and writes ----------------------------------------------------------------------------


def _check(user, plan: Plan, fiscal_year: int, period: str) -> None:
    if not access.may_enter_central_actuals(user):
        raise PermissionDenied("中央KPIの実績を入力できるのは中央（特許庁・INPIT）の担当者です。")
    if period not in PERIODS:
        raise CentralEntryError("期間は上期・下期・年度のいずれかを指定してください。")
    if fiscal_year not in plan.fiscal_years:
        raise CentralEntryError(
            f"{fiscal_year}年度は{plan.name}の期間（{plan.start_fiscal_year}〜{plan.end_fiscal_year}年度）外です。"
        )


def _indicators_of(plan: Plan, wanted) -> dict[int, Indicator]:
    indicators = {
        i.pk: i for i in central_indicators(plan).filter(pk__in=[k for k in wanted if isinstance(k, int)])
    }
    _refuse_foreign(plan, set(wanted) - set(indicators))
    return indicators


def _refuse_foreign(plan: Plan, foreign) -> None:
    if foreign:
        raise CentralEntryError(
            f"{plan.name}の中央KPIでない指標が送信されました（ID: "
            + ", ".join(str(key) for key in sorted(foreign, key=str))
            + "）。保存していません。画面を開き直してください。"
        )


def _entries(
    indicator_ids, fiscal_year: int, period: str, *, related: bool = False
) -> dict[int, CentralEntry]:
    entries = CentralEntry.objects.filter(
        indicator_id__in=indicator_ids, fiscal_year=fiscal_year, period=period
    )
    if related:
        entries = entries.select_related("updated_by")
    return {entry.indicator_id: entry for entry in entries}


def _refuse_stale(indicators, entries, versions, fiscal_year, period, indicator_ids) -> None:
    """Refuse unless every entry is still at the version the form was opened at (0: no entry)."""
    changes = []
    for indicator_id in indicator_ids:
        entry = entries.get(indicator_id)
        if (entry.version if entry else 0) != versions.get(indicator_id, -1):
            changes.append(_change(indicators[indicator_id], entry, fiscal_year, period))
    if changes:
        raise StaleEntry(changes)


def _change(indicator: Indicator, entry: CentralEntry | None, fiscal_year: int, period: str) -> Change:
    if entry is not None:
        return Change(
            indicator=indicator.name,
            value=f"{_shown(entry.value)}{indicator.unit}",
            state=entry.get_state_display(),
            by=user_name(entry.updated_by),
            at=entry.updated_at,
        )
    removed = (
        CentralEntry.history.filter(indicator_id=indicator.pk, fiscal_year=fiscal_year, period=period)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return Change(
        indicator=indicator.name,
        value="（下書きを取消し）",
        state="",
        by=user_name(removed.history_user) if removed else "",
        at=removed.history_date if removed else None,
    )


def _take_version(entry: CentralEntry, indicator: Indicator) -> None:
    """Move the entry to its next version if it is still at the one read, else refuse."""
    if not take_version(entry, entry.version):
        current = CentralEntry.objects.filter(pk=entry.pk).select_related("updated_by").first()
        raise StaleEntry([_change(indicator, current, entry.fiscal_year, entry.period)])


def _create(user, indicator: Indicator, fiscal_year: int, period: str, value: Decimal, note: str):
    entry = CentralEntry(
        indicator=indicator, fiscal_year=fiscal_year, period=period, value=value, note=note, updated_by=user
    )
    try:
        with transaction.atomic():
            recorded(user, entry, SAVE_REASON).save()
    except IntegrityError:
        # Someone else created the entry since the form was read.
        current = (
            CentralEntry.objects.filter(indicator=indicator, fiscal_year=fiscal_year, period=period)
            .select_related("updated_by")
            .first()
        )
        raise StaleEntry([_change(indicator, current, fiscal_year, period)]) from None
    return entry


def _discard(user, entry: CentralEntry | None, actual: Actual | None, indicator: Indicator):
    """A blank value: a draft is dropped (back to the confirmed figure, if it had one); a confirmed
    entry and a published actual stay as they are."""
    if entry is None or entry.state == State.CONFIRMED:
        return entry
    _take_version(entry, indicator)
    if entry.confirmed_at is not None and actual is not None:
        entry.value, entry.note, entry.state = actual.value, actual.note, State.CONFIRMED
        entry.updated_by = user
        recorded(user, entry, DISCARD_REASON).save()
        return entry
    recorded(user, entry, DISCARD_REASON).delete()
    return None


def _shown(value) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.normalize():,f}" if value != value.to_integral_value() else f"{int(value):,}"
