"""An import of actuals through the real import path, timed beside a raw bulk insert of the same rows.

A synthetic plan (number 89) gets regional indicators without figures; a CSV file (UTF-8 with BOM, as
Excel's 「CSV UTF-8」 writes it) holds one actual per indicator, fiscal year and half until it has the
wanted number of rows. Then, each inside a transaction that is rolled back so every run starts from
the same state:

- raw insert: `Actual.objects.bulk_create` of the same rows, already as model objects (building them
  is not timed): the least any import of these rows can cost;
- raw insert with history: the same through django-simple-history's `bulk_create_with_history`, one
  history record per row written as a second model object: the library's way of keeping history;
- import: `kpis.importing.import_file(kind=ACTUALS, …, dry_run=False)`: reading the CSV, checking
  every cell with its Japanese message, all-or-nothing, writing the actuals and copying them into
  their history table in one statement (`kpis.bulk_history`);
- import, every row an update: the same file over actuals that already exist with other values;
- dry run: the same file checked and counted without writing (the admin's preview).
"""

import cProfile
import csv
import io
import math
import os
import pstats
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from benchmarks.data import SOURCE, Size, _indicator, _kpis
from kpis.bulk_history import WRITE_BATCH_SIZE
from kpis.importing import import_file
from kpis.models import Actual, Indicator, Kpi, Measure
from kpis.resources import FileKind, change_reason_for
from plans.models import Plan
from regions.models import Region

IMPORT_PLAN_NUMBER = 89
DEFAULT_ROWS = 10_000
TARGET_RATIO = 3
FIRST_FISCAL_YEAR = 2016
YEARS = 10
HALVES = ("h1", "h2")
COLUMNS = ["plan", "kpi_code", "region_code", "indicator_code", "period", "year", "start_year", "value"]
COLUMNS += ["note", "source"]


@dataclass(frozen=True)
class Timing:
    name: str
    samples_s: tuple[float, ...]
    queries: int | None = None

    @property
    def median_s(self) -> float:
        return statistics.median(self.samples_s)

    @property
    def best_s(self) -> float:
        return min(self.samples_s)


@dataclass(frozen=True)
class ImportResult:
    database: str
    rows: int
    indicators: int
    csv_bytes: int
    raw: Timing
    with_history: Timing
    imports: list[Timing]
    load_average: float | None = None

    @property
    def new_rows(self) -> Timing:
        return self.imports[0]

    @property
    def ratio(self) -> float:
        return self.new_rows.median_s / self.raw.median_s

    @property
    def history_ratio(self) -> float:
        return self.with_history.median_s / self.raw.median_s


# --- data ------------------------------------------------------------------------------------


def create_import_plan(rows: int) -> tuple[Plan, list[Indicator]]:
    """Synthetic plan 89 with enough regional indicators for `rows` half-year actuals, and none yet."""
    indicators_needed = math.ceil(rows / (YEARS * len(HALVES)))
    prefectures = list(Region.objects.filter(kind=Region.Kind.PREFECTURE).order_by("order", "code"))
    if not prefectures:
        raise RuntimeError("no prefectures: load the documents' data first (manage.py load_plan_data)")
    per_region = max(1, math.ceil(indicators_needed / len(prefectures)))
    with transaction.atomic():
        Plan.objects.filter(number=IMPORT_PLAN_NUMBER).delete()
        plan = Plan.objects.create(
            number=IMPORT_PLAN_NUMBER,
            name="合成データ（取込）",
            start_fiscal_year=FIRST_FISCAL_YEAR,
            end_fiscal_year=FIRST_FISCAL_YEAR + YEARS - 1,
            summary="取り込みのベンチマーク用の合成データ。",
            source=SOURCE,
        )
        kpis, specs = _kpis(plan, prefectures, Size(scale=0, indicators_per_region=per_region, years=YEARS))
        Kpi.objects.bulk_create(kpis)
        indicators = [_indicator(kpi, code, position, shape) for kpi, code, position, shape in specs]
        Indicator.objects.bulk_create(indicators)
    return plan, indicators


def actual_rows(indicators: list[Indicator], rows: int, *, seed: int = 0) -> list[dict[str, str]]:
    """One row per indicator, fiscal year and half, as a person would fill the file in."""
    rng = random.Random(seed)
    cells = []
    for indicator in indicators:
        kpi = indicator.kpi
        for year in range(FIRST_FISCAL_YEAR, FIRST_FISCAL_YEAR + YEARS):
            for half in HALVES:
                if len(cells) == rows:
                    return cells
                cells.append(
                    {
                        "plan": str(kpi.plan.number),
                        "kpi_code": kpi.code,
                        "region_code": kpi.region.code if kpi.region else "",
                        "indicator_code": indicator.code,
                        "period": half,
                        "year": str(year),
                        "start_year": "",
                        "value": _value(rng, indicator.measure),
                        "note": "セミナー2回を含む" if rng.random() < 0.1 else "",
                        "source": "県報告（合成）",
                    }
                )
    if len(cells) < rows:
        raise ValueError(f"{len(indicators)} indicators hold only {len(cells)} rows, not {rows}")
    return cells


def _value(rng: random.Random, measure: str) -> str:
    if measure == Measure.PERCENT:
        return f"{rng.randint(10, 1000) / 10:.1f}"
    return str(rng.randint(1, 400))


