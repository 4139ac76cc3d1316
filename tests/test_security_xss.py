"""Script injection: a hostile text typed into every free-text field a user can write is shown as the
text it is on every page where it appears, and is plain text in the exports.

The text is entered through the pages themselves, as each role would type it: the progress report's
取組内容・成果・課題・次の取組 and its year-end forecast's reason (見込みの理由), the bureau's return comment, central staff's reopen reason, a revision's
reason and new KPI text, a central KPI actual's note, and every field of a case study (title, subtitle,
KPI text, outcomes, a step's date and text, a figure's heading) and its unpublish reason, and a liaison
meeting's decision item and its response (対応状況).
"""

import csv
import html
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from kpis.models import Actual, Indicator, Kpi, Revision
from regions.demo import create_demo_users
from regions.models import Region
from reports.models import CaseStudy, CaseStudyStep, CentralEntry, Forecast, ProgressReport
from reports.progress import workflow
from reports.progress.demo import open_demo_period

pytestmark = pytest.mark.django_db

PAYLOAD = """<script>alert(1)</script>"'><img src=x onerror=alert(1)>"""
# A step's date holds at most 40 characters: the attribute-breaking half alone.
SHORT_PAYLOAD = """"'><img src=x onerror=alert(1)>"""
ESCAPED = html.escape(PAYLOAD)  # &lt;script&gt;…&quot;&#x27;&gt;&lt;img …&gt;
RAW_PIECES = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"'><img")

REPORT = "/progress/14/2022/h1/"
CENTRAL_FY = "/central/2/2022/fy/"
CENTRAL_H1 = "/central/2/2022/h1/"


