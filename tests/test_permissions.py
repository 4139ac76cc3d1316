"""The permission matrix: every named URL of the portal × every role × GET and POST.

The URL names come from the URL configuration itself, so a new page without a rule here fails the
suite. The Django admin has its own permission system (staff flag, model permissions) and is tested
in test_admin_pages.py.

Status codes: 200 the page; 302 a redirect (anonymous users to the log-in page); 400 a form refused
with messages (an empty POST to a page the role may use); 403 the role may not do this; 404 the
object is outside the user's scope (no existence leak); 405 the method is not allowed.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group, User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kpis.models import Indicator
from plans.models import Plan
from regions import roles
from regions.demo import create_demo_users
from regions.models import Affiliation, Block, Region
from reports.case_studies import rules as case_studies
from reports.models import CaseStudy, DecisionItem, LiaisonMeeting, ReportingPeriod
from reports.progress.demo import open_demo_period
from reports.progress.workflow import report_of

ROLES = {
    "anonymous": None,
    "viewer": "demo-viewer",
    "officer": "demo-pref-14",  # 神奈川県: the region the URLs below are about
    "officer_same_block": "demo-pref-11",  # 埼玉県, also 関東
    "officer_other_block": "demo-pref-02",  # 青森県 (東北)
    "bureau": "demo-bureau-kanto",
    "bureau_other_block": "test-bureau-tohoku",
    "central": "demo-jpo",
    "admin": "demo-admin",
}
SIGNED_IN = [role for role in ROLES if role != "anonymous"]
SCOPED_OUT = ["viewer", "officer_same_block", "officer_other_block", "bureau_other_block"]
NOT_CENTRAL = [r for r in SIGNED_IN if r not in ("central", "admin")]


def same(code: int, roles_: list[str]) -> dict[str, int]:
    return dict.fromkeys(roles_, code)


@dataclass
class Rule:
    get: dict[str, int]
    post: dict[str, int]
    kwargs: dict = field(default_factory=dict)

    def expected(self, method: str, role: str) -> int:
        if role == "anonymous" and self.sends_anonymous_to_login:
            return 302
        return (self.get if method == "get" else self.post)[role]

    sends_anonymous_to_login: bool = True


EVERYONE_READS = Rule(get=same(200, SIGNED_IN), post=same(405, SIGNED_IN))
KANAGAWA_REPORT = {"region_code": "14", "fiscal_year": 2022, "half": "h1"}
# 青森県's report on the model-region programme (FY2024 上期): 青森's officer is "officer_other_block"
AOMORI_PROGRAMME_REPORT = {"region_code": "02", "fiscal_year": 2024, "half": "h1"}
AOMORI_SCOPED_OUT = ["viewer", "officer", "officer_same_block", "bureau"]
AOMORI_SCOPE = ["officer_other_block", "bureau_other_block", "central", "admin"]
KANTO_MEETING_READERS = ["officer", "officer_same_block", "bureau", "central", "admin"]

RULES = {
    # a plain redirect to the current dashboard, which itself asks anonymous users to log in
    # a home page per role; a viewer is sent to the current plan's dashboard
    "home": Rule(get=same(200, SIGNED_IN) | {"viewer": 302}, post=same(405, SIGNED_IN)),
    "health": EVERYONE_READS,
    "login": Rule(get=same(200, list(ROLES)), post=same(200, list(ROLES)), sends_anonymous_to_login=False),
    "logout": Rule(get=same(405, list(ROLES)), post=same(302, list(ROLES)), sends_anonymous_to_login=False),
    # the accessibility statement, public as a public body's is
    "accessibility": Rule(
        get=same(200, list(ROLES)), post=same(405, list(ROLES)), sends_anonymous_to_login=False
    ),
    # two-factor log-in (tests/test_two_factor.py): anyone signed in enrols and sees their own settings;
    # the pages that show or change an enrolled device need a log-in with the second factor, so a
    # session without one is sent to log in (302) — here nobody has one
    "two_factor:setup": Rule(get=same(200, SIGNED_IN), post=same(400, SIGNED_IN)),
    "two_factor:qr": Rule(get=same(404, SIGNED_IN), post=same(405, SIGNED_IN)),
    "two_factor:setup_complete": Rule(get=same(302, SIGNED_IN), post=same(302, SIGNED_IN)),
    "two_factor:backup_tokens": Rule(get=same(302, SIGNED_IN), post=same(302, SIGNED_IN)),
    "two_factor:profile": Rule(get=same(200, SIGNED_IN), post=same(405, SIGNED_IN)),
    # without a second factor given, to the top page (django-two-factor-auth's own redirect)
    "two_factor:disable": Rule(
        get=same(302, list(ROLES)), post=same(302, list(ROLES)), sends_anonymous_to_login=False
    ),
    "reports:current": Rule(get=same(302, SIGNED_IN), post=same(405, SIGNED_IN)),
    "reports:compare": EVERYONE_READS,
    # the plans as their documents print them (basic policies, measures, KPIs, reported totals)
    "reports:plans": EVERYONE_READS,
    "reports:plan": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 1}),
    "reports:national": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 2}),
    "reports:block": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 2, "block_code": "kanto"}),
    "reports:block_revisions": Rule(
        EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 2, "block_code": "kanto"}
    ),
    "reports:region": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 2, "region_code": "14"}),
    "reports:indicator": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"indicator_id": "kanagawa"}),
    # central staff revise any KPI, a bureau its own block's; the indicator page is public, so 403
    "reports:revise": Rule(
        get=same(403, SIGNED_IN) | same(200, ["bureau", "central", "admin"]),
        post=same(403, SIGNED_IN) | same(400, ["bureau", "central", "admin"]),
        kwargs={"indicator_id": "kanagawa"},
    ),
    "reports:progress_index": Rule(get=same(200, SIGNED_IN) | {"viewer": 403}, post=same(405, SIGNED_IN)),
    "reports:periods": Rule(
        get=same(403, NOT_CENTRAL) | same(200, ["central", "admin"]),
        post=same(403, NOT_CENTRAL) | same(400, ["central", "admin"]),
    ),
    "reports:period_deadline": Rule(
        get=same(403, NOT_CENTRAL) | same(200, ["central", "admin"]),
        post=same(403, NOT_CENTRAL) | same(400, ["central", "admin"]),
        kwargs={"period_id": "demo"},
    ),
    "reports:period_lock": Rule(
        get=same(405, SIGNED_IN),
        post=same(403, NOT_CENTRAL) | same(400, ["central", "admin"]),
        kwargs={"period_id": "demo"},
    ),
    "reports:status_board": Rule(
        get=same(403, SIGNED_IN) | same(200, ["bureau", "bureau_other_block", "central", "admin"]),
        post=same(405, SIGNED_IN),
    ),
    # Kanagawa's report: its officer, the Kanto bureau and central staff; 404 for everyone else
    "reports:progress_report": Rule(
        get=same(404, SCOPED_OUT) | same(200, ["officer", "bureau", "central", "admin"]),
        post=same(404, SCOPED_OUT) | same(400, ["officer", "bureau", "central", "admin"]),
        kwargs=KANAGAWA_REPORT,
    ),
    "reports:progress_review": Rule(
        get=same(405, SIGNED_IN),
        post=same(404, SCOPED_OUT) | {"officer": 403} | same(400, ["bureau", "central", "admin"]),
        kwargs=KANAGAWA_REPORT,
    ),
    "reports:progress_reopen": Rule(
        get=same(405, SIGNED_IN),
        post=same(404, SCOPED_OUT) | same(403, ["officer", "bureau"]) | same(400, ["central", "admin"]),
        kwargs=KANAGAWA_REPORT,
    ),
    # the model-region programme: its pages are read by everyone; 青森県's report by 青森's officer,
    # the 東北 bureau and central staff, reviewed by the bureau and central staff
    "reports:programmes": EVERYONE_READS,
    "reports:programme": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"plan_number": 2024}),
    "reports:programme_report": Rule(
        get=same(404, AOMORI_SCOPED_OUT) | same(200, AOMORI_SCOPE),
        post=same(404, AOMORI_SCOPED_OUT) | same(400, AOMORI_SCOPE),
        kwargs=AOMORI_PROGRAMME_REPORT,
    ),
    "reports:programme_review": Rule(
        get=same(405, SIGNED_IN),
        post=same(404, AOMORI_SCOPED_OUT)
        | {"officer_other_block": 403}
        | same(400, ["bureau_other_block", "central", "admin"]),
        kwargs=AOMORI_PROGRAMME_REPORT,
    ),
    "reports:programme_reopen": Rule(
        get=same(405, SIGNED_IN),
        post=same(404, AOMORI_SCOPED_OUT)
        | same(403, ["officer_other_block", "bureau_other_block"])
        | same(400, ["central", "admin"]),
        kwargs=AOMORI_PROGRAMME_REPORT,
    ),
    "reports:central_index": Rule(
        get=same(403, NOT_CENTRAL) | same(200, ["central", "admin"]), post=same(405, SIGNED_IN)
    ),
    "reports:central_entry": Rule(
        get=same(403, NOT_CENTRAL) | same(200, ["central", "admin"]),
        post=same(403, NOT_CENTRAL) | same(400, ["central", "admin"]),
        kwargs={"plan_number": 2, "fiscal_year": 2022, "period": "fy"},
    ),
    # case studies: the library and a published one (000 成果事例 北海道) are read by everyone
    "reports:case_studies": EVERYONE_READS,
    "reports:case_study": Rule(EVERYONE_READS.get, EVERYONE_READS.post, {"pk": "published"}),
    # officers, bureaus and central staff draft (each for the regions they look after); viewers do not
    "reports:case_study_new": Rule(
        get=same(200, SIGNED_IN) | {"viewer": 403},
        post=same(400, SIGNED_IN) | {"viewer": 403},
    ),
    # Kanagawa's draft: its officer, the Kanto bureau and central staff; 404 for everyone else
    "reports:case_study_edit": Rule(
        get=same(404, SCOPED_OUT) | same(200, ["officer", "bureau", "central", "admin"]),
        post=same(404, SCOPED_OUT) | same(400, ["officer", "bureau", "central", "admin"]),
        kwargs={"pk": "draft"},
    ),
    "reports:case_study_publish": Rule(
        get=same(405, SIGNED_IN),
        post=same(404, SCOPED_OUT) | {"officer": 403} | same(400, ["bureau", "central", "admin"]),
        kwargs={"pk": "draft"},
    ),
    # liaison meetings: the list is everyone's (scoped: a viewer's is empty); the Kanto meeting and its
    # pack are read by the Kanto bureau, Kanto's officers and central staff; managed by bureau and central
    "reports:meetings": EVERYONE_READS,
    "reports:meeting_new": Rule(
        get=same(403, SIGNED_IN) | same(200, ["bureau", "bureau_other_block", "central", "admin"]),
        post=same(403, SIGNED_IN) | same(400, ["bureau", "bureau_other_block", "central", "admin"]),
    ),
    **{
        name: Rule(
            get=same(404, SIGNED_IN) | same(200, KANTO_MEETING_READERS),
            post=same(405, SIGNED_IN),
            kwargs={"pk": "meeting"},
        )
        for name in ("reports:meeting", "reports:meeting_pack", "reports:meeting_pack_xlsx")
    },
    "reports:meeting_edit": Rule(
        get=same(404, SIGNED_IN)
        | same(403, ["officer", "officer_same_block"])
        | same(200, ["bureau", "central", "admin"]),
        post=same(404, SIGNED_IN)
        | same(403, ["officer", "officer_same_block"])
        | same(400, ["bureau", "central", "admin"]),
        kwargs={"pk": "meeting"},
    ),
    # a meeting's decision items: added and edited by its managers, answered by the owner region (神奈川)
    **{
        name: Rule(
            get=same(404, SIGNED_IN)
            | same(403, ["officer", "officer_same_block"])
            | same(200, ["bureau", "central", "admin"]),
            post=same(404, SIGNED_IN)
            | same(403, ["officer", "officer_same_block"])
            | same(400, ["bureau", "central", "admin"]),
            kwargs={"pk": pk},
        )
        for name, pk in (("reports:meeting_item_new", "meeting"), ("reports:meeting_item_edit", "item"))
    },
    "reports:meeting_item_answer": Rule(
        get=same(404, SIGNED_IN)
        | same(403, ["officer_same_block"])
        | same(200, ["officer", "bureau", "central", "admin"]),
        post=same(404, SIGNED_IN)
        | same(403, ["officer_same_block"])
        | same(400, ["officer", "bureau", "central", "admin"]),
        kwargs={"pk": "item"},
    ),
}


def portal_url_names(patterns=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = pattern.namespace or ""
            prefix = ":".join(part for part in (namespace, inner) if part)
            names += portal_url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_named_url_has_a_rule():
    assert sorted(portal_url_names()) == sorted(RULES), "a page was added or removed without its rule"


@pytest.fixture
def portal(db):
    return make_portal()


def make_portal() -> dict:
    """The demo users, a second bureau (東北) and Kanagawa's submitted report in the open period."""
    create_demo_users()
    tohoku = User.objects.create_user("test-bureau-tohoku", password="x")
    tohoku.groups.add(Group.objects.get(name=roles.BUREAU_STAFF))
    Affiliation.objects.create(user=tohoku, block=Block.objects.get(code="tohoku"))
    period = open_demo_period()
    report = report_of(period, Region.objects.get(code="14"))
    report.state = report.State.SUBMITTED
    report.save()
    programme_period = ReportingPeriod.objects.create(
        plan=Plan.objects.get(number=2024), fiscal_year=2024, half="h1", deadline=datetime.date(2024, 10, 31)
    )
    aomori = report_of(programme_period, Region.objects.get(code="02"))
    aomori.state = aomori.State.SUBMITTED
    aomori.save()
    draft = case_studies.create(
        User.objects.get(username="demo-pref-14"),
        plan=Plan.objects.get(number=2),
        region=Region.objects.get(code="14"),
        data=case_studies.CaseStudyInput(title="神奈川県の成果事例（作成中）"),
    )
    meeting = LiaisonMeeting.objects.create(
        block=Block.objects.get(code="kanto"),
        fiscal_year=2022,
        title="関東地域連絡会議",
        held_on=datetime.date(2022, 7, 15),
        as_of=timezone.now(),
    )
    item = DecisionItem.objects.create(
        meeting=meeting,
        content="宿題",
        owner="region",
        region=Region.objects.get(code="14"),
        due_on=period.deadline,
    )
    return {
        "period": period,
        "meeting": meeting.pk,
        "item": item.pk,
        "kanagawa": Indicator.objects.filter(kpi__plan__number=2, kpi__region__code="14").first(),
        "case_studies": {
            "published": CaseStudy.objects.get(plan__number=1, code="01-1").pk,
            "draft": draft.pk,
        },
    }


