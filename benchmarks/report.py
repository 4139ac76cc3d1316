"""BENCHMARKS.md: the machine, the data sizes, one table per scale, the 5× target, how to reproduce."""

from dataclasses import dataclass, field

from benchmarks.data import Size
from benchmarks.timing import PageTiming

TARGET_SCALE = 100
# The goals (issue "fast right after every change"), each × the signed-in floor unless in ms.
UNCACHED_RATIO = 20  # every dashboard after a change, the status board, the report page, an approval
CACHED_RATIO = 2
PACK_FIRST_MS = 2000  # a meeting pack's first open of a cut-off
PACK_LATER_RATIO = 5  # every later open of it
P95_RATIO = 1.5  # each page's p95 over its median
WORKER_RSS_MB = 120  # a gunicorn worker after serving every page
WORK_PAGES = ("status board", "report page", "approval")
# A dashboard is timed after a change (the goal), cached, and with nothing kept (no goal: a new worker
# process after the cache was emptied, every indicator judged again).
VARIANTS = (", after a change", ", cached", ", nothing kept")


@dataclass(frozen=True)
class ScaleResult:
    size: Size
    plan_number: int
    rows: dict[str, int]
    generate_seconds: float
    floor: PageTiming
    pages: list[PageTiming]
    raw_reads: dict[str, float] = field(default_factory=dict)
    worker_rss_mb: list[int] = field(default_factory=list)  # benchmarks/worker.py, after each round

    def raw_read_of(self, page: PageTiming) -> float | None:
        return self.raw_reads.get(page.name.rsplit(", ", 1)[0] if page.name.endswith(VARIANTS) else page.name)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}×"


def _status(page: PageTiming) -> str:
    if page.error:
        return f"error ({page.error})"
    if page.status == 404:
        return "404 (not timed)"
    return str(page.status)


def _raw_ratio(result: ScaleResult, page: PageTiming) -> str:
    raw = result.raw_read_of(page)
    if raw is None or not page.timed or page is result.floor:
        return "—"
    return f"{_ratio(page.median_ms / raw)} ({_ms(raw)} ms)"


