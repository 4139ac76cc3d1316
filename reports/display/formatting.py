"""How numbers look on screen and in exports: the documents' way (6,853件, 129%, 91.9%)."""

from decimal import Decimal

from kpis.rules.rates import round_percent


def plain_number(value: Decimal | int | None) -> int | Decimal | None:
    """267.00 → 267, 16.10 → Decimal('16.1'): what a spreadsheet cell should hold."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def display_number(value: Decimal | int | None) -> str:
    """6853 → '6,853'; 16.1 → '16.1'; None → '—'."""
    number = plain_number(value)
    if number is None:
        return "—"
    if isinstance(number, int):
        return f"{number:,}"
    return f"{number:,f}"


def display_percent(rate: Decimal | None, places: int = 0) -> str:
    if rate is None:
        return "—"
    return f"{round_percent(rate, places)}%"
