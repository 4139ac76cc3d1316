"""Every page of the URL map, as each role that may open it, checked by axe-core in Chromium: no
serious or critical violation (the target is JIS X 8341-3:2016 AA; see docs/accessibility.md).

The pages and the roles come from the permission matrix (tests/test_permissions.py): a page is
checked as every role for which it answers 200 to a GET, with the matrix's data (a submitted report,
a draft case study, a liaison meeting). Downloads (XLSX) are not pages and are left out.
"""

import pytest
from test_permissions import RULES, make_portal, url_for

from .support import log_in

pytestmark = pytest.mark.e2e

ROLES = {
    "viewer": "demo-viewer",
    "officer": "demo-pref-14",
    "bureau": "demo-bureau-kanto",
    "central": "demo-jpo",
}
DOWNLOADS = {"reports:meeting_pack_xlsx"}
BLOCKING = ("serious", "critical")


def pages_for(role: str, portal) -> list[str]:
    return [
        url_for(name, portal)
        for name, rule in sorted(RULES.items())
        if name not in DOWNLOADS and rule.get.get(role) == 200
    ]


def violations_on(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"][:3]
    ]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_opens_passes_axe(browsing, plan_data, role):
    portal = make_portal()
    page = browsing.new_page()
    log_in(page, ROLES[role])
    found = {}
    for url in pages_for(role, portal):
        page.goto(url)
        problems = violations_on(page)
        if problems:
            found[url] = problems
    assert found == {}, "\n".join(f"{url}: {problems}" for url, problems in found.items())
