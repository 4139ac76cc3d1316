"""Central staff enter the central KPIs' actuals per fiscal year or half: drafts are kept apart from
the published figures until confirmed, every change is in the history, and a change based on an
outdated form is refused."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kpis.achievement import judge
from kpis.figures import thresholds_of
from kpis.models import Actual, Indicator, Kpi, Target
from plans.models import Plan
from regions import roles
from regions.demo import create_demo_users
from reports.central.entry import (
    CONFIRM_REASON,
    CONFIRMED_SOURCE,
    CentralEntryError,
    StaleEntry,
    confirm,
    save_drafts,
)
from reports.central.reading import entry_rows
from reports.dashboards.selectors import current_plan
from reports.display.labels import indicator_title
from reports.models import CentralEntry

# 2nd plan: C01 ハンズオン支援社数 (250社/年度; FY2022 actual 277社), C09 知財活動を実践している中小
# 企業の割合 (40% in FY2022, no actual published yet), C04 外国出願補助金 (400件/年度).
PLAN = 2
YEAR = 2022
FY_URL = f"/central/{PLAN}/{YEAR}/fy/"
H1_URL = f"/central/{PLAN}/{YEAR}/h1/"
DASHBOARD = f"/dashboard/{PLAN}/?fiscal_year={YEAR}"


@pytest.fixture
def users(db):
    create_demo_users()
    names = ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-viewer", "demo-admin"]
    found = {name: User.objects.get(username=name) for name in names}
    other = User.objects.create_user("jpo-second", first_name="INPIT 担当者")
    other.groups.add(Group.objects.get(name=roles.CENTRAL_STAFF))
    found["jpo-second"] = other
    return found


@pytest.fixture
def jpo(client, users):
    client.force_login(users["demo-jpo"])
    return client


def central(code: str) -> Indicator:
    return Indicator.objects.select_related("kpi").get(kpi__plan__number=PLAN, kpi__code=code, code="1")


def plan() -> Plan:
    return Plan.objects.get(number=PLAN)


def form_data(page_url: str, client, **changes) -> dict:
    """Every field of the entry form as the page rendered it, with `changes` ({"value-12": "30"})."""
    page = client.get(page_url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and re.match(r"(value|note|version)-", name.group(1)):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data | changes


def post(client, url, action="save", **changes):
    return client.post(url, form_data(url, client, **changes) | {"action": action})


def page_text(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))


def alert_of(response) -> str:
    block = re.search(r'<div class="error-summary" role="alert".*?</div>', response.content.decode(), re.S)
    assert block, "no error summary"
    return html.unescape(re.sub(r"<[^>]+>", " ", block.group(0)))


def dashboard_cells(client, indicator: Indicator, year: int = YEAR) -> dict[str, str]:
    """The central table's row of the indicator on the national dashboard, header → cell text."""
    page = client.get(DASHBOARD).content.decode()
    table = re.search(r'<table[^>]*class="results central"[^>]*>.*?</table>', page, re.S).group(0)
    header = [_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    title = indicator_title(indicator)
    row = next(
        row
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        if "<td" in row and _text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[0]) == title
    )
    cells = dict(
        zip(header, [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)], strict=True)
    )
    return {"actual": cells[f"{year}年度 実績"], "rate": cells[f"{year}年度 達成率"]}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def expected_rate_cell(indicator: Indicator, value: Decimal, year: int = YEAR) -> str:
    target = Target.objects.get(indicator=indicator, period="fy", year=year).value
    status, rate = judge(value, target, indicator.direction, thresholds_of(plan()))
    return f"{round(rate)}% {status.label}"


# --- who may use the pages ------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["demo-jpo", "demo-admin"])
def test_central_staff_open_both_pages(client, users, username):
    client.force_login(users[username])
    assert client.get("/central/").status_code == 200
    response = client.get(FY_URL)
    assert response.status_code == 200
    assert "ハンズオン支援社数" in page_text(response)


@pytest.mark.parametrize("username", ["demo-bureau-kanto", "demo-pref-14", "demo-viewer"])
def test_everyone_else_is_forbidden_and_saves_nothing(client, users, username):
    client.force_login(users[username])
    assert client.get("/central/").status_code == 403
    assert client.get(FY_URL).status_code == 403
    response = client.post(FY_URL, {f"value-{central('C09').pk}": "30", "action": "confirm"})
    assert response.status_code == 403
    assert "中央（特許庁・INPIT）の担当者" in response.content.decode()
    assert not CentralEntry.objects.exists()
    assert not Actual.objects.filter(indicator=central("C09")).exists()


