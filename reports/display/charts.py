"""Plotly figures for the dashboards, as plain dicts drawn by the plotly.js the app serves.

The figures are written as the JSON plotly.js reads (traces and layout), not through plotly's Python
objects: building, validating and serialising those cost a block page most of its time, for the same
JSON. tests/test_charts.py checks every figure against plotly's own schema.

Colours differ in lightness as well as hue (dark actuals, light outlined targets), so a chart
printed in grey still tells its series apart. Axes count in Japanese units (「10万」, never 「100k」).
"""

import math
from decimal import Decimal

ACTUAL = "#1f3b73"  # dark blue: prints near black
TARGET = "#9aa5b1"  # light grey-blue
REPORTED = "#5b6b7f"  # mid grey, hatched
OUTLINE = {"color": "#1a1a1a", "width": 1}
FONT = '"Hiragino Kaku Gothic ProN", "Noto Sans JP", Meiryo, sans-serif'
TITLE_WIDTH = 26  # characters per title line: plotly.js never wraps a title itself, it clips it
TICKS = 5


def _wrapped(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _layout(title: str, *, y_axis: dict | None = None, top: int = 30) -> dict:
    """The common layout; the top margin grows with the title's lines so none is cut off."""
    lines = _wrapped(title, TITLE_WIDTH)
    layout = {
        "title": {"text": "<br>".join(lines), "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 70, "r": 20, "t": top + 22 * len(lines), "b": 60},
        "legend": {"orientation": "h", "y": -0.2},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "barmode": "group",
    }
    if y_axis is not None:
        layout["yaxis"] = y_axis
    return layout


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def japanese_number(value: float) -> str:
    """A tick label: 5,000 / 1.5万 / 10万 / 2億 (what a Japanese table of figures writes)."""
    for size, unit in ((100_000_000, "億"), (10_000, "万")):
        if abs(value) >= size:
            return f"{round(value / size, 4):,g}{unit}"
    return f"{round(value, 4):,g}"


def _step(top: float) -> float:
    """A round tick step (1, 2, 2.5 or 5 × a power of ten) giving about TICKS ticks up to `top`."""
    raw = top / TICKS
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 2.5, 5, 10) if raw <= f * magnitude * (1 + 1e-9))


def value_axis(values, *, suffix: str = "", title: str = "", at_least: float = 0) -> dict:
    """A y axis from 0 to a round value at or above the highest of `values` (and `at_least`), with
    its ticks labelled in Japanese units followed by `suffix` (the unit: 件, 社, %)."""
    highest = max([v for v in values if v is not None] + [at_least])
    axis = {"rangemode": "tozero", "title": {"text": title}}
    if highest <= 0:
        return axis | {"tickformat": ",", "ticksuffix": suffix}
    step = _step(highest)
    if all(float(v).is_integer() for v in values if v is not None):
        step = max(step, 1)  # counts: no 0.5件
    count = math.ceil(highest / step - 1e-9)
    ticks = [round(step * i, 10) for i in range(count + 1)]
    return axis | {
        "range": [0, ticks[-1] * 1.05],  # room above the highest bar (and the 100% line)
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [japanese_number(tick) + suffix for tick in ticks],
    }


def _bar(name: str, labels: list, values: list, marker: dict) -> dict:
    return {"type": "bar", "name": name, "x": labels, "y": values, "marker": marker}


def block_rates_chart(rows: list[dict]) -> dict:
    """Bars of achieved ÷ items per block; where the documents give only totals, their 報告値 beside them.
    The axis runs from 0 to at least 100%, with the 100% line drawn: a rate is read against it.

    rows: {"label", "rate" (Decimal|None), "reported_rate" (Decimal|None)}
    """
    labels = [row["label"] for row in rows]
    rates = [_number(row["rate"]) for row in rows]
    data = [_bar("達成率（指標から算出）", labels, rates, {"color": ACTUAL})]
    reported = [_number(row["reported_rate"]) for row in rows]
    if any(value is not None for value in reported):
        data.append(_bar("達成率（報告値）", labels, reported, {"color": REPORTED, "line": OUTLINE}))
    axis = value_axis(rates + reported, suffix="%", title="達成率", at_least=100)
    layout = _layout("ブロック別 地域KPI達成率", y_axis=axis)
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": 100,
            "y1": 100,
            "line": {"color": "#1a1a1a", "width": 1, "dash": "dot"},
        }
    ]
    return {"data": data, "layout": layout}


def target_actual_chart(title: str, unit: str, points: list[dict]) -> dict:
    """Target (light outlined bars) against actual (dark bars) per period. A period without a target
    has no target bar and keeps its actual bar; with no target at all, the target series is hidden
    (no empty slot beside each bar, no legend entry).

    points: {"label" ("2019年度", "2019年"), "axis" (optional, the label with its era),
    "target" (Decimal|None), "actual" (Decimal|None)}
    """
    labels = [point.get("axis") or point["label"] for point in points]
    targets = [_number(p["target"]) for p in points]
    actuals = [_number(p["actual"]) for p in points]
    target_bars = _bar("目標", labels, targets, {"color": TARGET, "line": OUTLINE})
    if all(value is None for value in targets):
        target_bars["visible"] = False
    data = [target_bars, _bar("実績", labels, actuals, {"color": ACTUAL})]
    return {"data": data, "layout": _layout(title, y_axis=value_axis(targets + actuals, title=unit))}


