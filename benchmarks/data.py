"""A synthetic plan holding a chosen multiple of the documents' regional data, written with bulk_create.

Sizes: the documents give about 47 prefectures × 3 indicators (135 regional indicators in the 2nd
plan). Scale s keeps the 47 prefectures and grows both the indicators per prefecture and the fiscal
years with figures, so that the figures grow linearly with s:

    1×   47 × 3 indicators  × 1 fiscal year  × 2 halves =    282 actuals
    10×  47 × 10 indicators × 3 fiscal years × 2 halves =  2,820 actuals
    100× 47 × 30 indicators × 10 fiscal years × 2 halves = 28,200 actuals

plus one target per indicator and year (one in all for cumulative and baseline targets), and nine
central indicators at every scale (central KPIs are set by the JPO, not by prefectures, so they do
not grow with the regions' data). The synthetic plan is number 90 + s, spanning FY2016–FY2025 with
the figures in its last fiscal years, so the documents' plans stay untouched and the dashboards'
default year (the current one, kept within the plan) always has figures.
"""

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kpis.models import Actual, Indicator, Kpi, Measure, Target
from kpis.stamps import raise_stamps
from plans.models import Plan
from regions.models import Region

PLAN_NUMBER_BASE = 90
FIRST_FISCAL_YEAR = 2016
PLAN_YEARS = 10
CENTRAL_INDICATORS = 9
SOURCE = "合成データ（ベンチマーク用）"


@dataclass(frozen=True)
class Size:
    scale: int
    indicators_per_region: int
    years: int

    @property
    def fiscal_years(self) -> range:
        """The fiscal years with figures: the plan's last `years`."""
        last = FIRST_FISCAL_YEAR + PLAN_YEARS - 1
        return range(last - self.years + 1, last + 1)


def size_of(scale: int) -> Size:
    """Indicators per prefecture × fiscal years ≈ 3 × scale, both growing like √scale."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    years = min(PLAN_YEARS, max(1, round(math.sqrt(scale))))
    return Size(scale=scale, indicators_per_region=max(1, round(3 * scale / years)), years=years)


def synthetic_plan_number(scale: int) -> int:
    return PLAN_NUMBER_BASE + scale


@dataclass(frozen=True)
class Shape:
    target_shape: str
    aggregation: str
    measure: str
    unit: str
    name: str


Shapes = Indicator.TargetShape
FLOW, LEVEL = Indicator.Aggregation.FLOW, Indicator.Aggregation.LEVEL
# Roughly the mix of the 2nd plan's regional indicators: mostly per-year counts, then cumulative
# counts, a few baseline levels and shares.
SHAPES = [
    Shape(Shapes.PER_YEAR, FLOW, Measure.COUNT, "件", "相談件数"),
    Shape(Shapes.PER_YEAR, FLOW, Measure.COUNT, "回", "セミナー開催回数"),
    Shape(Shapes.CUMULATIVE, FLOW, Measure.COUNT, "社", "伴走支援企業数（累計）"),
    Shape(Shapes.PER_YEAR, FLOW, Measure.COUNT, "社", "マッチング件数"),
    Shape(Shapes.BASELINE_TO_TARGET, LEVEL, Measure.COUNT, "機関", "連携機関数"),
    Shape(Shapes.SHARE, LEVEL, Measure.PERCENT, "%", "知財経営実践企業の割合"),
]


def generate_scaled_data(scale: int, *, seed: int = 0) -> Plan:
    """Create (or re-create) synthetic plan 90+scale with `scale` times the documents' regional data.

    Needs the regions (load_plan_data). Figures are bulk-created, which skips the pre_save signal
    that copies the indicator's measure, so each figure's measure is set here.
    """
    size = size_of(scale)
    rng = random.Random(seed * 1_000_003 + scale)
    with transaction.atomic():
        Plan.objects.filter(number=synthetic_plan_number(scale)).delete()
        plan = Plan.objects.create(
            number=synthetic_plan_number(scale),
            name=f"合成データ {scale}×",
            start_fiscal_year=FIRST_FISCAL_YEAR,
            end_fiscal_year=FIRST_FISCAL_YEAR + PLAN_YEARS - 1,
            summary=f"ベンチマーク用の合成データ（文書データの{scale}倍）。",
            source=SOURCE,
        )
        prefectures = list(Region.objects.filter(kind=Region.Kind.PREFECTURE).order_by("order", "code"))
        if not prefectures:
            raise RuntimeError("no prefectures: load the documents' data first (manage.py load_plan_data)")
        kpis, specs = _kpis(plan, prefectures, size)
        Kpi.objects.bulk_create(kpis)
        indicators = [_indicator(kpi, code, position, shape) for kpi, code, position, shape in specs]
        Indicator.objects.bulk_create(indicators)
        targets, actuals = [], []
        for indicator, (_kpi, _code, _position, shape) in zip(indicators, specs, strict=True):
            figures = _Figures(rng, indicator, shape, size.fiscal_years)
            targets += figures.targets()
            actuals += figures.actuals()
        Target.objects.bulk_create(targets)
        Actual.objects.bulk_create(actuals)
        # as every write of figures does (a bulk_create sends no signal)
        raise_stamps(indicator.pk for indicator in indicators)
    return plan


def data_size(plan: Plan) -> dict[str, int]:
    """Rows of a plan's KPIs, indicators, targets and actuals, and the regions with KPIs."""
    return {
        "regions": Kpi.objects.filter(plan=plan, region__isnull=False).values("region").distinct().count(),
        "kpis": Kpi.objects.filter(plan=plan).count(),
        "indicators": Indicator.objects.filter(kpi__plan=plan).count(),
        "targets": Target.objects.filter(indicator__kpi__plan=plan).count(),
        "actuals": Actual.objects.filter(indicator__kpi__plan=plan).count(),
    }


