"""Database helpers shared by the apps."""

from django.db.models import F
from django.db.models.functions import Collate

from core.apps import VI_COLLATION


def vi_order(field: str, *, descending: bool = False):
    """An ``order_by`` term that sorts ``field`` in Vietnamese order on SQLite and PostgreSQL."""
    expression = Collate(F(field), VI_COLLATION)
    return expression.desc() if descending else expression.asc()
