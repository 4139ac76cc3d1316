"""The 上期 report's year-end forecast (年度末見込み) through the pages: typed beside the half's value
with a one-line reason, checked with Japanese messages and kept on a refused form, in the report's
history, shown to the reviewer with its status marked as a forecast, and published on approval as
the year's forecast, never as an actual."""

import datetime
import html as html_lib
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from signed_in import login
from submitting import completed_form

from kpis.models import Actual
from plans.models import Plan
from regions.models import Region
from reports.models import Forecast, ProgressReport, ReportEntry, ReportingPeriod
from reports.progress import workflow
from reports.progress.forecasts import PUBLISHED_SOURCE

pytestmark = pytest.mark.django_db

State = ProgressReport.State
KANAGAWA = "/progress/14/2022/h1/"
REVIEW = KANAGAWA + "review/"
REASON = "下期に金融機関との共催2回を予定"


def kanagawa_report(period) -> ProgressReport:
    return workflow.report_of(period, Region.objects.get(code="14"))


def line_ids(report) -> tuple[int, int]:
    """Kanagawa's two indicators (002 別添2 神奈川県): 14-1 seminars 年5回, 14-2 meetings 年1回."""
    seminars, meetings = report.entries.order_by("indicator__kpi__order", "indicator__order").values_list(
        "indicator_id", flat=True
    )
    return seminars, meetings


def form(report, action="save", **lines) -> dict:
    """`lines`: indicator id (as `l<id>`) → (value, forecast, reason)."""
    data = {"action": action, "version": str(report.version), "confirmed": "1"}
    for key, (value, forecast, reason) in lines.items():
        pk = key.removeprefix("l")
        data |= {f"value-{pk}": value, f"forecast-{pk}": forecast, f"forecast_reason-{pk}": reason}
        data |= {f"{name}-{pk}": "" for name in workflow.TEXT_FIELDS}
    return data


def stored(report) -> tuple:
    report.refresh_from_db()
    lines = report.entries.order_by("pk").values_list("value", "forecast", "forecast_reason")
    return report.version, tuple(lines), ReportEntry.history.filter(report_id=report.pk).count()


def submitted_with_forecast(client, period, forecast="6", reason=REASON) -> ProgressReport:
    officer = login(client, "demo-pref-14")
    report = kanagawa_report(period)
    seminars, meetings = line_ids(report)
    data = form(report, "submit", **{f"l{seminars}": ("3", forecast, reason), f"l{meetings}": ("0", "", "")})
    assert officer.post(KANAGAWA, data).status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    return report


def approve(client, report) -> None:
    bureau = login(client, "demo-bureau-kanto")
    response = bureau.post(REVIEW, {"action": "approve", "version": str(report.version)})
    assert response.status_code == 302
    report.refresh_from_db()


# --- the form ----------------------------------------------------------------------------------------


def test_the_first_half_form_asks_for_a_forecast_and_its_reason_beside_the_value(client, period):
    html = login(client, "demo-pref-14").get(KANAGAWA).content.decode()
    seminars, _meetings = line_ids(kanagawa_report(period))
    fieldset = html.split(f'name="value-{seminars}"')[1].split("</fieldset>")[0]
    assert f'name="forecast-{seminars}"' in fieldset and f'name="forecast_reason-{seminars}"' in fieldset
    assert "年度末見込み（回）" in fieldset and "見込みの理由（1行）" in fieldset
    assert "2022年度の1年間の値の見込み" in fieldset and "実績として数えず" in fieldset
    assert f'aria-describedby="id_forecast-{seminars}-help"' in fieldset
    # the value first, then the forecast, then the texts
    assert fieldset.index("forecast-") < fieldset.index("activities-")


def test_the_second_half_form_has_no_forecast(client, period):
    jpo = User.objects.get(username="demo-jpo")
    workflow.open_period(
        jpo,
        plan=Plan.objects.get(number=2),
        fiscal_year=2022,
        half="h2",
        deadline=datetime.date(2023, 4, 30),
        confirm_past=True,
    )
    html = login(client, "demo-pref-14").get("/progress/14/2022/h2/").content.decode()
    assert 'name="value-' in html
    assert 'name="forecast-' not in html and "年度末見込み" not in html


