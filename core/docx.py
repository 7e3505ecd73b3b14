"""Word documents in the Party's administrative format (Hướng dẫn 36-HD/VPTW): fonts,
paragraphs, borderless header tables and the place-and-date line. python-docx is imported
inside the functions (only the document formatters need it)."""

from __future__ import annotations

import datetime

FONT = "Times New Roman"
BODY_SIZE = 14
HEADER_SIZE = 13


def party_date(day: datetime.date) -> str:
    """ "ngày 05 tháng 02 năm 2026": days below 10 and the months January and February
    with a leading zero."""
    days = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {days} tháng {month} năm {day.year}"


def place_and_date(place: str, day: datetime.date | None) -> str:
    """ "Thái Bình, ngày 10 tháng 3 năm 2021"; blanks to fill by hand when not signed yet."""
    if day is None:
        return f"{place or '…'}, ngày … tháng … năm …"
    return f"{place}, {party_date(day)}"


def set_font(run, size: int | None = None, *, bold=None, italic=None, underline=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    return run


def paragraph(container, text: str = "", *, align=None, size=BODY_SIZE, space_after=0, **style):
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        set_font(paragraph.add_run(text), size, **style)
    return paragraph


def no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def first_paragraph(cell, text: str, **style):
    """A cell starts with one empty paragraph: use it for the first line."""
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    paragraph.alignment = style.pop("align", None)
    paragraph.paragraph_format.space_after = Pt(0)
    set_font(paragraph.add_run(text), style.pop("size", HEADER_SIZE), **style)
    return paragraph
