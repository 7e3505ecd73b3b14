"""The Excel round trip of score sheets and the period's summary workbook (issue "Emulation
cycle" §7): exported files are read back with openpyxl, filled in as a user would, and
imported again."""

import datetime
import io
from decimal import Decimal as D

import openpyxl
import time_machine

from core.legacy import to_legacy
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from emulation import excel
from emulation.models import Method, Score, Section, Stage
from emulation.services import cycle, ranking, scales, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess

HAND_SCORED = ("1.1", "1.2", "2.1", "2.2", "3.1", "4.1")


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows_by_number(ws) -> dict[str, int]:
    """STT → row, for the criteria rows below the header."""
    return {
        str(ws.cell(row=r, column=1).value): r
        for r in range(excel.FIRST_ROW, ws.max_row + 1)
        if ws.cell(row=r, column=8).value is not None
    }


def row_labelled(ws, label: str) -> int:
    """The totals row with this label (totals rows have no criterion id)."""
    for r in range(excel.FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=2).value == label and ws.cell(row=r, column=8).value is None:
            return r
    raise AssertionError(label)


def evaluate(ws, coordinate: str) -> D:
    """The value of a cell, computing the few formulas the export writes (SUM, MIN, SUMIF,
    + and -), so the test can check them against the service's totals."""
    value = ws[coordinate].value
    if isinstance(value, str) and value.startswith("="):
        return _expression(ws, value[1:])
    if value is None or isinstance(value, str):
        return D(0)
    return D(str(value))


def _split(text: str, separators: str) -> list[tuple[str, str]]:
    """Top-level pieces of ``text`` with the separator before each one."""
    pieces, depth, start, sign = [], 0, 0, "+"
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and char in separators and index > start:
            pieces.append((sign, text[start:index]))
            sign, start = char, index + 1
    pieces.append((sign, text[start:]))
    return pieces


def _cells(ws, reference: str) -> list[str]:
    return _expand(reference) if ":" in reference else [reference]


def _expression(ws, text: str) -> D:
    total = D(0)
    for sign, term in _split(text, "+-"):
        value = _term(ws, term.strip())
        total = total - value if sign == "-" else total + value
    return total


def _term(ws, term: str) -> D:
    if term[0].isdigit():
        return D(term)
    if "(" not in term:
        return evaluate(ws, term)
    name, arguments = term[:-1].split("(", 1)
    parts = [part for _sign, part in _split(arguments, ",")]
    if name == "SUMIF":
        where, wanted, summed = parts
        return sum(
            (
                evaluate(ws, s)
                for w, s in zip(_cells(ws, where), _cells(ws, summed), strict=True)
                if str(ws[w].value or "").lower() == wanted.strip('"').lower()
            ),
            D(0),
        )
    values = [
        v
        for part in parts
        for v in (
            [evaluate(ws, c) for c in _cells(ws, part)]
            if part[0].isalpha() and "(" not in part
            else [_expression(ws, part)]
        )
    ]
    return {"SUM": sum(values, D(0)), "MIN": min(values)}[name]


def cells_of(validation) -> set[str]:
    return {cell for rng in validation.sqref.ranges for cell in _expand(rng.coord)}


def _expand(coord: str) -> list[str]:
    if ":" not in coord:
        return [coord]
    first, last = coord.split(":")
    ws = openpyxl.Workbook().active
    return [c.coordinate for row in ws[first:last] for c in row]


class ExcelTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        for unit in cls.world.cast.members:
            target = cls.world.year.targets.get(unit=unit)
            target_services.record_actual(target, D(243), actor=cls.world.cast.admin)

    def setUp(self):
        self.admin = self.world.cast.admin
        self.officer = self.world.cast.member_officer
        self.unit = self.world.cast.member_unit
        self.sheet = self.world.sheet(self.unit)
        self.traveller = time_machine.travel(DURING)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def blank(self, sheet=None):
        book = load(excel.export_sheet(sheet or self.sheet, filled=False))
        return book, book[excel.SHEET_TITLE]

    def fill(self, ws, values: dict[str, tuple]) -> None:
        """values: STT → (score, not applicable marker, reason)."""
        rows = rows_by_number(ws)
        for number, (score, marker, reason) in values.items():
            ws[f"E{rows[number]}"] = score
            ws[f"F{rows[number]}"] = marker
            ws[f"G{rows[number]}"] = reason

    def stored(self, sheet=None) -> dict[str, tuple]:
        return {
            s.criterion.number: (s.points, s.applicable, s.note)
            for s in Score.objects.filter(
                sheet=sheet or self.sheet, stage=Stage.SELF
            ).select_related("criterion")
        }

    def import_(self, data: bytes, **kwargs):
        kwargs.setdefault("sheet", self.sheet)
        kwargs.setdefault("actor", self.officer)
        return excel.import_sheet(data, **kwargs)

    def refused(self, data: bytes, fragment: str = "", **kwargs) -> list[excel.ImportProblem]:
        with self.assertRefused(fragment, Score) as caught:
            self.import_(data, **kwargs)
        self.assertIsInstance(caught.exception, excel.ImportRejected)
        self.assertIn(f"Tệp có {len(caught.exception.problems)} lỗi", caught.exception.message)
        return caught.exception.problems


