"""Central staff's 上期 entry takes a year-end forecast (年度末見込み) with a one-line reason: a draft
until confirmed, published as the year's forecast by confirmation (never as an actual), kept in the
entry's history, checked with Japanese messages that keep what was typed. The target column is the
one rule's (kpis.figures.target_of)."""

import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from kpis.models import Actual, Indicator, Target
from plans.models import Plan
from regions.demo import create_demo_users
from reports.central.entry import CONFIRMED_SOURCE, confirm, save_drafts
from reports.central.reading import entry_rows
from reports.models import CentralEntry, Forecast

pytestmark = pytest.mark.django_db

H1_URL = "/central/2/2022/h1/"
FY_URL = "/central/2/2022/fy/"
REASON = "下期に集中支援を予定"


@pytest.fixture
def jpo(client, db):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-jpo"))
    return client


def hands_on() -> Indicator:
    """C01 ハンズオン支援社数: 250社/年度 (001 §5-1)."""
    return Indicator.objects.get(kpi__plan__number=2, kpi__code="C01", code="1")


def form_data(client, url: str, **changes) -> dict:
    """Every field of the entry form as the page rendered it, with `changes` ({"value-12": "30"})."""
    page = client.get(url).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and re.match(r"(value|note|version|forecast|forecast_reason)-", name.group(1)):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return data | changes


def post(client, action: str = "save", url: str = H1_URL, **changes):
    return client.post(url, form_data(client, url, **changes) | {"action": action})


def fields(indicator: Indicator, value: str, forecast: str, reason: str) -> dict:
    pk = indicator.pk
    return {f"value-{pk}": value, f"forecast-{pk}": forecast, f"forecast_reason-{pk}": reason}


def test_the_first_half_page_asks_for_a_forecast_and_the_year_page_does_not(jpo):
    h1 = html.unescape(jpo.get(H1_URL).content.decode())
    assert "年度末見込み（任意）" in h1 and f'name="forecast-{hands_on().pk}"' in h1
    assert f'name="forecast_reason-{hands_on().pk}"' in h1
    fy = jpo.get(FY_URL).content.decode()
    assert 'name="forecast-' not in fy and "年度末見込み" not in fy


def test_the_target_shown_is_the_one_rules(jpo):
    rows = {row.indicator.pk: row for row in entry_rows(Plan.objects.get(number=2), 2022, "h1")}
    target = rows[hands_on().pk].target
    assert (target.period, target.year, target.value) == ("fy", 2022, Decimal(250))
    # a half with a target of its own takes it
    Target.objects.create(indicator=hands_on(), period="h1", year=2022, value=120, measure="count")
    rows = {row.indicator.pk: row for row in entry_rows(Plan.objects.get(number=2), 2022, "h1")}
    assert (rows[hands_on().pk].target.period, rows[hands_on().pk].target.value) == ("h1", Decimal(120))


def test_a_forecast_is_a_draft_until_confirmed_then_the_years_published_forecast(jpo):
    indicator = hands_on()
    assert post(jpo, **fields(indicator, "130", "２６０", REASON)).status_code == 302
    entry = CentralEntry.objects.get(indicator=indicator, period="h1", fiscal_year=2022)
    assert (entry.value, entry.forecast, entry.forecast_reason) == (Decimal(130), Decimal(260), REASON)
    assert not Forecast.objects.exists()

    assert post(jpo, "confirm").status_code == 302
    forecast = Forecast.objects.get()
    assert (forecast.indicator, forecast.fiscal_year, forecast.value, forecast.reason) == (
        indicator,
        2022,
        Decimal(260),
        REASON,
    )
    assert forecast.source == CONFIRMED_SOURCE
    # the half's figure is published, the forecast is not a figure
    assert Actual.objects.get(indicator=indicator, period="h1", year=2022).value == Decimal(130)
    assert not Actual.objects.filter(indicator=indicator, value=260).exists()
    # in the history, with the forecast beside the value
    history = html.unescape(jpo.get(H1_URL).content.decode()).split('id="history"')[1]
    assert "年度末見込み" in history and "260" in history