def url_for(name: str, portal) -> str:
    kwargs = dict(RULES[name].kwargs)
    if kwargs.get("indicator_id") == "kanagawa":
        kwargs["indicator_id"] = portal["kanagawa"].pk
    if kwargs.get("period_id") == "demo":
        kwargs["period_id"] = portal["period"].pk
    if kwargs.get("pk") in ("meeting", "item"):
        kwargs["pk"] = portal[kwargs["pk"]]
    if kwargs.get("pk") in ("published", "draft"):
        kwargs["pk"] = portal["case_studies"][kwargs["pk"]]
    return reverse(name, kwargs=kwargs)


CASES = [(name, method, role) for name in RULES for method in ("get", "post") for role in ROLES]


@pytest.mark.parametrize(("name", "method", "role"), CASES)
def test_permission_matrix(client, portal, name, method, role):
    if ROLES[role]:
        client.force_login(User.objects.get(username=ROLES[role]))
    response = getattr(client, method)(url_for(name, portal))
    expected = RULES[name].expected(method, role)
    assert response.status_code == expected, f"{method.upper()} {name} as {role}"
    if expected == 302 and role == "anonymous" and RULES[name].sends_anonymous_to_login:
        assert response["Location"].startswith(reverse("login"))


# A draft case study's page: the same scope as its editing (a published one is read by everyone).
DRAFT_CASE_STUDY = same(404, SCOPED_OUT) | same(200, ["officer", "bureau", "central", "admin"])


@pytest.mark.parametrize("role", SIGNED_IN)
def test_a_draft_case_study_is_seen_only_in_its_regions_scope(client, portal, role):
    client.force_login(User.objects.get(username=ROLES[role]))
    url = reverse("reports:case_study", kwargs={"pk": portal["case_studies"]["draft"]})
    assert client.get(url).status_code == DRAFT_CASE_STUDY[role], role