def test_a_forecast_and_its_reason_are_saved_and_kept_in_the_history(client, period):
    officer = login(client, "demo-pref-14")
    report = kanagawa_report(period)
    seminars, meetings = line_ids(report)
    data = form(report, **{f"l{seminars}": ("3", "６", f"  {REASON}  "), f"l{meetings}": ("", "", "")})
    assert officer.post(KANAGAWA, data).status_code == 302
    entry = ReportEntry.objects.get(report=report, indicator_id=seminars)
    assert (entry.value, entry.forecast, entry.forecast_reason) == (Decimal(3), Decimal(6), REASON)
    assert not Forecast.objects.exists()  # a draft publishes nothing

    report.refresh_from_db()
    data = form(report, **{f"l{seminars}": ("3", "5", "下期に1回の予定"), f"l{meetings}": ("", "", "")})
    assert officer.post(KANAGAWA, data).status_code == 302
    page = html_lib.unescape(officer.get(KANAGAWA).content.decode())
    changes = page.split('id="history-heading"')[1]
    assert "実務・経営セミナーの開催回数：年度末見込み" in changes
    assert "実務・経営セミナーの開催回数：見込みの理由" in changes and "下期に1回の予定" in changes
    records = ReportEntry.history.filter(report_id=report.pk, indicator_id=seminars).order_by("history_date")
    assert [r.forecast for r in records] == [None, Decimal(6), Decimal(5)]
    # the form shows what is stored
    assert f'name="forecast-{seminars}" value="5"' in page


@pytest.mark.parametrize(
    ("forecast", "reason", "field", "message"),
    [
        ("6", "", "forecast_reason", "見込みの理由を1行で入力してください"),
        ("", REASON, "forecast", "年度末見込みを入力してください（理由だけは保存できません）"),
        ("2", REASON, "forecast", "上期の実績（3回）以上の値を入力してください"),
        (
            "たくさん",
            REASON,
            "forecast",
            "実務・経営セミナーの開催回数の年度末見込み「たくさん」は数値ではありません",
        ),
        ("-1", REASON, "forecast", "年度末見込みに負の値は入力できません"),
        ("5.5", REASON, "forecast", "整数で入力してください"),
        ("6", "一行目\r\n二行目", "forecast_reason", "見込みの理由は1行で入力してください"),
        ("6", "理" * 201, "forecast_reason", "200文字以内で入力してください（201文字）"),
    ],
)
def test_a_bad_forecast_is_refused_next_to_its_field_and_what_was_typed_is_kept(
    client, period, forecast, reason, field, message
):
    officer = login(client, "demo-pref-14")
    report = kanagawa_report(period)
    seminars, meetings = line_ids(report)
    before = stored(report)
    data = form(report, **{f"l{seminars}": ("3", forecast, reason), f"l{meetings}": ("1", "1", "年1回")})
    data[f"activities-{seminars}"] = "県内3会場で開催"
    response = officer.post(KANAGAWA, data)
    assert response.status_code == 400
    page = html_lib.unescape(response.content.decode())
    summary = page.split('role="alert"')[1].split("</div>")[0]
    assert message in summary and f'href="#id_{field}-{seminars}"' in summary
    assert message in page.split(f'id="id_{field}-{seminars}-error"')[1].split("</p>")[0]
    # nothing typed is lost: every field shows what was sent
    assert f'name="forecast-{seminars}" value="{html_lib.escape(forecast)}"' in response.content.decode()
    assert (
        f'name="value-{meetings}" value="1"' in page
        and f'name="forecast_reason-{meetings}" value="年1回"' in page
    )
    assert "県内3会場で開催" in page
    assert stored(report) == before


