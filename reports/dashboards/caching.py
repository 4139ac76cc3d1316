"""Cached dashboard content, invalidated whenever the data behind it changes.

Computing a dashboard judges every indicator of a plan; its result only changes when a figure, an
indicator, a KPI or a reported total changes. Every such change raises the figures' data version, and
the cache keys carry that version, so a stale entry is never read again (it simply expires). The
versions are kept in a table of their own that nothing culls (reports/dashboards/versions.py); the
pages are kept in the cache (the database cache by default, see settings.CACHES), shared by every
process and host.
"""

import hashlib

from django.core.cache import caches

from reports.dashboards.versions import DataVersion, current_tokens, raise_version, version_number

CACHE_ALIAS = "default"
TIMEOUT_SECONDS = 24 * 60 * 60
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


def get(key: str | None):
    return None if key is None else _cache().get(key)


def put(key: str | None, value) -> None:
    if key is not None:
        _cache().set(key, value, timeout=TIMEOUT_SECONDS)
