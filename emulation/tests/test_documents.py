"""The pledge (giao ước thi đua) as a Word document in the Party's format, read back."""

import datetime
import io

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.test import ThiDuaTestCase
from emulation.documents import place_and_date, pledge_docx
from emulation.services import pledges
from emulation.testing import make_world
from organizations.services import registry

SIGNED_ON = datetime.date(2021, 3, 10)
GROUPS = [
    ("Tham mưu công tác bầu cử đại biểu Quốc hội khóa XV", "Theo dõi, tổng hợp kết quả."),
    ("Quán triệt Nghị quyết Đại hội XIII của Đảng", "Học tập, quán triệt kịp thời."),
    ("Củng cố tổ chức cơ sở đảng và đội ngũ đảng viên", ""),
]


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def runs(cell):
    return {run.text: run for p in cell.paragraphs for run in p.runs if run.text}


class PledgeDocumentTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.admin = cls.world.cast.admin
        cls.pledge = pledges.create_pledge(
            cls.world.year,
            title="Thi đua thực hiện nhiệm vụ công tác tổ chức xây dựng Đảng năm 2021",
            issuer="Cụm thi đua số 2",
            parent_issuer="Ban Tổ chức Trung ương",
            place="Thái Bình",
            number="01-GƯ/CTĐ",
            preamble="Căn cứ Luật Thi đua, khen thưởng; căn cứ Quy chế hoạt động của Cụm, "
            "các đơn vị thống nhất ký kết giao ước thi đua năm 2021:",
            actor=cls.admin,
        )
        for title, content in GROUPS:
            pledges.add_task_group(cls.pledge, title=title, content=content, actor=cls.admin)

    def sign(self):
        pledges.sign_pledge(self.pledge, signed_on=SIGNED_ON, actor=self.admin)

    def test_the_header_carries_the_issuer_the_number_and_the_place_and_date(self):
        self.sign()
        document = read(pledge_docx(self.pledge))
        left, right = document.tables[0].rows[0].cells
        self.assertEqual(
            [p.text for p in left.paragraphs],
            ["BAN TỔ CHỨC TRUNG ƯƠNG", "CỤM THI ĐUA SỐ 2", "*", "Số 01-GƯ/CTĐ"],
        )
        self.assertTrue(runs(left)["CỤM THI ĐUA SỐ 2"].bold)
        party = runs(right)["ĐẢNG CỘNG SẢN VIỆT NAM"]
        self.assertTrue(party.bold)
        self.assertTrue(party.underline)
        date = runs(right)["Thái Bình, ngày 10 tháng 3 năm 2021"]
        self.assertTrue(date.italic)

    def test_the_title_and_subject_follow_the_header_centred(self):
        self.sign()
        document = read(pledge_docx(self.pledge))
        paragraphs = [p for p in document.paragraphs if p.text]
        title, subject = paragraphs[0], paragraphs[1]
        self.assertEqual(title.text, "GIAO ƯỚC THI ĐUA")
        self.assertTrue(title.runs[0].bold)
        self.assertEqual(title.alignment, WD_ALIGN_PARAGRAPH.CENTER)
        self.assertEqual(
            subject.text, "Thi đua thực hiện nhiệm vụ công tác tổ chức xây dựng Đảng năm 2021"
        )

    def test_the_preamble_keeps_one_paragraph_per_legal_basis(self):
        self.sign()
        lines = texts(read(pledge_docx(self.pledge)))
        self.assertIn("Căn cứ Luật Thi đua, khen thưởng;", lines)
        self.assertIn(
            "Căn cứ Quy chế hoạt động của Cụm, các đơn vị thống nhất ký kết giao ước thi đua "
            "năm 2021:",
            lines,
        )

    def test_every_task_group_comes_numbered_in_order_with_its_content(self):
        self.sign()
        document = read(pledge_docx(self.pledge))
        numbered = [p for p in document.paragraphs if p.text[:2] in ("1.", "2.", "3.")]
        self.assertEqual(
            [p.text for p in numbered], [f"{i}. {t}" for i, (t, _) in enumerate(GROUPS, 1)]
        )
        self.assertTrue(all(p.runs[0].bold for p in numbered))
        lines = texts(document)
        first = lines.index(numbered[0].text)
        self.assertEqual(lines[first + 1], "Theo dõi, tổng hợp kết quả.")

    def test_signatories_are_listed_in_vietnamese_order_and_each_has_a_signature_cell(self):
        """Vietnamese order: Bắc < Hải < Ninh < Quảng < Thái."""
        self.sign()
        document = read(pledge_docx(self.pledge))
        listed = [t for t in texts(document) if t.startswith("- ")]
        self.assertEqual(
            listed,
            [
                "- Ban Tổ chức Tỉnh ủy Bắc Ninh;",
                "- Ban Tổ chức Tỉnh ủy Hải Phòng;",
                "- Ban Tổ chức Tỉnh ủy Ninh Bình;",
                "- Ban Tổ chức Tỉnh ủy Quảng Ninh;",
                "- Ban Tổ chức Tỉnh ủy Thái Bình.",
            ],
        )
        signatures = document.tables[1]
        self.assertEqual(len(signatures.columns), 3)  # five signatories: rows of three
        cells = [c.text for row in signatures.rows for c in row.cells]
        self.assertTrue(cells[0].startswith("T/M BAN TỔ CHỨC\nTỈNH ỦY BẮC NINH"))
        self.assertTrue(cells[3].startswith("T/M BAN TỔ CHỨC\nTỈNH ỦY QUẢNG NINH"))
        self.assertEqual(sum(1 for c in cells if c.startswith("T/M ")), 5)

    def test_units_bear_the_names_they_had_on_the_signing_day(self):
        quang_ninh = self.world.cast.members[0]
        registry.rename_unit(
            quang_ninh,
            actor=None,
            effective_date=datetime.date(2021, 6, 1),
            name="Ban Tổ chức Tỉnh ủy Quảng Ninh (tên mới)",
            short_name="Quảng Ninh mới",
        )
        self.sign()
        lines = texts(read(pledge_docx(self.pledge)))
        self.assertIn("- Ban Tổ chức Tỉnh ủy Quảng Ninh;", lines)
        self.assertNotIn("- Ban Tổ chức Tỉnh ủy Quảng Ninh (tên mới);", lines)

    def test_an_unsigned_pledge_leaves_the_date_blank_and_lists_the_participants(self):
        document = read(pledge_docx(self.pledge))
        right = document.tables[0].rows[0].cells[1]
        self.assertIn("Thái Bình, ngày … tháng … năm …", right.text)
        listed = [t for t in texts(document) if t.startswith("- ")]
        self.assertEqual(len(listed), len(self.world.cast.members))

    def test_the_page_is_a4_with_the_party_margins_in_times_new_roman(self):
        self.sign()
        document = read(pledge_docx(self.pledge))
        section = document.sections[0]
        measures = (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
        # Word stores lengths in twentieths of a point: compare to the millimetre.
        self.assertEqual([round(m.cm, 1) for m in measures], [21, 29.7, 2, 2, 3, 1.5])
        self.assertEqual(document.styles["Normal"].font.name, "Times New Roman")
        fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text.strip()}
        self.assertEqual(fonts, {"Times New Roman"})

    def test_days_below_ten_and_the_first_two_months_take_a_leading_zero(self):
        self.assertEqual(
            place_and_date("Hà Nội", datetime.date(2021, 2, 5)), "Hà Nội, ngày 05 tháng 02 năm 2021"
        )
        self.assertEqual(
            place_and_date("Hạ Long", datetime.date(2022, 12, 2)),
            "Hạ Long, ngày 02 tháng 12 năm 2022",
        )
        self.assertEqual(
            place_and_date("Thái Bình", datetime.date(2021, 3, 10)),
            "Thái Bình, ngày 10 tháng 3 năm 2021",
        )
