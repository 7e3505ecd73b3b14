"""Vietnamese typed in the legacy font encodings TCVN3 (ABC) and VNI: detect it and repair it.

Before Unicode, offices typed Vietnamese with the ABC keyboard and the fonts .VnTime/.VnArial
(TCVN3) or with VNI-Times (VNI). The file keeps ordinary Windows-1252 characters that only look
Vietnamese through those fonts, so openpyxl returns TCVN3 "Ban Tæ chøc" for "Ban Tổ chức" and
VNI "Vieät Nam" for "Việt Nam". Python has no codec for either (cp1258 is another thing).

- TCVN3 (the VN3 part of TCVN 5712:1993) has one character for every lowercase letter and
  for the seven capitals without a tone (Ă Â Ê Ô Ơ Ư Đ), but none for capitals with a tone:
  .VnTimeH, the all-capitals twin of .VnTime, draws the lowercase codes as capitals. So
  :func:`to_legacy` writes "Ổ" as "ổ" is written, and decoding can only guess capitals back:
  a word gets them when it has no lowercase letter and at least two capitals, or when the
  whole text is in capitals ("TØNH ñY" → "TỈNH ỦY"); otherwise such a letter comes back
  lowercase ("Tæ" → "Tổ"). Text typed in lowercase and shown in .VnTimeH comes back in
  lowercase: upper-case it when the cell's font name ends in "H".
- VNI (Windows) writes a base letter and then one modifier that carries the tone together
  with the circumflex or breve ("eä" = ệ, "aê" = ă, "aá" = ấ); ơ ư đ í ì ỉ ĩ ị ỵ are single
  characters. Capitals take capital modifiers ("EÄ" = Ệ); a capital base with a small
  modifier (Excel's PROPER(): "Aán" = Ấn) is read too.

Tables (rows below), cross-checked letter by letter against:
- GNU libiconv, lib/tcvn.h (TCVN-5712): codes 0xA1-0xFE, the TCVN3 part;
- lamdao/xvnkb by Dao Hai Lam (2002), tcvn.h and vni.h: TCVN3 lowercase, full VNI;
- duydev/vietnamese-conversion (npm), src/charsets.ts: full VNI;
- the public C# converter "HaUtility.Converter.VietnameseText": full TCVN3 (capitals with a
  tone on the lowercase codes, as here) and full VNI.
The tests repeat the libiconv and vietnamese-conversion tables and compare.
"""

from __future__ import annotations

import re
import unicodedata

TCVN3 = "tcvn3"
VNI = "vni"
ENCODINGS = (TCVN3, VNI)

_BASES = "aăâeêioôơuưy"
# Table columns: no tone, huyền, hỏi, ngã, sắc, nặng (the CLDR order of core.text).
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_TONE_MARKS = set(_TONES[1:])

# TCVN3: one character a letter; rows follow _BASES, columns _TONES. "\xad" (soft hyphen) is ư.
_TCVN3_ROWS = (
    "aµ¶·¸¹",
    "¨»¼½¾Æ",
    "©ÇÈÉÊË",
    "eÌÎÏÐÑ",
    "ªÒÓÔÕÖ",
    "i×ØÜÝÞ",
    "oßáâãä",
    "«åæçèé",
    "¬êëìíî",
    "uïñòóô",
    "\xadõö÷øù",
    "yúûüýþ",
)
_TCVN3_D = "®"
_TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}

# VNI: base letter + modifier, or one character; same rows and columns.
_VNI_ROWS = (
    "a aø aû aõ aù aï",
    "aê aè aú aü aé aë",
    "aâ aà aå aã aá aä",
    "e eø eû eõ eù eï",
    "eâ eà eå eã eá eä",
    "i ì æ ó í ò",
    "o oø oû oõ où oï",
    "oâ oà oå oã oá oä",
    "ô ôø ôû ôõ ôù ôï",
    "u uø uû uõ uù uï",
    "ö öø öû öõ öù öï",
    "y yø yû yõ yù î",
)
_VNI_D = "ñ"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_LOWER = [_nfc(base + tone) for base in _BASES for tone in _TONES]
# The 134 Vietnamese letters outside ASCII (67 lowercase, 67 capitals).
LETTERS: tuple[str, ...] = tuple(
    letter for lower in [*_LOWER, "đ"] if not lower.isascii() for letter in (lower, lower.upper())
)