def test_a_form_without_forecast_fields_leaves_the_stored_forecast_as_it_is(client, period):
    officer = login(client, "demo-pref-14")
    report = kanagawa_report(period)
    seminars, meetings = line_ids(report)
    officer.post(KANAGAWA, form(report, **{f"l{seminars}": ("3", "6", REASON), f"l{meetings}": ("", "", "")}))
    report.refresh_from_db()
    data = {"action": "save", "version": str(report.version), f"value-{seminars}": "4"}
    assert officer.post(KANAGAWA, data).status_code == 302
    entry = ReportEntry.objects.get(report=report, indicator_id=seminars)
    assert (entry.value, entry.forecast, entry.forecast_reason) == (Decimal(4), Decimal(6), REASON)


def test_a_forecast_typed_over_someone_elses_change_is_refused_with_the_change(client, period):
    login(client, "demo-pref-14")
    report = kanagawa_report(period)
    seminars, meetings = line_ids(report)
    officer_form = form(report, **{f"l{seminars}": ("3", "6", REASON), f"l{meetings}": ("", "", "")})
    bureau = login(client, "demo-bureau-kanto")
    bureau_form = form(report, **{f"l{seminars}": ("3", "4", "代理で入力"), f"l{meetings}": ("", "", "")})
    assert bureau.post(KANAGAWA, bureau_form).status_code == 302
    before = stored(report)
    response = login(client, "demo-pref-14").post(KANAGAWA, officer_form)
    assert response.status_code == 409
    page = html_lib.unescape(response.content.decode())
    changes = page.split('id="stale-heading"')[1].split("</table>")[0]
    assert "年度末見込み" in changes and "代理で入力" in changes
    # the current value in the field, what was sent below it
    assert f'name="forecast-{seminars}" value="4"' in page
    assert "送信した内容（保存されていません）：6" in page
    assert stored(report) == before


# --- review, approval, publication ---------------------------------------------------------------------


def test_the_reviewer_reads_the_forecast_its_reason_and_its_status_as_a_forecast(client, period):
    report = submitted_with_forecast(client, period, forecast="4")
    page = html_lib.unescape(login(client, "demo-bureau-kanto").get(KANAGAWA).content.decode())
    assert 'value="approve"' in page
    seminars_line = page.split("実務・経営セミナーの開催回数（回）</h3>")[1].split("</section>")[0]
    values = seminars_line.split('class="entry-values"')[1]
    assert "年度末見込み（回）" in values and "4回" in values
    # 4 of the year's 5: what the year's end would show, marked as a forecast and at risk
    assert "見込み △" in values and "80%" in values
    assert "2022年度の目標 5回に対して、目標に届かない見込み" in values
    assert REASON in values
    assert report.state == State.SUBMITTED


def test_approval_publishes_the_forecast_as_the_years_never_as_an_actual(client, period):
    report = submitted_with_forecast(client, period)
    seminars, meetings = line_ids(report)
    approve(client, report)
    assert report.state == State.APPROVED
    forecast = Forecast.objects.get()
    assert (forecast.indicator_id, forecast.fiscal_year, forecast.value, forecast.reason) == (
        seminars,
        2022,
        Decimal(6),
        REASON,
    )
    assert forecast.source == PUBLISHED_SOURCE and forecast.published_by.username == "demo-bureau-kanto"
    assert forecast.history.get().history_change_reason == "承認（神奈川県 2022年度 上期）"
    # the half's value is the only actual: no year figure, no figure of 6
    assert list(
        Actual.objects.filter(indicator_id__in=[seminars, meetings]).values_list("period", "value")
    ) == [
        ("h1", Decimal(3)),
        ("h1", Decimal(0)),
    ]
    # the approved page still shows it, read-only
    page = html_lib.unescape(login(client, "demo-pref-14").get(KANAGAWA).content.decode())
    assert "見込み 〇" in page and REASON in page and 'name="forecast-' not in page


