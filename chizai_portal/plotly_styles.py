"""plotly.js's style rules as a static style sheet, so that the charts draw under a Content-Security-Policy
without 'unsafe-inline' styles.

When it loads, plotly.js inserts its rules (mode bar, hover labels, cursors…) into a <style> element it
creates, and, for map charts, maplibre's rules into another: a policy of `style-src 'self'` refuses both.
plotly.js skips the first when an element with id "plotly.js-style-global" and class "no-inline-styles"
is already on the page, and the second when an element with maplibre's id is. templates/_plotly_styles.html
puts both on every page: a link to reports/static/reports/plotly.css, holding the same rules, and an empty
marker for maplibre (the portal draws no maps).

The rules are read from the plotly.min.js of the installed plotly package, so they match the release the
pages load. After upgrading plotly:

    .venv/bin/python -m chizai_portal.plotly_styles

rewrites the style sheet and prints maplibre's id for templates/_plotly_styles.html;
tests/test_security_headers.py fails until both match the installed plotly.js.
"""

import re
import sys
from pathlib import Path

import plotly

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
STYLE_SHEET = Path(__file__).resolve().parent.parent / "reports" / "static" / "reports" / "plotly.css"
PARTIAL = Path(__file__).resolve().parent.parent / "templates" / "_plotly_styles.html"

# plotly.js's build/plotcss: {"X .modebar": "position:absolute;…", Y: "…", …}, then each selector's X and Y
# replaced and the rule added.
_RULES_END = re.compile(
    r"""\.replace\(/\^,/," ,"\)\.replace\(/X/g,"(?P<x>[^"]+)"\)\.replace\(/Y/g,"(?P<y>[^"]+)"\)"""
)
_RULES_START = '{"X,X div":'
_ENTRY = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$]*)\s*:\s*(?P<value>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*[,}]"""
)
_VERSION = re.compile(r"plotly\.js v(\d+\.\d+\.\d+)")
_MAPS_STYLE_ID = re.compile(
    r"""document\.getElementById\("(?P<id>[0-9a-f]{64})"\)\)\{var (?P<var>[\w$]+)=document\.createElement\("style"\)"""
)


class UnknownPlotlyBuild(Exception):
    pass


def plotly_js_text() -> str:
    return PLOTLY_JS.read_text(encoding="utf-8")


def plotly_version(js: str) -> str:
    match = _VERSION.search(js[:500])
    if match is None:
        raise UnknownPlotlyBuild("plotly.min.js の先頭に版が見つかりません")
    return match.group(1)


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def style_rules(js: str) -> list[tuple[str, str]]:
    """(selector, declarations) in the order plotly.js adds them."""
    start = js.find(_RULES_START)
    end_match = _RULES_END.search(js, start) if start != -1 else None
    if end_match is None:
        raise UnknownPlotlyBuild("plotly.min.js に plotly.js のスタイル規則が見つかりません")
    block = js[start : js.rfind("}", start, end_match.start()) + 1]
    rules = []
    for entry in _ENTRY.finditer(block):
        key = entry.group("key")
        selector = _unquote(key) if key.startswith('"') else key
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", end_match.group("x")).replace("Y", end_match.group("y"))
        rules.append((selector, _unquote(entry.group("value"))))
    if not rules:
        raise UnknownPlotlyBuild("plotly.js のスタイル規則を読み取れませんでした")
    return rules


def stylesheet(js: str) -> str:
    """The rules as plotly.js would have them in its own sheet. Each rule is inserted at the top of that
    sheet (insertRule(rule, 0)), so the last one added comes first: the same order keeps the cascade."""
    lines = [
        f"/* plotly.js v{plotly_version(js)} の表示規則（plotly.js が実行時に <style> で追加するものと同じ）。",
        "   生成: python -m chizai_portal.plotly_styles — 手で編集しないこと。 */",
    ]
    lines += [f"{selector}{{{declarations}}}" for selector, declarations in reversed(style_rules(js))]
    return "\n".join(lines) + "\n"


def maps_style_id(js: str) -> str:
    """The id plotly.js looks for before inserting maplibre's style sheet."""
    match = _MAPS_STYLE_ID.search(js)
    if match is None:
        raise UnknownPlotlyBuild("plotly.min.js に maplibre のスタイル要素が見つかりません")
    return match.group("id")


def main() -> None:
    js = plotly_js_text()
    STYLE_SHEET.write_text(stylesheet(js), encoding="utf-8")
    sys.stdout.write(
        f"{STYLE_SHEET} を plotly.js v{plotly_version(js)} から書き出しました。\n"
        f"{PARTIAL.name} の maplibre の id: {maps_style_id(js)}\n"
    )


if __name__ == "__main__":
    main()
