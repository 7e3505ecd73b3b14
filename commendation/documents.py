"""Word documents of the commendation app, in the Party's administrative format.

The minutes of a council session (biên bản họp Hội đồng Thi đua - Khen thưởng): the layout
of Hướng dẫn 36-HD/VPTW as emulation.documents writes it (A4, Times New Roman, the
borderless two-column header: the council's body above the council in bold, an asterisk,
the number; "ĐẢNG CỘNG SẢN VIỆT NAM" underlined with the place and date in italics). The
number is left blank to be filled by hand (sessions are not numbered in the system). The
place in the date line is the city where the council sits (``city``, Hà Nội for the
sector's council); the meeting room is the session's ``place``. Units bear their names on
the session's day (``registry.names_on``: a unit ended by then keeps its last name, one not
yet established shows its first).

The data part (:func:`minutes_data`) is a plain structure; :func:`minutes_docx` formats it.
python-docx is imported inside the formatter only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Prefetch

from commendation.models import CouncilSession, Nominee, ProposalStatus, Tally
from commendation.services import council as council_services
from core.docx import BODY_SIZE, HEADER_SIZE, place_and_date
from core.docx import first_paragraph as _first_paragraph
from core.docx import no_borders as _no_borders
from core.docx import paragraph as _paragraph
from core.docx import set_font as _set_font
from core.templatetags.vn import format_number, format_points
from organizations.services import registry

TITLE = "BIÊN BẢN HỌP HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG"
TABLE_SIZE = 11


@dataclass
class AttendanceRow:
    name: str
    position: str
    status: str


@dataclass
class RoundRow:
    round: int
    yes: int
    no: int
    blank: int
    members: int
    share: str
    threshold: str
    outcome: str


@dataclass
class NomineeMinutes:
    name: str
    recused: list[tuple[str, str]]
    rounds: list[RoundRow]
    outcome: str


@dataclass
class ProposalMinutes:
    title: str
    form: str
    year: int
    unit: str
    council_vote: bool
    nominees: list[NomineeMinutes]
    conclusion: str


@dataclass
class MinutesData:
    parent_issuer: str
    issuer: str
    place_and_date: str
    held_on: str
    place: str
    chair: str
    secretary: str
    total: int
    present: int
    written: int
    absent: int
    required: int
    quorum_met: bool
    attendance: list[AttendanceRow] = field(default_factory=list)
    proposals: list[ProposalMinutes] = field(default_factory=list)


def share_text(yes: int, members: int) -> str:
    """9 of 10 → "90,00%"; rounded down, so a failing share never shows as the threshold."""
    share = (Decimal(yes) * 100 / Decimal(members)).quantize(Decimal("0.01"), ROUND_DOWN)
    return f"{format_number(share, 2)}%"


def threshold_text(threshold: Decimal) -> str:
    return f"{format_points(threshold)}%"


def _unit_name(unit, names: dict[int, str]) -> str:
    # names: registry.names_on for the session's day; a unit without any version by its code
    return names.get(unit.pk, unit.code)


def _nominee_name(nominee: Nominee, names: dict[int, str]) -> str:
    return nominee.person.full_name if nominee.person_id else _unit_name(nominee.unit, names)


def _conclusion(session: CouncilSession, proposal, passed: list[str]) -> str:
    if session.status != CouncilSession.Status.CLOSED:
        return "Phiên họp chưa kết thúc."
    if proposal.status in (ProposalStatus.APPROVED, ProposalStatus.DECIDED) and passed:
        return "Hội đồng thông qua, đề nghị khen thưởng: " + "; ".join(passed) + "."
    if proposal.status == ProposalStatus.RETURNED:
        return "Hội đồng trả lại hồ sơ: không có người, tập thể nào đạt."
    return f"Hồ sơ: {proposal.get_status_display()}."


def minutes_data(session: CouncilSession) -> MinutesData:
    """What the minutes say: attendance, and per dossier and nominee the tallies of each
    round with the denominator, the threshold and the outcome, and who was recused."""
    council = session.council
    day = session.held_on
    met, present, total, required = council_services.quorum_met(session)
    attendance = {a.member_id: a for a in session.attendance.all()}
    rows = []
    written = absent = 0
    for member in council.members.filter(active=True).order_by("pk"):
        row = attendance.get(member.pk)
        if row is not None and row.present:
            status = "Có mặt"
        elif row is not None and row.written_vote:
            status = "Vắng, có phiếu bằng văn bản"
            written += 1
        else:
            status = "Vắng"
            absent += 1
        rows.append(AttendanceRow(member.full_name, member.position, status))
    parent = council.unit
    standing = Nominee.objects.filter(withdrawn=False).select_related("person", "unit")
    proposals = list(
        session.proposals.select_related("form", "unit")
        .prefetch_related(Prefetch("nominees", standing.order_by("pk"), to_attr="standing"))
        .order_by("pk")
    )
    # every unit named in the minutes, by its name on the session's day, in one query
    names = registry.names_on(
        {parent.pk}
        | {p.unit_id for p in proposals}
        | {n.unit_id for p in proposals for n in p.standing if n.unit_id},
        day,
    )
    data = MinutesData(
        parent_issuer=_unit_name(parent, names),
        issuer=council.name,
        place_and_date="",
        held_on=day.strftime("%d/%m/%Y"),
        place=session.place,
        chair=session.chair,
        secretary=session.secretary,
        total=total,
        present=present,
        written=written,
        absent=absent,
        required=required,
        quorum_met=met,
        attendance=rows,
    )
    tallies: dict[int, list[Tally]] = {}
    for tally in Tally.objects.filter(session=session).order_by("round"):
        tallies.setdefault(tally.nominee_id, []).append(tally)
    for proposal in proposals:
        vote = proposal.form.council_vote
        items = []
        passed_names = []
        for nominee in proposal.standing:
            name = _nominee_name(nominee, names)
            own = tallies.get(nominee.pk, [])
            recused = [
                (r.member.full_name, r.reason) for r in council_services.recusals(session, nominee)
            ]
            if own:  # what was recorded at the time, not today's membership
                recused = [(r["name"], r["reason"]) for r in own[-1].recused]
            rounds = [
                RoundRow(
                    round=t.round,
                    yes=t.yes,
                    no=t.no,
                    blank=t.blank,
                    members=t.members,
                    share=share_text(t.yes, t.members),
                    threshold=threshold_text(t.threshold),
                    outcome="Đạt" if t.passed else "Không đạt",
                )
                for t in own
            ]
            if not vote:
                outcome = "Thông qua (không phải bỏ phiếu)"
            elif not own:
                outcome = "Chưa bỏ phiếu"
            else:
                outcome = "Đạt" if any(t.passed for t in own) else "Không đạt"
            if outcome.startswith(("Đạt", "Thông qua")):
                passed_names.append(name)
            items.append(NomineeMinutes(name, recused, rounds, outcome))
        data.proposals.append(
            ProposalMinutes(
                title=proposal.title,
                form=proposal.form.name,
                year=proposal.year,
                unit=_unit_name(proposal.unit, names),
                council_vote=vote,
                nominees=items,
                conclusion=_conclusion(session, proposal, passed_names),
            )
        )
    return data


# ---------------------------------------------------------------- formatting


def _cell(cell, text: str, *, bold: bool = False, align=None) -> None:
    paragraph = _first_paragraph(cell, text, size=TABLE_SIZE, bold=bold)
    if align is not None:
        paragraph.alignment = align


def _grid(document, headers: list[str], rows: list[list[str]], widths_cm: list[float]):
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    table = document.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, header in enumerate(headers):
        _cell(table.rows[0].cells[index], header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _cell(table.rows[r].cells[c], value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    return table


def minutes_docx(session: CouncilSession, *, city: str = "Hà Nội") -> bytes:
    """The minutes of the session as a Word document."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from emulation.documents import FONT

    data = minutes_data(session)
    data.place_and_date = place_and_date(city, session.held_on)
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
    _paragraph(left, "Số       ", align=center, size=HEADER_SIZE)
    _first_paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", align=center, bold=True, underline=True)
    _paragraph(right, "", size=HEADER_SIZE)
    _paragraph(right, data.place_and_date, align=center, size=BODY_SIZE, italic=True)

    _paragraph(document, "")
    _paragraph(document, TITLE, align=center, size=16, bold=True)
    _paragraph(document, "-----", align=center, space_after=6)

    def line(label: str, value: str) -> None:
        paragraph = _paragraph(document, align=justify, space_after=3)
        _set_font(paragraph.add_run(f"{label}: "), BODY_SIZE, bold=True)
        _set_font(paragraph.add_run(value), BODY_SIZE)

    line("Thời gian", f"ngày {data.held_on}")
    line("Địa điểm", data.place)
    line("Chủ trì", data.chair or "…")
    line("Thư ký", data.secretary or "…")

    _paragraph(document, "I. THÀNH PHẦN", bold=True, space_after=6)
    quorum = "đủ" if data.quorum_met else "không đủ"
    _paragraph(
        document,
        f"Tổng số thành viên Hội đồng: {data.total}; có mặt: {data.present}; vắng, có phiếu "
        f"bằng văn bản: {data.written}; vắng: {data.absent}. Số thành viên phải có mặt ít "
        f"nhất là {data.required}: phiên họp {quorum} điều kiện tiến hành.",
        align=justify,
        space_after=6,
    )
    _grid(
        document,
        ["STT", "Họ và tên", "Chức vụ trong Hội đồng", "Tình hình"],
        [
            [str(i), row.name, row.position, row.status]
            for i, row in enumerate(data.attendance, start=1)
        ],
        [1.2, 5.3, 5.0, 5.0],
    )

    _paragraph(document, "")
    _paragraph(document, "II. KẾT QUẢ XEM XÉT, BỎ PHIẾU", bold=True, space_after=6)
    _paragraph(
        document,
        "Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng, kể cả thành viên không "
        "tham gia biểu quyết (người được đề nghị, công tác tại tập thể được đề nghị hoặc đơn "
        "vị đề nghị): thành viên đó không bỏ phiếu nhưng vẫn được tính trong tổng số; tên "
        "thành viên không tham gia biểu quyết được ghi dưới kết quả của từng người, tập thể.",
        align=justify,
        space_after=6,
    )
    for number, proposal in enumerate(data.proposals, start=1):
        _paragraph(
            document,
            f"{number}. {proposal.title} — {proposal.form}, năm {proposal.year}; "
            f"đơn vị đề nghị: {proposal.unit}",
            align=justify,
            bold=True,
            space_after=6,
        )
        if proposal.council_vote:
            rows = []
            for nominee in proposal.nominees:
                if not nominee.rounds:
                    rows.append([nominee.name, "", "", "", "", "", "", "", nominee.outcome])
                for r in nominee.rounds:
                    rows.append(
                        [
                            nominee.name,
                            str(r.round),
                            str(r.yes),
                            str(r.no),
                            str(r.blank),
                            str(r.members),
                            r.share,
                            r.threshold,
                            r.outcome,
                        ]
                    )
            _grid(
                document,
                [
                    "Người, tập thể được đề nghị",
                    "Vòng",
                    "Đồng ý",
                    "Không đồng ý",
                    "Phiếu trắng",
                    "Tổng số thành viên tính tỷ lệ",
                    "Tỷ lệ đồng ý",
                    "Tỷ lệ yêu cầu",
                    "Kết quả",
                ],
                rows,
                [3.6, 1.1, 1.3, 1.5, 1.4, 2.0, 1.9, 1.7, 2.0],
            )
        else:
            _paragraph(
                document,
                "Hình thức không phải bỏ phiếu; Hội đồng xem xét chung: "
                + "; ".join(n.name for n in proposal.nominees)
                + ".",
                align=justify,
            )
        for nominee in proposal.nominees:
            if nominee.recused:
                _paragraph(
                    document,
                    f"Không tham gia biểu quyết về {nominee.name}: "
                    + "; ".join(f"{name} ({reason})" for name, reason in nominee.recused)
                    + ".",
                    align=justify,
                    italic=True,
                )
        _paragraph(document, f"Kết luận: {proposal.conclusion}", align=justify, space_after=6)

    closing = _paragraph(
        document,
        "Biên bản đã được thông qua tại phiên họp.",
        align=justify,
        space_after=12,
    )
    closing.paragraph_format.first_line_indent = Cm(1)

    signatures = document.add_table(rows=1, cols=2)
    signatures.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(signatures)
    for cell, title, name in zip(
        signatures.rows[0].cells,
        ("THƯ KÝ", "CHỦ TỊCH HỘI ĐỒNG"),
        (data.secretary, data.chair),
        strict=True,
    ):
        _first_paragraph(cell, title, align=center, size=BODY_SIZE, bold=True)
        for _ in range(3):
            _paragraph(cell, "", size=BODY_SIZE)
        _paragraph(cell, name, align=center, size=BODY_SIZE, bold=True)

    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