class ExportTests(ExcelTestCase):
    def test_a_blank_sheet_lists_the_criteria_tree_in_reading_order_with_maxima(self):
        book, ws = self.blank()
        self.assertEqual(
            [ws.cell(row=excel.HEADER_ROW, column=c).value for c in range(1, 8)],
            [
                "STT",
                "Nội dung tiêu chí",
                "Điểm tối đa",
                "Cách chấm",
                "Điểm tự chấm",
                "Không áp dụng (x)",
                "Giải thích / lý do",
            ],
        )
        nodes = scales.criteria(self.world.scale)
        rows = range(excel.FIRST_ROW, excel.FIRST_ROW + len(nodes))
        self.assertEqual(
            [ws[f"A{r}"].value for r in rows],
            ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1", "4", "4.1"],
        )
        self.assertEqual([ws[f"B{r}"].value for r in rows], [c.title for c in nodes])
        self.assertEqual([D(str(ws[f"C{r}"].value)) for r in rows], [c.max_points for c in nodes])
        self.assertEqual([ws[f"H{r}"].value for r in rows], [c.pk for c in nodes])
        self.assertTrue(ws.column_dimensions["H"].hidden)
        indents = {ws[f"A{r}"].value: ws[f"B{r}"].alignment.indent for r in rows}
        self.assertEqual((indents["1"], indents["1.1"]), (0, 2))
        titles = " ".join(str(ws[f"A{r}"].value) for r in range(1, excel.HEADER_ROW))
        for expected in ("CỤM THI ĐUA SỐ 2", "NĂM 2021", "Ban Tổ chức Tỉnh ủy Thái Bình"):
            self.assertIn(expected, titles)
        for number in HAND_SCORED:
            self.assertIsNone(ws[f"E{rows_by_number(ws)[number]}"].value)

    def test_the_hidden_worksheet_identifies_sheet_unit_year_and_scale_version(self):
        book, _ws = self.blank()
        meta = book[excel.META_TITLE]
        self.assertIn(meta.sheet_state, ("hidden", "veryHidden"))
        values = {row[0]: row[1] for row in meta.iter_rows(values_only=True)}
        self.assertEqual(values["sheet_id"], self.sheet.pk)
        self.assertEqual(values["unit_id"], self.unit.pk)
        self.assertEqual(values["year"], 2021)
        self.assertEqual(values["scale_id"], self.world.scale.pk)
        self.assertEqual(values["scale_version"], self.world.scale.version)

    def test_only_the_input_cells_of_hand_scored_leaves_are_unlocked(self):
        _book, ws = self.blank()
        self.assertTrue(ws.protection.sheet)
        rows = rows_by_number(ws)
        expected = set()
        for number, leaf in self.world.leaves.items():
            if leaf.method == Method.TARGET:
                continue
            columns = "EFG" if leaf.section == Section.REGULAR else "EG"
            expected |= {f"{letter}{rows[number]}" for letter in columns}
        unlocked = {
            cell.coordinate
            for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=8)
            for cell in row
            if not cell.protection.locked
        }
        self.assertEqual(unlocked, expected)

    def test_a_submitted_sheet_is_exported_with_every_cell_locked(self):
        self_assess(self.world, self.unit, {})
        self.sheet.refresh_from_db()
        ws = load(excel.export_sheet(self.sheet))[excel.SHEET_TITLE]
        self.assertTrue(ws.protection.sheet)
        self.assertEqual(
            [c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked], []
        )
        self.assertIn("bản để xem và in", ws["A5"].value)

    def test_target_driven_leaves_show_their_computed_points_as_a_locked_formula(self):
        _book, ws = self.blank()
        cell = ws[f"E{rows_by_number(ws)['1.3']}"]
        derived = sheets.line_of(self.sheet, self.world.leaves["1.3"]).derived
        self.assertTrue(cell.protection.locked)
        self.assertEqual(D(cell.value.removeprefix("=")), derived)

    def test_score_cells_are_validated_against_their_maximum(self):
        _book, ws = self.blank()
        rows = rows_by_number(ws)
        by_cell = {}
        for validation in ws.data_validations.dataValidation:
            for cell in cells_of(validation):
                by_cell[cell] = validation
        manual = by_cell[f"E{rows['1.1']}"]
        self.assertEqual((manual.type, manual.formula1, manual.formula2), ("decimal", "0", "20"))
        yes_no = by_cell[f"E{rows['1.2']}"]
        self.assertEqual((yes_no.type, yes_no.formula1), ("list", '"0,10"'))
        self.assertEqual(by_cell[f"F{rows['2.1']}"].formula1, '"x"')
        self.assertNotIn(f"E{rows['1.3']}", by_cell)
        self.assertNotIn(f"E{rows['1']}", by_cell)

    def test_group_rows_and_totals_are_excel_formulas(self):
        _book, ws = self.blank()
        rows = rows_by_number(ws)
        self.assertEqual(
            ws[f"E{rows['1']}"].value, f"=SUM(E{rows['1.1']},E{rows['1.2']},E{rows['1.3']})"
        )
        self.assertEqual(ws[f"E{rows['2']}"].value, f"=SUM(E{rows['2.1']},E{rows['2.2']})")
        regular = row_labelled(ws, "Cộng điểm chuẩn")
        bonus = row_labelled(ws, "Điểm thưởng (tối đa 5 điểm)")
        deduction = row_labelled(ws, "Điểm trừ")
        total = row_labelled(ws, "Tổng điểm")
        self.assertEqual(ws[f"E{regular}"].value, f"=SUM(E{rows['1']},E{rows['2']})")
        self.assertEqual(ws[f"E{bonus}"].value, f"=MIN(SUM(E{rows['3']}),5)")
        self.assertEqual(ws[f"E{deduction}"].value, f"=SUM(E{rows['4']})")
        self.assertEqual(ws[f"E{total}"].value, f"=E{regular}+E{bonus}-E{deduction}")

    def test_the_total_formulas_add_up_like_the_service(self):
        self_assess(
            self.world,
            self.unit,
            {"2.1": D("22.5"), "2.2": None, "3.1": D(4), "4.1": D("1.5")},
            submit=False,
        )
        ws = load(excel.export_sheet(self.sheet))[excel.SHEET_TITLE]
        totals = sheets.view(self.sheet).self_totals
        total = row_labelled(ws, "Tổng điểm")
        self.assertEqual(evaluate(ws, f"E{row_labelled(ws, 'Cộng điểm chuẩn')}"), totals.regular)
        self.assertEqual(evaluate(ws, f"E{total}"), totals.total)
        self.assertEqual(evaluate(ws, f"C{total}"), totals.maximum)
        self.assertEqual(
            evaluate(ws, f"E{rows_by_number(ws)['2']}"), D("22.5"), "2.2 is not applicable"
        )

    def test_the_sheet_is_print_ready(self):
        _book, ws = self.blank()
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertEqual(int(ws.page_setup.paperSize), int(ws.PAPERSIZE_A4))
        self.assertEqual(int(ws.page_setup.fitToWidth), 1)
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual(ws.print_title_rows, f"${excel.HEADER_ROW}:${excel.HEADER_ROW}")
        self.assertEqual(ws.freeze_panes, f"C{excel.FIRST_ROW}")
        self.assertTrue(ws["B7"].alignment.wrap_text)

    def test_a_filled_sheet_shows_the_stored_self_scores(self):
        self_assess(self.world, self.unit, {"2.1": D("22.5"), "2.2": None}, submit=False)
        ws = load(excel.export_sheet(self.sheet))[excel.SHEET_TITLE]
        rows = rows_by_number(ws)
        self.assertEqual(ws[f"E{rows['2.1']}"].value, 22.5)
        self.assertEqual(ws[f"E{rows['1.1']}"].value, 20)
        self.assertIsNone(ws[f"E{rows['2.2']}"].value)
        self.assertEqual(ws[f"F{rows['2.2']}"].value, "x")
        self.assertEqual(ws[f"G{rows['2.2']}"].value, "Không có nhiệm vụ này")


