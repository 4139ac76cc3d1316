"""Who may see and do what: a user's role (regions/roles.py) scoped by their affiliation.

Views ask these functions and never decide in templates. Two answers for "no":
- an object outside the user's scope is treated as not existing (404), so nobody learns which
  drafts another region has;
- an action the user's role does not allow on an object they may see is forbidden (403).

Published (approved) figures are read by every signed-in user; drafts, submissions waiting for
review and the submission board are scoped.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from regions import roles
from regions.models import Affiliation, Region

ADMIN = "admin"


@dataclass(frozen=True)
class Access:
    role: str | None
    block_id: int | None = None
    region_id: int | None = None

    @property
    def is_central(self) -> bool:
        """Central staff, and the administrators who manage the portal."""
        return self.role in (roles.CENTRAL_STAFF, ADMIN)

    @property
    def is_bureau(self) -> bool:
        return self.role == roles.BUREAU_STAFF and self.block_id is not None

    @property
    def is_officer(self) -> bool:
        return self.role == roles.PREFECTURE_OFFICER and self.region_id is not None


NOBODY = Access(role=None)


def access_of(user) -> Access:
    """The user's role and affiliation, read once per request (kept on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return NOBODY
    cached = getattr(user, "_portal_access", None)
    if cached is None:
        cached = _read_access(user)
        user._portal_access = cached
    return cached


def _read_access(user) -> Access:
    if user.is_superuser:
        return Access(role=ADMIN)
    group_names = set(user.groups.values_list("name", flat=True))
    role = next((code for code in roles.ROLE_PRECEDENCE if code in group_names), None)
    affiliation = Affiliation.objects.filter(user=user).values("block_id", "region_id").first() or {}
    return Access(role=role, block_id=affiliation.get("block_id"), region_id=affiliation.get("region_id"))


def role_label(user) -> str:
    access = access_of(user)
    if access.role == ADMIN:
        return "システム管理者"
    return str(roles.ROLE_LABELS.get(access.role, "")) if access.role else ""


# --- regions whose unpublished reports a user may see --------------------------------------------


def _sees_region(access: Access, region: Region) -> bool:
    if access.is_central:
        return True
    if access.is_bureau:
        return region.block_id == access.block_id
    if access.is_officer:
        return region.pk == access.region_id
    return False


def region_scope(user) -> Q | None:
    """A filter on Region for the regions whose drafts and submissions the user may see; None for
    all of them (central staff). Viewers and users without a role match nothing."""
    access = access_of(user)
    if access.is_central:
        return None
    if access.is_bureau:
        return Q(block_id=access.block_id)
    if access.is_officer:
        return Q(pk=access.region_id)
    return Q(pk__in=[])


def regions_in_scope(user) -> QuerySet[Region]:
    scope = region_scope(user)
    regions = Region.objects.select_related("block")
    return regions if scope is None else regions.filter(scope)


def may_see_reports_of(user, region: Region) -> bool:
    """Drafts, submissions waiting for review, returned reports: the region's own officers, its
    block's bureau and central staff. Others get 404."""
    return _sees_region(access_of(user), region)


def may_edit_report_of(user, region: Region) -> bool:
    """Officers edit their own region's report; bureau and central staff may enter on its behalf."""
    return _sees_region(access_of(user), region)


def enters_on_behalf(user, region: Region) -> bool:
    """True when someone other than the region's own officer types the region's figures."""
    access = access_of(user)
    return not (access.is_officer and access.region_id == region.pk)


def may_review_reports_of(user, region: Region) -> bool:
    """Return or approve: the bureau of the region's block, or central staff."""
    access = access_of(user)
    return access.is_central or (access.is_bureau and access.block_id == region.block_id)


def may_reopen_reports(user) -> bool:
    """An approved report is locked; only central staff reopen it, with a reason."""
    return access_of(user).is_central


def may_manage_periods(user) -> bool:
    return access_of(user).is_central


def may_see_status_board(user) -> bool:
    access = access_of(user)
    return access.is_central or access.is_bureau


def may_enter_central_actuals(user) -> bool:
    return access_of(user).is_central


def may_revise_kpi(user, kpi) -> bool:
    """Central staff revise any KPI; a bureau revises the regional KPIs of its own block."""
    access = access_of(user)
    if access.is_central:
        return True
    return access.is_bureau and kpi.region_id is not None and kpi.region.block_id == access.block_id


# --- liaison meetings (地域連絡会議) ----------------------------------------------------------------


def _block_of(access: Access) -> int | None:
    """The block a bureau looks after, or the block of an officer's region."""
    if access.is_bureau:
        return access.block_id
    if access.is_officer:
        return Region.objects.filter(pk=access.region_id).values_list("block_id", flat=True).first()
    return None


def meeting_block_scope(user) -> Q | None:
    """A filter on LiaisonMeeting for the meetings the user may read; None for all (central staff).

    A meeting's pack holds every region's approved report text, so it is read by those who attend:
    the block's bureau and the officers of its regions."""
    access = access_of(user)
    if access.is_central:
        return None
    block_id = _block_of(access)
    return Q(block_id=block_id) if block_id is not None else Q(pk__in=[])


def may_manage_meetings_of(user, block) -> bool:
    """Create a meeting, edit its minutes and pack date: the block's bureau, or central staff."""
    access = access_of(user)
    return access.is_central or (access.is_bureau and access.block_id == block.pk)


def may_create_meetings(user) -> bool:
    access = access_of(user)
    return access.is_central or access.is_bureau


# --- log-in --------------------------------------------------------------------------------------


def needs_second_factor(user) -> bool:
    """Administrators, central staff and bureau staff must log in with a second factor whenever
    settings.TWO_FACTOR_REQUIRED (DEBUG off), officers too with settings.TWO_FACTOR_FOR_OFFICERS;
    viewers never (they read what every signed-in user reads)."""
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    role = access_of(user)
    if role.role in (ADMIN, roles.CENTRAL_STAFF, roles.BUREAU_STAFF):
        return True
    return role.role == roles.PREFECTURE_OFFICER and settings.TWO_FACTOR_FOR_OFFICERS
