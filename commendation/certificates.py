"""Printable certificates (Giấy khen, Bằng khen) as PDF, one A4 landscape page per award.

The data part (:func:`certificate_data`, :func:`decision_certificates_data`) gathers what a
certificate says as plain structures: the issuing body, the form's title on the certificate,
the awardee's name (a unit by its name on the decision's date) and unit, the achievement,
the decision it rests on, the place and date, and the signature. The formatter renders
``commendation/certificate.html`` with WeasyPrint, imported inside the function only.

The font (:func:`font_family`) is the first of ``FONT_FAMILIES`` installed with a glyph for
every letter of the certificates: Liberation Serif (metric-compatible with the Times New Roman
of Party documents) when it has them, else DejaVu Serif (on every machine, every Vietnamese
letter). Debian's fonts-liberation 1.07 lacks ư, ơ and the letters with tone marks, and Pango
would then take those letters alone from the fallback, mixing two faces inside one word
("TRƯỞNG"); Liberation 2 (Debian's fonts-liberation2) has them all.

A revoked award has no certificate; a batch for a decision prints the awards still standing,
collectives first, then people by given name in Vietnamese order.
"""

from __future__ import annotations

import datetime
import functools
import logging
from dataclasses import astuple, dataclass

from django.template.loader import render_to_string

from commendation.models import Award, Decision, PersonClassification
from commendation.services.decisions import decision_citation, party_date
from core.exceptions import RuleViolation
from core.text import normalize, person_sort_key, sort_key
from organizations.models import UnitVersion
from organizations.services import registry

logger = logging.getLogger(__name__)

HEADING = "ĐẢNG CỘNG SẢN VIỆT NAM"
# Liberation Serif has the metrics of the Times New Roman of Party documents; DejaVu Serif is
# on every machine and has every Vietnamese letter.
FONT_FAMILIES = ("Liberation Serif", "DejaVu Serif")


@dataclass
class Certificate:
    award_id: int
    parent_issuer: str
    issuer: str
    title: str  # "BẰNG KHEN", "GIẤY KHEN"
    greeting: str  # "Tặng đồng chí" / "Tặng"
    name: str
    unit: str
    achievement: str
    citation: str  # "Quyết định số 123-QĐ/BTCTW ngày 15 tháng 01 năm 2026"
    place_and_date: str
    signer_prefix: str
    signer_title: str
    signer: str
    is_person: bool


