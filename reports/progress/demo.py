"""The demo reporting period: the 2nd plan's FY2022 上期, open for every region's report."""

import datetime

from django.db import transaction
from django.utils import timezone

from plans.models import Plan
from reports.models import Half, ReportingPeriod

DEMO_PLAN, DEMO_FISCAL_YEAR, DEMO_HALF = 2, 2022, Half.H1
# A deadline ahead of today, so that the demo shows reports as on time and reminders as due.
DEMO_DEADLINE_DAYS_AHEAD = 14


@transaction.atomic
def open_demo_period(today: datetime.date | None = None) -> ReportingPeriod:
    """Open (or keep open) the demo period; running it again changes nothing."""
    today = today or timezone.localdate()
    period, _created = ReportingPeriod.objects.get_or_create(
        plan=Plan.objects.get(number=DEMO_PLAN),
        fiscal_year=DEMO_FISCAL_YEAR,
        half=DEMO_HALF,
        defaults={"deadline": today + datetime.timedelta(days=DEMO_DEADLINE_DAYS_AHEAD)},
    )
    return period
