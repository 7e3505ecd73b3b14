"""Display the Vietnamese way: 1.234.567 · 101,25% · 10/12/2021 (in either UI language)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def format_number(value, places: int = 0) -> str:
    """1234567.5 → "1.234.567,5" with ``places`` decimals, rounded half up."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)  # a template shows what it was given rather than failing
    if not number.is_finite():
        return str(value)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


@register.filter
def vn_number(value, places=0):
    return format_number(value, int(places))


@register.filter
def vn_percent(value, places=2):
    """101.25 → "101,25%"."""
    text = format_number(value, int(places))
    return f"{text}%" if text else ""


@register.filter
def vn_date(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return value or ""


def format_points(value) -> str:
    """Points with only the decimals they need: 100 → "100", 2.50 → "2,5", 0.25 → "0,25"."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    places = (
        0
        if number == number.to_integral()
        else (1 if number * 10 == (number * 10).to_integral() else 2)
    )
    return format_number(number, places)


@register.filter
def vn_points(value):
    return format_points(value)
