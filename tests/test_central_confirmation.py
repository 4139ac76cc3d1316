"""Central 確定 in two steps: 「確定（確認へ）」 shows what would be published beside the targets, with
the plausibility warnings, and writes nothing; 「この内容で確定する」 publishes at the versions the
form was opened at; 「戻って修正する」 keeps everything typed."""

import re

import pytest
from django.contrib.auth.models import User

from kpis.models import Actual, Indicator
from regions.demo import create_demo_users
from reports.central.entry import read_form, save_drafts
from reports.models import CentralEntry

pytestmark = pytest.mark.django_db

URL = "/central/2/2022/fy/"


@pytest.fixture
def jpo(client):
    create_demo_users()
    client.force_login(User.objects.get(username="demo-jpo"))
    return client


def central(code: str) -> Indicator:
    return Indicator.objects.select_related("kpi").get(kpi__plan__number=2, kpi__code=code, code="1")


def form_of(client, **changes) -> dict:
    page = client.get(URL).content.decode()
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="((?:value|note|version)-\d+)"', tag)
        if name:
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = value.group(1) if value else ""
    return data | changes


def test_the_first_step_shows_the_values_beside_the_targets_and_writes_nothing(jpo):
    share = central("C09")  # 40% by FY2022
    response = jpo.post(URL, form_of(jpo, **{f"value-{share.pk}": "30"}) | {"action": "review"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "中央KPI実績の確定：確認" in html and "まだ確定していません" in html
    row = html[html.index(share.kpi.code + "）") :][:600]
    assert "30%" in row and "40%" in row
    assert 'value="confirm"' in html and f'name="value-{share.pk}" value="30"' in html
    assert (
        not CentralEntry.objects.exists() and not Actual.objects.filter(indicator=share, year=2022).exists()
    )


def test_the_confirming_post_publishes_and_back_keeps_everything_typed(jpo):
    share = central("C09")
    data = form_of(jpo, **{f"value-{share.pk}": "30", f"note-{share.pk}": "調査の速報値"})
    back = jpo.post(URL, data | {"action": "back"})
    assert back.status_code == 200 and 'value="調査の速報値"' in back.content.decode()
    assert not CentralEntry.objects.exists()

    assert jpo.post(URL, data | {"action": "confirm"}).status_code == 302
    assert Actual.objects.get(indicator=share, period="fy", year=2022).value == 30


def test_a_value_far_from_its_pace_is_flagged_on_the_confirmation_not_refused(jpo):
    hands_on = central("C01")
    response = jpo.post(URL, form_of(jpo, **{f"value-{hands_on.pk}": "100000"}) | {"action": "review"})
    assert response.status_code == 200
    assert "の5倍を超えています。" in response.content.decode()


def test_a_change_meanwhile_is_a_409_on_the_first_step(jpo):
    share = central("C09")
    data = form_of(jpo, **{f"value-{share.pk}": "30"})
    values, versions = read_form(share.kpi.plan, {f"value-{share.pk}": "35", f"version-{share.pk}": "0"})
    save_drafts(User.objects.get(username="demo-jpo"), share.kpi.plan, 2022, "fy", values, versions)

    response = jpo.post(URL, data | {"action": "review"})

    assert response.status_code == 409
    assert CentralEntry.objects.get(indicator=share).value == 35


def test_the_confirmation_runs_a_fixed_number_of_queries(jpo, django_assert_max_num_queries):
    data = form_of(jpo)
    with django_assert_max_num_queries(20):
        response = jpo.post(URL, data | {"action": "review"})
    assert response.status_code == 200
