"""速報: submitted half-year figures appear on the dashboards, marked, only for those who may see the
region's submitted reports, and only when asked for; approved figures are what everyone sees."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from submitting import complete

from kpis.models import Indicator
from regions.demo import create_demo_users
from regions.models import Region
from reports.progress.demo import open_demo_period
from reports.progress.workflow import EntryInput, approve, report_of, submit

# 002 別添2 神奈川県 14-1: 実務・経営セミナー 年5回 (FY2020–2022). A 上期 of 3 keeps the pace of half
# the year's target (2.5): 順調, never a mark (a half is not judged, docs/judgement.md).
BLOCK_H1 = "/dashboard/2/blocks/kanto/?fiscal_year=2022&half=h1"
WITH_PRELIMINARY = BLOCK_H1 + "&preliminary=on"


@pytest.fixture
def submitted(db):
    create_demo_users()
    seminars = Indicator.objects.get(kpi__plan__number=2, kpi__code="14-1")
    report = report_of(open_demo_period(), Region.objects.get(code="14"))
    officer = User.objects.get(username="demo-pref-14")
    return submit(
        officer,
        report,
        version=report.version,
        inputs=complete(report, {seminars.pk: EntryInput(value=Decimal(3))}),
    )


def kanagawa_rows(client, username: str, url: str) -> list[list[str]]:
    client.force_login(User.objects.get(username=username))
    csv = client.get(url + "&_export=csv&table=region-14").content.decode("utf-8-sig")
    return [line.split(",") for line in csv.strip().splitlines()]


def test_approved_figures_only_by_default(client, submitted):
    header, *rows = kanagawa_rows(client, "demo-bureau-kanto", BLOCK_H1)
    assert "速報" not in header
    seminars = next(row for row in rows if row[1] == "実務・経営セミナーの開催回数")
    assert seminars[header.index("状況")] == "未報告"


@pytest.mark.parametrize("username", ["demo-bureau-kanto", "demo-jpo", "demo-pref-14"])
def test_who_may_see_the_submitted_report_gets_it_marked_as_preliminary(client, submitted, username):
    header, *rows = kanagawa_rows(client, username, WITH_PRELIMINARY)
    seminars = next(row for row in rows if row[1] == "実務・経営セミナーの開催回数")
    assert seminars[header.index("上期実績")] == "3"
    assert (seminars[header.index("状況")], seminars[header.index("達成率")]) == ("順調", "")
    assert seminars[header.index("速報")] == "速報"
    page = client.get(WITH_PRELIMINARY).content.decode()
    assert "速報値を含みます" in page


@pytest.mark.parametrize("username", ["demo-viewer", "demo-pref-11", "demo-pref-02"])
def test_others_never_see_a_submitted_figure_even_when_asking(client, submitted, username):
    header, *rows = kanagawa_rows(client, username, WITH_PRELIMINARY)
    seminars = next(row for row in rows if row[1] == "実務・経営セミナーの開催回数")
    assert seminars[header.index("上期実績")] in ("", "—")
    assert seminars[header.index("状況")] == "未報告"
    if username == "demo-viewer":  # officers may include their own region's submitted figures
        assert "速報値を含みます" not in client.get(WITH_PRELIMINARY).content.decode()


def test_once_approved_the_figure_is_published_without_the_mark(
    client, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(User.objects.get(username="demo-bureau-kanto"), submitted, version=submitted.version)
    header, *rows = kanagawa_rows(client, "demo-viewer", BLOCK_H1)
    seminars = next(row for row in rows if row[1] == "実務・経営セミナーの開催回数")
    assert seminars[header.index("上期実績")] == "3"
    assert seminars[header.index("状況")] == "順調"