def test_the_index_is_read_only(jpo):
    assert jpo.post("/central/", {"plan": "2"}).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client, db):
    for url in ("/central/", FY_URL):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "url", ["/central/9/2022/fy/", "/central/2/2019/fy/", "/central/2/2023/h1/", "/central/2/2022/q3/"]
)
def test_unknown_plans_years_outside_the_plan_and_unknown_periods_are_not_found(jpo, url):
    assert jpo.get(url).status_code == 404


def test_the_functions_refuse_other_roles_and_years_outside_the_plan(users):
    values = {central("C09").pk: (Decimal(30), "")}
    with pytest.raises(PermissionDenied):
        save_drafts(users["demo-bureau-kanto"], plan(), YEAR, "fy", values, {central("C09").pk: 0})
    with pytest.raises(PermissionDenied):
        confirm(users["demo-viewer"], plan(), YEAR, "fy", {})
    with pytest.raises(CentralEntryError, match="2023年度は.*期間（2020〜2022年度）外です"):
        save_drafts(users["demo-jpo"], plan(), 2023, "fy", values, {central("C09").pk: 0})
    assert not CentralEntry.objects.exists()


# --- choosing plan, year and period ---------------------------------------------------------------


def test_the_index_starts_at_the_current_plan_and_opens_the_chosen_period(jpo):
    today_plan = current_plan(Plan.objects.all(), timezone.localdate())
    page = jpo.get("/central/").content.decode()
    assert re.search(rf'<option value="{today_plan.number}" selected>', page)
    response = jpo.get("/central/", {"plan": "2", "fiscal_year": "2021", "period": "h2"})
    assert response.status_code == 302
    assert response["Location"] == "/central/2/2021/h2/"


def test_the_index_refuses_a_year_outside_the_chosen_plan(jpo):
    response = jpo.get("/central/", {"plan": "2", "fiscal_year": "2024", "period": "fy"})
    assert response.status_code == 400
    assert "2024年度は" in alert_of(response) and "期間（2020〜2022年度）外です" in alert_of(response)


def test_the_index_lists_drafts_waiting_for_confirmation(jpo):
    post(jpo, H1_URL, **{f"value-{central('C01').pk}": "120"})
    page = page_text(jpo.get("/central/"))
    assert "未確定の下書き" in page and "2022年度（令和4年度） 上期（4〜9月）" in page
    assert 'href="/central/2/2022/h1/"' in jpo.get("/central/").content.decode()


# --- drafts and confirmation ----------------------------------------------------------------------


def test_the_form_shows_target_published_actual_and_prefills_the_published_value(jpo):
    page = jpo.get(FY_URL).content.decode()
    core = central("C01")
    assert f'id="value-{core.pk}" name="value-{core.pk}" value="277"' in page  # 003: FY2022 277社
    assert f'name="version-{core.pk}" value="0"' in page
    assert "250社（2022年度）" in page_text(jpo.get(FY_URL))
    assert "40%（2022年度）" in page_text(jpo.get(FY_URL))  # C09's FY2022 goal


def test_a_draft_is_not_published(jpo, users, django_capture_on_commit_callbacks):
    share = central("C09")
    before = dashboard_cells(jpo, share)
    assert before["actual"] == "—" and before["rate"] == "未報告"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(jpo, FY_URL, **{f"value-{share.pk}": "30", f"note-{share.pk}": "速報値"})
    assert response.status_code == 302
    entry = CentralEntry.objects.get(indicator=share, period="fy", fiscal_year=YEAR)
    assert (entry.value, entry.note, entry.state, entry.version) == (Decimal(30), "速報値", "draft", 1)
    assert entry.updated_by == users["demo-jpo"]
    assert not Actual.objects.filter(indicator=share).exists()
    page = page_text(jpo.get(response["Location"]))
    assert "の実績を下書き保存しました。ダッシュボードには、確定するまで反映されません。" in page
    assert "未確定の下書き 1件" in page
    assert "下書き保存しました" not in page_text(jpo.get(FY_URL))  # shown once, after the redirect
    assert dashboard_cells(jpo, share) == before


