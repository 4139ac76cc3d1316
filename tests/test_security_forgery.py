"""Forged requests: ids of objects outside one's scope in URLs and forms, and POSTs without a CSRF token.

Another region's report, case study or indicator named in an address answers 404 (no hint that it
exists), one named inside a form refuses the whole form; a role's forbidden action answers 403; a POST
without the CSRF token is refused with the Japanese 403 page before any view runs. In every case the
database is exactly as before: every table's rows are counted before and after, history tables
included, so an update would show as a new history row.
"""

import re

import pytest
import test_permissions
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from test_permissions import ROLES, RULES, url_for

from kpis.models import Indicator, Kpi
from plans.models import Plan
from regions.models import Region
from reports.case_studies import rules as case_studies
from reports.progress.workflow import region_indicators

pytestmark = pytest.mark.django_db

# The permission matrix's data (the demo users, a second bureau, Kanagawa's submitted report, a draft
# case study, a meeting), shared as a fixture: the same objects, the same addresses.
portal = test_permissions.portal

CSRF_PAGE = "送信を受け付けられませんでした"
KANAGAWA_REPORT = "/progress/14/2022/h1/"


def table_counts() -> dict[str, int]:
    """Rows of every table the portal's models use (history, sessions and log-in attempts included)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def as_user(username: str | None, **client_options) -> Client:
    client = Client(**client_options)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def regional(region_code: str, plan_number: int = 2) -> Indicator:
    return region_indicators(
        Plan.objects.get(number=plan_number), Region.objects.get(code=region_code)
    ).first()


def report_form(client: Client, url: str, **changes) -> dict:
    """The report form as the page renders it, every indicator's value set to 3, with `changes`."""
    page = client.get(url).content.decode()
    data = {"action": "save"}
    version = re.search(r'name="version" value="(\d+)"', page)
    data["version"] = version.group(1) if version else "0"
    for name in re.findall(r'name="(value-\d+)"', page):
        data[name] = "3"
    return data | changes


def case_study_form(kpi: Kpi, **changes) -> dict:
    return {
        "plan": "2",
        "region": "14",
        "title": "偽装された成果事例",
        "kpi": str(kpi.pk),
        "outcomes": "成果",
        "stage": "2",
        "step-0-date_label": "R4.6",
        "step-0-text": "取組",
        "figure-0-indicator": str(kpi.indicators.first().pk),
        "figure-0-fiscal_year": "2022",
    } | changes


# --- ids of other scopes --------------------------------------------------------------------------------


