"""What each line of the half-year report form shows about its indicator, from the one rule: the
target the engine uses for the half and for the year, the half's pace, every earlier figure whatever
brought it (a report, an import, the documents), and for a cumulative goal the total so far and what
remains. The page reads a fixed number of queries."""

import csv
import html as html_lib
import io
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from signed_in import login
from submitting import complete

from kpis.importing import import_file
from kpis.models import Actual, Indicator, Target
from kpis.resources import FileKind
from regions.models import Region
from reports.progress import workflow

pytestmark = pytest.mark.django_db

KANAGAWA = "/progress/14/2022/h1/"
SAITAMA = "/progress/11/2022/h1/"
COLUMNS = ["plan", "kpi_code", "region_code", "indicator_code", "period", "year", "value", "source"]


def imported(*rows: dict) -> None:
    """Actuals brought in the way an administrator does: a CSV file through the import service."""
    stream = io.StringIO(newline="")
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({"plan": "2", "indicator_code": "1", **row})
    outcome = import_file(
        kind=FileKind.ACTUALS, data=stream.getvalue().encode(), file_format="csv", dry_run=False
    )
    assert outcome.succeeded, outcome.errors


def facts_of(html: str, indicator: Indicator) -> dict[str, str]:
    """The line's facts (目標（上期）, 上期の目安, これまでの実績 …) as the reader sees them."""
    line = html.split(f"{indicator.name}（{indicator.unit}）")[1].split('class="field')[0]
    facts = line.split('class="line-facts"')[1].split("</dl>")[0]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", facts, flags=re.S)
    text = {dt: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", dd)).strip() for dt, dd in pairs}
    return {html_lib.unescape(key): html_lib.unescape(value) for key, value in text.items()}


def seminars() -> Indicator:
    return Indicator.objects.get(kpi__plan__number=2, kpi__code="14-1", code="1")


def subsidies() -> Indicator:
    """埼玉県 11-1: 新技術・新製品開発補助金の採択件数 40件（2020〜2022年度累計） (002 別添2 埼玉(1))."""
    return Indicator.objects.get(kpi__plan__number=2, kpi__code="11-1", code="1")


def test_the_line_shows_the_targets_the_engine_uses_for_the_half_and_the_year_and_the_pace(client, period):
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    # 002 別添2 神奈川(1): セミナーを年5回
    assert facts["目標（上期）"] == "5回（2022年度） （2022年度の目標）"
    assert facts["目標（2022年度）"] == "5回（2022年度） （2022年度の目標）"
    assert facts["上期の目安"] == "年5回の半分（上期）のペース"  # never 2.5回


def test_a_half_with_a_target_of_its_own_shows_it_beside_the_years(client, period):
    Target.objects.create(indicator=seminars(), period="h1", year=2022, value=2, measure="count")
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    assert facts["目標（上期）"] == "2回（2022年度 上期） （2022年度上期の目標）"
    assert facts["目標（2022年度）"] == "5回（2022年度） （2022年度の目標）"
    assert facts["上期の目安"] == "目標値2回（2022年度）"


def test_a_target_revised_for_a_later_year_is_not_the_one_of_this_year(client, period):
    # a revision from FY2023 on: the FY2022 report keeps the target in force in FY2022
    Target.objects.create(indicator=seminars(), period="fy", year=2023, value=8, measure="count")
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    assert facts["目標（2022年度）"].startswith("5回（2022年度）")


def test_imported_figures_are_shown_with_their_source_earlier_ones_and_this_halfs(client, period):
    imported(
        {
            "kpi_code": "14-1",
            "region_code": "14",
            "period": "fy",
            "year": "2021",
            "value": "4",
            "source": "県の集計",
        },
        {"kpi_code": "14-1", "region_code": "14", "period": "h1", "year": "2022", "value": "2", "source": ""},
    )
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    assert facts["これまでの実績"] == "2021年度（令和3年度）：4回 （県の集計）"
    assert facts["上期の公表中の実績"] == "2回"


def test_a_figure_approved_in_an_earlier_report_is_shown_with_its_source(client, period):
    Actual.objects.create(
        indicator=seminars(),
        period="h2",
        year=2021,
        value=3,
        source=workflow.APPROVED_SOURCE,
        measure="count",
    )
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    assert facts["これまでの実績"] == "2021年度（令和3年度） 下期：3回 （半期進捗報告（承認））"


def test_without_any_earlier_figure_the_line_says_so(client, period):
    facts = facts_of(login(client, "demo-pref-14").get(KANAGAWA).content.decode(), seminars())
    assert facts["これまでの実績"] == "なし"
    assert "上期の公表中の実績" not in facts and "累計の実績" not in facts


def test_a_cumulative_goal_shows_the_total_so_far_and_what_remains(client, period):
    imported(
        {
            "kpi_code": "11-1",
            "region_code": "11",
            "period": "fy",
            "year": "2020",
            "value": "12",
            "source": "",
        },
        {"kpi_code": "11-1", "region_code": "11", "period": "h1", "year": "2021", "value": "8", "source": ""},
        {"kpi_code": "11-1", "region_code": "11", "period": "h2", "year": "2021", "value": "6", "source": ""},
    )
    officer = login(client, "demo-pref-11")
    facts = facts_of(officer.get(SAITAMA).content.decode(), subsidies())
    assert facts["目標（上期）"] == "40件（2020〜2022年度累計） （2020〜2022年度累計）"
    assert facts["目標（2022年度）"] == facts["目標（上期）"]
    # 40 × 5/6 is not a whole count: the share is said, not 33.3件
    assert facts["上期の目安"] == "2020〜2022年度累計40件の6分の5（2022年度上期までの按分）"
    assert facts["累計の実績"] == "2021年度までの累計 26件／2020〜2022年度累計40件まで残り 14件"
    assert "上期：8件" in facts["これまでの実績"] and "2020年度（令和2年度）：12件" in facts["これまでの実績"]

    # once this report's value is saved, what it makes of the total
    report = workflow.report_of(period, Region.objects.get(code="11"))
    data = {"action": "save", "version": str(report.version), f"value-{subsidies().pk}": "5"}
    assert officer.post(SAITAMA, data).status_code == 302
    facts = facts_of(officer.get(SAITAMA).content.decode(), subsidies())
    assert facts["累計の実績"].endswith("この報告の値（5件）を含めると31件、残り9件")


def test_a_cumulative_goal_with_nothing_reported_yet_has_all_of_it_to_go(client, period):
    facts = facts_of(login(client, "demo-pref-11").get(SAITAMA).content.decode(), subsidies())
    assert facts["累計の実績"] == "2021年度までの累計 0件／2020〜2022年度累計40件まで残り 40件"


def save_values(officer, period, *values: str) -> None:
    report = workflow.report_of(period, Region.objects.get(code="14"))
    ids = report.entries.values_list("indicator_id", flat=True)
    for value in values:
        report.refresh_from_db()
        data = {"action": "save", "version": str(report.version)}
        for pk in ids:
            data |= {f"value-{pk}": value, f"forecast-{pk}": "9", f"forecast_reason-{pk}": f"見込み{value}"}
        assert officer.post(KANAGAWA, data).status_code == 302


def test_the_report_page_reads_a_fixed_number_of_queries(client, period, django_assert_max_num_queries):
    officer = login(client, "demo-pref-14")
    officer.get(KANAGAWA)  # the session and the user read once
    # Not stored yet: session, user, region, the user's role and affiliation, the period, the report
    # (none), the indicators with their plan, their targets, their actuals, the plan menu, the region's
    # open decision items of liaison meetings; a savepoint.
    with django_assert_max_num_queries(15):
        assert officer.get(KANAGAWA).status_code == 200
    # Stored: its lines, and its history read back in three queries (the report's steps, the
    # indicators' names, the lines' records), whatever the number of figures, saves and forecasts.
    save_values(officer, period, "2", "3")
    with CaptureQueriesContext(connection) as stored:
        assert officer.get(KANAGAWA).status_code == 200
    stored_queries = len(stored.captured_queries)  # read now: the connection's log is a bounded window
    assert stored_queries <= 19
    for year in (2019, 2020, 2021):
        for when in ("h1", "h2", "fy"):
            Actual.objects.create(indicator=seminars(), period=when, year=year, value=2, measure="count")
    save_values(officer, period, "4", "5", "6", "7")
    with django_assert_max_num_queries(stored_queries):
        page = officer.get(KANAGAWA)
    assert "見込み7" in page.content.decode()


def test_a_submitted_report_reads_a_fixed_number_of_queries_for_its_reviewer(
    client, period, django_assert_num_queries
):
    report = workflow.report_of(period, Region.objects.get(code="14"))
    workflow.submit(
        User.objects.get(username="demo-pref-14"), report, version=report.version, inputs=complete(report)
    )
    reviewer = login(client, "demo-bureau-kanto")
    reviewer.get(KANAGAWA)
    # session, user, a savepoint; the region with its block, the user's groups and affiliation; the
    # period with its plan; the report with its submitter and reviewer (the period it is read through
    # not read again); its lines; the indicators with KPI and plan, their targets, their actuals;
    # whether the reviewer entered or submitted it (three reads of its lines and history); its steps,
    # its lines' records and the indicators' names; the plan menu; the region's decision items; the
    # savepoint's release.
    queries = 21
    with django_assert_num_queries(queries):
        assert reviewer.get(KANAGAWA).status_code == 200
    for year in (2019, 2020, 2021):
        for when in ("h1", "h2", "fy"):
            Actual.objects.create(indicator=seminars(), period=when, year=year, value=2, measure="count")
    with django_assert_num_queries(queries):
        page = reviewer.get(KANAGAWA).content.decode()
    assert "2021年度（令和3年度） 下期：2回" in page and "承認" in page