def csv_file(rows: list[dict[str, str]]) -> bytes:
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8-sig")


def actual_objects(rows: list[dict[str, str]], indicators: list[Indicator], *, value=None) -> list[Actual]:
    """The rows as unsaved actuals, values parsed (or all `value`), measure copied from the indicator."""
    by_key = {(indicator.kpi.code, indicator.code): indicator for indicator in indicators}
    objects = []
    for row in rows:
        indicator = by_key[(row["kpi_code"], row["indicator_code"])]
        objects.append(
            Actual(
                indicator=indicator,
                period=row["period"],
                year=int(row["year"]),
                value=Decimal(row["value"]) if value is None else value,
                measure=indicator.measure,
                note=row["note"],
                source=row["source"],
            )
        )
    return objects


# --- timing ----------------------------------------------------------------------------------


def rolled_back(action: Callable[[], object], *, prepare: Callable[[], object] | None = None) -> float:
    """Seconds `action` takes inside a transaction that is then rolled back (`prepare` runs first, untimed)."""
    with transaction.atomic():
        if prepare:
            prepare()
        started = time.perf_counter()
        action()
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def counted_queries(action: Callable[[], object], *, prepare=None) -> int:
    """SQL statements `action` runs (a wrapper counts them all: Django's query log keeps 9,000)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with transaction.atomic():
        if prepare:
            prepare()
        with connection.execute_wrapper(counter):
            action()
        transaction.set_rollback(True)
    return count


def import_action(data: bytes, *, rows: int, dry_run: bool, updates: bool = False) -> Callable[[], None]:
    def run() -> None:
        outcome = import_file(kind=FileKind.ACTUALS, data=data, file_format="csv", dry_run=dry_run)
        if outcome.errors:
            raise RuntimeError(f"the benchmark's file did not import: {outcome.errors[:3]}")
        expected = (0, rows) if updates else (rows, 0)
        if (outcome.new, outcome.updated) != expected:
            raise RuntimeError(f"expected (new, updated) {expected}, got {(outcome.new, outcome.updated)}")

    return run


@dataclass
class Run:
    """One kind of run: what it does (timed), what it needs first (not timed)."""

    name: str
    action: Callable[[], object]
    prepare: Callable[[], object] | None = None
    samples: list[float] = field(default_factory=list)

    def timing(self) -> Timing:
        return Timing(self.name, tuple(self.samples), counted_queries(self.action, prepare=self.prepare))


def benchmark_runs(cells: list[dict[str, str]], indicators: list[Indicator], data: bytes) -> list[Run]:
    rows = len(cells)
    fresh: list[Actual] = []

    def new_objects() -> None:
        fresh[:] = actual_objects(cells, indicators)

    def existing() -> None:
        Actual.objects.bulk_create(actual_objects(cells, indicators, value=Decimal(0)))

    return [
        Run(
            "raw insert (`Actual.objects.bulk_create`)",
            lambda: Actual.objects.bulk_create(fresh),
            new_objects,
        ),
        Run(
            "raw insert with history (`bulk_create_with_history`)",
            lambda: bulk_create_with_history(
                fresh,
                Actual,
                batch_size=WRITE_BATCH_SIZE,
                default_change_reason=change_reason_for(None),
                default_date=timezone.now(),
            ),
            new_objects,
        ),
        Run("import (new rows)", import_action(data, rows=rows, dry_run=False)),
        Run(
            "import, every row an update",
            import_action(data, rows=rows, dry_run=False, updates=True),
            existing,
        ),
        Run("dry run (preview, nothing written)", import_action(data, rows=rows, dry_run=True)),
    ]


def run_import_benchmark(*, rows: int, repeat: int, database: str, progress=print) -> ImportResult:
    """Each kind of run `repeat` times, taking turns, so that a busy moment of the machine falls on
    all of them alike; the queries are counted in one more, untimed run of each."""
    plan, indicators = create_import_plan(rows)
    try:
        cells = actual_rows(indicators, rows)
        data = csv_file(cells)
        progress(
            f"import: plan {plan.number}, {len(indicators):,} indicators, {rows:,} rows, {len(data):,} bytes"
        )
        runs = benchmark_runs(cells, indicators, data)
        load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        for run in runs:  # warm-up
            rolled_back(run.action, prepare=run.prepare)
        for turn in range(1, repeat + 1):
            for run in runs:
                run.samples.append(rolled_back(run.action, prepare=run.prepare))
            progress("import: turn " + str(turn) + ": " + ", ".join(f"{r.samples[-1]:.3f} s" for r in runs))
        timings = [run.timing() for run in runs]
    finally:
        plan.delete()
    for timing in timings:
        progress(f"import: {timing.name}: {timing.median_s:.3f} s median, {timing.queries:,} queries")
    return ImportResult(
        database, rows, len(indicators), len(data), timings[0], timings[1], timings[2:], load_average
    )


def profile_import(*, rows: int, top: int = 30) -> str:
    """cProfile of one import of new rows, the functions with the most cumulative time first."""
    plan, indicators = create_import_plan(rows)
    try:
        action = import_action(csv_file(actual_rows(indicators, rows)), rows=rows, dry_run=False)
        profiler = cProfile.Profile()
        rolled_back(lambda: profiler.runcall(action))
    finally:
        plan.delete()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(top)
    return stream.getvalue()