def scale_table(result: ScaleResult) -> list[str]:
    size, rows = result.size, result.rows
    lines = [
        f"### {size.scale}× — plan {result.plan_number}: {rows['indicators']:,} indicators, "
        f"{rows['targets']:,} targets, {rows['actuals']:,} actuals",
        "",
        "| page | URL | status | queries | median ms | p95 ms | p95 ÷ median (beside the floor) | × floor "
        "| × raw read (raw read) | worker RSS MB | requests timed |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in [result.floor, *result.pages]:
        lines.append(
            f"| {page.name} | `{page.url}` | {_status(page)} | "
            f"{'—' if page.queries is None else page.queries} | {_ms(page.median_ms)} | "
            f"{_ms(page.p95_ms)} | {_spreads(page)} | {_ratio(page.ratio_to(result.floor))} | "
            f"{_raw_ratio(result, page)} "
            f"| {'—' if page.rss_mb is None else f'{page.rss_mb:,.0f}'} | {len(page.samples_ms) or '—'} |"
        )
    if result.worker_rss_mb:
        lines += [
            "",
            f"One gunicorn worker serving every page above and every block's page, each twice, "
            f"{len(result.worker_rss_mb)} rounds with an actual changed after each: resident memory "
            + ", ".join(f"{mb} MB" for mb in result.worker_rss_mb)
            + f" after each round (goal ≤ {WORKER_RSS_MB} MB; `benchmarks/worker.py`).",
        ]
    return [*lines, ""]


def _spreads(page: PageTiming) -> str:
    if page.spread is None:
        return "—"
    beside = page.spread_beside_floor
    return _ratio(page.spread) + ("" if beside is None else f" ({_ratio(beside)})")


def summary_table(results: list[ScaleResult]) -> list[str]:
    """Median ms and ratio to the floor, one column per scale: how each page grows with the data."""
    header = "| page | " + " | ".join(f"{r.size.scale}×" for r in results) + " |"
    lines = [header, "| --- |" + " ---: |" * len(results)]
    names = [results[0].floor.name, *(page.name for page in results[0].pages)]
    for position, name in enumerate(names):
        cells = []
        for result in results:
            page = [result.floor, *result.pages][position]
            if not page.timed:
                cells.append(_status(page).split(" ")[0])
            else:
                cells.append(f"{_ms(page.median_ms)} ms ({_ratio(page.ratio_to(result.floor))})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def goal_misses(result: ScaleResult) -> list[str]:
    """Each page over its goal at this scale, as "page 12.3× (goal 20×)"."""
    misses = []
    if result.worker_rss_mb and max(result.worker_rss_mb) > WORKER_RSS_MB:
        misses.append(f"a worker after every page {max(result.worker_rss_mb)} MB (goal {WORKER_RSS_MB} MB)")
    for page in result.pages:
        ratio = page.ratio_to(result.floor)
        if ratio is None:
            continue
        if page.name.startswith("meeting pack") and page.name.endswith("later opens"):
            if ratio > PACK_LATER_RATIO:
                misses.append(f"{page.name} {_ratio(ratio)} (goal {PACK_LATER_RATIO}×)")
        elif page.name.startswith("meeting pack"):
            if page.median_ms > PACK_FIRST_MS:
                misses.append(f"{page.name} {_ms(page.median_ms)} ms (goal {PACK_FIRST_MS:,} ms)")
        elif page.name.endswith(", nothing kept"):
            continue
        elif page.name.endswith(", cached"):
            if ratio > CACHED_RATIO:
                misses.append(f"{page.name} {_ratio(ratio)} (goal {CACHED_RATIO}×)")
        elif ratio > UNCACHED_RATIO:
            misses.append(f"{page.name} {_ratio(ratio)} (goal {UNCACHED_RATIO}×)")
        # judged beside the floor: the machine's drift slows the page and its floor alike
        spread = page.spread_beside_floor or page.spread
        if spread and spread > P95_RATIO and not page.name.endswith(", nothing kept"):
            misses.append(f"{page.name} p95 {spread:.1f}× its median (goal {P95_RATIO}×)")
    return misses


def verdict(results: list[ScaleResult]) -> list[str]:
    lines = []
    for result in results:
        misses = goal_misses(result)
        floor = f"floor {_ms(result.floor.median_ms)} ms"
        if not result.floor.timed:
            lines.append(f"- {result.size.scale}×: the floor page was not timed ({_status(result.floor)}).")
        elif misses:
            lines.append(f"- {result.size.scale}× ({floor}): **not met** by " + "; ".join(misses) + ".")
        else:
            lines.append(f"- {result.size.scale}× ({floor}): **met** by every page timed.")
        untimed = [p.name for p in result.pages if not p.timed]
        if untimed:
            lines.append(f"  Not timed (no 200 answer): {', '.join(untimed)}.")
    if not any(r.size.scale == TARGET_SCALE for r in results):
        lines.append(f"- The goals are set at {TARGET_SCALE}×, which this run did not include.")
    return [*lines, ""]


ABOUT = """\
## How to reproduce, and what the numbers mean

Run `python -m benchmarks` (or `make bench`) from the project folder; `--scales 1 10 100`,
`--repeat N` (timed requests per page, default 20, cut short after `--budget` seconds per page but
never fewer than 5) and `--output FILE` change what it does; `--smoke` (`make bench-smoke`, run by
`.ci/run`) runs once at 1× with a few requests per page, writes to a temporary file and fails if a
page does not answer 200. Without `DATABASE_URL` it migrates a throwaway SQLite file in a temporary
folder and deletes it afterwards; with `DATABASE_URL` it uses that database (the output says which) and
removes its synthetic plans and users when done. It runs with DEBUG off and `PORTAL_HTTPS=false` (the
test client speaks plain http), static files collected into the temporary folder. It loads the
documents' data (`load_plan_data`), then for each scale generates synthetic plan 90+scale
(`benchmarks.data.generate_scaled_data`), signs in a viewer with the Django test client and requests
each dashboard of that plan: warm-up requests, one untimed request whose SQL queries are counted, then
the timed ones. Central staff's pages are then timed for a central user signed in with a second
factor (`benchmarks/pages.py`): the status board over a reporting period per half-year with figures,
神奈川県's submitted report, the pack of a 関東 liaison meeting (print and XLSX: its first open of
the cut-off with the cache cleared, then later opens; the cut-off is counted as settled at once, as a
past meeting's is), and approvals (a POST each, of one region's report after another, each submitted
untimed just before). The pack is of the action plan in force in the meeting's year, the documents'
plan: the synthetic plans are written without history, so the pack's size does not grow with the
scale.

Times are wall-clock milliseconds per request through the whole Django stack (middleware, session,
view, templates) but without a web server or network: median and 95th percentile. The floor is the
signed-in health page (`/health/`): the base template with its user area and nothing else, the least
any signed-in page costs; "× floor" is a page's median over the floor's median timed beside it, one
floor request after each of the page's (a shared machine's speed drifts during a run, and a floor
timed once at the start, or just before a page, made the ratios drift with it; the floor row shows
the floor timed alone at the start), so it carries over between machines better than the
milliseconds do. "p95 ÷ median" is the page's spread as timed and, in brackets, beside the floor:
each request's time over the median of the five floor requests timed around it, then the p95 of
those over their median. A shared machine's speed drifts by up to 2× within seconds, and a page timed
during a slow spell shows a wide spread that its floor, timed alongside, shows too; beside the floor,
what is left is the page's own unevenness (a collection during a request, a recomputation), which is
what the goal is about. The goal's verdict uses the spread beside the floor. "× raw read" is a page's median over one SQL query
reading, as tuples, the rows the page shows (the targets and actuals of its plan and scope; for a
pack, their history rows; for the status board, the reports): the distance to what the database must
do at least. "Worker RSS" is the benchmark process's resident memory after the page's requests: one
process serving every page in turn, which also generated the data and keeps the test client's
records. Below each table, a real gunicorn worker (DEBUG off, the same database) serves every page and
every block's page, each twice, in four rounds with an actual changed after each, and its resident
memory is read after each round (`benchmarks/worker.py`): the worker memory goal is judged there. The query count must not change with
the scale (`tests/test_dashboard_queries.py` asserts it). Every dashboard is timed three ways: "after a
change", with one actual of 神奈川県 saved through the ORM before each request (the data version and
that indicator's figures stamp raised, as an approval does: the page is computed again, the other
indicators' judgements are kept, reports/dashboards/judged_memo.py, and a block page's unchanged
regions' sections, kept_sections.py); "cached", as every later viewer
gets it until the data changes again (reports/dashboards/caching.py); and "nothing kept", with the
cache emptied and no judgement or section kept before each request, as a new worker process after a restart
sees it (no goal). The full garbage collection a worker runs once a response has been sent
(chizai_portal/memory.py) runs between the timed requests, untimed: no user waits for it. The work
pages are never cached. A page answering 404 is listed, not
timed. Timings are never asserted in tests.
"""


def render(results: list[ScaleResult], *, machine: list[str], command: str, date: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{command}` on {date}.",
        "",
        *(f"- {line}" for line in machine),
        "",
        "## Data",
        "",
        "| scale | plan | prefectures × indicators × fiscal years | KPIs | indicators | targets | actuals "
        "| generated in |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.size.scale}× | {r.plan_number} | {r.rows['regions']} × {r.size.indicators_per_region} × {r.size.years} "
            f"| {r.rows['kpis']:,} | {r.rows['indicators']:,} | {r.rows['targets']:,} "
            f"| {r.rows['actuals']:,} | {r.generate_seconds:.1f} s |"
        )
    lines += [
        "",
        "Every scale also holds 9 central indicators; see `benchmarks/data.py` for how the sizes are chosen.",
        "",
        "## Summary: median per request (× floor)",
        "",
        *summary_table(results),
        "## Goals: the first view after a change within "
        f"{UNCACHED_RATIO}× the floor, cached within {CACHED_RATIO}×, a meeting pack's first open "
        f"within {PACK_FIRST_MS:,} ms and later opens within {PACK_LATER_RATIO}×, each p95 within "
        f"{P95_RATIO}× its median beside the floor, a worker within {WORKER_RSS_MB} MB after every page "
        f"(set at {TARGET_SCALE}×)",
        "",
        *verdict(results),
        "## Per scale",
        "",
    ]
    for result in results:
        lines += scale_table(result)
    return "\n".join([*lines, ABOUT])


# --- the import section ----------------------------------------------------------------------
# One block per database (SQLite, PostgreSQL), each written by the run on that database; a run
# replaces its own block and keeps the other's, so both can stand side by side in one file.

IMPORT_SECTION_START, IMPORT_SECTION_END = "<!-- import-benchmark -->", "<!-- /import-benchmark -->"
IMPORT_HEADING = "## Import: actuals through the real import path, beside a raw insert"
IMPORT_VENDORS = ("sqlite", "postgresql")


def _block_markers(vendor: str) -> tuple[str, str]:
    return f"<!-- import-benchmark:{vendor} -->", f"<!-- /import-benchmark:{vendor} -->"


def _between(text: str, start: str, end: str) -> str | None:
    first = text.find(start)
    last = text.find(end, first + len(start)) if first >= 0 else -1
    return text[first : last + len(end)] if first >= 0 and last >= 0 else None


def _load_line(load_average: float) -> str:
    return (
        f"- Load average when the runs began: {load_average:.1f} (the runs take turns, so other work on "
        "the machine slows them alike)"
    )


def import_block(result, *, vendor: str, machine: list[str], command: str, date: str) -> str:
    """The table of one run: raw insert, import of new rows, updates and the dry run, × the raw insert."""
    from benchmarks.imports import TARGET_RATIO

    start, end = _block_markers(vendor)
    raw = result.raw
    lines = [
        start,
        f"### {result.database}",
        "",
        f"Written by `{command}` on {date}. {result.rows:,} actuals of {result.indicators:,} indicators, "
        f"a CSV file of {result.csv_bytes / 1024:,.0f} KB.",
        "",
        # the import's own load average replaces the page run's, taken minutes earlier
        *(f"- {line}" for line in machine if not line.startswith("Load average")),
        *([_load_line(result.load_average)] if result.load_average is not None else []),
        "",
        "| run | median s | fastest s | × raw insert | SQL queries | runs |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for timing in [raw, result.with_history, *result.imports]:
        lines.append(
            f"| {timing.name} | {timing.median_s:,.3f} | {timing.best_s:,.3f} | "
            f"{timing.median_s / raw.median_s:,.1f}× | {timing.queries:,} | {len(timing.samples_s)} |"
        )
    met = result.ratio <= TARGET_RATIO
    lines += [
        "",
        f"**{'Met' if met else 'Not met'}** on {result.database}: importing {result.rows:,} new actuals takes "
        f"{result.ratio:,.1f}× the raw insert of the same rows (target ≤ {TARGET_RATIO}×). Writing the same "
        f"rows with a history record each (`bulk_create_with_history`, no file, no checks) takes "
        f"{result.history_ratio:,.1f}× on its own"
        + (", more than the target by itself." if result.history_ratio > TARGET_RATIO else "."),
        end,
    ]
    return "\n".join(lines)


IMPORT_ABOUT = """\
Each run is inside a transaction rolled back at its end, so every run starts from the same state; the
SQL queries are counted in one more, untimed run. "Raw insert" is `Actual.objects.bulk_create` of the
rows already turned into model objects: no file, no checks, no history, the least any import of these
rows can cost. "Import" is `kpis.importing.import_file(kind=ACTUALS, data=…, file_format="csv",
dry_run=False)`, what `manage.py import_actuals` and the admin's confirm step run: it reads the CSV,
checks every cell of every row with its Japanese message and line number (all-or-nothing), then
writes the actuals with `bulk_create` in batches of 500 and their history records with one
`INSERT INTO <history> … SELECT … FROM <actuals> WHERE id IN <the rows just written>`
(`kpis/bulk_history.py`). "Raw insert with history" is the same rows and history records written the
library's way, django-simple-history's `bulk_create_with_history` (a second model object per row),
without a file or a check: what the import's history would cost without the copy. "Every row an
update" imports the same file over actuals that exist with other values (one parameterized UPDATE
per row sent with `executemany` on SQLite, one UPDATE … FROM VALUES per batch on PostgreSQL, then the
history copied as for new rows); "dry run" is the admin's preview, which reads, checks and counts
without writing.

Where the time goes (cProfile of the import of new rows, `--profile-import`). An import is about the
dry run plus the raw insert: the history copy is one statement the database runs by itself. Checking
(`kpis/figure_import.py`): per row, each cell read with its message, the keys looked up in
dictionaries loaded once, the model's rules (an integer count, a percentage up to 100, digits and
lengths) on plain values, and no model object until the rows are written; Python's cycle collector
is paused meanwhile (it would walk every object of the process again and again over the file's
rows). Looking keys up costs little: every plan, KPI, indicator and existing figure the file names
is loaded in one query each, whatever the number of rows, and no row runs a query of its own
(`tests/test_import_speed.py` counts them).

Run `python -m benchmarks --import-only` (or `make bench-import`) to time the import alone and rewrite
this section's block for the database in use (`--import-rows`, `--import-repeat`; `--profile-import`
also prints where an import spends its time, from cProfile). For PostgreSQL, set `DATABASE_URL` to a
throwaway server as `.ci/run` starts one. `make bench` runs the dashboards and the import.
"""


def import_section(blocks: dict[str, str]) -> str:
    """The whole section: heading, each database's block (SQLite first), what is measured."""
    from benchmarks.imports import DEFAULT_ROWS, TARGET_RATIO

    lines = [
        IMPORT_SECTION_START,
        IMPORT_HEADING,
        "",
        f"Target: an import of {DEFAULT_ROWS:,} actuals through the real import path within "
        f"{TARGET_RATIO}× a raw bulk insert of the same rows, on SQLite and on PostgreSQL.",
        "",
    ]
    for vendor in IMPORT_VENDORS:
        if vendor in blocks:
            lines += [blocks[vendor], ""]
    lines += [IMPORT_ABOUT.rstrip(), IMPORT_SECTION_END]
    return "\n".join(lines)


def import_blocks_in(text: str) -> dict[str, str]:
    blocks = {}
    for vendor in IMPORT_VENDORS:
        block = _between(text, *_block_markers(vendor))
        if block:
            blocks[vendor] = block
    return blocks


def with_import_block(text: str, vendor: str, block: str, *, previous: str = "") -> str:
    """`text` (BENCHMARKS.md) with this database's import block, and the other database's block kept
    from `previous` (the file as it was) or from `text` itself."""
    blocks = import_blocks_in(previous or text) | {vendor: block}
    section = import_section(blocks)
    old = _between(text, IMPORT_SECTION_START, IMPORT_SECTION_END)
    if old:
        return text.replace(old, section)
    about = text.find("## How to reproduce")
    if about >= 0:
        return text[:about] + section + "\n\n" + text[about:]
    return text.rstrip() + "\n\n" + section + "\n"
