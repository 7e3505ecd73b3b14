"""Database expressions shared by the apps."""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func

from core.text import search_key

#: The SQLite function computing :func:`core.text.search_key`, registered on every connection
#: (core.apps): stored generated columns call it when a row is written.
SQLITE_SEARCH_KEY = "thidua_search_key"


def _folding_table() -> tuple[str, str]:
    """The characters :func:`core.text.search_key` folds to one ASCII letter (Vietnamese
    letters with their tones, upper and lower case, đ/Đ, other Latin letters with marks), and
    the letters they fold to; then the combining marks, which TRANSLATE deletes (having no
    counterpart), for text stored decomposed. Derived from search_key, so both agree."""
    source, target = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        key = search_key(char)
        if len(key) == 1 and key.isascii() and key.isalpha() and key != char:
            source.append(char)
            target.append(key)
    marks = [chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))]
    return "".join(source + marks), "".join(target)


FOLD_FROM, FOLD_TO = _folding_table()


class SearchKey(Func):
    """``core.text.search_key`` of a text column, computed by the database: PostgreSQL folds
    with TRANSLATE and then LOWER (the text is ASCII by then, so the database's locale does
    not matter; both functions are immutable, so it may define a stored generated column);
    SQLite calls search_key itself, registered on the connection."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER(TRANSLATE({sql}, %s, %s))", (*params, FOLD_FROM, FOLD_TO)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_SEARCH_KEY}({sql})", params
