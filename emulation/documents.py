"""Word documents of the emulation app, in the Party's administrative format.

The layout follows Hướng dẫn 36-HD/VPTW (thể thức văn bản của Đảng): A4 paper, margins
2 cm top, 2 cm bottom, 3 cm left, 1,5 cm right, Times New Roman; a borderless two-column
header with the issuing body on the left (its parent above it, the issuer in bold, an
asterisk, the number) and "ĐẢNG CỘNG SẢN VIỆT NAM" underlined on the right with the place
and date in italics; then the kind of document in bold capitals and its subject (trích yếu).
Dates write days below 10 and the months January and February with a leading zero.

The data part (:func:`pledge_data`) is a plain structure; :func:`pledge_docx` formats it.
python-docx is imported inside the formatter only.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

from core.docx import BODY_SIZE as BODY_SIZE
from core.docx import FONT, HEADER_SIZE, place_and_date
from core.docx import first_paragraph as _first_paragraph
from core.docx import no_borders as _no_borders
from core.docx import paragraph as _paragraph
from core.text import sort_key
from emulation.models import Pledge
from organizations.services import registry


@dataclass
class Signatory:
    name: str
    short_name: str


@dataclass
class PledgeData:
    parent_issuer: str
    issuer: str
    number: str
    place_and_date: str
    title: str
    preamble: list[str]
    signatories: list[Signatory]
    task_groups: list[tuple[int, str, str]]
    signed: bool


def _paragraphs(text: str) -> list[str]:
    """Split the preamble into its "Căn cứ ..." clauses, one paragraph each."""
    parts = []
    for line in text.splitlines():
        parts.extend(re.split(r"(?<=;)\s+(?=[Cc]ăn cứ )", line.strip()))
    return [p[0].upper() + p[1:] for p in parts if p]


def pledge_data(pledge: Pledge) -> PledgeData:
    """What the pledge document says, with each unit's name on the signing day (on the
    first day of the year while unsigned, when the year's participants are listed)."""
    emulation_year = pledge.emulation_year
    day = pledge.signed_on or datetime.date(emulation_year.year, 1, 1)
    if pledge.is_signed:
        unit_ids = list(pledge.signatories.values_list("pk", flat=True))
    else:
        unit_ids = list(emulation_year.participants.values_list("unit_id", flat=True))
    names = registry.names_on(unit_ids, day)
    short_names = registry.names_on(unit_ids, day, short=True)
    signatories = [Signatory(name=names[pk], short_name=short_names[pk]) for pk in names]
    signatories.sort(key=lambda s: sort_key(s.short_name))
    return PledgeData(
        parent_issuer=pledge.parent_issuer,
        issuer=pledge.issuer,
        number=pledge.number,
        place_and_date=place_and_date(pledge.place, pledge.signed_on),
        title=pledge.title,
        preamble=_paragraphs(pledge.preamble),
        signatories=signatories,
        task_groups=[(g.position, g.title, g.content) for g in pledge.task_groups.all()],
        signed=pledge.is_signed,
    )


def signature_lines(name: str) -> list[str]:
    """ "Ban Tổ chức Tỉnh ủy Quảng Ninh" → ["T/M BAN TỔ CHỨC", "TỈNH ỦY QUẢNG NINH"]."""
    upper = name.upper()
    prefix = "BAN TỔ CHỨC "
    if upper.startswith(prefix):
        return [f"T/M {prefix.strip()}", upper[len(prefix) :]]
    return [f"T/M {upper}"]


def pledge_docx(pledge: Pledge) -> bytes:
    """The pledge (giao ước thi đua) as a Word document."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    data = pledge_data(pledge)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    _no_borders(header)
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7.5), Cm(9)
    _first_paragraph(left, data.parent_issuer.upper(), align=center)
    _paragraph(left, data.issuer.upper(), align=center, size=HEADER_SIZE, bold=True)
    _paragraph(left, "*", align=center, size=HEADER_SIZE)
    _paragraph(left, f"Số {data.number or '      '}", align=center, size=HEADER_SIZE)
    _first_paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, bold=True, underline=True)
    _paragraph(right, "", size=HEADER_SIZE)
    _paragraph(right, data.place_and_date, align=center, size=BODY_SIZE, italic=True)

    _paragraph(document, "")
    _paragraph(document, "GIAO ƯỚC THI ĐUA", align=center, size=16, bold=True)
    _paragraph(document, data.title, align=center, bold=True)
    _paragraph(document, "-----", align=center, space_after=6)
    for text in data.preamble:
        paragraph = _paragraph(document, text, align=justify, space_after=6)
        paragraph.paragraph_format.first_line_indent = Cm(1)

    _paragraph(document, "Các đơn vị ký kết giao ước", bold=True, space_after=6)
    for index, signatory in enumerate(data.signatories):
        end = "." if index == len(data.signatories) - 1 else ";"
        paragraph = _paragraph(document, f"- {signatory.name}{end}", align=justify)
        paragraph.paragraph_format.first_line_indent = Cm(1)

    _paragraph(document, "")
    _paragraph(document, "Nội dung giao ước", bold=True, space_after=6)
    for position, title, content in data.task_groups:
        paragraph = _paragraph(document, f"{position}. {title}", align=justify, bold=True)
        paragraph.paragraph_format.first_line_indent = Cm(1)
        if content:
            paragraph = _paragraph(document, content, align=justify, space_after=6)
            paragraph.paragraph_format.first_line_indent = Cm(1)
    closing = _paragraph(
        document,
        "Các đơn vị ký kết cam kết tổ chức thực hiện nghiêm túc các nội dung giao ước thi đua "
        "trên.",
        align=justify,
        space_after=12,
    )
    closing.paragraph_format.first_line_indent = Cm(1)

    count = len(data.signatories)
    if count:
        columns = 3 if count <= 9 else 4
        rows = -(-count // columns)
        table = document.add_table(rows=rows, cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        for index, signatory in enumerate(data.signatories):
            cell = table.cell(index // columns, index % columns)
            first, *rest = signature_lines(signatory.name)
            _first_paragraph(cell, first, align=center, size=12, bold=True)
            for line in rest:
                _paragraph(cell, line, align=center, size=12, bold=True)
            for _ in range(3):
                _paragraph(cell, "", size=12)
            _paragraph(cell, "", size=12, space_after=12)

    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
