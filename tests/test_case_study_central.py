"""The central case study of the 1st plan's results (000 §4-3, 中央レベル: the help desks' collaboration
with よろず支援拠点): in the library and on its page for everyone; set back to draft, edited and
published again by central staff only, with the central KPIs to choose from."""

import re

import pytest
from django.contrib.auth.models import User
from test_case_studies import LIBRARY, login, text_of, users  # noqa: F401 (users: the fixture)

from reports.case_studies import rules
from reports.models import CaseStudy

pytestmark = pytest.mark.django_db


def central_case() -> CaseStudy:
    return CaseStudy.objects.get(plan__number=1, code="C-1")


def test_the_library_and_the_page_show_the_central_case_to_everyone(client, users):  # noqa: F811
    login(client, "demo-viewer")
    library = text_of(client.get(LIBRARY))
    assert "窓口とよろずの連携事例（中央レベル） 窓口とよろず支援拠点が連携して支援を行った事例" in library
    assert "中央（特許庁・INPIT）／ 第1次計画" in library
    response = client.get(f"/case-studies/{central_case().pk}/")
    text = text_of(response)
    assert response.status_code == 200
    assert "成果事例 ／ 中央（特許庁・INPIT）／" in text
    assert (
        "創業100周年を契機とした新たなブランド創りにあたり、商標登録をするため知財総合支援窓口に相談。"
        in text
    )
    # 000 §2: 全国の知財総合支援窓口とよろず支援拠点との連携件数 平成31年度 1,500件 ➡ 2,615件
    assert "全国の知財総合支援窓口とよろず支援拠点との連携件数" in text
    assert re.search(r"2019年度（令和元年度） 2,615件 .*174% 〇", text)
    assert 'href="/dashboard/1/"' in response.content.decode()  # its KPI is read on the national page


def test_a_search_finds_it_by_its_words(client, users):  # noqa: F811
    login(client, "demo-pref-02")
    page = client.get(LIBRARY, {"q": "よろず 商標登録"}).context["page"]
    assert [case.code for case in page.object_list] == ["C-1"]


@pytest.mark.parametrize(
    ("username", "drafts"),
    [("demo-jpo", True), ("demo-bureau-kanto", False), ("demo-pref-14", False), ("demo-viewer", False)],
)
def test_only_central_staff_see_edit_and_publish_it_as_a_draft(client, users, username, drafts):  # noqa: F811
    case = central_case()
    rules.unpublish(users["demo-jpo"], case, version=case.version, reason="図の内容を追記するため")
    user = User.objects.get(username=username)
    case.refresh_from_db()
    assert rules.may_see(user, case) is drafts
    assert rules.may_edit(user, case) is drafts
    assert rules.may_publish(user, case) is drafts
    login(client, username)
    assert client.get(f"/case-studies/{case.pk}/").status_code == (200 if drafts else 404)
    assert client.get(f"/case-studies/{case.pk}/edit/").status_code == (200 if drafts else 404)


def test_central_staff_edit_it_with_the_plans_central_kpis_and_publish_it_again(client, users):  # noqa: F811
    case = central_case()
    jpo = users["demo-jpo"]
    rules.unpublish(jpo, case, version=case.version, reason="成果を追記するため")
    case.refresh_from_db()
    form = login(client, "demo-jpo").get(f"/case-studies/{case.pk}/edit/")
    kpi_codes = {kpi.code for kpi in form.context["kpis"]}
    assert kpi_codes == {"C01", "C02", "C03", "C04", "C05", "C06"}  # 000 §2: the six central KPIs
    data = rules.read_input(
        {
            "title": case.title,
            "subtitle": case.subtitle,
            "kpi": str(case.kpi_id),
            "outcomes": "商標登録とブランドづくりの支援を、窓口とよろず支援拠点が分担した。",
            "stage": "2",
            "themes": ["brand"],
            "figure-0-indicator": str(case.figures.get().indicator_id),
            "figure-0-fiscal_year": "2019",
            "figure-0-label": "",
            "step-0-date_label": "",
            "step-0-text": case.steps.get().text,
        },
        plan=case.plan,
        region=None,
    )
    rules.save(jpo, case, version=case.version, data=data)
    rules.publish(jpo, case, version=case.version)
    case.refresh_from_db()
    assert case.is_published and case.code == "C-1" and case.region is None
    assert case.figures.get().indicator.kpi.code == "C03"
    assert rules.next_code(case.plan, None) == "C-2"