def forged_requests(portal) -> list[tuple[str, str, str, dict, int]]:
    """(what, who, URL, POST data, expected status)."""
    draft = portal["case_studies"]["draft"]
    kanagawa_kpi = case_studies.region_kpis(Plan.objects.get(number=2), Region.objects.get(code="14")).first()
    aomori_kpi = case_studies.region_kpis(Plan.objects.get(number=2), Region.objects.get(code="02")).first()
    edit = f"/case-studies/{draft}/edit/"
    version = {"version": "1"}
    return [
        ("他地域の報告を保存", "demo-pref-02", KANAGAWA_REPORT, {"action": "save", "version": "1"}, 404),
        (
            "同じブロックの他県の報告を提出",
            "demo-pref-11",
            KANAGAWA_REPORT,
            {"action": "submit", **version},
            404,
        ),
        (
            "他ブロックの経済産業局が承認",
            "test-bureau-tohoku",
            KANAGAWA_REPORT + "review/",
            {"action": "approve", **version},
            404,
        ),
        (
            "他ブロックの経済産業局が差戻し",
            "test-bureau-tohoku",
            KANAGAWA_REPORT + "review/",
            {"action": "return", "comment": "x", **version},
            404,
        ),
        ("閲覧者が再開", "demo-viewer", KANAGAWA_REPORT + "reopen/", {"reason": "x", **version}, 404),
        ("存在しない地域の報告", "demo-jpo", "/progress/99/2022/h1/", {"action": "save", **version}, 404),
        ("計画外の年度の報告", "demo-jpo", "/progress/14/2031/h1/", {"action": "save", **version}, 404),
        ("他地域の成果事例（作成中）を編集", "demo-pref-02", edit, {"title": "乗っ取り", **version}, 404),
        ("同じブロックの他県が成果事例を編集", "demo-pref-11", edit, {"title": "乗っ取り", **version}, 404),
        (
            "他ブロックの経済産業局が成果事例を公開",
            "test-bureau-tohoku",
            f"/case-studies/{draft}/publish/",
            {"action": "publish", **version},
            404,
        ),
        (
            "閲覧者が成果事例（作成中）を公開",
            "demo-viewer",
            f"/case-studies/{draft}/publish/",
            {"action": "publish", **version},
            404,
        ),
        (
            "存在しない成果事例を編集",
            "demo-jpo",
            "/case-studies/999999/edit/",
            {"title": "x", **version},
            404,
        ),
        (
            "他地域の成果事例を新規作成",
            "demo-pref-14",
            "/case-studies/new/",
            case_study_form(kanagawa_kpi, region="02"),
            400,
        ),
        (
            "成果事例の実績に他地域の指標",
            "demo-pref-14",
            "/case-studies/new/",
            case_study_form(kanagawa_kpi, **{"figure-0-indicator": str(regional("02").pk)}),
            400,
        ),
        (
            "成果事例の対象KPIに他地域のKPI",
            "demo-pref-14",
            "/case-studies/new/",
            case_study_form(aomori_kpi),
            400,
        ),
        ("編集中の成果事例に他地域のKPI", "demo-pref-14", edit, case_study_form(aomori_kpi, **version), 400),
        (
            "他ブロックの指標の目標を改定",
            "demo-bureau-kanto",
            f"/kpis/{regional('02').pk}/revise/",
            {"new_value": "99", "effective_fiscal_year": "2022", "reason": "x"},
            403,
        ),
        (
            "存在しない指標の改定",
            "demo-jpo",
            "/kpis/999999/revise/",
            {"new_value": "99", "effective_fiscal_year": "2022", "reason": "x"},
            404,
        ),
        (
            "中央KPI入力に地域KPIの指標",
            "demo-jpo",
            "/central/2/2022/fy/",
            {"action": "confirm", f"value-{regional('14').pk}": "5", f"version-{regional('14').pk}": "0"},
            400,
        ),
        (
            "中央KPI入力に他計画の中央KPI",
            "demo-jpo",
            "/central/2/2022/fy/",
            {
                "action": "confirm",
                f"value-{central_of_plan(3).pk}": "5",
                f"version-{central_of_plan(3).pk}": "0",
            },
            400,
        ),
        ("計画外の年度の中央KPI入力", "demo-jpo", "/central/2/2031/fy/", {"action": "confirm"}, 404),
        (
            "経済産業局が中央KPIを入力",
            "demo-bureau-kanto",
            "/central/2/2022/fy/",
            {"action": "confirm", f"value-{central_of_plan(2).pk}": "5"},
            403,
        ),
        ("存在しない報告期間を締切", "demo-jpo", "/progress/periods/999999/lock/", {"locked": "1"}, 404),
        (
            "自治体が報告期間を締切",
            "demo-pref-14",
            f"/progress/periods/{portal['period'].pk}/lock/",
            {"locked": "1"},
            403,
        ),
    ]


def central_of_plan(number: int) -> Indicator:
    return (
        Indicator.objects.filter(kpi__plan__number=number, kpi__level=Kpi.Level.CENTRAL)
        .order_by("pk")
        .first()
    )


FORGED_CASES = 24


def test_the_list_of_forged_requests_is_complete(portal):
    assert len(forged_requests(portal)) == FORGED_CASES


@pytest.mark.parametrize("index", range(FORGED_CASES))
def test_a_forged_id_answers_not_found_or_refused_and_changes_nothing(portal, index):
    what, username, url, data, expected = forged_requests(portal)[index]
    client = as_user(username)
    before = table_counts()

    response = client.post(url, data)

    assert response.status_code == expected, (what, response.status_code)
    assert table_counts() == before, what


def test_a_forged_indicator_in_ones_own_report_refuses_the_whole_form(portal):
    client = as_user("demo-pref-14")
    report = portal["period"].reports.get(region__code="14")
    report.state = report.State.DRAFT
    report.save()
    foreign = regional("11")
    data = report_form(client, KANAGAWA_REPORT, **{f"value-{foreign.pk}": "9"})
    before = table_counts()

    response = client.post(KANAGAWA_REPORT, data)

    assert response.status_code == 400
    assert "対象でない指標" in response.content.decode()
    assert table_counts() == before


