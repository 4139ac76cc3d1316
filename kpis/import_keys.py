"""The keys an import file refers to, and the small checks every import shares.

Rows are keyed by natural keys only (plan number, KPI code, region code, indicator code, period,
year), never by database ids. Every referenced key is loaded once per import (`KeyIndex`) and
checked in Python, so an import of thousands of rows runs a handful of SELECTs.
"""

import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpis.cells import cell_text
from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions.models import Region

# --- keys ------------------------------------------------------------------------------------


@dataclass
class KeyIndex:
    """Everything a file's keys can refer to, loaded once per import."""

    plans: dict[int, Plan]
    regions: dict[str, Region]
    kpis: dict[tuple[int, str], Kpi]
    indicators: dict[tuple[int, str, str], Indicator]

    @classmethod
    def load(cls, plan_numbers: set[int]) -> "KeyIndex":
        plans = {plan.number: plan for plan in Plan.objects.all()}
        # Only plans that exist are asked about: a file may name plan 99999999999999999999.
        plan_numbers = plan_numbers & plans.keys()
        regions = {region.code: region for region in Region.objects.all()}
        plans_by_id = {plan.pk: plan for plan in plans.values()}
        regions_by_id = {region.pk: region for region in regions.values()}
        kpis_by_id = {}
        for kpi in Kpi.objects.filter(plan__number__in=plan_numbers).order_by():
            # One shared object per KPI, so that every row of a file sees the same KPI.
            kpi.plan = plans_by_id[kpi.plan_id]
            kpi.region = regions_by_id.get(kpi.region_id)
            kpis_by_id[kpi.pk] = kpi
        indicators = {}
        for indicator in Indicator.objects.filter(kpi__plan__number__in=plan_numbers).order_by():
            indicator.kpi = kpis_by_id[indicator.kpi_id]
            indicators[(indicator.kpi.plan.number, indicator.kpi.code, indicator.code)] = indicator
        kpis = {(kpi.plan.number, kpi.code): kpi for kpi in kpis_by_id.values()}
        return cls(plans=plans, regions=regions, kpis=kpis, indicators=indicators)


def plan_number(text: str) -> int | None:
    """A plan cell's number ("2", "２" once read), None if it holds anything else."""
    return int(text) if text.isascii() and text.isdecimal() else None


def plan_numbers_in(dataset) -> set[int]:
    return {number for number in map(plan_number, map(cell_text, dataset["plan"])) if number is not None}


def region_code_of(kpi: Kpi) -> str:
    return kpi.region.code if kpi.region else ""


def region_problem(kpi: Kpi, file_region_code: str) -> str | None:
    """Why the file's region code does not fit the KPI, if it does not."""
    kpi_region_code = region_code_of(kpi)
    if file_region_code == kpi_region_code:
        return None
    if not kpi_region_code:
        return f'KPI "{kpi.code}" は中央KPIのため、地域コードは空欄にしてください'
    if not file_region_code:
        return f'KPI "{kpi.code}" は地域KPIのため、地域コード（"{kpi_region_code}"）を入力してください'
    return f'地域コード "{file_region_code}" はKPI "{kpi.code}" の地域（"{kpi_region_code}"）と一致しません'


# --- column names -----------------------------------------------------------------------------
# Each column of the KPI, target and actual files has an English key (what an export writes) and a
# Japanese name, the plan workbook's for the same column; a header may be either, in any case and
# in full-width letters too (「ＫＰＩコード」, "PLAN"). Messages name a column as the file wrote it.

JAPANESE_HEADERS = {
    "plan": "計画",
    "kpi_code": "KPIコード",
    "level": "区分",
    "region_code": "地域コード",
    "kind": "種類",
    "kpi_title": "名称",
    "kpi_text": "KPI本文",
    "period_label": "対象期間",
    "stage": "知財活用ステージ",
    "indicator_code": "指標コード",
    "indicator_name": "指標名",
    "unit": "単位",
    "measure": "値の種類",
    "target_shape": "目標の形",
    "direction": "方向",
    "aggregation": "集計",
    "period": "期間",
    "year": "年度",
    "start_year": "累計の開始年度",
    "baseline_value": "基準値",
    "baseline_year": "基準年度",
    "is_minimum": "以上",
    "due_date": "期限",
    "note": "注記",
    "source": "出典",
}


def folded(header: str) -> str:
    """A header compared loosely: full-width letters and digits as half-width, any case."""
    return unicodedata.normalize("NFKC", header).strip().casefold()


def header_keys(headers: list[str], names: dict[str, str]) -> list[str]:
    """Each header as the key it names (`names`: key → Japanese name), or as written when it names
    none (reported as unknown)."""
    by_folded = {folded(key): key for key in names} | {folded(name): key for key, name in names.items()}
    return [by_folded.get(folded(header), header) for header in headers]


# --- shared machinery ------------------------------------------------------------------------


def same_text(left, right) -> bool:
    """Equal, ignoring line endings: XLSX stores "\\r\\n" as "\\n", admin forms send "\\r\\n"."""
    if isinstance(left, str) and isinstance(right, str):
        return with_line_feeds(left) == with_line_feeds(right)
    return left == right


def with_line_feeds(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def preview_text(value) -> str:
    return "" if value is None else str(value)


def save_or_explain(instance, **save_options) -> None:
    """Save in a savepoint; a database check that still fails becomes a message on the row."""
    try:
        with transaction.atomic():
            instance.save(**save_options)
    except IntegrityError as error:
        raise ValidationError(f"データベースの制約により保存できません（{error}）") from error


def change_reason_for(file_name: str | None) -> str:
    """The history's reason for a figure an import wrote: the file's name when it is known."""
    return f"ファイル取込（{PurePath(file_name).name if file_name else '取込'}）"
