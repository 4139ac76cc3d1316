"""A report's page writes its longest lists in one pass (reports/templatetags/portal.py): each line's
earlier figures and the history's changed fields. The text is what the template loops they replaced
printed, character for character, escaping included."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils.safestring import mark_safe

from reports.audit import Change
from reports.progress.line_facts import FigureFact

MARKUP = '<script>alert("x")</script> & 「県」'
FIGURES_LOOP = (
    "{% load i18n %}{% for figure in figures %}{{ figure.when }}：{{ figure.value }}"
    '{% if figure.source %} <span class="muted">（{{ figure.source }}）</span>{% endif %}'
    '{% if not forloop.last %}／{% endif %}{% empty %}{% translate "なし" %}{% endfor %}'
)
CHANGES_LOOP = """{% load portal %}{% for change in changes %}
      <tr><td>{{ change.at|jdatetime:"short" }}</td><td>{{ change.what }}</td><td>{{ change.old|default:"（空欄）"|linebreaksbr }}</td><td>{{ change.new|default:"（空欄）"|linebreaksbr }}</td><td>{{ change.by|default:"—" }}</td></tr>
    {% endfor %}"""


def printed(template: str, **context) -> str:
    return Template(template).render(Context(context))


FIGURES = [
    FigureFact("2021年度（令和3年度） 上期", "2回", "県の集計"),
    FigureFact("2021年度（令和3年度） 下期", "1,234件", ""),
    FigureFact("2022年度（令和4年度）", "12.5%", MARKUP),
    FigureFact(MARKUP, MARKUP),
    FigureFact("2022年度（令和4年度） 上期", mark_safe("<b>3回</b>"), mark_safe("<i>県</i>")),
]


def test_the_earlier_figures_are_printed_as_the_loop_printed_them():
    for figures in (FIGURES, FIGURES[:1], FIGURES[1:2], []):
        expected = printed(FIGURES_LOOP, figures=figures)
        assert printed("{% load portal %}{{ figures|figure_list }}", figures=figures) == expected
    assert "&lt;script&gt;" in printed("{% load portal %}{{ figures|figure_list }}", figures=FIGURES)


def test_without_earlier_figures_the_list_says_none():
    assert printed("{% load portal %}{{ figures|figure_list }}", figures=[]) == "なし"


MOMENT = datetime.datetime(2022, 10, 3, 4, 5, tzinfo=datetime.UTC)
CHANGES = [
    Change(what="セミナー開催回数：今期の実績", old="", new="3", by="神奈川 太郎", at=MOMENT),
    Change(what=MARKUP, old="一行目\n二行目", new=MARKUP, by="", at=MOMENT),
    Change(what="取組内容", old=MARKUP, new="", by=MARKUP, at=MOMENT + datetime.timedelta(days=400)),
    Change(what="成果", old="前\r\n後\r終", new=mark_safe("<b>済</b>"), by="", at=MOMENT),
]


def test_the_changes_are_printed_as_the_loop_printed_them():
    for changes in (CHANGES, CHANGES[:1], []):
        expected = printed(CHANGES_LOOP, changes=changes)
        assert printed("{% load portal %}{{ changes|change_rows }}", changes=changes) == expected
    rows = printed("{% load portal %}{{ changes|change_rows }}", changes=CHANGES)
    assert "一行目<br>二行目" in rows and "&lt;script&gt;" in rows and "<script>" not in rows
    assert "令和4年10月3日 13:05" in rows  # in Japan's time


CHART_LOOP = """{% load portal %}{% for point in points %}
      <tr><th scope="row">{{ point.label }}{% if point.target_label %}<br><span class="muted">{{ point.target_label }}</span>{% endif %}</th>
          <td>{{ point.unit }}</td>
          <td class="number">{{ point.target|number }}</td>
          <td class="number">{{ point.actual|number }}</td></tr>
    {% endfor %}"""
POINTS = [
    {
        "label": "1. 知財セミナー",
        "unit": "回",
        "target": Decimal("5"),
        "actual": Decimal("4"),
        "target_label": "",
    },
    {"label": MARKUP, "unit": MARKUP, "target": None, "actual": Decimal("1234.5"), "target_label": MARKUP},
    {
        "label": "3. 相談件数",
        "unit": "件",
        "target": Decimal("6853"),
        "actual": None,
        "target_label": "累計（2016〜2018年度）",
    },
]


def test_a_charts_table_is_printed_as_the_loop_printed_it():
    for points in (POINTS, POINTS[1:2], []):
        expected = printed(CHART_LOOP, points=points)
        assert printed("{% load portal %}{{ points|chart_rows }}", points=points) == expected


def test_a_charts_data_is_the_script_json_script_writes():
    figure = {
        "data": [{"name": MARKUP, "y": [Decimal("1.5"), None, 3], "x": ["1. セミナー", "</script>"]}],
        "layout": {"title": {"text": "神奈川県 目標と実績（2022年度）"}},
    }
    for element_id in ("chart-region-14", 'x"><b'):
        expected = printed("{{ figure|json_script:element_id }}", figure=figure, element_id=element_id)
        found = printed(
            "{% load portal %}{{ figure|chart_json:element_id }}", figure=figure, element_id=element_id
        )
        assert found == expected
