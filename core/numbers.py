"""Numbers as officials type them: "2,5", "2.5", 2.5 or Decimal("2.5")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.exceptions import RuleViolation


def parse_decimal(value, *, field: str | None = None) -> Decimal | None:
    """A Decimal from user input (comma or point as the decimal mark); None for empty.
    Thousands separators are not accepted: "1.234,5" is refused rather than guessed."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise RuleViolation(f"“{value}” không phải là số.", field=field)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") + text.count(".") > 1:
            raise RuleViolation(f"“{value}” không phải là số.", field=field)
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise RuleViolation(f"“{value}” không phải là số.", field=field) from None
    if not number.is_finite():
        raise RuleViolation(f"“{value}” không phải là số.", field=field)
    return number
