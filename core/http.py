"""Small HTTP helpers shared by the pages and the API of every app."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpResponse

CENT = Decimal("0.01")


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to download (.xlsx, .docx, .pdf) under ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def exact_decimal(value) -> str | None:
    """JSON's exact decimal string, with at least two places ("20.00", "101.25", "0.6667")."""
    if value is None:
        return None
    value = Decimal(value)
    if value.as_tuple().exponent > -2:
        value = value.quantize(CENT)
    return format(value, "f")
