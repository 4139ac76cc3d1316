"""Python's cyclic garbage collector, set for a long-running portal process.

A dashboard computed at the largest plans makes tens of thousands of objects, and a worker keeps
thousands of judgements (reports/dashboards/judged_memo.py). With the interpreter's defaults a full
collection, which walks every object the process holds, ran every few such requests and added about
100 ms to one of them (BENCHMARKS.md: p95 twice the median). Once the process has started:
- what it loaded (modules, settings, URL patterns) is moved out of the collector's sight (`gc.freeze`):
  it lives as long as the process and is never garbage;
- the young generations are collected after 10,000 allocations and 5 collections of the youngest, as
  the interpreter would, only less often;
- after a response has been sent (`request_finished`, which a WSGI server sends once the body is
  written) the young generations are collected, so that the next request starts with their counts at
  zero: a request making fewer than 10,000 objects (a cached page) runs no collection at all, a large
  one the same number every time;
- the full collection is done after a response too, never in the middle of a request: after a
  request whose own collections moved objects to the oldest generation, and after every FULL_AFTER
  collections of the middle generation between requests. A request's objects still in use when a
  young collection ran are moved there and become garbage when it ends: left for the interpreter's
  own full collections, a worker grew by about 1 MB per half-year report an officer filled.
Reference counting still frees everything not in a cycle at once; only cycles wait for a collection.
"""

import gc

from django.core.signals import request_finished

# The oldest generation is never collected automatically: see collect_after_response.
THRESHOLDS = (10_000, 5, 1_000_000)
COLLECT_AFTER_RESPONSE = "collect-after-response"
# How many collections of the middle generation after responses may add to the oldest before it is
# collected too (objects alive between requests, garbage later: memories' evicted entries).
FULL_AFTER = 20
# The oldest generation's count as the last collection after a response left it.
_oldest_count_left = 0


def settle_after_start() -> None:
    """Called once the application is loaded (chizai_portal/wsgi.py; the benchmark, as deployed)."""
    global _oldest_count_left
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    _oldest_count_left = 0
    request_finished.connect(collect_after_response, dispatch_uid=COLLECT_AFTER_RESPONSE)


def collect_after_response(**_ignored) -> None:
    """Once a response was sent: a full collection if a collection during the request moved objects to
    the oldest generation (they became garbage when it ended), else the young generations, so that the
    next request starts with none of their count and a small request runs no collection at all."""
    global _oldest_count_left
    oldest = gc.get_count()[2]
    if oldest > _oldest_count_left or oldest >= FULL_AFTER:
        gc.collect()
    elif gc.get_count()[1] >= THRESHOLDS[1]:
        gc.collect(1)
    else:
        gc.collect(0)
    _oldest_count_left = gc.get_count()[2]
