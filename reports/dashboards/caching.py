"""Cached dashboard content, invalidated whenever the data behind it changes.

Computing a dashboard judges every indicator of a plan; its result only changes when a figure, an
indicator, a KPI or a reported total changes. Every such change raises the figures' data version, and
the cache keys carry that version, so a stale entry is never read again (it simply expires). The
versions are kept in a table of their own that nothing culls (reports/dashboards/versions.py); the
pages are kept in the cache (the database cache by default, see settings.CACHES), shared by every
process and host.

Each process also keeps the pages it read or wrote last (at most FRONT_BYTES, the least recently used
leaving first), as the cache's pickled bytes: a block page at 100× the documents' data is half a
megabyte, and reading it back from the database cache means fetching and decoding 700 KB of base64
text (~3 ms). A page kept here is served only while the shared cache still holds its key (one small
query, the one the read would have been): emptied, culled or expired there, it is computed again as
in every other process. A key is never reused for other content: it carries the data version, and a
restore starts the versions in a new generation (reports/management/backup.py).
"""

import hashlib
import pickle
import threading

from cachetools import LRUCache
from django.core.cache import caches

from reports.dashboards.versions import DataVersion, current_tokens, raise_version, version_number

CACHE_ALIAS = "default"
TIMEOUT_SECONDS = 24 * 60 * 60
# Half a dozen block pages at 100×, or hundreds of smaller pages.
FRONT_BYTES = 4_000_000
FIGURES = DataVersion.Name.FIGURES
SUBMISSIONS = DataVersion.Name.SUBMISSIONS


def _cache():
    return caches[CACHE_ALIAS]


def data_version() -> int:
    """The figures' version number (the page keys also carry its generation)."""
    return version_number(FIGURES)


def submissions_version() -> int:
    return version_number(SUBMISSIONS)


def bump_data_version(**_ignored) -> None:
    """Called on any change to dashboard data (a signal receiver, hence the keyword arguments)."""
    raise_version(FIGURES)


def bump_submissions_version() -> None:
    """Called when a report is submitted or leaves the submitted state (速報 pages only)."""
    raise_version(SUBMISSIONS)


def page_key(name: str, *parts: object, with_submissions: bool = False) -> str | None:
    """The page's cache key under the versions as they stand (one query), or None when a version is
    missing: such a page is computed and not kept."""
    tokens = current_tokens()
    names = (FIGURES, SUBMISSIONS) if with_submissions else (FIGURES,)
    if any(version not in tokens for version in names):
        return None
    raw = "|".join(str(part) for part in (name, *(tokens[version] for version in names), *parts))
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


_front_lock = threading.Lock()
_front: LRUCache = LRUCache(maxsize=FRONT_BYTES, getsizeof=len)


def get(key: str | None):
    """The value kept under the key, or None: from this process's front while the shared cache still
    holds the key, else from the shared cache (one query either way)."""
    if key is None:
        return None
    with _front_lock:
        pickled = _front.get(key)
    if pickled is not None:
        if _cache().has_key(key):
            return pickle.loads(pickled)  # a copy, as the shared cache would give
        _forget(key)
        return None
    value = _cache().get(key)
    if value is not None:
        _remember(key, value)
    return value


def put(key: str | None, value) -> None:
    if key is not None:
        _cache().set(key, value, timeout=TIMEOUT_SECONDS)
        _remember(key, value)


def _remember(key: str, value) -> None:
    pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    with _front_lock:
        if len(pickled) <= _front.maxsize:
            _front[key] = pickled


def _forget(key: str) -> None:
    with _front_lock:
        _front.pop(key, None)


def clear_front() -> None:
    """This process's pages let go (the shared cache keeps its own)."""
    with _front_lock:
        _front.clear()


def front_bytes() -> int:
    return _front.currsize
