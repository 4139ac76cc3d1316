"""Python's cyclic garbage collector, set for a long-running portal process.

A dashboard computed at the largest plans makes tens of thousands of objects, and a worker keeps
thousands of judgements (reports/dashboards/judged_memo.py). With the interpreter's defaults a full
collection, which walks every object the process holds, ran every few such requests and added about
100 ms to one of them (BENCHMARKS.md: p95 twice the median). Once the process has started:
- what it loaded (modules, settings, URL patterns) is moved out of the collector's sight (`gc.freeze`):
  it lives as long as the process and is never garbage;
- the youngest generation is collected after 10,000 allocations instead of 700, the older ones after
  5 collections of the younger: collections are rarer, each as thorough.
Reference counting still frees everything not in a cycle at once; only cycles wait for a collection.
A request's cycles that were still in use when a young collection ran move to an older generation
and wait for its collection: with the older ones collected after 20 of the younger, a worker grew by
about 1 MB per half-year report an officer filled (PostgreSQL or SQLite alike) before any of it was
freed; after 5, it stays flat, at no cost to the dashboards' times measured.
"""

import gc

THRESHOLDS = (10_000, 5, 5)


def settle_after_start() -> None:
    """Called once the application is loaded (chizai_portal/wsgi.py; the benchmark, as deployed)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
