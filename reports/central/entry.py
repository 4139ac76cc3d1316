"""Central KPIs' actuals as central staff (特許庁 普及支援課, INPIT) enter them, per fiscal year or half.

    (none) ──save──▶ draft ──confirm──▶ confirmed ──save (changed)──▶ draft ──confirm──▶ …

A draft is not published: the dashboards read kpis.Actual, which only `confirm` writes. A confirmed
entry edited again is a draft until the next confirmation; the published actual stays meanwhile.
A 上期 entry may carry a year-end forecast (年度末見込み) with a one-line reason: confirming publishes
it as the year's reports.models.Forecast, never as an actual.

Plain functions, each one transaction: they check who may act (PermissionDenied → 403), check the
input (CentralEntryError with a Japanese message), and refuse a change based on an outdated version
of an entry (StaleEntry, listing what changed meanwhile). On any error nothing is written.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from kpis.history import recorded, take_version, user_name
from kpis.models import Actual, Indicator
from plans.models import Plan
from regions import access
from reports.audit import WorkflowError, shown_value
from reports.central.reading import central_indicators, entries_of
from reports.models import CentralEntry, Forecast
from reports.models.forecasts import publish, published_by_indicator
from reports.posted import foreign_ids_message, posted_ids, read_figure, read_forecast, read_text

State = CentralEntry.State
PERIODS = tuple(CentralEntry.Period.values)
FIELD_PREFIXES = ("value", "note", "forecast", "forecast_reason", "version")
# The period whose entry may carry a year-end forecast.
FORECAST_PERIOD = CentralEntry.Period.H1
MAX_NOTE_LENGTH = 1000
# Actuals written by confirmation carry this source.
CONFIRMED_SOURCE = "中央KPI実績入力"
CONFIRM_REASON = "中央KPI実績の確定"
SAVE_REASON = "下書き保存"
DISCARD_REASON = "下書きの取消し"


class CentralEntryError(WorkflowError):
    """A request refused, with the message to show (nothing has been changed)."""


class Posted(NamedTuple):
    """What the form holds for one indicator. A reason of None (a pair (value, note), or a form
    without the forecast fields): the entry's forecast stays as it is."""

    value: Decimal | None
    note: str
    forecast: Decimal | None = None
    forecast_reason: str | None = None

    def over(self, entry: CentralEntry | None) -> "Posted":
        """The values to store over `entry`: its own forecast where the form held none."""
        if self.forecast_reason is not None:
            return self
        if entry is None:
            return self._replace(forecast=None, forecast_reason="")
        return self._replace(forecast=entry.forecast, forecast_reason=entry.forecast_reason)

    def differs_from(self, entry: CentralEntry) -> bool:
        return tuple(self) != (entry.value, entry.note, entry.forecast, entry.forecast_reason)


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


# --- the form -------------------------------------------------------------------------------------


def read_form(
    plan: Plan, posted: Mapping[str, str], period: str = "fy"
) -> tuple[dict[int, Posted], dict[int, int]]:
    """The posted fields (`value-<indicator id>`, `note-<id>`, `version-<id>`, and for a 上期 entry
    `forecast-<id>`, `forecast_reason-<id>`) read and checked.

    A field naming an indicator that is not a central indicator of the plan (a forged or outdated
    form) refuses the whole form; bad values are collected per field so every problem shows at once.
    """
    indicators = {indicator.pk: indicator for indicator in central_indicators(plan)}
    _refuse_foreign(plan, posted_ids(posted, FIELD_PREFIXES) - indicators.keys())
    errors: dict[str, str] = {}
    values: dict[int, Posted] = {}
    versions: dict[int, int] = {}
    for indicator_id, indicator in indicators.items():
        if f"value-{indicator_id}" not in posted:
            continue
        value = read_figure(posted, f"value-{indicator_id}", indicator, errors)
        note = read_text(posted, f"note-{indicator_id}", MAX_NOTE_LENGTH, errors, label="注記")
        forecast = (
            _read_forecast(posted, indicator, value, errors) if period == FORECAST_PERIOD else (None, "")
        )
        raw_version = (posted.get(f"version-{indicator_id}") or "0").strip()
        if not raw_version.isdecimal() or not raw_version.isascii():
            raise CentralEntryError(
                "送信された画面の情報が正しくありません。保存していません。画面を開き直してください。"
            )
        values[indicator_id] = Posted(value, note, *forecast)
        versions[indicator_id] = int(raw_version)
    if errors:
        raise CentralEntryError("入力内容に誤りがあります。保存していません。", field_errors=errors)
    return values, versions


