"""The revisions to read: one KPI's (its indicator page), and a block's regional KPIs' in a plan (the
block's revision list, and a liaison meeting's pack since the previous meeting). One query each."""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from kpis.models import Indicator, Kpi, Revision


def kpi_revisions(kpi) -> list:
    """The KPI's revisions (of its text and of its indicators' targets), newest first: one query."""
    return list(Revision.objects.filter(kpi=kpi).select_related("kpi__region", "indicator", "revised_by"))


def block_revision_list(
    plan,
    block,
    since: datetime.date | None,
    *,
    after: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> list:
    """The revisions of the block's regional KPIs in the plan, newest first: one query.

    `after` and `until` bound the moment of the revision (a meeting pack: since the previous meeting's
    cut-off, up to its own)."""
    first_indicator = Subquery(
        Indicator.objects.filter(kpi=OuterRef("kpi")).order_by("order", "code").values("pk")[:1]
    )
    revisions = (
        Revision.objects.filter(kpi__plan=plan, kpi__level=Kpi.Level.REGIONAL, kpi__region__block=block)
        .select_related("kpi__region", "indicator", "revised_by")
        .annotate(first_indicator=first_indicator)
        .order_by("-revised_at", "-pk")
    )
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        revisions = revisions.filter(revised_at__gte=start)
    if after is not None:
        revisions = revisions.filter(revised_at__gt=after)
    if until is not None:
        revisions = revisions.filter(revised_at__lte=until)
    return list(revisions)
