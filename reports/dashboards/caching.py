"""Cached dashboard content, invalidated whenever the data behind it changes.

Computing a dashboard judges every indicator of a plan; its result only changes when a figure, an
indicator, a KPI or a reported total changes. Every such change bumps one data version, and the
cache keys carry that version, so a stale entry is never read again (it simply expires).

The cache is shared between processes (the database cache by default, see settings.CACHES), so
several workers or hosts see the same version.
"""

import hashlib

from django.core.cache import caches
from django.db import transaction

CACHE_ALIAS = "default"
VERSION_KEY = "dashboard-data-version"
# Submitted reports change only the pages that include them (速報); approved pages keep their cache.
SUBMISSIONS_VERSION_KEY = "dashboard-submissions-version"
TIMEOUT_SECONDS = 24 * 60 * 60


def _cache():
    return caches[CACHE_ALIAS]


def _version(key: str) -> int:
    cache = _cache()
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def data_version() -> int:
    return _version(VERSION_KEY)


def submissions_version() -> int:
    return _version(SUBMISSIONS_VERSION_KEY)


def bump_data_version(**_ignored) -> None:
    """Called on any change to dashboard data; after commit, so a rolled-back write bumps nothing
    and no reader caches the old data under the new version. Once per transaction: an import or a
    cascade delete changes thousands of rows."""
    _once_after_commit(_bump_figures)


def bump_submissions_version() -> None:
    """Called when a report is submitted or leaves the submitted state (速報 pages only)."""
    _once_after_commit(_bump_submissions)


def _once_after_commit(bump) -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is bump for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(bump)


def _increment(key: str) -> None:
    cache = _cache()
    cache.add(key, 1, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 2, timeout=None)


def _bump_figures() -> None:
    _increment(VERSION_KEY)


def _bump_submissions() -> None:
    _increment(SUBMISSIONS_VERSION_KEY)


def page_key(name: str, *parts: object, with_submissions: bool = False) -> str:
    versions = (data_version(), submissions_version()) if with_submissions else (data_version(),)
    raw = "|".join(str(part) for part in (name, *versions, *parts))
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str):
    return _cache().get(key)


def put(key: str, value) -> None:
    _cache().set(key, value, timeout=TIMEOUT_SECONDS)