class RoundTripTests(ExcelTestCase):
    def test_a_blank_sheet_filled_in_excel_becomes_the_self_scores(self):
        """Rows may be reordered; numbers may be typed as Vietnamese text ("17,5")."""
        book, ws = self.blank()
        rows = rows_by_number(ws)
        first, second = rows["2.1"], rows["2.2"]
        for column in range(1, 9):
            a, b = ws.cell(row=first, column=column), ws.cell(row=second, column=column)
            a.value, b.value = b.value, a.value
        reason = "Tỉnh không có đơn vị thuộc diện đánh giá cán bộ trong năm"
        typed = {
            "1.1": ("17,5", None, None),
            "1.2": (10, None, None),
            "2.1": (20, None, "Đã ban hành quy hoạch nhiệm kỳ 2020 - 2025"),
            "2.2": (None, "x", reason),
            "3.1": (2.5, None, None),
            "4.1": ("1", None, None),
        }
        self.fill(ws, typed)
        self.assertEqual(rows_by_number(ws)["2.1"], second)

        result = self.import_(save(book))

        self.assertEqual((result.changed, result.unchanged, result.repaired), (6, 0, []))
        self.assertEqual(
            self.stored(),
            {
                "1.1": (D("17.5"), True, ""),
                "1.2": (D(10), True, ""),
                "2.1": (D(20), True, "Đã ban hành quy hoạch nhiệm kỳ 2020 - 2025"),
                "2.2": (None, False, reason),
                "3.1": (D("2.5"), True, ""),
                "4.1": (D(1), True, ""),
            },
        )
        totals = sheets.view(self.sheet).self_totals
        derived = sheets.line_of(self.sheet, self.world.leaves["1.3"]).derived
        self.assertEqual(totals.regular, D("17.5") + 10 + derived + 20)
        self.assertEqual((totals.bonus, totals.deductions), (D("2.5"), D(1)))
        self.assertEqual(totals.maximum, self.world.scale.total_max - 15)
        self.assertEqual(totals.total, totals.regular + D("2.5") - 1)

    def test_rows_match_on_their_number_when_the_hidden_id_column_is_lost(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (15, None, None), "2.2": (12.5, None, None)})
        ws.delete_cols(8)
        self.import_(save(book))
        self.assertEqual(self.stored(), {"1.1": (D(15), True, ""), "2.2": (D("12.5"), True, "")})

    def test_a_filled_sheet_imported_again_changes_nothing(self):
        self_assess(self.world, self.unit, {"2.1": D("22.5"), "2.2": None}, submit=False)
        before = self.stored()
        entries = AuditEntry.objects.count()
        result = self.import_(excel.export_sheet(self.sheet))
        self.assertEqual((result.changed, result.unchanged), (0, len(HAND_SCORED)))
        self.assertEqual(self.stored(), before)
        self.assertEqual(AuditEntry.objects.count(), entries)

    def test_a_changed_score_is_rewritten_and_audited_alone(self):
        self_assess(self.world, self.unit, {}, submit=False)
        book = load(excel.export_sheet(self.sheet))
        ws = book[excel.SHEET_TITLE]
        ws[f"E{rows_by_number(ws)['2.1']}"] = 21
        entries = AuditEntry.objects.count()
        result = self.import_(save(book))
        self.assertEqual((result.changed, result.unchanged), (1, len(HAND_SCORED) - 1))
        self.assertEqual(self.stored()["2.1"][0], D(21))
        self.assertEqual(AuditEntry.objects.count(), entries + 1)

    def test_without_a_sheet_the_file_finds_its_own_sheet(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None)})
        result = excel.import_sheet(save(book), actor=self.officer)
        self.assertEqual(result.sheet, self.sheet)
        self.assertEqual(self.stored()["1.1"][0], D(20))

    def test_a_reason_typed_in_tcvn3_is_repaired_and_reported(self):
        reason = "Đơn vị chưa được giao nhiệm vụ đánh giá cán bộ"
        book, ws = self.blank()
        self.fill(ws, {"2.2": (None, "x", to_legacy(reason, "tcvn3"))})
        row = rows_by_number(ws)["2.2"]
        result = self.import_(save(book))
        self.assertEqual(self.stored()["2.2"], (None, False, reason))
        self.assertEqual(len(result.repaired), 1)
        note = result.repaired[0]
        self.assertEqual((note.sheet, note.row, note.column), (excel.SHEET_TITLE, row, "G"))
        self.assertIn("TCVN3", note.message)
        self.assertIn(reason, note.message)

    def test_a_reason_typed_in_vni_is_repaired_too(self):
        reason = "Không có tổ chức đảng trực thuộc thuộc diện này"
        book, ws = self.blank()
        self.fill(ws, {"2.2": (None, "x", to_legacy(reason, "vni"))})
        result = self.import_(save(book))
        self.assertEqual(self.stored()["2.2"], (None, False, reason))
        self.assertIn("VNI", result.repaired[0].message)