def _read_forecast(posted, indicator: Indicator, value, errors: dict) -> tuple[Decimal | None, str | None]:
    """The 上期 entry's forecast and reason; (None, None) when the form held neither field."""
    key = f"forecast-{indicator.pk}"
    if key not in posted and f"forecast_reason-{indicator.pk}" not in posted:
        return None, None
    forecast, reason = read_forecast(
        posted, indicator, errors, key=key, reason_key=f"forecast_reason-{indicator.pk}", first_half=value
    )
    if forecast is not None and value is None and key not in errors:
        errors[key] = "年度末見込みを保存するには、上期の実績も入力してください。"
    return forecast, reason


# --- writing --------------------------------------------------------------------------------------


@transaction.atomic
def save_drafts(
    user,
    plan: Plan,
    fiscal_year: int,
    period: str,
    values: Mapping[int, tuple],
    versions: Mapping[int, int],
) -> dict[int, int]:
    """Keep the values as drafts (not published). A blank value discards the indicator's draft.

    Returns every posted indicator's entry version after saving (0: no entry).
    """
    _check(user, plan, fiscal_year, period)
    values = {key: Posted(*posted) for key, posted in values.items()}
    indicators = _indicators_of(plan, values)
    entries = entries_of(list(values), fiscal_year, period)
    _refuse_stale(indicators, entries, versions, fiscal_year, period, list(values))
    actuals = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(indicator_id__in=list(values), period=period, year=fiscal_year)
    }
    for indicator_id, posted in values.items():
        entry, actual = entries.get(indicator_id), actuals.get(indicator_id)
        # only a 上期 entry carries a forecast
        posted = (
            posted.over(entry)
            if period == FORECAST_PERIOD
            else posted._replace(forecast=None, forecast_reason="")
        )
        if posted.value is None:
            entries[indicator_id] = _discard(user, entry, actual, indicators[indicator_id])
        elif entry is None:
            if actual is not None and posted == (actual.value, actual.note, None, ""):
                continue  # the published figure, left as it was
            entries[indicator_id] = _create(user, indicators[indicator_id], fiscal_year, period, posted)
        elif posted.differs_from(entry):
            _take_version(entry, indicators[indicator_id])
            entry.value, entry.note, entry.forecast, entry.forecast_reason = posted
            entry.state = State.DRAFT
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
    values: Mapping[int, tuple] | None = None,
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
    entries = entries_of(list(indicators), fiscal_year, period)
    drafts = [entry for entry in entries.values() if entry.state == State.DRAFT]
    checked = set(versions) | {entry.indicator_id for entry in drafts}
    _refuse_stale(indicators, entries, versions, fiscal_year, period, sorted(checked))
    actuals = {
        actual.indicator_id: actual
        for actual in Actual.objects.filter(
            indicator_id__in=[entry.indicator_id for entry in drafts], period=period, year=fiscal_year
        )
    }
    forecasts = (
        published_by_indicator([e.indicator_id for e in drafts], fiscal_year)
        if period == FORECAST_PERIOD
        else {}
    )
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
        if period == FORECAST_PERIOD:
            publish(
                user,
                indicator,
                fiscal_year,
                entry.forecast,
                entry.forecast_reason,
                existing=forecasts.get(entry.indicator_id),
                source=CONFIRMED_SOURCE,
                reason=CONFIRM_REASON,
            )
        entry.state = State.CONFIRMED
        entry.confirmed_at = now
        entry.updated_by = user
        recorded(user, entry, CONFIRM_REASON).save()
    return drafts


def check_confirmation(user, plan: Plan, fiscal_year: int, period: str, versions: Mapping[int, int]) -> None:
    """What `confirm` refuses before writing anything (who, which period, an entry changed since the
    form was opened), for the confirmation page; nothing is written."""
    _check(user, plan, fiscal_year, period)
    indicators = {indicator.pk: indicator for indicator in central_indicators(plan)}
    _refuse_foreign(plan, set(versions) - set(indicators))
    entries = entries_of(list(indicators), fiscal_year, period)
    checked = set(versions) | {entry.indicator_id for entry in entries.values() if entry.state == State.DRAFT}
    _refuse_stale(indicators, entries, versions, fiscal_year, period, sorted(checked))


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
        raise CentralEntryError(foreign_ids_message(f"{plan.name}の中央KPIでない指標", foreign))


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
            value=f"{shown_value(entry.value)}{indicator.unit}",
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


def _create(user, indicator: Indicator, fiscal_year: int, period: str, posted: Posted):
    entry = CentralEntry(
        indicator=indicator,
        fiscal_year=fiscal_year,
        period=period,
        value=posted.value,
        note=posted.note,
        forecast=posted.forecast,
        forecast_reason=posted.forecast_reason,
        updated_by=user,
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
        if entry.period == FORECAST_PERIOD:
            published = Forecast.objects.filter(indicator=indicator, fiscal_year=entry.fiscal_year).first()
            entry.forecast = published.value if published else None
            entry.forecast_reason = published.reason if published else ""
        entry.updated_by = user
        recorded(user, entry, DISCARD_REASON).save()
        return entry
    recorded(user, entry, DISCARD_REASON).delete()
    return None