def pdf_unavailable() -> str:
    """Why WeasyPrint cannot render here ("" when it can): the package or its system
    libraries (Pango) missing."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return f"WeasyPrint không dùng được: {error}"
    return ""


# ---------------------------------------------------------------- data


def _parents_on(unit_ids: set[int], day: datetime.date) -> dict[int, int | None]:
    """Each unit's parent on ``day``, from the version its name comes from (the rule of
    ``registry.name_on``: the last begun by then, else its first): the registry reads names,
    not parents, on a day."""
    found: dict[int, int | None] = {}
    if not unit_ids:
        return found
    versions = (
        UnitVersion.objects.filter(unit_id__in=unit_ids)
        .order_by("valid_from")
        .values_list("unit_id", "parent_id", "valid_from")
    )
    for unit_id, parent_id, valid_from in versions:
        if unit_id not in found or valid_from <= day:
            found[unit_id] = parent_id
    return found


def _achievement(award: Award) -> str:
    text = normalize(award.nominee.achievement) if award.nominee_id else ""
    if not text:
        return f"{award.form.name} năm {award.year}"
    return text[0].upper() + text[1:].rstrip(".;")


def _check(award: Award) -> None:
    if award.is_revoked:
        raise RuleViolation(
            f"Khen thưởng đã bị thu hồi ({award.revoked_reason}), không in bằng.", code="revoked"
        )
    if award.decision_id is None:
        raise RuleViolation(
            "Khen thưởng ghi nhận từ trước, không có quyết định trong hệ thống: không in bằng."
        )
    if not normalize(award.form.certificate_title):
        raise RuleViolation(
            f"Hình thức “{award.form.name}” chưa có tiêu đề trên bằng (GIẤY KHEN, BẰNG KHEN…)."
        )


def _build(awards: list[Award], decision: Decision) -> list[Certificate]:
    """Certificates of ``awards`` (all of ``decision``), in three queries whatever their
    number: the people's units in the award years, the awarded units' parents on the date,
    then the names of all those units on the date."""
    day = decision.signed_on
    person_units: dict[tuple[int, int], int] = {}
    person_ids = {a.person_id for a in awards if a.person_id}
    if person_ids:
        # The unit where the person was rated in the award's year, else where they are now.
        person_units = {
            (person_id, year): unit_id
            for person_id, year, unit_id in PersonClassification.objects.filter(
                person_id__in=person_ids, year__in={a.year for a in awards}
            ).values_list("person_id", "year", "unit_id")
        }
    unit_of = {
        a.pk: person_units.get((a.person_id, a.year), a.person.unit_id) if a.person_id else None
        for a in awards
    }
    awarded = {a.unit_id for a in awards if a.unit_id}
    parents = _parents_on(awarded, day)
    names = registry.names_on(
        awarded | {u for u in unit_of.values() if u} | {p for p in parents.values() if p}, day
    )

    certificates = []
    for award in awards:
        if award.person_id:
            name, unit = normalize(award.person.full_name), names.get(unit_of[award.pk], "")
        else:
            name = names[award.unit_id] if award.unit_id in names else str(award.unit)
            unit = names.get(parents.get(award.unit_id), "")
        certificates.append(
            Certificate(
                award_id=award.pk,
                parent_issuer=decision.parent_issuer,
                issuer=decision.issuer,
                title=normalize(award.form.certificate_title).upper(),
                greeting="Tặng đồng chí" if award.person_id else "Tặng",
                name=name,
                unit=unit,
                achievement=_achievement(award),
                citation=decision_citation(decision),
                place_and_date=f"{decision.place}, {party_date(day)}",
                signer_prefix=decision.signer_prefix,
                signer_title=decision.signer_title.upper(),
                signer=decision.signer,
                is_person=bool(award.person_id),
            )
        )
    return certificates


def _awards():
    return Award.objects.select_related("form", "person", "nominee", "decision")


def certificate_data(award: Award) -> Certificate:
    award = _awards().get(pk=award.pk)
    _check(award)
    return _build([award], award.decision)[0]


def _order(certificate: Certificate) -> tuple:
    """Collectives first, then people by given name (Vietnamese order)."""
    if certificate.is_person:
        return (1, person_sort_key(certificate.name))
    return (0, (sort_key(certificate.name), sort_key("")))


def decision_certificates_data(decision: Decision) -> list[Certificate]:
    awards = list(_awards().filter(decision=decision, revoked_at__isnull=True).order_by("pk"))
    if not awards:
        raise RuleViolation(
            f"Quyết định {decision.reference} không còn khen thưởng nào để in bằng.",
            code="empty",
        )
    for award in awards:
        _check(award)
    return sorted(_build(awards, decision), key=_order)


# ---------------------------------------------------------------- fonts


@functools.lru_cache(maxsize=8)
def _font_file(family: str) -> str | None:
    """The file fontconfig (as WeasyPrint sees it) gives for ``family``'s regular face, or
    None when the family is not installed (fontconfig would substitute another)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
    fontconfig.FcPatternAddString(pattern, b"family", family.encode())
    fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
    fontconfig.FcDefaultSubstitute(pattern)
    result = ffi.new("FcResult *")
    match = fontconfig.FcFontMatch(config, pattern, result)
    if match == ffi.NULL:
        return None
    match = ffi.gc(match, fontconfig.FcPatternDestroy)
    value = ffi.new("FcChar8 **")
    if fontconfig.FcPatternGetString(match, b"family", 0, value) != fontconfig.FcResultMatch:
        return None
    if ffi.string(value[0]).decode().casefold() != family.casefold():
        return None
    if fontconfig.FcPatternGetString(match, b"file", 0, value) != fontconfig.FcResultMatch:
        return None
    return ffi.string(value[0]).decode()


@functools.lru_cache(maxsize=8)
def _font_coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # a dependency of WeasyPrint

    return frozenset(TTFont(path, fontNumber=0, lazy=True).getBestCmap())


def font_family(text: str) -> str:
    """The CSS font-family for ``text``: the first of FONT_FAMILIES installed with a glyph
    for each of its characters, then the others, then ``serif``. When none can be checked
    (fontconfig unreachable) or none covers it, the families in their usual order."""
    needed = {ord(c) for c in text if not c.isspace()}
    chosen = None
    for family in FONT_FAMILIES:
        try:
            path = _font_file(family)
            covered = path is not None and needed <= _font_coverage(path)
        except Exception:  # a font check must never stop a certificate
            logger.warning("Không kiểm tra được phông %s", family, exc_info=True)
            break
        if covered:
            chosen = family
            break
    order = [chosen, *(f for f in FONT_FAMILIES if f != chosen)] if chosen else FONT_FAMILIES
    return ", ".join(f'"{family}"' for family in order) + ", serif"


# ---------------------------------------------------------------- PDF


def _pdf(certificates: list[Certificate]) -> bytes:
    from weasyprint import HTML  # heavy, and needs Pango: only when a PDF is asked for

    text = HEADING + "".join(str(value) for c in certificates for value in astuple(c))
    html = render_to_string(
        "commendation/certificate.html",
        {"certificates": certificates, "heading": HEADING, "font_family": font_family(text)},
    )
    return HTML(string=html).write_pdf()


def certificate_pdf(award: Award) -> bytes:
    """The certificate of one award (refused for a revoked award)."""
    return _pdf([certificate_data(award)])


def decision_certificates_pdf(decision: Decision) -> bytes:
    """Every certificate of a decision, one page per award not revoked."""
    return _pdf(decision_certificates_data(decision))


__all__ = [
    "Certificate",
    "certificate_data",
    "certificate_pdf",
    "decision_certificates_data",
    "decision_certificates_pdf",
    "font_family",
    "pdf_unavailable",
]
