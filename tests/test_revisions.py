"""Revising targets and KPI texts (kpis/revisions.py) and the revise page (/kpis/<id>/revise/).

Achievement uses the target in force for each year: a revision changes the years from its
effective year on and leaves the judgement of earlier years as it was.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from kpis.figures import achievement_of, thresholds_of, with_figures
from kpis.models import Actual, Indicator, Kpi, Revision, Target
from kpis.revisions import RevisionError, revise_kpi_text, revise_target
from plans.loading import LOADED_REASON
from regions import roles
from regions.demo import create_demo_users
from regions.models import Affiliation, Block

AS_OF = datetime.date(2023, 6, 1)


@pytest.fixture
def users(db):
    create_demo_users()
    tohoku = User.objects.create_user("bureau-tohoku", password="x", first_name="東北経済産業局 知的財産室")
    tohoku.groups.add(Group.objects.get(name=roles.BUREAU_STAFF))
    Affiliation.objects.create(user=tohoku, block=Block.objects.get(code="tohoku"))
    return {user.username: user for user in User.objects.all()}


def indicator_of(kpi_code: str, code: str = "1", plan_number: int = 2) -> Indicator:
    return Indicator.objects.select_related("kpi__plan", "kpi__region").get(
        kpi__plan__number=plan_number, kpi__code=kpi_code, code=code
    )


def judged(indicator: Indicator, year: int):
    fresh = with_figures(Indicator.objects.filter(pk=indicator.pk)).get()
    return achievement_of(fresh, fiscal_year=year, as_of=AS_OF, thresholds=thresholds_of(fresh.kpi.plan))


def targets_of(indicator: Indicator) -> list[tuple]:
    return [
        (t.period, t.year, t.value)
        for t in Target.objects.filter(indicator=indicator).order_by("year", "period")
    ]


def changes(history):
    """History records written since the documents were loaded (each object has one loaded record)."""
    return history.exclude(history_change_reason=LOADED_REASON)


def history_counts() -> tuple[int, int]:
    return Target.history.count(), Kpi.history.count()


def add_actuals(indicator: Indicator, values: dict[int, str], period: str = "fy") -> None:
    for year, value in values.items():
        Actual.objects.create(indicator=indicator, period=period, year=year, value=Decimal(value))


# --- each target shape, read by the engine ------------------------------------------------------


def test_a_per_year_target_changes_from_the_effective_year_on(users):
    # 外国出願補助金支援による新規採択件数: 400件/年度; 515 (2020), 383 (2021), 328 (2022)
    indicator = indicator_of("C04")
    before = {year: judged(indicator, year) for year in (2020, 2021, 2022)}
    assert before[2021].target_value == 400

    revision = revise_target(
        users["demo-jpo"],
        indicator,
        new_value=Decimal("500"),
        effective_fiscal_year=2021,
        reason="予算増額のため",
    )

    after = {year: judged(indicator, year) for year in (2020, 2021, 2022)}
    assert (after[2020].target_value, after[2020].rate, after[2020].status) == (
        before[2020].target_value,
        before[2020].rate,
        before[2020].status,
    )
    assert after[2021].target_value == 500 and after[2021].rate == Decimal("76.6")
    assert after[2022].target_value == 500
    assert targets_of(indicator) == [("fy", 2020, 400), ("fy", 2021, 500), ("fy", 2022, 500)]
    assert (revision.old_value, revision.new_value, revision.effective_fiscal_year) == (400, 500, 2021)
    assert (revision.kpi, revision.indicator, revision.revised_by) == (
        indicator.kpi,
        indicator,
        users["demo-jpo"],
    )
    records = changes(Target.history.filter(indicator_id=indicator.pk))
    assert records.count() == 2
    assert {(r.year, r.history_user.username, r.history_change_reason) for r in records} == {
        (2021, "demo-jpo", "予算増額のため"),
        (2022, "demo-jpo", "予算増額のため"),
    }


def test_a_per_year_target_set_only_for_the_first_year_gets_a_target_of_the_effective_year(users):
    # 企業訪問件数 (栃木県): 30件 for 2020, in force in the later years until revised
    indicator = indicator_of("09-1")
    add_actuals(indicator, {2020: "31", 2021: "31", 2022: "31"})
    assert judged(indicator, 2022).target_value == 30

    revise_target(
        users["demo-bureau-kanto"],
        indicator,
        new_value=Decimal("40"),
        effective_fiscal_year=2022,
        reason="拡充",
    )

    assert [judged(indicator, year).target_value for year in (2020, 2021, 2022)] == [30, 30, 40]
    created = Target.objects.get(indicator=indicator, year=2022)
    assert (created.period, created.value, created.note) == ("fy", 40, "改定後の目標（2022年度改定）")


def test_a_baseline_goal_is_kept_for_the_years_before_the_effective_year(users):
    # 中小企業のPCT出願件数: 4,379件（2018年）→ 5,000件（2022年）; 5,072 (2020), 5,115 (2021), 4,700 (2022)
    indicator = indicator_of("C08")
    before_2020 = judged(indicator, 2020)
    assert (before_2020.target_value, before_2020.status.value) == (5000, "achieved")

    revise_target(
        users["demo-jpo"], indicator, new_value=Decimal("5500"), effective_fiscal_year=2021, reason="上方修正"
    )

    after_2020 = judged(indicator, 2020)
    assert (after_2020.target_value, after_2020.rate, after_2020.status) == (
        before_2020.target_value,
        before_2020.rate,
        before_2020.status,
    )
    assert after_2020.baseline_value == 4379
    assert judged(indicator, 2021).target_value == 5500
    assert judged(indicator, 2022).target_value == 5500
    kept = Target.objects.get(indicator=indicator, year=2020)
    assert (kept.period, kept.value, kept.baseline_value, kept.baseline_year) == ("cy", 5000, 4379, 2018)
    assert kept.note == "改定前の目標（2021年度改定）"
    assert Target.objects.get(indicator=indicator, year=2022).value == 5500
    assert Revision.objects.get(indicator=indicator).old_value == 5000


def test_a_goal_revised_from_the_plans_first_year_keeps_nothing_before_it(users):
    indicator = indicator_of("C08")
    revise_target(
        users["demo-jpo"], indicator, new_value=Decimal("5500"), effective_fiscal_year=2020, reason="見直し"
    )
    assert targets_of(indicator) == [("cy", 2022, 5500)]
    assert judged(indicator, 2020).target_value == 5500


def test_a_share_goal_set_for_the_first_year_is_kept_for_the_year_before_the_revision(users):
    # 知的所有権の出願を完了した企業の割合 (群馬県): 30% set for 2020, in force until revised
    indicator = indicator_of("10-1")
    add_actuals(indicator, {2020: "25", 2021: "28", 2022: "33"})
    before = [judged(indicator, year) for year in (2020, 2021)]

    revise_target(
        users["demo-bureau-kanto"],
        indicator,
        new_value=Decimal("35.5"),
        effective_fiscal_year=2022,
        reason="見直し",
    )

    # Without the kept goal, 2021 would look forward to the new 2022 goal.
    assert [judged(indicator, year).target_value for year in (2020, 2021)] == [t.target_value for t in before]
    assert [judged(indicator, year).status for year in (2020, 2021)] == [t.status for t in before]
    assert judged(indicator, 2022).target_value == Decimal("35.5")
    assert targets_of(indicator) == [("fy", 2020, 30), ("fy", 2021, 30), ("fy", 2022, Decimal("35.5"))]


def test_a_milestone_keeps_its_due_date_and_its_earlier_goal(users):
    # 埼玉ブランド食品開発研究会の立ち上げ: 1 by 2021-03-31
    indicator = indicator_of("11-2", "2")
    Actual.objects.create(
        indicator=indicator, period="fy", year=2020, value=1, achieved_on=datetime.date(2021, 2, 1)
    )
    assert judged(indicator, 2020).status.value == "achieved"

    revise_target(
        users["demo-jpo"], indicator, new_value=Decimal("2"), effective_fiscal_year=2021, reason="第二段階"
    )

    assert judged(indicator, 2020).status.value == "achieved"
    assert judged(indicator, 2020).target_value == 1
    assert judged(indicator, 2021).target_value == 2
    assert judged(indicator, 2021).status.value == "not_achieved"  # due 2021-03-31, only 1 reached
    assert Target.objects.get(indicator=indicator, year=2021).due_date == datetime.date(2021, 3, 31)


def test_a_cumulative_total_is_changed_for_its_whole_span(users):
    # 地域金融機関と連携した支援件数: 250件（2020〜2022年度累計）; 213 by the end of 2022
    indicator = indicator_of("C03")
    assert judged(indicator, 2022).target_value == 250

    revision = revise_target(
        users["demo-jpo"], indicator, new_value=Decimal("200"), effective_fiscal_year=2022, reason="事業縮小"
    )

    result = judged(indicator, 2022)
    assert (result.target_value, result.actual_value, result.status.value) == (200, 213, "achieved")
    target = Target.objects.get(indicator=indicator)
    assert (target.period, target.year, target.start_year, target.value) == ("cum", 2022, 2020, 200)
    assert (revision.old_value, revision.new_value) == (250, 200)


# --- what a revision refuses --------------------------------------------------------------------


def refused(call) -> dict:
    with pytest.raises(RevisionError) as raised:
        call()
    assert raised.value.message == "入力内容に誤りがあります。改定していません。"
    return raised.value.field_errors


@pytest.mark.parametrize(
    ("kpi_code", "value", "year", "reason", "field", "message"),
    [
        ("C04", "500", 2021, "  ", "reason", "改定理由を入力してください。"),
        ("C04", "500", 2023, "理由", "effective_fiscal_year", "2023年度は第2次地域知財活性化行動計画の期間"),
        ("C04", "500", 2019, "理由", "effective_fiscal_year", "（2020〜2022年度）外です。"),
        ("C04", "-1", 2021, "理由", "new_value", "負の値は入力できません。"),
        ("C04", "10.5", 2021, "理由", "new_value", "件数等のため整数で入力してください。"),
        ("C09", "101", 2021, "理由", "new_value", "割合のため0〜100の範囲で入力してください。"),
        ("C04", "400", 2021, "理由", "new_value", "目標値が現在の目標と同じです。"),
    ],
)
def test_bad_revisions_change_nothing(users, kpi_code, value, year, reason, field, message):
    indicator = indicator_of(kpi_code)
    targets = targets_of(indicator)
    history = history_counts()
    errors = refused(
        lambda: revise_target(
            users["demo-jpo"], indicator, new_value=Decimal(value), effective_fiscal_year=year, reason=reason
        )
    )
    assert message in errors[field]
    assert targets_of(indicator) == targets
    assert not Revision.objects.exists()
    assert history_counts() == history


def test_an_indicator_without_a_numeric_target_has_no_target_to_revise(users):
    indicator = Indicator.objects.filter(target_shape="none").select_related("kpi__plan").first()
    errors = refused(
        lambda: revise_target(
            users["demo-jpo"], indicator, new_value=Decimal("5"), effective_fiscal_year=2017, reason="理由"
        )
    )
    assert errors["new_value"] == "この指標には数値目標がないため、目標値は改定できません。"


def test_a_long_reason_is_kept_whole_in_the_revision_and_in_the_history(users):
    reason = "県の産業振興ビジョンの改定に合わせた見直し。" * 10
    revision = revise_target(
        users["demo-jpo"],
        indicator_of("C04"),
        new_value=Decimal("450"),
        effective_fiscal_year=2022,
        reason=reason,
    )
    assert revision.reason == reason
    assert len(reason) > 100  # longer than a history reason could once hold
    record = changes(Target.history.filter(year=2022, indicator_id=revision.indicator_id)).get()
    assert record.history_change_reason == reason


# --- who may revise -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "kpi_code", "allowed"),
    [
        ("demo-jpo", "C04", True),
        ("demo-jpo", "02-1", True),
        ("demo-admin", "14-1", True),
        ("demo-bureau-kanto", "14-1", True),
        ("demo-bureau-kanto", "C04", False),
        ("demo-bureau-kanto", "02-1", False),
        ("bureau-tohoku", "02-1", True),
        ("bureau-tohoku", "14-1", False),
        ("demo-pref-14", "14-1", False),
        ("demo-viewer", "14-1", False),
    ],
)
def test_who_may_revise_a_target(users, username, kpi_code, allowed):
    indicator = indicator_of(kpi_code)
    old = Target.objects.get(indicator=indicator, period="fy", year=2022).value

    def call():
        return revise_target(
            users[username], indicator, new_value=old + 1, effective_fiscal_year=2022, reason="見直し"
        )

    if allowed:
        call()
        assert Target.objects.get(indicator=indicator, period="fy", year=2022).value == old + 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert Target.objects.get(indicator=indicator, period="fy", year=2022).value == old
        assert not Revision.objects.exists()


# --- KPI texts ----------------------------------------------------------------------------------


def test_a_kpi_text_is_revised_with_its_history_and_revision(users):
    kpi = Kpi.objects.select_related("plan", "region").get(plan__number=2, code="14-1")
    old_text = kpi.text
    revision = revise_kpi_text(
        users["demo-bureau-kanto"],
        kpi,
        new_text="実務・経営セミナーを年6回開催する。\r\n",
        effective_fiscal_year=2022,
        reason="ビジョン改定",
    )
    kpi.refresh_from_db()
    assert kpi.text == "実務・経営セミナーを年6回開催する。"
    assert (revision.old_text, revision.new_text, revision.indicator) == (old_text, kpi.text, None)
    record = changes(kpi.history).get()
    assert (record.history_type, record.history_user.username, record.history_change_reason) == (
        "~",
        "demo-bureau-kanto",
        "ビジョン改定",
    )
    # the record before it is the documents' text, as loaded
    loaded = record.prev_record
    assert (loaded.history_type, loaded.history_change_reason, loaded.text) == ("+", LOADED_REASON, old_text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  ", "KPI本文は空にできません。"),
        (None, "KPI本文は空にできません。"),
        ("same", "KPI本文が現在の本文と同じです。"),
    ],
)
def test_an_empty_or_unchanged_kpi_text_is_refused(users, text, message):
    kpi = Kpi.objects.select_related("plan", "region").get(plan__number=2, code="14-1")
    old_text = kpi.text
    history = history_counts()
    new_text = old_text + "\n" if text == "same" else text
    errors = refused(
        lambda: revise_kpi_text(
            users["demo-jpo"], kpi, new_text=new_text, effective_fiscal_year=2022, reason="理由"
        )
    )
    assert message in errors["new_text"]
    kpi.refresh_from_db()
    assert kpi.text == old_text
    assert history_counts() == history


def test_a_kpi_text_of_another_block_may_not_be_revised(users):
    kpi = Kpi.objects.select_related("plan", "region").get(plan__number=2, code="02-1")
    with pytest.raises(PermissionDenied):
        revise_kpi_text(
            users["demo-bureau-kanto"], kpi, new_text="別の本文", effective_fiscal_year=2022, reason="理由"
        )


# --- the revise page ----------------------------------------------------------------------------


def url_of(kpi_code: str, code: str = "1") -> str:
    return f"/kpis/{indicator_of(kpi_code, code).pk}/revise/"


def posted(kpi_code: str, **fields) -> dict:
    form = {
        "new_value": "",
        "new_text": Kpi.objects.get_by_natural_key(2, kpi_code).text,
        "effective_fiscal_year": "2022",
        "reason": "県の計画の見直し",
    }
    form.update(fields)
    return form


def test_anonymous_users_are_sent_to_log_in(client, users):
    response = client.get(url_of("14-1"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(url_of("14-1"), posted("14-1", new_value="7")).status_code == 302
    assert Target.objects.get(indicator=indicator_of("14-1"), year=2022).value == 5


@pytest.mark.parametrize(
    ("username", "kpi_code", "status"),
    [
        ("demo-jpo", "C04", 200),
        ("demo-jpo", "14-1", 200),
        ("demo-admin", "02-1", 200),
        ("demo-bureau-kanto", "14-1", 200),
        ("demo-bureau-kanto", "C04", 403),
        ("demo-bureau-kanto", "02-1", 403),
        ("bureau-tohoku", "02-1", 200),
        ("bureau-tohoku", "14-1", 403),
        ("demo-pref-14", "14-1", 403),
        ("demo-pref-02", "02-1", 403),
        ("demo-viewer", "14-1", 403),
    ],
)
def test_the_revise_page_per_role(client, users, username, kpi_code, status):
    client.force_login(users[username])
    response = client.get(url_of(kpi_code))
    assert response.status_code == status
    if status == 403:
        assert "KPI・目標を改定できるのは" in response.content.decode()
        response = client.post(url_of(kpi_code), posted(kpi_code, new_value="99"))
        assert response.status_code == 403
        assert not Revision.objects.exists()
    else:
        page = response.content.decode()
        assert '<label for="id_new_value">' in page and '<label for="id_reason">' in page
        assert '<option value="2022" selected>' in page


@pytest.mark.parametrize("username", ["demo-jpo", "demo-viewer"])
def test_an_unknown_indicator_is_not_found(client, users, username):
    client.force_login(users[username])
    assert client.get("/kpis/999999/revise/").status_code == 404


def test_a_revision_posted_redirects_to_the_indicator_page_with_a_message(client, users):
    client.force_login(users["demo-bureau-kanto"])
    indicator = indicator_of("14-1")
    response = client.post(
        url_of("14-1"), posted("14-1", new_value="６", effective_fiscal_year="2021"), follow=True
    )
    assert response.redirect_chain == [(f"/kpis/{indicator.pk}/", 302)]
    assert "目標・KPIを改定しました（2021年度から適用）。" in response.content.decode()
    assert targets_of(indicator) == [("fy", 2020, 5), ("fy", 2021, 6), ("fy", 2022, 6)]
    revision = Revision.objects.get()
    assert (revision.reason, revision.revised_by, revision.old_value, revision.new_value) == (
        "県の計画の見直し",
        users["demo-bureau-kanto"],
        5,
        6,
    )


def test_a_value_and_a_text_revised_together_make_two_revisions(client, users):
    client.force_login(users["demo-jpo"])
    response = client.post(
        url_of("14-1"), posted("14-1", new_value="8", new_text="セミナーを年8回開催する。")
    )
    assert response.status_code == 302
    assert Revision.objects.filter(indicator__isnull=False).get().new_value == 8
    assert Revision.objects.filter(indicator__isnull=True).get().new_text == "セミナーを年8回開催する。"
    assert Kpi.objects.get_by_natural_key(2, "14-1").text == "セミナーを年8回開催する。"


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ({"reason": ""}, ["改定理由を入力してください。"]),
        (
            {"new_value": "abc", "reason": ""},
            ["新しい目標値「abc」は数値ではありません。", "改定理由を入力してください。"],
        ),
        ({"new_value": "5.5"}, ["新しい目標値は件数等のため整数で入力してください。"]),
        ({"new_value": "", "effective_fiscal_year": "2024"}, ["2024年度は第2次地域知財活性化行動計画の期間"]),
        ({"new_value": "", "effective_fiscal_year": "x"}, ["適用開始年度を選んでください。"]),
        ({"new_value": ""}, ["目標値またはKPI本文のどちらかを変更してください。"]),
        ({"new_value": "5"}, ["目標値が現在の目標と同じです。"]),
        # the value is fine, the text is not: neither is saved
        ({"new_value": "9", "new_text": "  "}, ["KPI本文は空にできません。"]),
    ],
)
def test_bad_input_is_refused_with_messages_and_changes_nothing(client, users, fields, messages):
    client.force_login(users["demo-bureau-kanto"])
    indicator = indicator_of("14-1")
    targets = targets_of(indicator)
    text = indicator.kpi.text
    history = history_counts()
    form = posted("14-1", new_value="7")
    form.update(fields)
    response = client.post(url_of("14-1"), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "入力内容に誤りがあります。改定していません。" in page
    for message in messages:
        assert message in page
    # what was typed is shown again
    assert form["reason"] in page
    assert targets_of(indicator) == targets
    assert Kpi.objects.get(pk=indicator.kpi_id).text == text
    assert not Revision.objects.exists()
    assert history_counts() == history


def test_a_text_saved_next_to_a_refused_value_is_rolled_back(client, users):
    """The value is refused inside the revision (unchanged), the text would be saved: neither is."""
    client.force_login(users["demo-jpo"])
    kpi = Kpi.objects.get_by_natural_key(2, "14-1")
    history = history_counts()
    response = client.post(url_of("14-1"), posted("14-1", new_value="5", new_text="新しい本文"))
    assert response.status_code == 400
    assert "目標値が現在の目標と同じです。" in response.content.decode()
    assert Kpi.objects.get(pk=kpi.pk).text == kpi.text
    assert not Revision.objects.exists()
    assert history_counts() == history