def _kpis(plan: Plan, prefectures: list[Region], size: Size):
    """KPIs, and per indicator (kpi, indicator code, position, shape); every fourth regional KPI
    holds two indicators, as one bullet of a prefecture's list often does."""
    kpis, specs = [], []

    def add_kpi(*, code: str, region: Region | None, kind: str, first: int, count: int, order: int):
        shape = SHAPES[first % len(SHAPES)]
        level = Kpi.Level.REGIONAL if region else Kpi.Level.CENTRAL
        kpi = Kpi(
            plan=plan,
            code=code,
            level=level,
            region=region,
            kind=kind,
            title=shape.name + ("ほか" if count > 1 else ""),
            text="合成データのKPI本文。",
            period_label=f"{plan.start_fiscal_year}～{plan.end_fiscal_year}年度",
            stage=first % 3 + 1 if region else None,
            order=order,
            source=SOURCE,
        )
        kpis.append(kpi)
        for offset in range(count):
            specs.append((kpi, str(offset + 1), first + offset, SHAPES[(first + offset) % len(SHAPES)]))

    for number in range(1, CENTRAL_INDICATORS + 1):
        kind = Kpi.Kind.CORE if number <= 3 else Kpi.Kind.EFFECT
        add_kpi(code=f"C{number:02d}", region=None, kind=kind, first=number - 1, count=1, order=number)
    for region in prefectures:
        position, number = 0, 1
        while position < size.indicators_per_region:
            count = 2 if number % 4 == 0 and size.indicators_per_region - position >= 2 else 1
            add_kpi(
                code=f"{region.code}-{number}",
                region=region,
                kind=Kpi.Kind.ACTIVITY,
                first=position,
                count=count,
                order=number,
            )
            position += count
            number += 1
    return kpis, specs


def _indicator(kpi: Kpi, code: str, position: int, shape: Shape) -> Indicator:
    return Indicator(
        kpi=kpi,
        code=code,
        name=f"{shape.name} {position + 1}",
        unit=shape.unit,
        measure=shape.measure,
        target_shape=shape.target_shape,
        aggregation=shape.aggregation,
        order=int(code),
    )


class _Figures:
    """One indicator's targets and half-year actuals over the given fiscal years."""

    def __init__(self, rng: random.Random, indicator: Indicator, shape: Shape, years: range):
        self.rng, self.indicator, self.shape, self.years = rng, indicator, shape, years
        self.base = rng.randint(4, 60)

    def _figure(self, model, **fields):
        return model(indicator=self.indicator, measure=self.shape.measure, source=SOURCE, **fields)

    def targets(self) -> list[Target]:
        shape = self.shape.target_shape
        if shape == Shapes.CUMULATIVE:
            total = Decimal(self.base * len(self.years))
            return [
                self._figure(Target, period="cum", year=self.years[-1], start_year=self.years[0], value=total)
            ]
        if shape == Shapes.BASELINE_TO_TARGET:
            return [
                self._figure(
                    Target,
                    period="fy",
                    year=self.years[-1],
                    value=Decimal(self.base + 10),
                    baseline_value=Decimal(self.base),
                    baseline_year=self.years[0] - 1,
                )
            ]
        if shape == Shapes.SHARE:
            return [self._figure(Target, period="fy", year=year, value=Decimal(30)) for year in self.years]
        return [
            self._figure(Target, period="fy", year=year, value=Decimal(self.base), is_minimum=True)
            for year in self.years
        ]

    def actuals(self) -> list[Actual]:
        return [
            self._figure(Actual, period=half, year=year, value=self._value(step))
            for step, (year, half) in enumerate((y, h) for y in self.years for h in ("h1", "h2"))
        ]

    def _value(self, step: int) -> Decimal:
        if self.shape.measure == Measure.PERCENT:
            return Decimal(self.rng.randint(100, 600)) / 10
        if self.shape.aggregation == LEVEL:
            return Decimal(self.base + step // 2 + self.rng.randint(0, 3))
        return Decimal(round(self.base / 2 * self.rng.uniform(0.5, 1.4)))