def test_the_forged_forms_would_have_written_with_the_right_ids(portal):
    """The same kind of form with ids of the user's own scope is accepted: the refusals above come
    from the ids, not from a form that could never work."""
    kpi = case_studies.region_kpis(Plan.objects.get(number=2), Region.objects.get(code="14")).first()
    client = as_user("demo-pref-14")

    assert client.post("/case-studies/new/", case_study_form(kpi)).status_code == 302
    report = portal["period"].reports.get(region__code="14")
    report.state = report.State.DRAFT
    report.save()
    assert client.post(KANAGAWA_REPORT, report_form(client, KANAGAWA_REPORT)).status_code == 302


# --- CSRF ----------------------------------------------------------------------------------------------

# Who posts to each page in the CSRF test: a role that may use it, so that only the missing token stands
# between the request and a write.
POSTERS = ["central", "bureau", "officer", "admin", "officer_other_block", "bureau_other_block", "viewer"]
PROCESSED = (200, 302, 400)


def state_changing_pages() -> list[tuple[str, str]]:
    """(URL name, role) for every named URL that takes a POST, from the permission matrix."""
    pages = []
    for name, rule in RULES.items():
        if rule.post.get("anonymous") in PROCESSED and not rule.sends_anonymous_to_login:
            pages.append((name, "anonymous"))
            continue
        role = next((r for r in POSTERS if rule.post.get(r) in PROCESSED), None)
        if role is not None:
            pages.append((name, role))
    return pages


CSRF_PAGES = state_changing_pages()


def test_every_state_changing_page_is_in_the_csrf_test():
    names = {name for name, _role in CSRF_PAGES}
    assert {"login", "logout", "reports:progress_report", "reports:central_entry", "reports:revise"} <= names
    assert len(CSRF_PAGES) >= 15


@pytest.mark.parametrize(("name", "role"), CSRF_PAGES)
def test_a_post_without_the_csrf_token_is_refused_in_japanese_and_changes_nothing(portal, name, role):
    client = as_user(ROLES[role], enforce_csrf_checks=True)
    url = url_for(name, portal)
    before = table_counts()

    response = client.post(url, {"action": "save", "reason": "x", "title": "x", "username": "demo-jpo"})

    assert response.status_code == 403, name
    page = response.content.decode()
    assert CSRF_PAGE in page and '<html lang="ja">' in page, name
    assert table_counts() == before, name


@pytest.mark.parametrize("url", ["/admin/login/", "/admin/auth/user/add/", "/admin/kpis/kpi/import/"])
def test_the_admin_refuses_a_post_without_the_csrf_token(portal, url):
    client = as_user("demo-admin", enforce_csrf_checks=True)
    before = table_counts()

    response = client.post(url, {"username": "forged-user", "password1": "x" * 20, "password2": "x" * 20})

    assert response.status_code == 403
    assert table_counts() == before


def token_of(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_log_out_without_the_token_keeps_the_session_and_with_it_ends_it(portal):
    client = as_user("demo-pref-14", enforce_csrf_checks=True)

    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/progress/").status_code == 200

    token = token_of(client, "/progress/")
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get("/progress/").status_code == 302


def test_the_same_post_with_the_token_is_processed(portal):
    """The refusals above come from the missing token: with it, the very same save goes through."""
    client = as_user("demo-pref-14", enforce_csrf_checks=True)
    report = portal["period"].reports.get(region__code="14")
    report.state = report.State.DRAFT
    report.save()
    data = report_form(client, KANAGAWA_REPORT)

    assert client.post(KANAGAWA_REPORT, data).status_code == 403
    data["csrfmiddlewaretoken"] = token_of(client, KANAGAWA_REPORT)
    assert client.post(KANAGAWA_REPORT, data).status_code == 302


def test_the_csrf_page_says_what_happened_in_japanese(portal):
    client = as_user("demo-pref-14", enforce_csrf_checks=True)

    page = client.post(reverse("reports:case_study_new"), {"title": "x"}).content.decode()

    assert "CSRF" in page and "何も変更されていません" in page
    assert "Forbidden" not in page and "CSRF verification failed" not in page