class RefusalTests(ExcelTestCase):
    def test_every_wrong_cell_is_reported_with_its_place_and_nothing_is_saved(self):
        book, ws = self.blank()
        rows = rows_by_number(ws)
        self.fill(
            ws,
            {
                "1.1": ("abc", None, None),
                "1.2": (5, None, None),
                "2.1": (20, "x", "Không có"),
                "2.2": (None, "x", None),
                "3.1": (6, None, None),
                "4.1": ("2,3", None, None),
            },
        )
        ws[f"E{rows['1']}"] = 55  # a group row
        ws[f"E{rows['1.3']}"] = 25  # a target-driven leaf
        extra = ws.max_row + 1
        ws[f"A{extra}"] = "9.9"
        ws[f"E{extra}"] = 5
        problems = self.refused(save(book), "Tệp có 9 lỗi, không lưu gì.")
        found = {(p.sheet, p.row, p.column): p.message for p in problems}
        expected = {
            (rows["1"], "E"): "là nhóm tiêu chí",
            (rows["1.1"], "E"): "“abc” không phải là số",
            (rows["1.2"], "E"): "chỉ nhận 0 hoặc 10",
            (rows["1.3"], "E"): "tính tự động",
            (rows["2.1"], "E"): "thì không nhập điểm",
            (rows["2.2"], "G"): "nêu lý do không áp dụng",
            (rows["3.1"], "E"): "vượt điểm tối đa 5",
            (rows["4.1"], "E"): "bước 0,5",
            (extra, "A"): "Không có tiêu chí số “9.9”",
        }
        self.assertEqual(set(found), {(excel.SHEET_TITLE, r, c) for r, c in expected})
        for (row, column), fragment in expected.items():
            self.assertIn(fragment, found[(excel.SHEET_TITLE, row, column)])

    def test_a_valid_row_is_not_saved_when_another_row_is_wrong(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None), "2.1": (30, None, None)})
        problems = self.refused(save(book))
        self.assertEqual([(p.row, p.column) for p in problems], [(rows_by_number(ws)["2.1"], "E")])
        self.assertEqual(self.stored(), {})

    def test_not_applicable_is_refused_on_a_bonus_criterion(self):
        book, ws = self.blank()
        self.fill(ws, {"3.1": (None, "x", "Không có mô hình")})
        problems = self.refused(save(book))
        self.assertEqual([(p.row, p.column) for p in problems], [(rows_by_number(ws)["3.1"], "F")])

    def test_another_units_file_is_refused(self):
        other = self.world.sheet(self.world.cast.members[3])
        book, ws = self.blank(other)
        self.fill(ws, {"1.1": (20, None, None)})
        problems = self.refused(save(book), "1 lỗi")
        self.assertEqual((problems[0].sheet, problems[0].row), (excel.SHEET_TITLE, None))
        self.assertIn("Bắc Ninh, không phải của Thái Bình", problems[0].message)
        self.assertEqual(self.stored(other), {})

    def test_a_file_chosen_by_its_ids_needs_the_right_to_edit_that_sheet(self):
        other = self.world.sheet(self.world.cast.members[3])
        book, ws = self.blank(other)
        self.fill(ws, {"1.1": (20, None, None)})
        problems = self.refused(save(book), sheet=None)
        self.assertIn("không có quyền", problems[0].message)

    def test_a_file_of_an_older_scale_version_is_refused(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None)})
        scales.new_version(self.world.scale, actor=self.admin, reason="Sửa hướng dẫn chấm")
        self.sheet.refresh_from_db()
        problems = self.refused(save(book))
        self.assertEqual(len(problems), 1)
        self.assertIn("phiên bản 1, bảng điểm hiện dùng phiên bản 2", problems[0].message)

    def test_a_file_of_another_year_is_refused(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None)})
        meta = book[excel.META_TITLE]
        self.assertEqual(meta["A5"].value, "year")
        meta["B5"] = 2020
        problems = self.refused(save(book))
        self.assertEqual(
            [p.message for p in problems],
            ["Tệp là bảng điểm năm 2020, bảng điểm đang nhập là năm 2021."],
        )

    def test_a_file_whose_sheet_no_longer_exists_is_refused(self):
        book, ws = self.blank()
        book[excel.META_TITLE]["B2"] = 987654
        problems = self.refused(save(book), sheet=None)
        self.assertIn("không còn trong hệ thống", problems[0].message)

    def test_a_file_without_the_hidden_ids_is_refused(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None)})
        del book[excel.META_TITLE]
        problems = self.refused(save(book))
        self.assertIn("Không tìm thấy thông tin nhận dạng", problems[0].message)

    def test_a_file_that_is_not_a_workbook_is_refused(self):
        problems = self.refused(b"STT;Diem\n1.1;20\n")
        self.assertIn(".xlsx", problems[0].message)

    def test_a_submitted_sheet_is_refused(self):
        self_assess(self.world, self.unit, {})
        book = load(excel.export_sheet(self.sheet))
        ws = book[excel.SHEET_TITLE]
        ws[f"E{rows_by_number(ws)['2.1']}"] = 21
        self.sheet.refresh_from_db()
        problems = self.refused(save(book), "Tệp có 1 lỗi")
        self.assertIn("Đã nộp", problems[0].message)
        self.assertEqual(problems[0].row, None)

    def test_an_import_after_the_due_date_is_refused_until_the_sheet_is_reopened(self):
        book, ws = self.blank()
        self.fill(ws, {"1.1": (20, None, None)})
        data = save(book)
        with time_machine.travel(AFTER):
            problems = self.refused(data, "Tệp có 1 lỗi")
            self.assertIn("quá hạn nộp (10/12/2021)", problems[0].message)
            cycle.reopen_sheet(
                self.sheet,
                until=AFTER + datetime.timedelta(days=3),
                reason="Đơn vị đề nghị bổ sung",
                actor=self.admin,
            )
            result = self.import_(data)
        self.assertEqual(result.changed, 1)
        self.assertEqual(self.stored()["1.1"][0], D(20))


