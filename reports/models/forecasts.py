"""Year-end forecasts (年度末見込み) as published: an approved 上期 report's, or central staff's
confirmed 上期 entry's. Kept apart from kpis.Actual: a forecast is never a figure, the dashboards
read it beside the figures (reports/dashboards/forecasts.py) and never count it as achieved."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kpis.history import recorded, user_reference
from kpis.models import Indicator
from regions.constraints import FieldConstraints, check, unique

# A forecast's reason is one line.
MAX_REASON_LENGTH = 200


class ForecastQuerySet(models.QuerySet):
    def of_year(self, fiscal_year: int) -> "ForecastQuerySet":
        """The forecasts of one fiscal year (a calendar-year indicator's: the year of that number)."""
        return self.filter(fiscal_year=fiscal_year)

    def of_plan(self, plan) -> "ForecastQuerySet":
        return self.filter(indicator__kpi__plan=plan)


class Forecast(FieldConstraints):
    """One indicator's published forecast of a fiscal year's value, with its one-line reason."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="forecasts", verbose_name=_("指標")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("年度末見込み"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("見込みの理由"), max_length=MAX_REASON_LENGTH, blank=True)
    source = models.CharField(_("出典"), max_length=200)
    published_by = user_reference(_("公開者"))
    published_at = models.DateTimeField(_("公開日時"), default=timezone.now)

    objects = ForecastQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "fiscal_year"]
        verbose_name = _("年度末見込み")
        verbose_name_plural = _("年度末見込み")
        constraints = [
            unique(
                fields=["indicator", "fiscal_year"],
                name="forecast_one_per_year",
                message="この指標の同じ年度の見込みは既に公表されています。",
                field="fiscal_year",
            ),
            check(
                condition=models.Q(value__gte=0),
                name="forecast_not_negative",
                message="年度末見込みは0以上で入力してください。",
                field="value",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.fiscal_year}年度 見込み {self.value}"


def published_by_indicator(indicator_ids, fiscal_year: int) -> dict[int, "Forecast"]:
    """The published forecasts of these indicators for the year, by indicator id (one query)."""
    forecasts = Forecast.objects.filter(indicator_id__in=list(indicator_ids), fiscal_year=fiscal_year)
    return {forecast.indicator_id: forecast for forecast in forecasts}


def publish(
    user, indicator: Indicator, fiscal_year: int, value, text: str, *, existing, source: str, reason: str
) -> None:
    """A reported forecast (`value`, its one-line `text`) becomes the year's published forecast from
    `source`; no value withdraws what `source` published earlier. `existing`: the year's published
    forecast, if any; unchanged, nothing is written. `reason`: the history's reason for the change."""
    if value is None:
        if existing is not None and existing.source == source:
            recorded(user, existing, f"{reason}: 見込みの取消し").delete()
        return
    if existing is not None and (existing.value, existing.reason, existing.source) == (value, text, source):
        return
    forecast = existing or Forecast(indicator=indicator, fiscal_year=fiscal_year)
    forecast.value, forecast.reason, forecast.source = value, text, source
    forecast.published_by, forecast.published_at = user, timezone.now()
    recorded(user, forecast, reason).save()
