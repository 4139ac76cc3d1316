"""Python's cyclic garbage collector, set for a long-running portal process.

A dashboard computed at the largest plans makes tens of thousands of objects, and a worker keeps
thousands of judgements (reports/dashboards/judged_memo.py). With the interpreter's defaults a full
collection, which walks every object the process holds, ran every few such requests and added about
100 ms to one of them (BENCHMARKS.md: p95 twice the median). Once the process has started:
- what it loaded (modules, settings, URL patterns) is moved out of the collector's sight (`gc.freeze`):
  it lives as long as the process and is never garbage;
- the youngest generation is collected after 50,000 allocations instead of 700, the older ones after
  20 collections of the younger: collections are rarer, each as thorough.
Reference counting still frees everything not in a cycle at once; only cycles wait for a collection.
"""

import gc

THRESHOLDS = (50_000, 20, 20)


def settle_after_start() -> None:
    """Called once the application is loaded (chizai_portal/wsgi.py; the benchmark, as deployed)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
