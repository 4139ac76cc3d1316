"""A settled cut-off's pack kept as built: the print page's HTML and the workbook's bytes.

A pack reads the history at its cut-off (reports/meetings/snapshots.py: figures, reports, decision
items, case studies, forecasts), which never changes once the moment has settled. What it reads from
the current tables is in the key, so that any change to it builds the pack again:
- the meeting's own fields (title, place, agenda… and its `version`, which every edit raises);
- the block's meetings cut up to its moment, as they are now: the previous meeting (前回会議 and the
  changes since it) and the meetings its decision items belong to (their titles);
- the figures' data version (reports/dashboards/caching.py): regions and blocks, plans, the reported
  totals, the revisions and the indicators of older report lines are read as they are now;
- FORMAT, raised whenever the pack's layout changes, so that no entry of an older layout is read.
An unsettled cut-off is built every time: a write under way may still add to its history.
The print page is kept without its header (the user, the menu, the log-out form) and messages, which
are filled in per request as on the dashboards (reports/dashboards/pages.py `personalised`).
"""

from collections.abc import Callable

from reports.dashboards import caching
from reports.meetings import snapshots
from reports.models import LiaisonMeeting

FORMAT = 2
PRINT = "print"
WORKBOOK = "xlsx"


def pack_key(meeting: LiaisonMeeting, kind: str) -> str | None:
    """The key of the meeting's pack of that kind (two queries), or None when it is not to be kept."""
    if not snapshots.settled(meeting.as_of):
        return None
    own = [getattr(meeting, field.attname) for field in LiaisonMeeting._meta.concrete_fields]
    meetings = LiaisonMeeting.objects.filter(block_id=meeting.block_id, as_of__lte=meeting.as_of)
    # the fields a pack shows of another meeting; a meeting added, moved or deleted changes the list
    shown = meetings.order_by("pk").values_list("pk", "version", "fiscal_year", "title", "held_on", "as_of")
    # repr: a text containing the key's separator cannot pass for another field
    return caching.page_key("meeting-pack", FORMAT, kind, repr(own), repr(list(shown)))


def kept(meeting: LiaisonMeeting, kind: str, make: Callable[[], object]):
    """The pack as kept for its cut-off, or made now (and kept when its cut-off has settled): the print
    page's parts around the user's header (reports/dashboards/pages.py shared_parts), or the XLSX's
    bytes."""
    key = pack_key(meeting, kind)
    found = caching.get(key)
    if found is not None:
        return found
    made = make()
    caching.put(key, made)
    return made
