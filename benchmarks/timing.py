"""Timing one page through the Django test client: warm-up, query count, then timed repetitions."""

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.signals import request_finished
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chizai_portal.memory import COLLECT_AFTER_RESPONSE, collect_after_response

MIN_SAMPLES = 5
# Floor requests around a page's request that tell how fast the machine was then (a few hundred ms).
DRIFT_WINDOW = 5


def _p95(samples) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


@dataclass(frozen=True)
class PageTiming:
    name: str
    url: str
    status: int
    queries: int | None = None
    samples_ms: tuple[float, ...] = ()
    error: str | None = None
    rss_mb: float | None = None  # the process's resident memory after the timed requests
    # the floor timed beside this page's requests, one after each (FloorBeside)
    floor_samples_ms: tuple[float, ...] = ()

    @property
    def floor_ms(self) -> float | None:
        return statistics.median(self.floor_samples_ms) if self.floor_samples_ms else None

    @property
    def timed(self) -> bool:
        return bool(self.samples_ms)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95_ms(self) -> float | None:
        if len(self.samples_ms) < 2:
            return self.median_ms
        return _p95(self.samples_ms)

    @property
    def spread(self) -> float | None:
        """p95 over the median."""
        return self.p95_ms / self.median_ms if self.timed and self.median_ms else None

    @property
    def spread_beside_floor(self) -> float | None:
        """p95 over the median of each request's time over the floor timed around it (the median of
        the DRIFT_WINDOW floor requests nearest it): how uneven the page is once the machine's own
        drift, which slows the page and its floor alike, is taken out."""
        count = len(self.samples_ms)
        if count < 2 or len(self.floor_samples_ms) != count:
            return None
        half = DRIFT_WINDOW // 2
        relative = [
            sample / statistics.median(self.floor_samples_ms[max(0, at - half) : at + half + 1])
            for at, sample in enumerate(self.samples_ms)
        ]
        return _p95(relative) / statistics.median(relative)

    def ratio_to(self, floor: "PageTiming") -> float | None:
        """The median over the floor timed beside the page, else over the scale's floor."""
        if not (self.timed and floor.timed):
            return None
        return self.median_ms / (self.floor_ms or floor.median_ms)


def rss_mb() -> float:
    """This process's resident memory now (MB): the benchmark serves every page in one process, as a
    worker does."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def served_as_deployed() -> None:
    """The work a WSGI server has done once a response was sent (Django's request_finished: the full
    garbage collection of chizai_portal/memory.py) is left out of the timed requests, as a user does
    not wait for it: the test client sends request_finished inside the request, so the receiver is
    taken off and `collect_after_response` runs between requests, untimed."""
    request_finished.disconnect(collect_after_response, dispatch_uid=COLLECT_AFTER_RESPONSE)


class FloorBeside:
    """The signed-in floor page timed right after each timed request of a page, with the same client:
    a shared machine's speed drifts during a run (the floor's median moved from 2.9 to 6.4 ms between
    pages of one run), and a floor timed once, or just before a page, made the ratio drift with it.
    Interleaved, the page and its floor see the same machine."""

    def __init__(self, client: Client):
        self.client = client
        self.samples: list[float] = []
        self.failed = False

    def time_one(self) -> None:
        collect_after_response()
        start = time.perf_counter()
        response = self.client.get(reverse("health"))
        self.samples.append((time.perf_counter() - start) * 1000)
        self.failed = self.failed or response.status_code != 200

    @property
    def answered_samples_ms(self) -> tuple[float, ...]:
        """The floor's times, or none if it did not answer 200."""
        return () if self.failed else tuple(self.samples)


def time_page(
    client: Client,
    name: str,
    url: str,
    *,
    warmup: int,
    repeat: int,
    budget_seconds: float,
    before_each: Callable[[], None] | None = None,
    floor_beside: bool = True,
) -> PageTiming:
    """Median and p95 of `repeat` GETs (fewer if they pass the budget, never under MIN_SAMPLES), and
    the floor's median timed beside them (`floor_beside`: after each, see FloorBeside).

    Only a 200 is timed: a 404 (a page not built yet) or any other answer is reported as it is.
    The query count comes from one extra untimed request, so capturing costs no timed time.
    `before_each` (untimed) runs before the counted and every timed request: clearing the cache
    times a page as its first viewer after a change sees it.
    """

    def prepare() -> None:
        collect_after_response()
        if before_each is not None:
            before_each()

    floor = FloorBeside(client)
    try:
        response = client.get(url)
        if response.status_code != 200:
            return PageTiming(name, url, response.status_code)
        for _ in range(warmup - 1):
            client.get(url)
        # The log is a bounded deque: once full (after migrate, say) its length stops growing and a
        # capture would count nothing.
        reset_queries()
        prepare()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: the next request clears the log the capture reads from.
        query_count = len(queries)
        samples = []
        deadline = time.perf_counter() + budget_seconds
        while len(samples) < repeat and (len(samples) < MIN_SAMPLES or time.perf_counter() < deadline):
            prepare()
            start = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            if floor_beside:
                floor.time_one()
    except Exception as error:  # a broken page is a result to report, not a reason to stop
        return PageTiming(name, url, 500, error=f"{type(error).__name__}: {error}"[:120])
    return PageTiming(
        name,
        url,
        200,
        query_count,
        tuple(samples),
        rss_mb=rss_mb(),
        floor_samples_ms=floor.answered_samples_ms,
    )