def test_save_then_confirm_publishes_the_actual_with_its_history(
    jpo, users, django_capture_on_commit_callbacks
):
    share = central("C09")
    dashboard_cells(jpo, share)  # the dashboard is cached now
    response = post(jpo, FY_URL, **{f"value-{share.pk}": "30"})
    assert "下書き保存しました" in page_text(jpo.get(response["Location"]))
    with django_capture_on_commit_callbacks(execute=True):
        response = post(jpo, FY_URL, action="confirm")
    assert response.status_code == 302
    assert "1件を確定し、ダッシュボードに反映しました" in page_text(jpo.get(response["Location"]))

    actual = Actual.objects.get(indicator=share, period="fy", year=YEAR)
    assert (actual.value, actual.source) == (Decimal(30), CONFIRMED_SOURCE)
    record = actual.history.latest()
    assert record.history_type == "+"
    assert record.history_user == users["demo-jpo"]
    assert record.history_change_reason == CONFIRM_REASON
    entry = CentralEntry.objects.get(indicator=share, period="fy", fiscal_year=YEAR)
    assert entry.state == "confirmed" and entry.confirmed_at is not None
    # 30% of the FY2022 goal of 40% (fixtures/plan2_central.yaml): 75%, ×
    cells = dashboard_cells(jpo, share)
    assert cells == {"actual": "30", "rate": expected_rate_cell(share, Decimal(30))}
    assert cells["rate"] == "75% ×"


def test_confirming_replaces_a_published_actual_and_the_dashboard_follows(
    jpo, users, django_capture_on_commit_callbacks
):
    core = central("C01")
    assert dashboard_cells(jpo, core) == {"actual": "277", "rate": "111% 〇"}  # 003: 277社 (111%)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(jpo, FY_URL, action="confirm", **{f"value-{core.pk}": "300"})
    assert response.status_code == 302
    actual = Actual.objects.get(indicator=core, period="fy", year=YEAR)
    assert actual.value == 300
    record = actual.history.latest()
    assert (record.history_user, record.history_change_reason) == (users["demo-jpo"], CONFIRM_REASON)
    assert (record.history_type, record.value) == ("~", 300)  # the fixture's row, changed
    assert dashboard_cells(jpo, core) == {"actual": "300", "rate": expected_rate_cell(core, Decimal(300))}
    assert dashboard_cells(jpo, core)["rate"] == "120% 〇"  # 300 ÷ 250


def test_unchanged_published_values_make_no_draft(jpo):
    response = post(jpo, FY_URL)  # every field as shown: the published figures
    assert response.status_code == 302
    assert not CentralEntry.objects.exists()
    response = post(jpo, FY_URL, action="confirm")
    assert response.status_code == 302
    assert "確定する下書きはありませんでした" in page_text(jpo.get(FY_URL))
    assert Actual.objects.get(indicator=central("C01"), period="fy", year=YEAR).source != CONFIRMED_SOURCE


def test_a_confirmed_entry_edited_again_is_a_draft_and_the_published_actual_stays(jpo):
    share = central("C09")
    post(jpo, FY_URL, action="confirm", **{f"value-{share.pk}": "30"})
    post(jpo, FY_URL, **{f"value-{share.pk}": "35"})
    entry = CentralEntry.objects.get(indicator=share, period="fy", fiscal_year=YEAR)
    assert (entry.value, entry.state) == (Decimal(35), "draft")
    assert Actual.objects.get(indicator=share, period="fy", year=YEAR).value == 30
    post(jpo, FY_URL, action="confirm")
    assert Actual.objects.get(indicator=share, period="fy", year=YEAR).value == 35
    assert CentralEntry.objects.get(pk=entry.pk).state == "confirmed"


def test_a_blank_value_discards_the_draft(jpo, users):
    share, core = central("C09"), central("C01")
    post(jpo, H1_URL, **{f"value-{share.pk}": "30", f"value-{core.pk}": "120"})
    assert CentralEntry.objects.count() == 2
    post(jpo, H1_URL, **{f"value-{share.pk}": ""})
    assert list(CentralEntry.objects.values_list("indicator_id", flat=True)) == [core.pk]
    removed = CentralEntry.history.filter(indicator_id=share.pk, history_type="-").get()
    assert removed.history_user == users["demo-jpo"] and removed.history_change_reason == "下書きの取消し"


def test_a_blank_value_brings_a_reedited_entry_back_to_its_confirmed_figure(jpo):
    share = central("C09")
    post(jpo, FY_URL, action="confirm", **{f"value-{share.pk}": "30"})
    post(jpo, FY_URL, **{f"value-{share.pk}": "35"})
    post(jpo, FY_URL, **{f"value-{share.pk}": ""})
    entry = CentralEntry.objects.get(indicator=share, period="fy", fiscal_year=YEAR)
    assert (entry.value, entry.state) == (Decimal(30), "confirmed")
    assert Actual.objects.get(indicator=share, period="fy", year=YEAR).value == 30


