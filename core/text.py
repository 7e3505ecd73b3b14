"""Vietnamese text: normalization, search keys and the Vietnamese alphabetical order.

Everything a user types goes through :func:`normalize` (Unicode NFC, trimmed, single spaces).
Search compares :func:`search_key` values (no case, no diacritics, đ = d). Sorting uses
:func:`sort_key`, which follows the ICU/CLDR ``vi`` collation that PostgreSQL's
``"vi-x-icu"`` implements: letters first (a ă â b c d đ e ê ... ư v x y), tones only to break
ties (none, huyền, hỏi, ngã, sắc, nặng), case last. Code-point order gets this wrong
("Thanh Hóa" before "Thái Bình"), and so does stripping diacritics (D and Đ mixed).
"""

from __future__ import annotations

import re
import unicodedata

# The 29 Vietnamese letters with the four Latin letters that only foreign names use.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}

# Combining marks that make a different letter (primary difference) ...
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}
_WITH_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_WITH_HORN = {"o": "ơ", "u": "ư"}
# ... and the five tones (secondary difference), in CLDR order.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_SPACE_RE = re.compile(r"\s+")

# Primary weights: spaces < punctuation < digits < letters < anything else.
_W_SPACE = 1
_W_PUNCT = 10
_W_DIGIT = 1_000_000
_W_LETTER = 2_000_000
_W_OTHER = 3_000_000


def normalize(text: str | None) -> str:
    """NFC, trimmed, runs of whitespace collapsed to one space. ``None`` gives ``""``."""
    if not text:
        return ""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def name_key(text: str | None) -> str:
    """Key for "the same name": NFC and case-folded, diacritics kept (Hà Nam ≠ Hải Nam)."""
    return normalize(text).casefold()


def search_key(text: str | None) -> str:
    """Key for searching: lower case, no diacritics, đ → d. "BẮC NINH" → "bac ninh"."""
    decomposed = unicodedata.normalize("NFD", normalize(text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def _weigh(char: str) -> tuple[int, int, int]:
    """Primary, secondary (tone) and tertiary (case) weight of one NFC character."""
    lower = char.lower()
    tertiary = 0 if char == lower else 1
    if lower == "đ":
        return _W_LETTER + _LETTER_RANK["đ"], 0, tertiary
    decomposed = unicodedata.normalize("NFD", lower)
    base, marks = decomposed[0], decomposed[1:]
    if base in _LETTER_RANK:
        letter, tone = base, 0
        for mark in marks:
            if mark == "\u0306" and base == "a":
                letter = "ă"
            elif mark == "\u0302" and base in _WITH_CIRCUMFLEX:
                letter = _WITH_CIRCUMFLEX[base]
            elif mark == "\u031b" and base in _WITH_HORN:
                letter = _WITH_HORN[base]
            elif mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
        return _W_LETTER + _LETTER_RANK[letter], tone, tertiary
    if char.isspace():
        return _W_SPACE, 0, 0
    if char.isdigit():
        return _W_DIGIT + unicodedata.digit(char, 0), 0, 0
    if not char.isalnum():
        return _W_PUNCT + ord(char) % 100_000, 0, 0
    return _W_OTHER + ord(char), 0, tertiary


def sort_key(text: str | None) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Sort key in the Vietnamese alphabetical order (see the module docstring)."""
    weights = [_weigh(c) for c in normalize(text)]
    return (
        tuple(w[0] for w in weights),
        tuple(w[1] for w in weights),
        tuple(w[2] for w in weights),
    )


def compare(a: str | None, b: str | None) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b``: the SQLite collation."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def person_sort_key(full_name: str | None) -> tuple:
    """People sort by given name (the last word), then family and middle names."""
    parts = normalize(full_name).split(" ")
    given, rest = parts[-1], " ".join(parts[:-1])
    return (sort_key(given), sort_key(rest))


def sorted_vi(items, key=lambda item: item):
    """Sort any iterable in Vietnamese order of ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))


__all__ = [
    "ALPHABET",
    "compare",
    "name_key",
    "normalize",
    "person_sort_key",
    "search_key",
    "sort_key",
    "sorted_vi",
]