class SummaryTests(ExcelTestCase):
    def test_the_summary_follows_the_ranking_and_compares_self_with_review(self):
        """Thái Bình scored itself 24,5 on 2.1 and the reviewers 20: 4,5 of 25 points is
        18%, above the 10% threshold. Ninh Bình is not finalized."""
        members = self.world.cast.members
        head, deputy, thai_binh, ninh_binh = members[0], members[2], members[1], members[4]
        for unit in members:
            self_assess(
                self.world,
                unit,
                {"2.1": D("24.5")}
                if unit == thai_binh
                else {"4.1": D(1)}
                if unit == members[3]
                else {},
            )
        self.traveller.stop()
        with time_machine.travel(AFTER):
            for unit in members:
                for reviewer in (head, deputy):
                    if reviewer != unit:
                        review(
                            self.world, unit, reviewer, {"2.1": D(20)} if unit == thai_binh else {}
                        )
                sheets.complete_review(self.world.sheet(unit), actor=self.admin)
                if unit != ninh_binh:
                    sheets.finalize(self.world.sheet(unit), actor=self.admin)
            expected = ranking.rank(self.world.period)
            book = load(excel.export_summary(self.world.period))
        self.traveller.start()
        self.assertEqual(book.sheetnames, ["Xếp hạng", "Theo nhóm", "Tự chấm - Bình xét"])

        ws = book["Xếp hạng"]
        table = [
            [ws.cell(row=r, column=c).value for c in range(1, 8)]
            for r in range(5, 5 + len(expected.rows) + 1)
        ]
        self.assertEqual(
            [row[:4] for row in table[:-1]],
            [[r.rank, r.name, float(r.total), float(r.maximum)] for r in expected.rows],
        )
        self.assertEqual(
            [row[6] for row in table[:-1]],
            [excel.SUGGESTIONS.get(r.suggestion, "") for r in expected.rows],
        )
        self.assertEqual(table[-2][1], "Thái Bình")  # 95 points, the lowest final total
        self.assertAlmostEqual(table[-2][4], 0.95)
        self.assertEqual(table[-1][:2], ["chưa chốt", "Ninh Bình"])

        ws = book["Theo nhóm"]
        headers = [ws.cell(row=4, column=c).value for c in range(1, ws.max_column + 1)]
        by_unit = {
            ws.cell(row=r, column=2).value: [
                ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)
            ]
            for r in range(5, ws.max_row + 1)
        }
        group2 = headers.index("2. Công tác cán bộ – Tự chấm")
        self.assertEqual(by_unit["Thái Bình"][group2 : group2 + 2], [39.5, 35])
        self.assertEqual(by_unit["Ninh Bình"][group2 + 1], "chưa chốt")

        ws = book["Tự chấm - Bình xét"]
        lines = {
            (ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value): [
                ws.cell(row=r, column=c).value for c in range(4, 10)
            ]
            for r in range(5, ws.max_row + 1)
        }
        self.assertEqual(lines[("Thái Bình", "2.1")][:5], [25, 24.5, 20, 20, 4.5])
        self.assertIn("Tự chấm cao", lines[("Thái Bình", "2.1")][5])
        flagged = [key for key, values in lines.items() if values[5]]
        self.assertEqual(flagged, [("Thái Bình", "2.1")])
        self.assertEqual(lines[("Ninh Bình", "2.1")][3], "chưa chốt")