def test_a_half_year_entry_is_published_as_that_half(jpo):
    core = central("C01")
    post(jpo, H1_URL, action="confirm", **{f"value-{core.pk}": "１，２３"})  # full-width, with a comma
    actual = Actual.objects.get(indicator=core, period="h1", year=YEAR)
    assert actual.value == 123
    assert Actual.objects.get(indicator=core, period="fy", year=YEAR).value == 277  # the year stays


def test_the_page_shows_the_history_of_the_period(jpo):
    core = central("C01")
    post(jpo, H1_URL, **{f"value-{core.pk}": "100"})
    post(jpo, H1_URL, **{f"value-{core.pk}": "120"})
    post(jpo, H1_URL, action="confirm")
    post(jpo, FY_URL, **{f"value-{core.pk}": "280"})  # another period: not in this page's history
    page = jpo.get(H1_URL).content.decode()
    history = _text(re.search(r'<table class="results central-history">.*?</table>', page, re.S).group(0))
    assert history.count("中央（特許庁 普及支援課）") == 3
    assert "— 100 下書き 下書き保存" in history
    assert "100 120 下書き 下書き保存" in history
    assert "120 120 確定 中央KPI実績の確定" in history
    assert "280" not in history
    # newest first
    assert history.index("中央KPI実績の確定") < history.index("100 120")


# --- outdated forms -------------------------------------------------------------------------------


def test_a_save_based_on_an_old_version_is_refused_and_names_the_change(client, users):
    core, grants = central("C01"), central("C04")
    client.force_login(users["demo-jpo"])
    opened = form_data(H1_URL, client)  # demo-jpo opens the form: nothing entered yet
    second = client.__class__()
    second.force_login(users["jpo-second"])
    assert post(second, H1_URL, **{f"value-{core.pk}": "130"}).status_code == 302

    response = client.post(
        H1_URL, opened | {f"value-{core.pk}": "125", f"value-{grants.pk}": "200", "action": "save"}
    )
    assert response.status_code == 409
    alert = alert_of(response)
    assert "他の人が次の実績を更新しました" in alert and "保存していません" in alert
    assert "ハンズオン支援社数：130社（下書き） — INPIT 担当者" in alert
    # nothing saved: the other user's value stands, and the valid line was not kept either
    assert CentralEntry.objects.get(indicator=core, period="h1").value == 130
    assert not CentralEntry.objects.filter(indicator=grants).exists()
    # what the user typed stays in the form
    assert f'name="value-{core.pk}" value="125"' in response.content.decode()


def test_confirming_a_draft_someone_changed_meanwhile_is_refused(client, users):
    grants = central("C04")
    client.force_login(users["demo-jpo"])
    post(client, H1_URL, **{f"value-{grants.pk}": "200"})
    opened = form_data(H1_URL, client)
    second = client.__class__()
    second.force_login(users["jpo-second"])
    post(second, H1_URL, **{f"value-{grants.pk}": "210"})

    response = client.post(H1_URL, opened | {"action": "confirm"})
    assert response.status_code == 409
    assert "外国出願補助金支援による新規採択件数：210件（下書き） — INPIT 担当者" in alert_of(response)
    assert not Actual.objects.filter(indicator=grants, period="h1").exists()
    assert CentralEntry.objects.get(indicator=grants).state == "draft"