def as_user(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def kanagawa_report() -> ProgressReport:
    """Kanagawa's report as its first save stores it (opening the page stores nothing)."""
    return workflow.report_of(open_demo_period(), Region.objects.get(code="14"))


def report_form(report: ProgressReport, action: str) -> dict:
    data = {"action": action, "version": str(report.version), "confirmed": "1"}
    for entry in report.entries.all():
        data[f"value-{entry.indicator_id}"] = "3"
        data[f"forecast-{entry.indicator_id}"] = "5"
        data[f"forecast_reason-{entry.indicator_id}"] = PAYLOAD
        # 3 meetings against 年1回 is flagged (more than 5× the half's pace): explained
        data[f"check_cause-{entry.indicator_id}"] = "confirmed"
        data[f"check_note-{entry.indicator_id}"] = PAYLOAD
        for name in workflow.TEXT_FIELDS:
            data[f"{name}-{entry.indicator_id}"] = PAYLOAD
    return data


def posted_ok(response) -> None:
    assert response.status_code == 302, response.content.decode()[:2000]


def kanagawa_indicator() -> Indicator:
    return Indicator.objects.filter(kpi__plan__number=2, kpi__region__code="14").order_by(
        "kpi__order", "order"
    )[0]


def central_share() -> Indicator:
    """C09 知財活動を実践している中小企業の割合: no FY2022 actual in the documents."""
    return Indicator.objects.get(kpi__plan__number=2, kpi__code="C09", code="1")


def central_form(client, url: str = CENTRAL_FY) -> dict:
    page = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and re.match(r"(value|note|version)-", name.group(1)):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data


def case_study_form(kpi: Kpi, **changes) -> dict:
    indicator = kpi.indicators.order_by("order").first()
    data = {
        "plan": "2",
        "region": "14",
        "title": PAYLOAD,
        "subtitle": PAYLOAD,
        "kpi": "",
        "kpi_text": PAYLOAD,
        "outcomes": PAYLOAD,
        "stage": "2",
        "themes": ["support"],
        "step-0-date_label": SHORT_PAYLOAD,
        "step-0-text": PAYLOAD,
        "figure-0-indicator": str(indicator.pk),
        "figure-0-fiscal_year": "2022",
        "figure-0-label": PAYLOAD,
    }
    return data | changes


@pytest.fixture
def written(client):
    """Every free-text field written with the payload, through the pages."""
    create_demo_users()
    open_demo_period()
    officer, bureau, central = "demo-pref-14", "demo-bureau-kanto", "demo-jpo"

    # the report: the officer's texts, the bureau's return comment, central staff's reopen reason
    as_user(client, officer).get(REPORT)
    posted_ok(client.post(REPORT, report_form(kanagawa_report(), "submit")))
    report = kanagawa_report()
    as_user(client, bureau)
    posted_ok(
        client.post(REPORT + "review/", {"action": "return", "comment": PAYLOAD, "version": report.version})
    )
    as_user(client, officer)
    posted_ok(client.post(REPORT, report_form(kanagawa_report(), "submit")))
    as_user(client, bureau)
    posted_ok(client.post(REPORT + "review/", {"action": "approve", "version": kanagawa_report().version}))
    as_user(client, central)
    posted_ok(client.post(REPORT + "reopen/", {"reason": PAYLOAD, "version": kanagawa_report().version}))

    # a revision: reason and new KPI text, by the bureau
    indicator = kanagawa_indicator()
    as_user(client, bureau)
    posted_ok(
        client.post(
            f"/kpis/{indicator.pk}/revise/",
            {"new_value": "9", "new_text": PAYLOAD, "effective_fiscal_year": "2022", "reason": PAYLOAD},
        )
    )

    # a central KPI actual's note, confirmed
    share = central_share()
    as_user(client, central)
    form = central_form(client) | {
        f"value-{share.pk}": "30",
        f"note-{share.pk}": PAYLOAD,
        "action": "confirm",
    }
    posted_ok(client.post(CENTRAL_FY, form))

    # two case studies: one published, one published and set back to draft with a reason
    kpi = indicator.kpi
    as_user(client, officer)
    posted_ok(client.post("/case-studies/new/", case_study_form(kpi)))
    posted_ok(client.post("/case-studies/new/", case_study_form(kpi)))
    published, withdrawn = CaseStudy.objects.filter(title=PAYLOAD).order_by("pk")
    as_user(client, bureau)
    for case in (published, withdrawn):
        posted_ok(
            client.post(f"/case-studies/{case.pk}/publish/", {"action": "publish", "version": case.version})
        )
    withdrawn.refresh_from_db()
    as_user(client, central)
    posted_ok(
        client.post(
            f"/case-studies/{withdrawn.pk}/publish/",
            {"action": "unpublish", "reason": PAYLOAD, "version": withdrawn.version},
        )
    )
    client.logout()
    return {"indicator": indicator, "share": share, "published": published, "withdrawn": withdrawn}


def test_the_payload_was_stored_as_typed_in_every_field(written):
    """Escaping happens when showing, never by changing what was written."""
    report = kanagawa_report()
    assert report.state == ProgressReport.State.DRAFT
    assert (report.return_comment, report.reopen_reason) == (PAYLOAD, PAYLOAD)
    for entry in report.entries.all():
        assert (entry.activities, entry.outcomes, entry.next_steps) == (PAYLOAD, PAYLOAD, PAYLOAD)
        assert (entry.forecast_reason, entry.check_note) == (PAYLOAD, PAYLOAD)
    # published on approval, and kept while the report is reopened
    assert Forecast.objects.filter(reason=PAYLOAD).count() == report.entries.count()
    revisions = Revision.objects.filter(reason=PAYLOAD)
    assert revisions.count() == 2 and revisions.filter(new_text=PAYLOAD).exists()
    assert Kpi.objects.get(pk=written["indicator"].kpi_id).text == PAYLOAD
    assert CentralEntry.objects.get(indicator=written["share"], fiscal_year=2022, period="fy").note == PAYLOAD
    assert Actual.objects.get(indicator=written["share"], year=2022, period="fy").note == PAYLOAD
    for case in (written["published"], written["withdrawn"]):
        case.refresh_from_db()
        assert (case.title, case.subtitle, case.kpi_text, case.outcomes) == (PAYLOAD,) * 4
        step = CaseStudyStep.objects.get(case_study=case)
        assert (step.date_label, step.text) == (SHORT_PAYLOAD, PAYLOAD)
        assert case.figures.get().label == PAYLOAD
    assert written["withdrawn"].unpublish_reason == PAYLOAD


def pages(written) -> list[tuple[str, str, str, bool]]:
    """(what, who reads it, URL, whether the payload is shown there)."""
    indicator, share = written["indicator"].pk, written["share"].pk
    published, withdrawn = written["published"].pk, written["withdrawn"].pk
    return [
        ("報告（入力欄・差戻し・再開理由・履歴）", "demo-pref-14", REPORT, True),
        ("報告（経済産業局の確認画面）", "demo-bureau-kanto", REPORT, True),
        ("報告（中央）", "demo-jpo", REPORT, True),
        ("受信箱（半期報告の一覧）", "demo-bureau-kanto", "/progress/", False),
        ("受信箱（中央）", "demo-jpo", "/progress/", False),
        ("提出状況", "demo-jpo", "/progress/status/", False),
        ("指標（履歴・KPI本文）", "demo-viewer", f"/kpis/{indicator}/", True),
        ("目標・KPIの改定（改定の一覧）", "demo-bureau-kanto", f"/kpis/{indicator}/revise/", True),
        ("ブロックの改定一覧", "demo-viewer", "/dashboard/2/blocks/kanto/revisions/", True),
        ("地域のダッシュボード（KPI本文）", "demo-viewer", "/dashboard/2/regions/14/", True),
        ("ブロックのダッシュボード", "demo-viewer", "/dashboard/2/blocks/kanto/", False),
        ("中央KPIの指標（注記）", "demo-viewer", f"/kpis/{share}/", True),
        ("中央KPI実績入力（注記・履歴）", "demo-jpo", CENTRAL_FY, True),
        ("成果事例ライブラリ", "demo-viewer", "/case-studies/", True),
        ("成果事例ライブラリ（検索）", "demo-viewer", "/case-studies/?q=script", True),
        ("成果事例", "demo-viewer", f"/case-studies/{published}/", True),
        ("成果事例（作成中に戻した理由）", "demo-pref-14", f"/case-studies/{withdrawn}/", True),
        ("成果事例の編集", "demo-pref-14", f"/case-studies/{withdrawn}/edit/", True),
    ]


def test_every_page_shows_the_payload_escaped_and_never_raw(client, written):
    checked = 0
    for what, username, url, shown in pages(written):
        response = as_user(client, username).get(url)
        assert response.status_code == 200, (what, response.status_code)
        page = response.content.decode()
        for piece in RAW_PIECES:
            assert piece not in page, f"{what} ({url}): そのままの {piece!r} があります"
        if shown:
            assert ESCAPED in page or html.escape(SHORT_PAYLOAD) in page, (
                f"{what} ({url}): 表示されていません"
            )
        checked += 1
    assert checked == len(pages(written))


def test_the_report_shows_every_field_escaped(client, written):
    page = as_user(client, "demo-pref-14").get(REPORT).content.decode()

    # three text fields and the forecast's reason of two indicators, the return comment and the
    # reopen reason, at least
    assert page.count(ESCAPED) >= 2 * 4 + 2


def test_the_confirmation_and_the_review_show_the_explanations_escaped(client, written):
    """実績なし's reason and a flagged value's explanation: on the confirmation page, carried in its
    hidden fields, and first on the reviewer's page."""
    report = kanagawa_report()
    first, second = report.entries.order_by("indicator__order").values_list("indicator_id", flat=True)
    as_user(client, "demo-pref-14")
    data = report_form(report, "submit") | {
        f"value-{first}": "",
        f"no_result-{first}": "1",
        f"no_result_reason-{first}": PAYLOAD,
    }
    del data["confirmed"]
    confirm = client.post(REPORT, data)
    assert confirm.status_code == 200 and PAYLOAD not in confirm.content.decode()
    assert confirm.content.decode().count(ESCAPED) >= 3  # the reason, the note, the hidden fields
    posted_ok(client.post(REPORT, data | {"confirmed": "1"}))
    page = as_user(client, "demo-bureau-kanto").get(REPORT).content.decode()
    assert PAYLOAD not in page
    flagged = page.split('id="flagged-heading"')[1].split("</section>")[0]
    assert ESCAPED in flagged


def test_a_central_forecasts_reason_is_shown_escaped(client, written):
    hands_on = Indicator.objects.get(kpi__plan__number=2, kpi__code="C01", code="1")
    as_user(client, "demo-jpo")
    form = central_form(client, CENTRAL_H1) | {
        f"value-{hands_on.pk}": "130",
        f"forecast-{hands_on.pk}": "260",
        f"forecast_reason-{hands_on.pk}": PAYLOAD,
        "action": "confirm",
    }
    posted_ok(client.post(CENTRAL_H1, form))
    assert Forecast.objects.get(indicator=hands_on).reason == PAYLOAD
    page = client.get(CENTRAL_H1).content.decode()
    for piece in RAW_PIECES:
        assert piece not in page
    assert f'value="{ESCAPED}"' in page


def test_the_case_study_shows_each_field_escaped_and_its_date_too(client, written):
    page = as_user(client, "demo-viewer").get(f"/case-studies/{written['published'].pk}/").content.decode()

    assert page.count(ESCAPED) >= 5  # title, subtitle, KPI text, outcomes, step, figure heading
    assert html.escape(SHORT_PAYLOAD) in page


def csv_cells(response) -> list[str]:
    text = response.content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(response) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


EXPORTS = [
    ("ブロックの改定一覧", "/dashboard/2/blocks/kanto/revisions/?table=revisions", True),
    ("指標の改定", "/kpis/{indicator}/?table=revisions", True),
    ("指標の年度別実績", "/kpis/{share}/?table=years", True),
    ("提出状況", "/progress/status/?", False),
]


@pytest.mark.parametrize(("what", "url", "shown"), EXPORTS)
def test_exports_hold_the_payload_as_plain_text(client, written, what, url, shown):
    url = url.format(indicator=written["indicator"].pk, share=written["share"].pk)
    as_user(client, "demo-jpo")

    cells = csv_cells(client.get(url + "&_export=csv"))
    workbook_cells = xlsx_cells(client.get(url + "&_export=xlsx"))

    assert any(PAYLOAD in cell for cell in cells) is shown, what
    holding = [cell for cell in workbook_cells if isinstance(cell.value, str) and PAYLOAD in cell.value]
    assert bool(holding) is shown, what
    # text cells: nothing a spreadsheet runs or renders as markup
    assert all(cell.data_type == "s" for cell in holding)
    assert not any(cell.data_type == "f" for cell in workbook_cells)


def test_a_decision_items_texts_are_escaped_on_every_page_and_plain_text_in_the_workbook(client):
    """A liaison meeting's decision item: its text, typed by the bureau, and its response (対応状況),
    typed by Kanagawa's officer on its report page, on the meeting page, the report page, the home page,
    the review queue, the answer and edit pages, and the next meeting's pack and workbook."""
    create_demo_users()
    open_demo_period()
    as_user(client, "demo-bureau-kanto")
    meeting = {
        "block": str(Region.objects.get(code="14").block_id),
        "fiscal_year": "2022",
        "title": "第1回",
        "held_on": "2022-07-15",
        "as_of_day": timezone.localdate().isoformat(),
    }
    posted_ok(client.post("/meetings/new/", meeting))
    first = client.get("/meetings/").context["meetings"][0]
    item = {
        "content": PAYLOAD,
        "owner": "region",
        "region": str(Region.objects.get(code="14").pk),
        "due_on": "2022-08-01",
        "kpi": "",
        "state": "not_started",
        "response": "",
    }
    posted_ok(client.post(f"/meetings/{first.pk}/items/new/", item))
    pk = first.items.get().pk
    as_user(client, "demo-pref-14")
    answer = {"version": "1", "state": "in_progress", "response": PAYLOAD, "next": REPORT}
    posted_ok(client.post(f"/meetings/items/{pk}/answer/", answer))
    as_user(client, "demo-bureau-kanto")
    posted_ok(client.post("/meetings/new/", meeting | {"title": "第2回"}))
    second = client.get("/meetings/").context["meetings"][0]
    for username, url in (
        ("demo-pref-14", REPORT),
        ("demo-pref-14", "/"),
        ("demo-pref-14", f"/meetings/items/{pk}/answer/"),
        ("demo-bureau-kanto", f"/meetings/{first.pk}/"),
        ("demo-bureau-kanto", f"/meetings/items/{pk}/edit/"),
        ("demo-bureau-kanto", "/progress/"),
        ("demo-jpo", "/"),
        ("demo-bureau-kanto", f"/meetings/{second.pk}/pack/"),
    ):
        page = as_user(client, username).get(url).content.decode()
        for piece in RAW_PIECES:
            assert piece not in page, f"{url}: そのままの {piece!r} があります"
        assert ESCAPED in page or html.escape(PAYLOAD, quote=False) in page, url
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"/meetings/{second.pk}/pack.xlsx").content))
    cells = [cell for row in workbook["決定事項"].iter_rows() for cell in row]
    holding = [cell for cell in cells if cell.value == PAYLOAD]
    assert len(holding) == 2 and all(cell.data_type == "s" for cell in holding)
