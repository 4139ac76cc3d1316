"""The plan page (/plans/<number>/): a plan as its documents print it — its period, basic policies,
measures with their marks and results, the counts, the documents' reported totals beside the
computed ones, its KPIs by kind and its sources — for every signed-in role, in a fixed number of
queries."""

import html
import re

import pytest

from plans.models import Measure

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def measure_rows(page: str) -> list[str]:
    table = page.split('<table class="results measures">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr><td>.*?</tr>", table, re.S)


def test_every_measure_of_the_first_plan_is_shown_as_printed(viewer):
    page = text_of(viewer.get("/plans/1/"))
    rows = measure_rows(page)
    assert len(rows) == 20  # 000 §3-2, §3-3: the basic-policy-1 tables
    for measure in Measure.objects.filter(policy__plan__number=1):
        assert any(measure.plan_text.splitlines()[0] in row for row in rows), measure
        assert measure.result_text.splitlines()[0] in page
    marks = [re.search(r'<span aria-hidden="true">(.)</span>', row).group(1) for row in rows]
    assert (marks.count("〇"), marks.count("△"), marks.count("×")) == (17, 2, 1)
    # 000 §3-3: 知財金融 300機関 → 301機関（認知度59.84%）〇; 外国出願 900件 → 855件 △; 知財訴訟保険 ×
    loans = next(row for row in rows if "全国540の地方銀行" in row)
    assert "301機関（認知度59.84%）" in loans and ">〇<" in loans and "達成</span>" in loans
    assert ">△<" in next(row for row in rows if "外国出願の支援を、900件に拡大する" in row)
    assert ">×<" in next(row for row in rows if "1,200社以上の加入" in row)


def test_the_counts_are_the_documents_17_of_20_and_85_percent(viewer):
    page = text_of(viewer.get("/plans/1/"))
    # 000 §2: 各支援段階別に設定された数値目標のうち、85％（17項目／20項目）を達成
    assert "施策の達成状況（計）: 〇 17・△ 2・× 1、達成 17／20項目 ＝ 85%" in page
    assert "基本方針1の施策（〇 17・△ 2・× 1：達成 17／20 ＝ 85%）" in page


def totals_row(page: str, label: str) -> list[str]:
    table = page.split('<table class="results totals">', 1)[1].split("</table>", 1)[0]
    row = re.search(rf'<tr><th scope="row">{label}</th>(.*?)</tr>', table, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_reported_totals_are_shown_beside_the_computed_ones(viewer):
    page = text_of(viewer.get("/plans/1/"))
    # 000 §5: 全国計 約92％（136項目／148項目）; only the ten case-study indicators are item-level data
    national = totals_row(page, "地域KPI 全国")
    assert national[:3] == ["2019年度", "136／148", "約92%"]
    assert national[3].endswith("／10")
    # 000 §5: 四国 8項目／13項目
    assert totals_row(page, "地域KPI 四国")[:2] == ["2019年度", "8／13"]
    # 001 §1-2: 設定された6つのKPIのうち、5項目を達成 — and the central KPIs' own figures say the same
    assert totals_row(page, "中央KPI 全国")[1:5] == ["5／6", "83.3%", "5／6", "83.3%"]
    # 000 §2: 85％（17項目／20項目）, computed from the measures' marks
    assert totals_row(page, "支援段階別の数値目標 全国")[1:5] == ["17／20", "85%", "17／20", "85%"]
    # 003 I-2(2)②: 114項目中90項目 78.9%
    assert totals_row(text_of(viewer.get("/plans/2/")), "地域KPI 全国")[1:3] == ["90／114", "78.9%"]


def test_the_kpis_are_listed_by_kind_with_those_without_a_numeric_indicator(viewer):
    page = text_of(viewer.get("/plans/2/"))
    kinds = page.split('<table class="results kinds">', 1)[1].split("</table>", 1)[0]
    assert "中央KPI：基幹指標" in kinds and "地域KPI：活動指標" in kinds
    # 002 別添2 鳥取: 「本年秋頃を目処に改訂中の…活動指標 (K P I) も公表する予定」 — no numeric indicator yet
    tottori = re.search(r'<th scope="row">31-1</th>(.*?)</tr>', page, re.S).group(1)
    assert "活動指標（公表予定）" in tottori and "数値指標なし" in tottori
    assert "C03" in text_of(viewer.get("/plans/3/"))  # 003: モデル地域の創出, no numeric indicator


def test_the_period_and_sources_are_shown(viewer):
    page = text_of(viewer.get("/plans/1/"))
    assert "2016年度（平成28年度）〜2019年度（令和元年度）" in page
    assert "2016年9月26日（平成28年9月26日） 産業構造審議会知的財産分科会" in page
    sources = page.split('<dl class="sources">', 1)[1].split("</dl>", 1)[0]
    assert "000 §3-2" in sources and "000 §5" in sources and "000（KPI 15件）" in sources


def test_a_programme_year_shows_its_designated_regions(viewer):
    page = text_of(viewer.get("/plans/2024/"))
    designations = page.split('id="designations"', 1)[1].split("</ul>", 1)[0]
    assert [name in designations for name in ("青森県", "石川県", "神戸市")] == [True, True, True]


def test_the_menu_and_the_national_dashboard_link_to_the_plan_pages(viewer):
    assert 'href="/plans/"' in text_of(viewer.get("/dashboard/2/"))
    assert 'href="/plans/2/"' in text_of(viewer.get("/dashboard/2/"))
    listing = text_of(viewer.get("/plans/"))
    assert all(f'href="/plans/{n}/"' in listing for n in (1, 2, 3, 2024, 2025))


def test_an_unknown_plan_is_not_found(viewer):
    assert viewer.get("/plans/9/").status_code == 404


# Signed in (session, user, a savepoint and its release around the request, the header menu's plans,
# groups and affiliation): 7. Then the plan, its policies, measures, reported totals, KPIs and their
# indicators (prefetch): 6; with reported totals, the indicators with their KPI and figures stamp,
# the plan and the regions with their blocks they share, their targets and actuals, and the blocks:
# 6 more; a programme's designations: 1.
SIGNED_IN = 7


@pytest.mark.parametrize(
    ("number", "queries"),
    [(1, SIGNED_IN + 6 + 6), (2, SIGNED_IN + 6 + 6), (3, SIGNED_IN + 6), (2024, SIGNED_IN + 6 + 1)],
)
def test_the_plan_page_runs_a_fixed_number_of_queries_whatever_the_plans_size(
    viewer, django_assert_num_queries, number, queries
):
    with django_assert_num_queries(queries):
        viewer.get(f"/plans/{number}/")
