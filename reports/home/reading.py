"""What each role finds on its home page (/): the work waiting for it.

- an officer: the region's reports of the open periods, their deadline and the days left, and a
  returned report's comment;
- a bureau: the block's reports waiting for review, the block's submission counts per open period,
  and the block's next liaison meeting;
- central staff: the national submission counts per open period, the reports waiting for review and
  the central entries still to confirm.
Each is a fixed number of queries, built on the half-year lists (reports/progress/overview.py).
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from reports.central.reading import drafts_waiting
from reports.display.labels import entry_period_label
from reports.models import LiaisonMeeting, ProgressReport
from reports.progress.overview import (
    NOT_STARTED,
    NOT_STARTED_LABEL,
    ReportRow,
    bureau_overview,
    central_overview,
    officer_overview,
)

State = ProgressReport.State


@dataclass(frozen=True)
class Count:
    state: str
    label: str
    number: int


def officer_home(user, region_id: int, today: datetime.date) -> dict:
    overview = officer_overview(user, region_id, today)
    open_rows = [row for row in overview["rows"] if not row.period.is_locked]
    return {
        "view": "officer",
        "region": overview["region"],
        "rows": open_rows,
        "returned": [row for row in open_rows if row.state == State.RETURNED],
    }


def bureau_home(user, block_id: int, today: datetime.date) -> dict:
    overview = bureau_overview(user, block_id, today)
    rows = overview["waiting"] + overview["rows"]
    return {
        "view": "bureau",
        "block": overview["block"],
        "waiting": overview["waiting"],
        "counts": counts_per_period(rows),
        "next_meeting": next_meeting(block_id, today),
    }


def central_home(user, today: datetime.date) -> dict:
    overview = central_overview(user, today)
    drafts = [
        draft | {"label": entry_period_label(draft["fiscal_year"], draft["period"])}
        for draft in drafts_waiting()
    ]
    return {
        "view": "central",
        "summaries": overview["summaries"],
        "waiting": overview["waiting"],
        "drafts": drafts,
    }


def counts_per_period(rows: list[ReportRow]) -> list[tuple]:
    """(period, [Count per state]) for each period the rows belong to, in the rows' order."""
    by_period: dict = {}
    for row in rows:
        by_period.setdefault(row.period, []).append(row.state)
    counted = []
    for period, states in by_period.items():
        tally = Counter(states)
        counts = [Count(NOT_STARTED, NOT_STARTED_LABEL, tally[NOT_STARTED])]
        counts += [Count(state.value, str(state.label), tally[state.value]) for state in State]
        counted.append((period, counts))
    return counted


def next_meeting(block_id: int, today: datetime.date) -> LiaisonMeeting | None:
    """The block's next liaison meeting (held today or later), if one is registered."""
    return (
        LiaisonMeeting.objects.filter(block_id=block_id, held_on__gte=today).order_by("held_on", "pk").first()
    )