def _short_label(text: str, width: int = 14, lines: int = 2) -> str:
    """A subplot title: at most `lines` lines of `width` characters (plotly breaks only at <br>)."""
    if len(text) > width * lines:
        text = text[: width * lines - 1] + "…"
    return "<br>".join(_wrapped(text, width))


def _grid(count: int, spacing: float, ascending: bool) -> list[list[float]]:
    """The domains of `count` equal cells separated by `spacing` (as plotly's make_subplots sets them)."""
    size = (1 - spacing * (count - 1)) / count
    cells = [[i * (size + spacing), i * (size + spacing) + size] for i in range(count)]
    return cells if ascending else cells[::-1]


def indicator_targets_chart(title: str, rows: list[dict], *, columns: int = 3) -> dict:
    """Target (light outlined bar) against actual (dark bar), one small chart per indicator; an
    indicator without a target has its actual bar alone.

    rows: {"label", "unit", "target" (Decimal|None), "actual" (Decimal|None)}. Each indicator has
    its own axis and unit: a region's indicators count different things (2回 beside 1,400件).
    """
    columns = max(1, min(columns, len(rows)))
    lines = max(1, math.ceil(len(rows) / columns))
    x_cells = _grid(columns, 0.12, ascending=True)
    y_cells = _grid(lines, min(0.25, 0.6 / lines), ascending=False)  # the first line on top
    layout = _layout(title, top=70)
    layout["height"] = 100 + 260 * lines
    layout["annotations"], data = [], []
    for position, row in enumerate(rows):
        line, column = divmod(position, columns)
        suffix = "" if position == 0 else str(position + 1)
        layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": x_cells[column]}
        bars = [("目標", row["target"], TARGET), ("実績", row["actual"], ACTUAL)]
        bars = [bar for bar in bars if bar[0] == "実績" or bar[1] is not None]
        values = [_number(value) for _name, value, _colour in bars]
        layout[f"yaxis{suffix}"] = value_axis(values, suffix=row["unit"]) | {
            "anchor": f"x{suffix}",
            "domain": y_cells[line],
        }
        del layout[f"yaxis{suffix}"]["title"]
        data.append(
            {
                "type": "bar",
                "x": [name for name, _value, _colour in bars],
                "y": values,
                "marker": {"color": [colour for _name, _value, colour in bars], "line": OUTLINE},
                "hovertemplate": f"%{{x}}: %{{y:,}}{row['unit']}<extra></extra>",
                "showlegend": False,
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
            }
        )
        layout["annotations"].append(
            {
                "text": _short_label(row["label"]),
                "font": {"size": 11},
                "showarrow": False,
                "x": sum(x_cells[column]) / 2,
                "xanchor": "center",
                "xref": "paper",
                "y": y_cells[line][1],
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    return {"data": data, "layout": layout}


# Actual bars of successive plans in a series across plans: each differs in lightness (patterns are not drawn by every plotly.js build, so none are used).
PLAN_STYLES = [
    {"color": REPORTED, "line": OUTLINE},
    {"color": ACTUAL},
    {"color": "#0b1730", "line": OUTLINE},
]
EXPECTED = "#b35900"  # dark orange line with square markers: stands out from the bars in grey too


def cumulative_chart(title: str, unit: str, points: list[dict]) -> dict:
    """A cumulative target: the total to date (dark bars) against the share of the span due by then
    (計画期間の按分, a line, while the span runs) and the whole target (hatched light bars).

    points: {"year", "label", "target", "actual", "expected"} (values Decimal|None)
    """
    labels = [point["label"] for point in points]
    targets = [_number(p["target"]) for p in points]
    actuals = [_number(p["actual"]) for p in points]
    expected = [_number(p["expected"]) for p in points]
    data = [
        _bar("目標（累計）", labels, targets, {"color": TARGET, "line": OUTLINE}),
        _bar("累計実績", labels, actuals, {"color": ACTUAL}),
        {
            "type": "scatter",
            "name": "計画期間の按分（ポータルの目安）",
            "x": labels,
            "y": expected,
            "mode": "lines+markers",
            "line": {"color": EXPECTED, "dash": "dash"},
            "marker": {"symbol": "square", "size": 8},
        },
    ]
    axis = value_axis(targets + actuals + expected, title=unit)
    return {"data": data, "layout": _layout(title, y_axis=axis)}


def plan_series_chart(title: str, unit: str, points: list[dict]) -> dict:
    """One indicator continued across plans: each plan's actuals as its own bar series, targets as marks.

    points: {"label", "plan" (e.g. "第1次計画"), "target", "actual"}; labels unique, in time order.
    """
    labels = [point["label"] for point in points]
    plans = list(dict.fromkeys(point["plan"] for point in points))
    data = [
        _bar(
            f"実績（{plan}）",
            labels,
            [_number(p["actual"]) if p["plan"] == plan else None for p in points],
            PLAN_STYLES[position % len(PLAN_STYLES)],
        )
        for position, plan in enumerate(plans)
    ]
    targets = [_number(p["target"]) for p in points]
    # A wide dash at the target's height: visible whether the bar reaches it or not.
    data.append(
        {
            "type": "scatter",
            "name": "目標",
            "x": labels,
            "y": targets,
            "mode": "markers",
            "marker": {"symbol": "line-ew-open", "size": 28, "line": {"width": 3, "color": EXPECTED}},
        }
    )
    actuals = [_number(p["actual"]) for p in points]
    layout = _layout(title, y_axis=value_axis(targets + actuals, title=unit))
    layout["barmode"] = "overlay"  # one plan per label: no empty slots for the other plans
    return {"data": data, "layout": layout}