def test_a_confirmed_forecast_changed_again_stays_published_until_the_next_confirmation(jpo):
    indicator = hands_on()
    post(jpo, "confirm", **fields(indicator, "130", "260", REASON))
    assert post(jpo, **fields(indicator, "130", "240", "採択が遅れる見込み")).status_code == 302
    entry = CentralEntry.objects.get(indicator=indicator, period="h1")
    assert entry.state == CentralEntry.State.DRAFT and entry.forecast == Decimal(240)
    assert Forecast.objects.get().value == Decimal(260)
    # the draft is discarded: back to what is published, the forecast included
    assert (
        post(
            jpo,
            **{
                f"value-{indicator.pk}": "",
                f"forecast-{indicator.pk}": "",
                f"forecast_reason-{indicator.pk}": "",
            },
        ).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.state, entry.forecast, entry.forecast_reason) == ("confirmed", Decimal(260), REASON)
    # confirmed without a forecast: the published one is withdrawn
    post(jpo, "confirm", **fields(indicator, "130", "", ""))
    assert not Forecast.objects.exists()


def test_a_form_without_forecast_fields_leaves_the_stored_forecast(jpo):
    indicator = hands_on()
    post(jpo, **fields(indicator, "130", "260", REASON))
    entry = CentralEntry.objects.get(indicator=indicator, period="h1")
    save_drafts(
        User.objects.get(username="demo-jpo"),
        Plan.objects.get(number=2),
        2022,
        "h1",
        {indicator.pk: (Decimal(131), "")},
        {indicator.pk: entry.version},
    )
    entry.refresh_from_db()
    assert (entry.value, entry.forecast, entry.forecast_reason) == (Decimal(131), Decimal(260), REASON)


@pytest.mark.parametrize(
    ("value", "forecast", "reason", "field", "message"),
    [
        ("130", "260", "", "forecast_reason", "見込みの理由を1行で入力してください"),
        ("130", "", REASON, "forecast", "年度末見込みを入力してください（理由だけは保存できません）"),
        ("", "260", REASON, "forecast", "上期の実績も入力してください"),
        ("130", "120", REASON, "forecast", "上期の実績（130社）以上の値を入力してください"),
        ("130", "二百", REASON, "forecast", "年度末見込み「二百」は数値ではありません"),
    ],
)
def test_a_bad_forecast_is_refused_and_what_was_typed_is_kept(jpo, value, forecast, reason, field, message):
    indicator = hands_on()
    response = post(jpo, "confirm", **fields(indicator, value, forecast, reason))
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    summary = page.split('role="alert"')[1].split("</div>")[0]
    assert message in summary and f'href="#{field}-{indicator.pk}"' in summary
    assert message in page.split(f'id="{field}-{indicator.pk}-error"')[1].split("</span>")[0]
    assert f'name="forecast-{indicator.pk}" value="{forecast}"' in page
    assert f'name="forecast_reason-{indicator.pk}" value="{reason}"' in page
    assert not CentralEntry.objects.exists() and not Forecast.objects.exists()


def test_forecasts_of_a_year_entry_are_neither_read_nor_published(jpo):
    indicator = hands_on()
    user, plan = User.objects.get(username="demo-jpo"), Plan.objects.get(number=2)
    save_drafts(
        user, plan, 2022, "fy", {indicator.pk: (Decimal(277), "", Decimal(300), REASON)}, {indicator.pk: 0}
    )
    assert CentralEntry.objects.get(indicator=indicator, period="fy").forecast is None
    assert post(jpo, "confirm", url=FY_URL, **{f"forecast-{indicator.pk}": "300"}).status_code == 302
    assert CentralEntry.objects.get(indicator=indicator, period="fy").forecast is None
    assert not Forecast.objects.exists()
    confirm(user, plan, 2022, "fy", {})
    assert not Forecast.objects.exists()
