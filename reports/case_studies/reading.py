"""What the case-study pages read: the library's and the detail page's querysets, the full-text search,
the region's KPIs and indicators a case study may name, and its figures judged by the one rule.

A case study's figures are never stored with it: a CaseStudyFigure names an indicator and a fiscal
year, and `figure_rows` reads the value from the indicator's actuals and what the year shows from
the one rule for the period (kpis.figures.judgement_of, docs/judgement.md): 〇△× only where the
plan judges that year, progress (順調 / 遅れ) with its pace in an interim year."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kpis.figures import judgement_of
from kpis.models import Indicator, Kpi
from kpis.rules.inputs import CUM, CUMULATIVE
from kpis.rules.judged import Judgement
from kpis.rules.judgement import View
from plans.fiscal import era_year, fiscal_year_label
from plans.models import Plan
from regions.models import Region
from reports.models import CaseStudy, CaseStudyFigure, CaseStudyStep


def for_library(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    return queryset.select_related("plan", "region__block", "kpi").prefetch_related("themes")


def for_detail(queryset: QuerySet[CaseStudy]) -> QuerySet[CaseStudy]:
    """With everything the detail page shows, in a fixed number of queries."""
    figures = CaseStudyFigure.objects.select_related("indicator__kpi__plan").prefetch_related(
        "indicator__targets", "indicator__actuals"
    )
    return queryset.select_related(
        "plan", "region__block", "kpi", "created_by", "updated_by", "published_by"
    ).prefetch_related(
        "themes",
        Prefetch("steps", queryset=CaseStudyStep.objects.order_by("order")),
        Prefetch("figures", queryset=figures.order_by("order")),
    )


def search(queryset: QuerySet[CaseStudy], text: str | None) -> QuerySet[CaseStudy]:
    """Every space-separated term (full-width spaces too) must occur somewhere in the case study: its
    title, subtitle, KPI, outcomes, steps (text or date as printed) or the region's name. Japanese has
    no word boundaries, so a term matches anywhere inside the text."""
    for term in (text or "").split():
        steps = CaseStudyStep.objects.filter(Q(text__icontains=term) | Q(date_label__icontains=term))
        steps = steps.values("case_study_id")
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(subtitle__icontains=term)
            | Q(kpi_text__icontains=term)
            | Q(kpi__text__icontains=term)
            | Q(kpi__title__icontains=term)
            | Q(outcomes__icontains=term)
            | Q(region__name_ja__icontains=term)
            | Q(pk__in=steps)
        )
    return queryset


@dataclass(frozen=True)
class FigureRow:
    """A case study's figure: the indicator's actual for the year and what the one rule shows for it."""

    figure: CaseStudyFigure
    result: Judgement
    period_label: str
    remark: str

    @property
    def indicator(self) -> Indicator:
        return self.figure.indicator

    @property
    def label(self) -> str:
        return self.figure.label or self.figure.indicator.name

    @property
    def actual_value(self) -> Decimal | None:
        return self.result.actual_value

    @property
    def target_value(self) -> Decimal | None:
        return self.result.target_value

    @property
    def percent(self) -> Decimal | None:
        """The rate rounded as its source prints it (the documents print it for an interim year too)."""
        return self.result.percent

    @property
    def target(self):
        """The Target row the rule used (for its label), if any."""
        used = self.result.target
        if used is None:
            return None
        return next(
            (
                t
                for t in self.figure.indicator.targets.all()
                if (t.period, t.year) == (used.period, used.year)
            ),
            None,
        )


def figure_rows(case: CaseStudy, today: datetime.date | None = None) -> list[FigureRow]:
    """The figures, each the one rule's reading of its fiscal year as of the year's end (or today, if
    earlier): a year before a later goal's is progress against its pace, never 〇△×.

    Fetch the case study through `for_detail` so that this runs no query.
    """
    today = today or timezone.localdate()
    rows = []
    for figure in case.figures.all():
        indicator = figure.indicator
        year = figure.fiscal_year
        # the day after the year's end: its own target is then settled (a period ends after its last day)
        as_of = min(today, datetime.date(year + 1, 4, 1))
        result = judgement_of(indicator, View.fiscal_year(year), as_of=as_of)
        rows.append(FigureRow(figure, result, _period_label(indicator, year, result), _remark(year, result)))
    return rows


def _period_label(indicator: Indicator, year: int, result: Judgement) -> str:
    if indicator.target_shape == CUMULATIVE:
        start = result.target.start_year if result.target else None
        if start and start < year:
            return f"{start}〜{year}年度累計（{era_year(start)}〜{era_year(year)}年度）"
        return f"{fiscal_year_label(year)}末までの累計"
    return fiscal_year_label(year)


def _remark(year: int, result: Judgement) -> str:
    """The documents' own caveat: a rate on a later year's goal (北海道 FY2018: 121 ÷ the FY2019 goal)."""
    target = result.target
    if target is None or target.year == year:
        return ""
    if target.period == CUM:
        return f"{target.year}年度までの目標に対する率"
    return f"{target.year}年度の目標に対する率"


def level_of(region: Region | None) -> str:
    """A region's case study names its regional KPIs; a central one (no region) the central KPIs."""
    return Kpi.Level.REGIONAL if region else Kpi.Level.CENTRAL


def region_kpis(plan: Plan, region: Region | None) -> QuerySet[Kpi]:
    return Kpi.objects.filter(plan=plan, region=region, level=level_of(region)).order_by("order", "code")


def region_indicators(plan: Plan, region: Region | None) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(kpi__plan=plan, kpi__region=region, kpi__level=level_of(region))
        .select_related("kpi")
        .order_by("kpi__order", "kpi__code", "order", "code")
    )