def test_the_functions_refuse_stale_versions_and_drafts_never_seen(users):
    core, grants = central("C01"), central("C04")
    jpo, other = users["demo-jpo"], users["jpo-second"]
    save_drafts(other, plan(), YEAR, "h1", {grants.pk: (Decimal(200), "")}, {grants.pk: 0})
    with pytest.raises(StaleEntry) as refused:
        save_drafts(
            jpo,
            plan(),
            YEAR,
            "h1",
            {core.pk: (Decimal(1), ""), grants.pk: (Decimal(5), "")},
            {core.pk: 0, grants.pk: 0},
        )
    assert [change.indicator for change in refused.value.changes] == [grants.name]
    assert not CentralEntry.objects.filter(indicator=core).exists()
    # a draft the confirming user was not shown is not published
    with pytest.raises(StaleEntry):
        confirm(jpo, plan(), YEAR, "h1", {core.pk: 0})
    assert not Actual.objects.filter(indicator=grants, period="h1").exists()
    confirm(jpo, plan(), YEAR, "h1", {grants.pk: 1})
    assert Actual.objects.get(indicator=grants, period="h1", year=YEAR).value == 200


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "raw", "message"),
    [
        ("C01", "abc", "ハンズオン支援社数「abc」は数値ではありません"),
        ("C01", "-5", "ハンズオン支援社数に負の値は入力できません"),
        ("C01", "1000000000000", "ハンズオン支援社数が大きすぎます"),
        ("C01", "12.5", "ハンズオン支援社数は件数等のため整数で入力してください"),
        ("C09", "100.5", "は割合のため0〜100の範囲で入力してください"),
    ],
)
@pytest.mark.parametrize("action", ["save", "confirm"])
def test_bad_values_are_refused_next_to_the_field_and_nothing_is_saved(jpo, code, raw, message, action):
    indicator, other = central(code), central("C04")
    response = post(jpo, H1_URL, action=action, **{f"value-{indicator.pk}": raw, f"value-{other.pk}": "200"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "入力内容に誤りがあります。保存していません。" in alert_of(response)
    assert message in alert_of(response)
    field_error = re.search(rf'id="value-{indicator.pk}-error">(.*?)</span>', page).group(1)
    assert message in html.unescape(field_error)
    assert f'aria-describedby="value-{indicator.pk}-error"' in page
    assert f'name="value-{indicator.pk}" value="{raw}"' in page  # kept as typed
    assert f'name="value-{other.pk}" value="200"' in page
    assert not CentralEntry.objects.exists()
    assert not Actual.objects.filter(period="h1", year=YEAR, indicator__kpi__level=Kpi.Level.CENTRAL).exists()


def test_a_too_long_note_is_refused(jpo):
    core = central("C01")
    response = post(jpo, H1_URL, **{f"value-{core.pk}": "10", f"note-{core.pk}": "あ" * 1001})
    assert response.status_code == 400
    assert "注記は1000文字以内で入力してください（1001文字）" in alert_of(response)
    assert not CentralEntry.objects.exists()


@pytest.mark.parametrize("foreign", ["regional", "other_plan", "garbage"])
def test_an_indicator_that_is_not_a_central_one_of_the_plan_refuses_the_whole_form(jpo, foreign):
    core = central("C01")
    if foreign == "regional":
        key = Indicator.objects.filter(kpi__plan__number=PLAN, kpi__level=Kpi.Level.REGIONAL).first().pk
    elif foreign == "other_plan":
        key = Indicator.objects.filter(kpi__plan__number=3, kpi__level=Kpi.Level.CENTRAL).first().pk
    else:
        key = "x1"
    response = post(jpo, H1_URL, **{f"value-{core.pk}": "10", f"value-{key}": "5", f"version-{key}": "0"})
    assert response.status_code == 400
    assert f"中央KPIでない指標が送信されました（ID: {key}）。保存していません。" in alert_of(response)
    assert not CentralEntry.objects.exists()


def test_a_post_without_a_known_action_saves_nothing(jpo):
    data = form_data(H1_URL, jpo, **{f"value-{central('C01').pk}": "10"})
    response = jpo.post(H1_URL, data | {"action": "publish"})
    assert response.status_code == 400
    assert not CentralEntry.objects.exists()


# --- the page's cost ------------------------------------------------------------------------------


def test_the_entry_page_runs_a_fixed_number_of_queries(jpo, users, django_assert_max_num_queries):
    jpo.get(H1_URL)  # session and user read once
    with CaptureQueriesContext(connection) as empty:
        jpo.get(H1_URL)
    indicators = list(entry_rows(plan(), YEAR, "h1"))
    for position, row in enumerate(indicators):
        save_drafts(
            users["demo-jpo"],
            plan(),
            YEAR,
            "h1",
            {row.indicator.pk: (Decimal(position + 1), "")},
            {row.indicator.pk: 0},
        )
        save_drafts(
            users["demo-jpo"],
            plan(),
            YEAR,
            "h1",
            {row.indicator.pk: (Decimal(position + 2), "")},
            {row.indicator.pk: 1},
        )
    confirm(users["demo-jpo"], plan(), YEAR, "h1", {row.indicator.pk: 2 for row in indicators})
    with django_assert_max_num_queries(len(empty.captured_queries)):
        response = jpo.get(H1_URL)
    assert response.status_code == 200
    assert page_text(response).count("中央KPI実績の確定") == len(indicators)
    assert len(empty.captured_queries) <= 15