def test_a_reopened_report_keeps_its_published_forecast_until_approved_again(client, period):
    report = submitted_with_forecast(client, period)
    seminars, meetings = line_ids(report)
    approve(client, report)
    jpo = login(client, "demo-jpo")
    assert (
        jpo.post(KANAGAWA + "reopen/", {"version": str(report.version), "reason": "見込みの訂正"}).status_code
        == 302
    )
    report.refresh_from_db()
    assert Forecast.objects.get().value == Decimal(6)  # published until approved again

    officer = login(client, "demo-pref-14")
    data = form(
        report, "submit", **{f"l{seminars}": ("3", "", ""), f"l{meetings}": ("0", "2", "臨時会議を予定")}
    )
    assert officer.post(KANAGAWA, data).status_code == 302
    report.refresh_from_db()
    assert Forecast.objects.get().value == Decimal(6)  # submitted is not approved
    approve(client, report)
    # the seminars' forecast withdrawn, the meetings' published
    assert list(Forecast.objects.values_list("indicator_id", "value")) == [(meetings, Decimal(2))]
    withdrawn = Forecast.history.filter(indicator_id=seminars).order_by("history_date").last()
    assert withdrawn.history_type == "-" and "見込みの取消し" in withdrawn.history_change_reason


def test_a_forecast_published_otherwise_is_not_withdrawn_by_a_report_without_one(client, period):
    seminars, _meetings = line_ids(kanagawa_report(period))
    Forecast.objects.create(indicator_id=seminars, fiscal_year=2022, value=7, source="管理者による訂正")
    report = submitted_with_forecast(client, period, forecast="", reason="")
    approve(client, report)
    assert Forecast.objects.get().value == Decimal(7)


def test_forecasts_of_a_second_half_report_are_never_read_nor_published(client, period):
    jpo = User.objects.get(username="demo-jpo")
    h2 = workflow.open_period(
        jpo,
        plan=Plan.objects.get(number=2),
        fiscal_year=2022,
        half="h2",
        deadline=datetime.date(2023, 4, 30),
        confirm_past=True,
    )
    report = workflow.report_of(h2, Region.objects.get(code="14"))
    seminars, meetings = line_ids(report)
    officer = login(client, "demo-pref-14")
    data = form(report, "submit", **{f"l{seminars}": ("2", "9", REASON), f"l{meetings}": ("1", "", "")})
    assert officer.post("/progress/14/2022/h2/", data).status_code == 302
    assert not ReportEntry.objects.filter(report=report, forecast__isnull=False).exists()
    report.refresh_from_db()
    login(client, "demo-bureau-kanto").post(
        "/progress/14/2022/h2/review/", {"action": "approve", "version": str(report.version)}
    )
    assert ReportingPeriod.objects.get(pk=h2.pk).reports.get().state == State.APPROVED
    assert not Forecast.objects.exists()


def test_an_interim_year_of_a_cumulative_goal_reads_its_forecast_against_the_plan_share(client, period):
    # 埼玉県 11-1: 採択件数 40件（2020〜2022年度累計） (002 別添2 埼玉(1)); FY2020 12件 published
    jpo = User.objects.get(username="demo-jpo")
    h1_2021 = workflow.open_period(
        jpo,
        plan=Plan.objects.get(number=2),
        fiscal_year=2021,
        half="h1",
        deadline=datetime.date(2021, 10, 31),
        confirm_past=True,
    )
    report = workflow.report_of(h1_2021, Region.objects.get(code="11"))
    subsidies = report.entries.get(indicator__kpi__code="11-1", indicator__code="1").indicator
    Actual.objects.create(indicator=subsidies, period="fy", year=2020, value=12, measure="count")
    officer = login(client, "demo-pref-11")
    data = {"action": "submit", "version": str(report.version), "confirmed": "1"}
    data |= {
        f"value-{subsidies.pk}": "7",
        f"forecast-{subsidies.pk}": "16",
        f"forecast_reason-{subsidies.pk}": REASON,
    }
    assert officer.post("/progress/11/2021/h1/", completed_form(report, data)).status_code == 302
    page = html_lib.unescape(login(client, "demo-bureau-kanto").get("/progress/11/2021/h1/").content.decode())
    line = page.split(f"{subsidies.name}（件）</h3>")[1].split("</section>")[0]
    forecast = line.split('class="forecast"')[1].split("</dd>")[0]
    # 12 + 16 = 28 by the end of FY2021, above two thirds of 40: on pace, not a mark, no rate of the goal
    assert "見込み 順調" in forecast and "%" not in forecast
    assert "2020〜2022年度累計40件の3分の2（2021年度までの按分）に対して" in forecast