def _encode_tables() -> dict[str, dict[str, str]]:
    tcvn3 = dict(zip(_LOWER, "".join(_TCVN3_ROWS), strict=True)) | {"đ": _TCVN3_D}
    vni = dict(zip(_LOWER, " ".join(_VNI_ROWS).split(), strict=True)) | {"đ": _VNI_D}
    tables: dict[str, dict[str, str]] = {TCVN3: {}, VNI: {}}
    for letter in LETTERS:
        lower = letter.lower()
        tables[TCVN3][letter] = _TCVN3_CAPITALS.get(letter, tcvn3[lower])
        tables[VNI][letter] = vni[lower] if letter == lower else vni[lower].upper()
    return tables


_ENCODE = _encode_tables()
_TCVN3_DECODE = {code: letter for letter, code in _ENCODE[TCVN3].items() if letter.islower()}
_TCVN3_DECODE |= {code: letter for letter, code in _TCVN3_CAPITALS.items()}
_TCVN3_UPPER = set(_TCVN3_CAPITALS.values())
_TCVN3_LOWER = {_ENCODE[TCVN3][letter] for letter in "ăâêôơưđ"}
_VNI_DECODE = {code: letter for letter, code in _ENCODE[VNI].items()}
_VNI_DECODE |= {code.lower().capitalize(): letter.upper() for code, letter in _VNI_DECODE.items()}

# Letters that only Unicode Vietnamese has, and the combining marks of NFD text.
_GENUINE_RE = re.compile("[\u1ea0-\u1ef9ăĂđĐĩĨũŨơƠưƯ\u0300-\u0303\u0306\u0309\u031b\u0323]")
_WORD_RE = {
    TCVN3: re.compile("(?:[^\\W\\d_]|[" + re.escape("".join(_TCVN3_DECODE)) + "])+"),
    VNI: re.compile(r"[^\W\d_]+"),
}


def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


# Initials and their spelling rules: ngh/gh only before e ê i, ng/c never before them, g never
# before e ê; k is free ("Kạn", "Kon Tum"). gi and qu come first: "gia" is gi + a.
_INITIAL = "gi|qu|ngh(?=[eêi])|gh(?=[eêi])|ng(?![eêi])|c(?![eêiy])|g(?![eê])|" + (
    "kh|nh|ph|th|tr|ch|[bdđhklmnprstvx]"
)
# Vowel nuclei that end in a glide (no final), take a final or not, need one, take ch and nh.
_OPEN = "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu " + (
    "iêu oai oao oay oeo uây uôi uya uyu ươi ươu yêu"
)
_CLOSED = "e o ô ơ u ư oe oo uơ"
_NEEDS_FINAL = "ă â iê yê uô ươ uyê oă uâ"
_PALATAL = "a ê i y oa uê uy"
_FINAL = "ng|[cmnptk]"
_SYLLABLE_RE = re.compile(
    f"(?:{_INITIAL})?"
    f"(?:(?P<n1>{_alternatives(_OPEN)})"
    f"|(?P<n2>{_alternatives(_CLOSED + ' ' + _PALATAL)})(?P<f2>{_FINAL})?"
    f"|(?P<n3>{_alternatives(_NEEDS_FINAL)})(?P<f3>{_FINAL})"
    f"|(?P<n4>{_alternatives(_PALATAL)})(?P<f4>ch|nh))"
)
_STOP_FINALS = {"c", "ch", "k", "p", "t"}


