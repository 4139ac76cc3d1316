"""Rates and item counts as the documents print them.

Rates are percentages kept unrounded (267 ÷ 250 → Decimal("106.8")); only display rounds them.
"""

from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def round_percent(rate: Decimal, places: int = 0) -> Decimal:
    """Half up, as the documents print: 198.5 → 199 where banker's rounding gives 198."""
    return rate.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def whole_percent(rate: Decimal) -> int:
    return int(round_percent(rate))


def format_rate(rate: Decimal, places: int = 0) -> str:
    """515 of 400 → "129%"; 251 of 150 with one place (Indicator.rate_places) → "167.3%"."""
    return f"{round_percent(rate, places)}%"


def items_rate(achieved: int, total: int) -> Decimal | None:
    """Achieved items ÷ items with a target, percent unrounded; None when no item had a target."""
    return None if total == 0 else Decimal(achieved) * HUNDRED / Decimal(total)


def format_items_rate(achieved: int, total: int) -> str:
    """136 of 148 → "91.9%" (one decimal, as 003 prints 90/114 → 78.9%)."""
    rate = items_rate(achieved, total)
    return "" if rate is None else f"{round_percent(rate, 1)}%"


def format_approximate_rate(achieved: int, total: int) -> str:
    """136 of 148 → "約92%" (000 §5), rounded from the exact rate, not from 91.9."""
    rate = items_rate(achieved, total)
    return "" if rate is None else f"約{whole_percent(rate)}%"
