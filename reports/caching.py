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
TIMEOUT_SECONDS = 24 * 60 * 60


def _cache():
    return caches[CACHE_ALIAS]


def data_version() -> int:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_data_version(**_ignored) -> None:
    """Called on any change to dashboard data; after commit, so a rolled-back write bumps nothing
    and no reader caches the old data under the new version. Once per transaction: an import or a
    cascade delete changes thousands of rows."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is _bump for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_bump)


def _bump() -> None:
    cache = _cache()
    cache.add(VERSION_KEY, 1, timeout=None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(VERSION_KEY, 2, timeout=None)


def page_key(name: str, *parts: object) -> str:
    raw = "|".join(str(part) for part in (name, data_version(), *parts))
    return "dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str):
    return _cache().get(key)


def put(key: str, value) -> None:
    _cache().set(key, value, timeout=TIMEOUT_SECONDS)
