"""Python's cyclic garbage collector, set for a long-running portal process.

A dashboard computed at the largest plans makes tens of thousands of objects, and a worker keeps
thousands of judgements (reports/dashboards/judged_memo.py). With the interpreter's defaults a full
collection, which walks every object the process holds, ran every few such requests and added about
100 ms to one of them (BENCHMARKS.md: p95 twice the median). Once the process has started:
- what it loaded (modules, settings, URL patterns) is moved out of the collector's sight (`gc.freeze`):
  it lives as long as the process and is never garbage;
- the young generations are collected after 10,000 allocations and 5 collections of the youngest, as
  the interpreter would, only less often;
- the full collection is done after a response has been sent (`request_finished`, which a WSGI server
  sends once the body is written), never in the middle of a request, and only after a request whose
  own collections moved objects to the oldest generation. A request's objects still in use when a
  young collection ran are moved there and become garbage when it ends: left for the interpreter's
  own full collections, a worker grew by about 1 MB per half-year report an officer filled.
Reference counting still frees everything not in a cycle at once; only cycles wait for a collection.
"""

import gc

from django.core.signals import request_finished

# The oldest generation is never collected automatically: see collect_after_response.
THRESHOLDS = (10_000, 5, 1_000_000)
COLLECT_AFTER_RESPONSE = "collect-after-response"


def settle_after_start() -> None:
    """Called once the application is loaded (chizai_portal/wsgi.py; the benchmark, as deployed)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    request_finished.connect(collect_after_response, dispatch_uid=COLLECT_AFTER_RESPONSE)


def collect_after_response(**_ignored) -> None:
    """A full collection once a response was sent, if the request moved objects to the oldest
    generation (a collection of the middle one ran since the last full collection)."""
    if gc.get_count()[2]:
        gc.collect()
