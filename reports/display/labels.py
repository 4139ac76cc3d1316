"""How the portal writes periods, years, amounts and targets, the way the documents write them:
2022年度（令和4年度）, 2019年, 250社（2020年度）, 750社（2020〜2022年度累計）, 4,379件（2018年）→ 5,000件（2022年）.
Plain functions of values and model objects already read; no query."""

from kpis.history import user_name
from kpis.rules.inputs import CUM, CY, H1, H2, NO_TARGET, PER_YEAR
from plans.dates import japanese_date
from plans.fiscal import HALF_LABELS, calendar_year_label, fiscal_year_label, half_with_months

# A central entry's period: the year's own figure or one half.
ENTRY_PERIOD_LABELS = {"fy": "通年", H1: HALF_LABELS[H1], H2: HALF_LABELS[H2]}
ENTRY_PERIOD_CHOICES = [("fy", "通年（年度の実績）"), (H1, half_with_months(H1)), (H2, half_with_months(H2))]


def year_label(year: int, calendar: bool) -> str:
    return calendar_year_label(year) if calendar else fiscal_year_label(year)


def short_year_label(year: int, calendar: bool) -> str:
    return f"{year}年" if calendar else f"{year}年度"


def fiscal_period_label(fiscal_year: int, half: str | None) -> str:
    """2022, 'h1' → '2022年度（令和4年度） 上期'; without a half, the year alone."""
    suffix = f" {HALF_LABELS[half]}" if half else ""
    return fiscal_year_label(fiscal_year) + suffix


def entry_period_label(fiscal_year: int, period: str) -> str:
    """2022, "h1" → "2022年度（令和4年度） 上期（4〜9月）"."""
    return f"{fiscal_year_label(fiscal_year)} {dict(ENTRY_PERIOD_CHOICES)[period]}"


def plan_label(plan) -> str:
    return plan.label


def person(user) -> str:
    """Who did it, in a history or revision list: '—' when nobody is recorded."""
    return user_name(user) or "—"


def amount(value, unit: str) -> str:
    from reports.display.formatting import display_number

    return f"{display_number(value)}{unit}"


def indicator_title(indicator) -> str:
    if indicator.name == indicator.kpi.title:
        return indicator.kpi.title
    return f"{indicator.kpi.title}（{indicator.name}）"


def cumulative_span(start_year: int | None, year: int) -> str:
    """2020, 2022 → '2020〜2022年度累計'; without a start, '2022年度までの累計'."""
    return f"{start_year}〜{year}年度累計" if start_year else f"{year}年度までの累計"


def period_of_figure(record) -> str:
    """When a target or actual applies: 2022年度, 2022年度 上期, 2019年, 2020〜2022年度累計."""
    if record.period == CUM:
        return cumulative_span(record.start_year, record.year)
    if record.period in (H1, H2):
        return f"{record.year}年度 {HALF_LABELS[record.period]}"
    return short_year_label(record.year, record.period == CY)


def target_label(target, unit: str) -> str:
    """How the documents write one target: 250社（2020年度）, 750社（2020〜2022年度累計）, 4,379件（2018年）→ 5,000件（2022年）."""
    minimum = "以上" if target.is_minimum else ""
    text = f"{amount(target.value, unit)}{minimum}（{period_of_figure(target)}）"
    if target.period != CUM and target.baseline_value is not None:
        calendar = target.period == CY
        base = short_year_label(target.baseline_year, calendar) if target.baseline_year else "基準年不明"
        text = f"{amount(target.baseline_value, unit)}（{base}）→ {text}"
    if target.period != CUM and target.due_date:
        text += f" 期限 {japanese_date(target.due_date)}"
    return text


def target_summary(indicator) -> str:
    """The target's shape in one line; equal per-year targets read as one: 250社/年度（2020〜2022年度）."""
    if indicator.target_shape == NO_TARGET:
        return "数値目標なし"
    targets = list(indicator.targets.all())
    yearly = [t for t in targets if t.period in ("fy", CY)]
    rest = [t for t in targets if t not in yearly]
    labels = []
    same = {(t.value, t.is_minimum, t.period, t.baseline_value) for t in yearly}
    if indicator.target_shape == PER_YEAR and len(yearly) > 1 and len(same) == 1:
        first, last = yearly[0], yearly[-1]
        per = "年" if first.period == CY else "年度"
        minimum = "以上" if first.is_minimum else ""
        labels.append(
            f"{amount(first.value, indicator.unit)}/{per}{minimum}（{first.year}〜{last.year}{per}）"
        )
    else:
        labels += [target_label(t, indicator.unit) for t in yearly]
    labels += [target_label(t, indicator.unit) for t in rest]
    return "、".join(labels) or "目標未設定"


def last_actual_label(last) -> str:
    """When a latest reported value was reported: 2022年度（令和4年度） 上期, 2022年度末までの累計, 2019年（令和元年）."""
    if last.period == CUM:
        return f"{last.year}年度末までの累計"
    if last.period == CY:
        return calendar_year_label(last.year)
    if last.period in (H1, H2):
        return f"{fiscal_year_label(last.year)} {HALF_LABELS[last.period]}"
    return fiscal_year_label(last.year)