def _tone_places(nucleus: str, final: str | None) -> set[int]:
    """Where in the nucleus the tone mark may sit, old style ("hoà") and new ("hòa") alike."""
    marked = [i for i, c in enumerate(nucleus) if c in "ăâêôơư"]
    if marked:
        return {marked[-1]}  # người, việt, tuần
    if nucleus in ("oa", "oe", "oo", "uy"):
        return {1} if final else {0, 1}
    return {1} if len(nucleus) == 3 else {0}  # ngoài, khuỷu; hải, mía, của


def _is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable. No dictionary: "bỹn" passes, "Tèt" does not.

    Checked: the initial and its spelling, a vowel nucleus that fits the final consonant, at
    most one tone and on the right vowel, and a stop final (c ch p t; k in minority place
    names) only with the sắc or nặng tone.
    """
    bare: list[str] = []
    tones: list[tuple[int, str]] = []
    for index, char in enumerate(_nfc(word.lower())):
        decomposed = unicodedata.normalize("NFD", char)
        tones += [(index, c) for c in decomposed if c in _TONE_MARKS]
        bare.append(_nfc("".join(c for c in decomposed if c not in _TONE_MARKS)))
    match = _SYLLABLE_RE.fullmatch("".join(bare))
    if match is None or len(tones) > 1:
        return False
    group = next(name for name in ("n1", "n2", "n3", "n4") if match.group(name))
    final = None if group == "n1" else match.group("f" + group[1])
    if not tones:
        return final not in _STOP_FINALS
    place, tone = tones[0]
    if place - match.start(group) not in _tone_places(match.group(group), final):
        return False
    return final not in _STOP_FINALS or tone in ("\u0301", "\u0323")


def _reads_as_unicode(word: str) -> bool:
    """The word as given is a Vietnamese syllable in lower, upper or title case."""
    return _is_syllable(word) and (word[1:] == word[1:].lower() or word == word.upper())


def _has_vowel(word: str) -> bool:
    return any(c in "aeiouy" for c in unicodedata.normalize("NFD", word.lower()))


def _tcvn3_all_caps(text: str) -> bool:
    """No lowercase letter and at least two capitals (TCVN3 toned letters have no case)."""
    upper = sum(c.isascii() and c.isupper() or c in _TCVN3_UPPER for c in text)
    lower = sum(c.isascii() and c.islower() or c in _TCVN3_LOWER for c in text)
    return lower == 0 and upper >= 2


def _decode_tcvn3(word: str, capitals: bool) -> tuple[str, list[int], bool]:
    """(decoded word, where its decoded letters start, whether non-ASCII letters were left).

    ``capitals``: the whole text is in capitals, so toned letters are capitals too.
    """
    capitals = capitals or _tcvn3_all_caps(word)
    out: list[str] = []
    starts: list[int] = []
    leftover = False
    for index, char in enumerate(word):
        letter = _TCVN3_DECODE.get(char)
        if letter is None:
            out.append(char)
            leftover = leftover or not char.isascii()
        else:
            out.append(letter.upper() if capitals else letter)
            starts.append(index)
    return "".join(out), starts, leftover


def _decode_vni(word: str) -> tuple[str, list[int], bool]:
    """Like :func:`_decode_tcvn3`, reading two characters where they make one letter."""
    out: list[str] = []
    starts: list[int] = []
    leftover = False
    index = 0
    while index < len(word):
        size = next((n for n in (2, 1) if word[index : index + n] in _VNI_DECODE), 0)
        if size:
            out.append(_VNI_DECODE[word[index : index + size]])
            starts.append(index)
        else:
            out.append(word[index])
            leftover = leftover or not word[index].isascii()
        index += size or 1
    return "".join(out), starts, leftover


def _analyse(text: str, encoding: str) -> tuple[str, int, int]:
    """Decode ``text`` word by word: (decoded text, words that prove it, words that refute it).

    A word proves the encoding when its decoded form is a Vietnamese syllable of two letters or
    more, its form as given is not, and it has a decoded letter after its first character (so
    "µm" and "2 × 3" prove nothing). A word refutes it when it has legacy characters but does
    not decode to a syllable, or keeps non-ASCII letters that the encoding cannot explain.
    Words without vowels ("H§ND" → "HĐND") and plain ASCII words are neutral.
    """
    capitals = encoding == TCVN3 and _tcvn3_all_caps(text)
    pieces: list[str] = []
    good = bad = end = 0
    for match in _WORD_RE[encoding].finditer(text):
        word = match.group()
        decoded, starts, leftover = (
            _decode_tcvn3(word, capitals) if encoding == TCVN3 else _decode_vni(word)
        )
        pieces += [text[end : match.start()], decoded]
        end = match.end()
        if leftover:
            bad += 1
        elif not starts or not _has_vowel(decoded):
            continue
        elif not _is_syllable(decoded):
            bad += 1
        elif not _reads_as_unicode(word) and len(decoded) >= 2 and starts[-1] > 0:
            good += 1
    pieces.append(text[end:])
    return "".join(pieces), good, bad


def detect(text: str) -> str | None:
    """The legacy encoding ``text`` is written in: "tcvn3", "vni", or None.

    Text is legacy only when all of these hold:

    - it has no letter that only Unicode Vietnamese has (ạ…ỹ, ă, đ, ĩ, ũ, ơ, ư) and no
      combining mark (NFD text);
    - at least one word reads as Vietnamese once decoded but not as given ("Tæ" → "Tổ",
      "Vieät" → "Việt");
    - every word that holds legacy characters decodes to a well-formed Vietnamese syllable
      (initial, vowel nucleus, final, one tone on the right vowel, a stop final only with
      sắc or nặng), and no word keeps non-ASCII letters the encoding cannot explain ("café").

    When both encodings qualify, the one with more proving words wins; a tie gives None.

    Missing legacy text is preferred to corrupting correct text. Some legacy text is also
    correct Unicode: VNI "Sôn La" (Sơn La) and "Hoà Chí Minh" (Hồ Chí Minh), TCVN3 "Thái"
    (Thỏi) and "(cò)" (cũ). Text made only of such words is left alone, and so is a lone word
    whose only legacy letter comes first ("¶nh", "ñi"), which keeps "5 µm" and "2 × 3" safe.
    Callers who know the encoding from the font can use :func:`decode`.
    """
    if not text or _GENUINE_RE.search(text):
        return None
    scores: dict[str, int] = {}
    for encoding in ENCODINGS:
        _, good, bad = _analyse(text, encoding)
        if good and not bad:
            scores[encoding] = good
    if len(set(scores.values())) != len(scores):  # a tie
        return None
    return max(scores, key=scores.__getitem__, default=None)


def decode(text: str, encoding: str) -> str:
    """``text`` decoded from ``encoding`` without asking whether it is legacy, in NFC.

    For callers that know better than :func:`detect`, e.g. from the cell's font name
    (.VnTime, .VnArial: "tcvn3"; VNI-Times: "vni").
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return _nfc(_analyse(text, encoding)[0])


def repair(text: str) -> tuple[str, str | None]:
    """(``text`` in NFC, the legacy encoding it was in): decoded when :func:`detect` finds one."""
    encoding = detect(text)
    if encoding is None:
        return _nfc(text), None
    return decode(text, encoding), encoding


def to_legacy(text: str, encoding: str) -> str:
    """Unicode ``text`` as the legacy ``encoding`` shows it in Windows-1252 characters.

    TCVN3 writes capitals with a tone as their lowercase letters (see the module docstring).
    Other characters are kept as they are.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    table = _ENCODE[encoding]
    return "".join(table.get(char, char) for char in _nfc(text))


__all__ = ["ENCODINGS", "LETTERS", "TCVN3", "VNI", "decode", "detect", "repair", "to_legacy"]
