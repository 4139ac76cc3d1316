"""One gunicorn worker serving every page of a scale: its resident memory (the goal: ≤ 120 MB).

The page timings run in the benchmark's own process, which also generated the data and holds the
test client's records; a worker as deployed holds only what serving keeps (judgements, sections,
pages, the collector's leftovers). Here a single gunicorn worker (DEBUG off, the same database and
settings) is asked for every page of the scale, each twice, in ROUNDS rounds with one actual changed
between them (so the pages are computed again), signed in as central staff; its resident memory is
read from /proc after each round.
"""

import os
import urllib.request

from benchmarks.load import environment, gunicorn, workers_rss_mb
from benchmarks.pages import WorkSetup, central_client, work_pages

ROUNDS = 4


def worker_memory(setup: WorkSetup, dashboards: list[str], change, *, rounds: int = ROUNDS) -> list[int]:
    """After each round, the memory of a worker serving the `dashboards`, every block's page and the
    work pages, signed in as central staff."""
    from django.conf import settings
    from django.urls import reverse

    from regions.models import Block

    client = central_client(setup)
    blocks = [reverse("reports:block", args=[setup.plan.number, block.code]) for block in Block.objects.all()]
    urls = [*dashboards, *blocks, *(url for _name, url, _cleared in work_pages(setup))]
    cookie = (settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    try:
        return worker_rss_after_every_page(urls, cookie, change, rounds=rounds)
    finally:
        client.logout()


def worker_rss_after_every_page(
    urls: list[str], session_cookie: tuple[str, str], change, *, rounds: int = ROUNDS
) -> list[int]:
    """The worker's resident memory (MB) after each round over `urls`."""
    env = environment(os.environ["DATABASE_URL"], os.environ["STATIC_ROOT"])
    name, value = session_cookie
    after_each_round = []
    with gunicorn(env, workers=1) as (host, server):
        for _round in range(rounds):
            for url in urls:
                for _twice in range(2):
                    _get(host + url, f"{name}={value}")
            change()
            after_each_round.append(max(workers_rss_mb(server.pid), default=0))
    return after_each_round


def _get(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=300) as response:
        response.read()
        if response.status != 200 or response.geturl() != url:  # not signed in: the log-in page
            raise RuntimeError(f"{url} answered {response.status} at {response.geturl()}")
