"""The block page's region sections, each rendered once for what it shows.

At the largest plans a block page is a dozen regions' tables and charts, thousands of cells, and a
change (an approval, a central entry) touches one region's figures. Each section's HTML is kept under
a digest of everything it is made from, computed for this request: the rows of its table and chart
(as the exports would write them), the region and its KPIs without indicators, the page's address and
query (the download and sort links) and the language. The sections of the regions a change did not
touch digest to the same key and are not written out again; a section whose rows changed has a new
key and is rendered. A key is never trusted over what it was made from: no stamp or version is read,
so nothing can make a kept section stale.

Kept in this process's memory as UTF-8, at most MAX_BYTES, the least recently used leaving first;
nothing is written when a page is read.
"""

import hashlib
import threading

from cachetools import LRUCache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from reports.dashboards.block_results import RegionResults
from reports.dashboards.rows import chart_points, indicator_rows, indicator_table, region_section

# A section at 100× the documents' data is 30–60 KB: some hundred sections, a few block pages in
# each of their views.
MAX_BYTES = 6_000_000

_lock = threading.Lock()
_kept: LRUCache = LRUCache(maxsize=MAX_BYTES, getsizeof=len)


def block_section(request, plan, period, results: RegionResults, *, forecasts: bool) -> dict:
    """One region of the block page: its table for the exports (built only when asked for) and its
    section as HTML, from what is kept when its rows are those of a section rendered before."""
    rows = indicator_rows(results.shown)
    points = chart_points(results.shown)
    key = _digest(request, plan, period, results, forecasts, rows, points)
    html = _get(key)
    if html is None:
        section = region_section(plan, period, results, forecasts=forecasts, rows=rows, points=points)
        html = render_to_string(
            "reports/_block_section.html", {"section": section, "plan": plan, "request": request}
        )
        _put(key, html)
    table_name = f"region-{results.region.code}"
    return {
        "table_name": table_name,
        "table": lambda: indicator_table(rows, period, exclude=("region",), forecasts=forecasts),
        "html": html,
    }


def _digest(request, plan, period, results: RegionResults, forecasts: bool, rows, points) -> bytes:
    region = results.region
    # Each field's type (a plain or an HTML-safe string) is fixed by the code, so the text of the
    # values says all a cell's rendering depends on.
    made_from = (
        request.get_full_path(),
        get_language(),
        plan.number,
        period,
        forecasts,
        (region.code, region.name_ja, region.kind),
        results.has_kpis,
        results.has_indicators,
        [(kpi.title, kpi.text) for kpi in results.kpis_without_indicators],
        rows,
        points,
    )
    return hashlib.blake2b(repr(made_from).encode(), digest_size=20).digest()


def _get(key: bytes) -> SafeString | None:
    with _lock:
        found = _kept.get(key)
    if found is None:
        return None
    return mark_safe(found.decode())  # rendered by the section's template: already escaped


def _put(key: bytes, html: str) -> None:
    encoded = html.encode()
    with _lock:
        if len(encoded) <= _kept.maxsize:
            _kept[key] = encoded


def clear() -> None:
    with _lock:
        _kept.clear()


def size_bytes() -> int:
    return _kept.currsize


def entries() -> int:
    return len(_kept)
