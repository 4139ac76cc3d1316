"""Judgements kept between requests, so that the first view after a change judges again only the
indicators the change touched.

Judging a plan means reading every target and actual of its years and running the rule on each
indicator (kpis/rules/judgement.py); a page cached whole (reports/dashboards/caching.py) is computed
again after any change anywhere. Here each indicator's judgement in a view is kept under what it was
made from:

- the indicator's figures stamp (kpis/stamps.py), which every write of its targets, actuals or rules
  replaces in the writer's own transaction: a change gives a key never seen, so a judgement made
  before it is never read after it;
- the view and the day it was judged on (a period becomes complete with the passing of its last day);
- the plan's thresholds and first year (the other inputs of the rule).

An indicator without a stamp (made in bulk and never changed since) is judged every time, as is one
with submitted figures (速報) standing in. What is kept is the rule's answer only (the Judgement and
the figures the tables print beside it), never a model instance, in this process's memory: nothing
is written when a page is read, and each worker process keeps its own, at most MAX_ENTRIES
judgements, the least recently used leaving first.
"""

import datetime
import threading
from collections.abc import Hashable

from cachetools import LRUCache

from kpis.models import Indicator
from kpis.rules.judgement import View

# About 2 KB each (the Judgement with the figures it used): 8,000 judgements ~ 16 MB, a plan of 100×
# the documents' size (1,419 indicators) in five views.
MAX_ENTRIES = 8_000
# Views × days × plans numbered (a few dozen a day); past it, everything kept is let go at once.
MAX_GROUPS = 10_000

_lock = threading.Lock()
_kept: LRUCache = LRUCache(maxsize=MAX_ENTRIES)


# The view, day and plan of a set of judgements, numbered: a judgement's key is then three numbers,
# quick to hash for the thousands a page looks up.
_groups: dict[tuple, int] = {}


def key_of(indicator: Indicator, view: View, as_of: datetime.date) -> Hashable | None:
    """What the judgement of the indicator in `view` on `as_of` is made from; None when it cannot be
    told (no stamp read, or none written yet): such a judgement is made every time."""
    token = getattr(indicator, "figures_token", None)
    if token is None:
        return None
    plan = indicator.kpi.plan
    group = (view, as_of, plan.achieved_percent, plan.partial_percent, plan.start_fiscal_year)
    with _lock:
        if group not in _groups and len(_groups) >= MAX_GROUPS:
            _kept.clear()  # numbers are given again: no judgement may keep an old one
            _groups.clear()
        number = _groups.setdefault(group, len(_groups))
    return (indicator.pk, token, number)


def get(key: Hashable | None) -> tuple | None:
    if key is None:
        return None
    with _lock:
        return _kept.get(key)


def put(key: Hashable | None, judged: tuple) -> None:
    if key is None:
        return
    with _lock:
        _kept[key] = judged


def clear() -> None:
    with _lock:
        _kept.clear()
        _groups.clear()


def size() -> int:
    return len(_kept)
