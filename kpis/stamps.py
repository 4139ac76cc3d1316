"""Each indicator's figures stamp (kpis.models.FiguresStamp): raised in the transaction that changes what
its judgement reads, so that a judgement kept under the stamp it was made at is never read after a
change (reports/dashboards/judged_memo.py).

Raised by every write of figures: a target's or an actual's save or delete and an indicator's save
(kpis/signals.py), and the bulk writes of imports (kpis/bulk_history.py). One statement, an upsert,
whatever the number of indicators.
"""

import secrets
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from kpis.models import FiguresStamp, Indicator

# Below 2**63: the column is a signed 64-bit integer on every database.
_TOKEN_BITS = 62


def raise_stamps(indicator_ids: Iterable[int]) -> None:
    """Give each indicator a new stamp (one query, none for no indicator)."""
    ids = sorted(set(indicator_ids))
    if not ids:
        return
    token = secrets.randbits(_TOKEN_BITS)
    FiguresStamp.objects.bulk_create(
        [FiguresStamp(indicator_id=indicator_id, token=token) for indicator_id in ids],
        update_conflicts=True,
        unique_fields=["indicator_id"],
        update_fields=["token"],
    )


def with_stamps(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    """Indicators with their stamp as `figures_token` (None for one without), in the same query."""
    stamp = FiguresStamp.objects.filter(indicator_id=OuterRef("pk")).values("token")[:1]
    return indicators.annotate(figures_token=Subquery(stamp))
