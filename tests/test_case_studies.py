"""Case studies (成果事例): who sees drafts and published ones, search and filters, drafting, publishing,
locking and history — through reports/case_studies/rules.py and the pages, with the demo users."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Actual, Kpi
from plans.models import Plan
from regions.demo import create_demo_users
from regions.models import Region
from reports.case_studies import rules
from reports.models import CaseStudy, CaseStudyStep, CaseStudyTheme
from reports.progress.workflow import WorkflowError

pytestmark = pytest.mark.django_db

State = CaseStudy.State
LIBRARY = "/case-studies/"
NEW = "/case-studies/new/"


@pytest.fixture
def users():
    create_demo_users()
    return {name: User.objects.get(username=name) for name in USERNAMES}


USERNAMES = ["demo-jpo", "demo-bureau-kanto", "demo-pref-14", "demo-pref-11", "demo-pref-02", "demo-viewer"]


def login(client, username: str):
    client.force_login(User.objects.get(username=username))
    return client


def kanagawa():
    return Region.objects.get(code="14")


def plan2():
    return Plan.objects.get(number=2)


def kanagawa_kpi() -> Kpi:
    return rules.region_kpis(plan2(), kanagawa()).first()


def draft_input(**changes) -> rules.CaseStudyInput:
    kpi = kanagawa_kpi()
    values = {
        "themes": list(CaseStudyTheme.objects.filter(code__in=["trade_secret", "support"])),
        "title": "神奈川県における地域KPIの成果",
        "kpi": kpi,
        "outcomes": "県内の中小企業3社が営業秘密管理規程を整備した。",
        "stage": 2,
        "steps": [rules.StepInput("R4.6", "知財総合支援窓口が企業を訪問し、営業秘密の管理について助言。")],
        "figures": [rules.FigureInput(kpi.indicators.first(), 2022)],
    }
    values.update(changes)
    return rules.CaseStudyInput(**values)


@pytest.fixture
def draft(users):
    """A draft case study of 神奈川県 written by its officer."""
    return rules.create(users["demo-pref-14"], plan=plan2(), region=kanagawa(), data=draft_input())


def posted(case: CaseStudy | None = None, **changes) -> dict:
    """The form as the page sends it."""
    kpi = kanagawa_kpi()
    data = {
        "title": "神奈川県における地域KPIの成果",
        "subtitle": "",
        "kpi": str(kpi.pk),
        "kpi_text": "",
        "outcomes": "県内の中小企業3社が営業秘密管理規程を整備した。",
        "stage": "2",
        "themes": ["trade_secret", "support"],
        "step-0-date_label": "R4.6",
        "step-0-text": "知財総合支援窓口が企業を訪問し、営業秘密の管理について助言。",
        "step-1-date_label": "",
        "step-1-text": "",
        "figure-0-indicator": str(kpi.indicators.first().pk),
        "figure-0-fiscal_year": "2022",
        "figure-0-label": "",
    }
    if case is not None:
        data["version"] = str(case.version)
    else:
        data.update({"plan": "2", "region": "14"})
    data.update(changes)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- dates as printed ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # 000 成果事例 島根・和歌山・石川: H30.10, H.30.10, R1.6, R1.11
        ("H30.10", (datetime.date(2018, 10, 1), 2018)),
        ("H.30.10", (datetime.date(2018, 10, 1), 2018)),
        ("R1.6", (datetime.date(2019, 6, 1), 2019)),
        ("R1.11", (datetime.date(2019, 11, 1), 2019)),
        # 000 成果事例 山形・愛媛: full-width digits and letters
        ("２０１８．４", (datetime.date(2018, 4, 1), 2018)),
        ("Ｈ30.6", (datetime.date(2018, 6, 1), 2018)),
        # 000 成果事例 長野: H31.3月 belongs to FY2018, R2.３月 to FY2019
        ("H31.3月", (datetime.date(2019, 3, 1), 2018)),
        ("R2.３月", (datetime.date(2020, 3, 1), 2019)),
        # 000 その他成果事例 福井: 平成30年10月
        ("平成30年10月", (datetime.date(2018, 10, 1), 2018)),
        # fiscal years only
        ("平成30年度", (None, 2018)),
        ("令和元年度", (None, 2019)),
        ("H30", (None, 2018)),
        ("2022年度", (None, 2022)),
        # nothing to read
        ("", (None, None)),
        ("今後", (None, None)),
        ("H30.13", (None, None)),
    ],
)
def test_a_steps_printed_date_is_read(label, expected):
    assert rules.parse_step_date(label) == expected


# --- who sees what ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "sees_draft"),
    [
        ("demo-pref-14", True),  # the region's officer
        ("demo-bureau-kanto", True),  # the bureau of its block
        ("demo-jpo", True),  # central staff
        ("demo-pref-11", False),  # another officer of the same block
        ("demo-pref-02", False),  # an officer of another block
        ("demo-viewer", False),
    ],
)
def test_published_case_studies_are_seen_by_everyone_drafts_only_in_scope(
    client, draft, username, sees_draft
):
    user = User.objects.get(username=username)
    visible = set(rules.visible_case_studies(user).values_list("code", flat=True))
    published = set(CaseStudy.objects.filter(state=State.PUBLISHED).values_list("code", flat=True))
    assert published <= visible and len(published) == 11  # 000: the central case and ten regional ones
    assert (draft.code in visible) is sees_draft
    login(client, username)
    assert client.get(f"/case-studies/{draft.pk}/").status_code == (200 if sees_draft else 404)
    assert (draft.title in client.get(LIBRARY).content.decode()) is sees_draft


def test_anonymous_users_see_nothing(client):
    assert rules.visible_case_studies(AnonymousUser()).count() == 0
    response = client.get(LIBRARY)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the library --------------------------------------------------------------------------------------


def test_the_library_shows_the_eleven_case_studies_of_000(client, users):
    response = login(client, "demo-viewer").get(LIBRARY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "11件の成果事例" in text_of(response)
    for title in [
        "窓口とよろずの連携事例（中央レベル）",
        "北海道における地域KPIの成果",
        "山形県における地域KPIの成果",
        "長野県における地域KPIの成果",
        "石川県における地域KPIの成果",
        "和歌山県における地域KPIの成果",
        "島根県における地域KPIの成果",
        "愛媛県における地域KPIの成果",
        "福岡県における地域KPIの成果",
        "沖縄県における地域KPIの成果",
        "自治体の知財意識が向上した例",
    ]:
        assert title in html
    # a viewer neither creates case studies nor chooses between states
    assert NEW not in html and 'name="state"' not in html


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # 000 成果事例 長野 (テーマ３:はじめての「営業秘密」), 島根, 沖縄 (営業秘密管理)
        ("営業秘密", {"20-1", "32-1", "47-1"}),
        # 000 成果事例 愛媛: 「チョコブリ」
        ("チョコブリ", {"38-1"}),
        # 000 成果事例 和歌山: 地域団体商標である「有田みかん」
        ("有田みかん", {"30-1"}),
        # several terms must all occur, with half- or full-width spaces between them
        ("ワイナリー 商標", {"20-1"}),
        ("ワイナリー\u3000営業秘密", {"20-1"}),
        ("ネジチョコ 海外", {"40-1"}),
        # Latin letters ignore case: 000 成果事例 山形 『MOKUKA』
        ("mokuka", {"06-1"}),
        # a KPI's text: 000 成果事例 北海道 外国出願補助金; 石川, 福岡 in the steps
        ("外国出願", {"01-1", "17-1", "40-1"}),
        # a date as printed: 000 成果事例 島根 H30.10
        ("H30.10", {"32-1"}),
        # the region's name
        ("福井", {"18-1"}),
        ("存在しない語句", set()),
    ],
)
def test_search_in_japanese_full_text(client, users, text, codes):
    found = rules.search(CaseStudy.objects.all(), text)
    assert set(found.values_list("code", flat=True)) == codes
    html = login(client, "demo-viewer").get(LIBRARY, {"q": text}).content.decode()
    assert f"{len(codes)}件の成果事例" in html


@pytest.mark.parametrize(
    ("query", "regions"),
    [
        # 長野 mentions 営業秘密 in a seminar's title only; its themes are brand, seminar, support
        ({"theme": "trade_secret"}, {"島根県", "沖縄県"}),
        ({"block": "kinki"}, {"和歌山県", "福井県"}),
        ({"region": "01"}, {"北海道"}),
        ({"stage": "3"}, {"石川県", "福岡県"}),
        ({"plan": "1", "theme": "brand", "block": "shikoku"}, {"愛媛県"}),
        ({"plan": "2"}, set()),
    ],
)
def test_filters_by_plan_block_region_theme_and_stage(client, users, query, regions):
    response = login(client, "demo-viewer").get(LIBRARY, query)
    assert response.status_code == 200
    shown = {case.region.name_ja for case in response.context["page"].object_list}
    assert shown == regions


def test_officers_filter_their_drafts_by_state(client, draft):
    response = login(client, "demo-pref-14").get(LIBRARY, {"state": "draft"})
    assert [c.code for c in response.context["page"].object_list] == [draft.code]
    assert NEW in response.content.decode()


def test_the_library_runs_a_fixed_number_of_queries(client, users, django_assert_max_num_queries):
    login(client, "demo-jpo")
    with CaptureQueriesContext(connection) as eleven:
        assert len(client.get(LIBRARY).context["page"].object_list) == 11
    brand = list(CaseStudyTheme.objects.filter(code__in=["brand", "seminar"]))
    for number in range(3):
        rules.create(
            users["demo-jpo"],
            plan=plan2(),
            region=Region.objects.get(code=f"0{number + 2}"),
            data=rules.CaseStudyInput(title=f"事例{number}", themes=brand),
        )
    with CaptureQueriesContext(connection) as fourteen:
        assert len(client.get(LIBRARY).context["page"].object_list) == 14
    assert len(fourteen) == len(eleven)
    with django_assert_max_num_queries(14):
        response = client.get(LIBRARY, {"q": "事例 成果", "theme": "brand", "block": "tohoku", "stage": "2"})
    assert response.status_code == 200


# --- one case study -----------------------------------------------------------------------------------


def test_the_detail_page_prints_the_case_study_with_figures_from_the_actuals(client, users):
    shimane = CaseStudy.objects.get(plan__number=1, code="32-1")
    response = login(client, "demo-viewer").get(f"/case-studies/{shimane.pk}/")
    text = text_of(response)
    assert response.status_code == 200
    assert "島根県における地域KPIの成果" in text
    # the KPI as stated (000 成果事例 島根 【KPI】)
    assert "平成31年度までに企業20社以上を訪問" in text
    # the dated steps, in the page's order
    assert (
        text.index("H.30.10") < text.index("H30.10 知財総合支援窓口が共有された情報") < text.index("H30.12")
    )
    # 000 成果事例 島根: 平成30年度： 19件（達成率 95％）, 令和元年度 ： 31件（達成率155％）, printed in 件;
    # the indicator counts 社 (企業20社以上を訪問)
    # FY2018 is before the goal's year: the documents' rate, read as progress on the plan-to-date share
    assert re.search(
        r"2018年度（平成30年度）末までの累計 19社 20社以上（2019年度までの累計） 95% 順調（2016〜2019年度累計20社のうち2018年度までの按分15社）",
        text,
    )
    assert re.search(r"2019年度（令和元年度）末までの累計 31社 20社以上（2019年度までの累計） 155% 〇", text)
    assert "2019年度までの目標に対する率" in text
    # themes, stage, source; the print layout; no editing or history for a viewer
    assert "営業秘密" in text and "ステージ1" in text and "000 成果事例 島根" in text
    html = response.content.decode()
    assert 'class="case-study"' in html
    assert "/edit/" not in html and "履歴" not in text


def test_a_figure_follows_the_indicators_actual(client, users, django_capture_on_commit_callbacks):
    # The figure is not a copy: correcting the actual changes what the case study shows, and its rate.
    hokkaido = CaseStudy.objects.get(plan__number=1, code="01-1")
    actual = Actual.objects.get_by_natural_key(1, "01-1", "1", "fy", 2019)
    actual.value = Decimal(156)
    with django_capture_on_commit_callbacks(execute=True):
        actual.save()
    text = text_of(login(client, "demo-viewer").get(f"/case-studies/{hokkaido.pk}/"))
    # 156 ÷ 130 = 120%
    assert re.search(r"2019年度（令和元年度） 156件 .*? 120% ", text)
    assert "143件" not in text


def test_the_detail_page_runs_a_fixed_number_of_queries(client, users, draft, django_assert_max_num_queries):
    wakayama = CaseStudy.objects.get(plan__number=1, code="30-1")
    login(client, "demo-viewer")
    with django_assert_max_num_queries(13):
        assert client.get(f"/case-studies/{wakayama.pk}/").status_code == 200
    login(client, "demo-jpo")  # with the history and the forms
    with CaptureQueriesContext(connection) as four_figures:
        client.get(f"/case-studies/{wakayama.pk}/")
    with CaptureQueriesContext(connection) as one_figure:
        client.get(f"/case-studies/{draft.pk}/")
    # a longer history does not cost more queries
    officer = users["demo-pref-14"]
    for number in range(3):
        draft.refresh_from_db()
        steps = [rules.StepInput(f"R4.{number + 6}", f"取組{n}") for n in range(number + 2)]
        rules.save(
            officer, draft, version=draft.version, data=draft_input(title=f"題名{number}", steps=steps)
        )
    with CaptureQueriesContext(connection) as edited:
        response = client.get(f"/case-studies/{draft.pk}/")
    assert "題名2" in response.content.decode()
    assert len(four_figures) == len(one_figure) == len(edited) <= 18


def test_the_print_styles_fit_a_case_study_on_a4_pages():
    from django.conf import settings

    css = (settings.BASE_DIR / "reports" / "static" / "reports" / "portal.css").read_text()
    assert "@page case-study { size: A4 portrait" in css
    print_rules = css[css.index("@page case-study") :]
    assert ".case-study { page: case-study;" in print_rules
    assert re.search(r"\.case-step \{[^}]*page-break-inside: avoid", print_rules)


def test_every_signed_in_user_has_the_menu_link(client, users):
    html = login(client, "demo-viewer").get("/dashboard/2/").content.decode()
    assert f'<a href="{LIBRARY}">成果事例</a>' in html


# --- drafting -----------------------------------------------------------------------------------------


def test_an_officer_drafts_a_case_study_for_the_region(client, users):
    login(client, "demo-pref-14")
    chooser = client.get(NEW)
    assert chooser.status_code == 200 and 'name="region"' in chooser.content.decode()
    form = client.get(NEW, {"plan": "2", "region": "14"})
    assert form.status_code == 200
    assert kanagawa_kpi().title in form.content.decode()
    response = client.post(NEW, posted())
    case = CaseStudy.objects.get(plan__number=2, region__code="14")
    assert response.status_code == 302 and response["Location"] == f"/case-studies/{case.pk}/"
    assert (case.code, case.state, case.created_by.username, case.version) == (
        "14-1",
        State.DRAFT,
        "demo-pref-14",
        1,
    )
    assert {t.code for t in case.themes.all()} == {"trade_secret", "support"}
    step = case.steps.get()
    assert (step.order, step.date_label, step.month, step.fiscal_year) == (
        1,
        "R4.6",
        datetime.date(2022, 6, 1),
        2022,
    )
    assert case.figures.get().fiscal_year == 2022
    assert case.history.get().history_change_reason == "作成"
    assert "成果事例を作成しました" in messages_of(response)[0]
    # a second one of the region gets the next code
    rules.create(users["demo-pref-14"], plan=plan2(), region=kanagawa(), data=draft_input(title="二つ目"))
    assert CaseStudy.objects.get(title="二つ目").code == "14-2"


def test_an_officer_cannot_draft_for_another_region(client, users):
    response = login(client, "demo-pref-14").post(NEW, posted(region="11"))
    assert response.status_code == 400
    assert "地域を選んでください。" in response.content.decode()
    assert not CaseStudy.objects.filter(plan__number=2).exists()
    with pytest.raises(PermissionDenied):
        rules.create(
            users["demo-pref-14"], plan=plan2(), region=Region.objects.get(code="11"), data=draft_input()
        )


def test_the_bureau_drafts_for_the_regions_of_its_block_and_viewers_draft_nothing(client, users):
    regions = set(rules.draft_regions(users["demo-bureau-kanto"]).values_list("code", flat=True))
    assert {"11", "14", "20"} <= regions and "02" not in regions
    assert login(client, "demo-viewer").get(NEW).status_code == 403
    assert not rules.draft_regions(users["demo-viewer"]).exists()


def test_bad_input_is_refused_with_errors_next_to_the_fields(client, draft):
    login(client, "demo-pref-14")
    other = Region.objects.get(code="11")
    foreign = rules.region_indicators(plan2(), other).first()
    response = client.post(
        f"/case-studies/{draft.pk}/edit/",
        posted(
            draft,
            title="",
            stage="4",
            **{
                "step-1-date_label": "R4.9",
                "step-1-text": "",
                "figure-0-indicator": str(foreign.pk),
                "figure-0-fiscal_year": "2019",
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    for field_id, message in [
        ("id_title", "題名を入力してください。"),
        ("id_stage", "知財活用ステージは1〜3から選んでください。"),
        ("id_step-1-text", "取組の内容を入力してください"),
        ("id_figure-0-indicator", "この計画・地域の地域KPIの指標から選んでください。"),
        (
            "id_figure-0-fiscal_year",
            "第2次地域知財活性化行動計画の年度（2020〜2022年度）から選んでください。",
        ),
    ]:
        assert f'href="#{field_id}"' in html and message in html
    # what was typed is kept; nothing was saved
    assert 'value="R4.9"' in html
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("神奈川県における地域KPIの成果", 1)


def test_editing_keeps_a_history_of_who_changed_what(client, draft):
    login(client, "demo-bureau-kanto")
    response = client.post(
        f"/case-studies/{draft.pk}/edit/",
        posted(
            draft,
            outcomes="県内の中小企業5社が営業秘密管理規程を整備した。",
            themes=["trade_secret", "seminar"],
            **{"step-1-date_label": "R4.10", "step-1-text": "営業秘密セミナーを開催。"},
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and draft.updated_by.username == "demo-bureau-kanto"
    assert list(draft.steps.values_list("date_label", "fiscal_year")) == [("R4.6", 2022), ("R4.10", 2022)]
    history = rules.state_history(draft)
    assert [h.reason for h in history] == [
        "作成",
        "保存（テーマ追加: セミナー・普及啓発／テーマ削除: 窓口相談・専門家派遣）",
    ]
    changes = {(c.what, c.old, c.new, c.by) for c in rules.field_changes(draft)}
    assert (
        "成果（アウトカム）",
        "県内の中小企業3社が営業秘密管理規程を整備した。",
        "県内の中小企業5社が営業秘密管理規程を整備した。",
        "関東経済産業局 知的財産室",
    ) in changes
    assert ("取組2", "", "R4.10 営業秘密セミナーを開催。", "関東経済産業局 知的財産室") in changes
    page = text_of(client.get(f"/case-studies/{draft.pk}/"))
    assert "履歴" in page and "テーマ追加: セミナー・普及啓発" in page
    # a step is removed by emptying both of its fields; the ones below move up
    client.post(
        f"/case-studies/{draft.pk}/edit/",
        posted(
            draft,
            **{
                "step-0-date_label": "",
                "step-0-text": "",
                "step-1-date_label": "R4.10",
                "step-1-text": "営業秘密セミナーを開催。",
            },
        ),
    )
    draft.refresh_from_db()
    assert list(draft.steps.values_list("order", "date_label")) == [(1, "R4.10")]
    assert any(c.what == "取組2" and c.new == "" for c in rules.field_changes(draft))


def test_two_edits_of_the_same_version_the_second_is_refused(client, draft):
    first = posted(draft, title="一回目の題名")
    second = posted(draft, title="二回目の題名")
    login(client, "demo-pref-14")
    assert client.post(f"/case-studies/{draft.pk}/edit/", first).status_code == 302
    response = client.post(f"/case-studies/{draft.pk}/edit/", second)
    assert response.status_code == 409
    text = text_of(response)
    assert "画面を開いた後に更新されています" in text and "一回目の題名" in text
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("一回目の題名", 2)
    with pytest.raises(rules.StaleCaseStudy):
        rules.save(User.objects.get(username="demo-pref-14"), draft, version=1, data=draft_input())


# --- publishing and locking ---------------------------------------------------------------------------


def test_officers_do_not_publish_the_bureau_does(client, draft):
    url = f"/case-studies/{draft.pk}/publish/"
    form = {"action": "publish", "version": str(draft.version)}
    assert login(client, "demo-pref-14").post(url, form).status_code == 403
    assert login(client, "demo-pref-02").post(url, form).status_code == 404
    response = login(client, "demo-bureau-kanto").post(url, form)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.published_by.username, draft.version) == (
        State.PUBLISHED,
        "demo-bureau-kanto",
        2,
    )
    assert draft.published_at is not None
    # now everyone reads it
    assert login(client, "demo-pref-02").get(f"/case-studies/{draft.pk}/").status_code == 200
    assert draft.title in login(client, "demo-viewer").get(LIBRARY).content.decode()


def test_a_case_study_without_outcomes_or_steps_is_not_published(draft, users):
    empty = rules.create(
        users["demo-pref-14"], plan=plan2(), region=kanagawa(), data=rules.CaseStudyInput(title="空")
    )
    with pytest.raises(WorkflowError, match="成果（アウトカム）・支援の取組を入力してください"):
        rules.publish(users["demo-bureau-kanto"], empty, version=empty.version)
    empty.refresh_from_db()
    assert empty.state == State.DRAFT


def test_a_published_case_study_is_locked_until_central_staff_set_it_back(client, draft, users):
    rules.publish(users["demo-bureau-kanto"], draft, version=1)
    edit = f"/case-studies/{draft.pk}/edit/"
    publish = f"/case-studies/{draft.pk}/publish/"
    response = login(client, "demo-pref-14").get(edit)
    assert response.status_code == 403 and "公開済みの成果事例は変更できません" in response.content.decode()
    assert client.post(edit, posted(draft)).status_code == 403
    with pytest.raises(WorkflowError, match="公開済みの成果事例は変更できません"):
        rules.save(users["demo-jpo"], draft, version=draft.version, data=draft_input())
    # the bureau publishes but does not unpublish
    unpublish = {"action": "unpublish", "version": str(draft.version), "reason": "数値の誤り"}
    assert login(client, "demo-bureau-kanto").post(publish, unpublish).status_code == 403
    # central staff: a reason is required
    login(client, "demo-jpo")
    response = client.post(publish, {**unpublish, "reason": ""})
    assert response.status_code == 400 and 'href="#id_reason"' in response.content.decode()
    response = client.post(publish, unpublish)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.unpublish_reason, draft.version) == (State.DRAFT, "数値の誤り", 3)
    assert [h.reason for h in rules.state_history(draft)][-2:] == ["公開", "作成中に戻す: 数値の誤り"]
    # back out of sight outside the region, and editable again by its officer
    assert login(client, "demo-viewer").get(f"/case-studies/{draft.pk}/").status_code == 404
    assert login(client, "demo-pref-14").get(edit).status_code == 200


def test_publishing_an_outdated_version_is_refused(client, draft):
    login(client, "demo-pref-14").post(f"/case-studies/{draft.pk}/edit/", posted(draft, title="更新後"))
    response = login(client, "demo-bureau-kanto").post(
        f"/case-studies/{draft.pk}/publish/", {"action": "publish", "version": "1"}
    )
    assert response.status_code == 409
    assert "更新後" in text_of(response)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_fixtures_case_studies_are_published_and_central_staff_may_correct_them(client, users):
    hokkaido = CaseStudy.objects.get(plan__number=1, code="01-1")
    html = login(client, "demo-jpo").get(f"/case-studies/{hokkaido.pk}/").content.decode()
    assert 'value="unpublish"' in html and 'value="publish"' not in html
    assert "文書データの読込" in html
    # the Hokkaido bureau is not a demo user: the Kanto bureau may read it but neither edit nor publish
    response = login(client, "demo-bureau-kanto").get(f"/case-studies/{hokkaido.pk}/edit/")
    assert response.status_code == 403
    assert CaseStudyStep.objects.filter(case_study=hokkaido).count() == 5


def test_each_case_study_of_000_prints_on_one_or_two_a4_pages(client, users):
    """Printed by Chromium with the portal's style sheet: at most two A4 pages each."""
    from django.conf import settings

    from tests.e2e.support import CHROMIUM, missing_browser

    if reason := missing_browser():
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    css = (settings.BASE_DIR / "reports" / "static" / "reports" / "portal.css").read_text()
    login(client, "demo-viewer")
    pages = {}
    for case in CaseStudy.objects.filter(plan__number=1):
        html = client.get(f"/case-studies/{case.pk}/").content.decode()
        pages[case.code] = re.sub(r'<link rel="stylesheet"[^>]*>', lambda _m: f"<style>{css}</style>", html)
    counts = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        page = browser.new_page()
        for code, html in pages.items():
            page.set_content(html)
            pdf = page.pdf(prefer_css_page_size=True)
            counts[code] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            # A4 portrait: 595 × 842 points
            assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45][.\d]* 84[12][.\d]*\s*\]", pdf), code
        browser.close()
    assert len(counts) == 11
    assert all(1 <= count <= 2 for count in counts.values()), counts
