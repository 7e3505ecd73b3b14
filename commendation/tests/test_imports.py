"""Bulk import of member results: all or nothing, every rejected row reported, read in chunks.

The same tests run on SQLite (rows parsed by Python, staged with executemany) and on
PostgreSQL (CSV passed to COPY block by block; a file COPY cannot read falls back to Python).
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import TestCase

from commendation.models import ImportBatch, Level, PersonClassification
from commendation.services import imports
from commendation.services.imports import import_person_results
from commendation.services.rules import rule_set_for
from commendation.testing import classify, make_party
from core.models import AuditEntry
from organizations.testing import make_unit

HEADER = ["Mã đảng viên", "Họ và tên", "Mã đơn vị", "Năm", "Xếp loại", "Điểm", "Tiêu biểu", "Nhóm"]
CODE, NAME, UNIT, YEAR, LEVEL, SCORE, EXEMPLARY, GROUP = HEADER


def csv_bytes(rows, header=HEADER, *, bom=False, delimiter=",", before=()) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for line in before:
        writer.writerow(line)
    writer.writerow(header)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def line(person, level="HTTNV", *, score="", exemplary="", group="", year="2024", name=None):
    return [
        person.code,
        person.full_name if name is None else name,
        person.unit.code,
        year,
        level,
        score,
        exemplary,
        group,
    ]


class ImportCase(TestCase):
    def setUp(self):
        self.party = make_party(communes=2, orgs_per_commune=2, members_per_org=3)
        self.people = self.party.people

    def run_import(self, data: bytes, *, year=2024, scope=None, progress=None, name="kq.csv"):
        return import_person_results(
            io.BytesIO(data),
            year=year,
            actor=None,
            file_name=name,
            scope=scope,
            progress=progress,
        )

    def assertRejected(self, batch, *errors):
        """The batch is rejected, nothing was saved, and its errors start with ``errors``:
        (row, column, fragment of the message) in row order."""
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertEqual(PersonClassification.objects.filter(year=batch.year).count(), 0)
        found = [(e["row"], e["column"], e["message"]) for e in batch.errors]
        self.assertEqual(len(found), len(errors), found)
        for (row, column, message), (want_row, want_column, fragment) in zip(
            found, errors, strict=True
        ):
            self.assertEqual((row, column), (want_row, want_column), message)
            self.assertIn(fragment, message)


class SuccessfulImportTests(ImportCase):
    def test_a_csv_file_is_saved_whole_with_the_year_rule_set_and_the_batch(self):
        rows = [line(p, "HTTNV", group="Cán bộ") for p in self.people]
        rows[0] = line(self.people[0], "HTXSNV", exemplary="x", group="Cán bộ")
        batch = self.run_import(csv_bytes(rows))

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        self.assertEqual(
            (batch.total_rows, batch.processed_rows, batch.rejected_rows), (len(rows), len(rows), 0)
        )
        saved = {r.person_id: r for r in PersonClassification.objects.filter(year=2024)}
        self.assertEqual(set(saved), {p.pk for p in self.people})
        first = saved[self.people[0].pk]
        self.assertEqual((first.level, first.exemplary), (Level.EXCELLENT, True))
        for person in self.people:
            result = saved[person.pk]
            self.assertEqual(result.unit_id, person.unit_id)
            self.assertEqual(result.rule_set, rule_set_for(2024))
            self.assertEqual(result.batch, batch)
            self.assertEqual(result.group, "Cán bộ")
            self.assertIsNone(result.score)
        self.assertEqual(saved[self.people[1].pk].level, Level.GOOD)
        self.assertFalse(saved[self.people[1].pk].exemplary)

    def test_an_xlsx_file_is_saved_and_read_back(self):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["DANH SÁCH XẾP LOẠI ĐẢNG VIÊN NĂM 2025"])  # a title row above the header
        sheet.append(HEADER)
        for index, person in enumerate(self.people):
            # Numbers as Excel stores them: a float score and an integer year.
            score = 92.5 if index == 0 else 80 + index / 4
            level = "Hoàn thành xuất sắc nhiệm vụ" if index == 0 else "HTTNV"
            sheet.append([person.code, person.full_name, person.unit.code, 2025, level, score])
        buffer = io.BytesIO()
        workbook.save(buffer)

        batch = self.run_import(buffer.getvalue(), year=2025, name="kq.xlsx")

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        saved = {r.person_id: r for r in PersonClassification.objects.filter(year=2025)}
        self.assertEqual(len(saved), len(self.people))
        self.assertEqual(saved[self.people[0].pk].score, Decimal("92.50"))
        self.assertEqual(saved[self.people[0].pk].level, Level.EXCELLENT)
        self.assertEqual(saved[self.people[3].pk].score, Decimal("80.75"))
        self.assertEqual(saved[self.people[3].pk].rule_set.code, "366-QĐ/TW")

    def test_columns_may_come_in_any_order_and_spelling_below_title_rows(self):
        header = ["STT", "xep loai", "MÃ ĐƠN VỊ", "Ma dang vien", "Ghi chú"]
        rows = [[i, "HTNV", p.unit.code, p.code, ""] for i, p in enumerate(self.people, 1)]
        data = csv_bytes(rows, header, before=[["Đảng bộ tỉnh Hưng Yên"], []])

        batch = self.run_import(data)

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        levels = PersonClassification.objects.filter(year=2024).values_list("level", flat=True)
        self.assertEqual(sorted(set(levels)), [Level.COMPLETED])
        self.assertEqual(len(levels), len(self.people))

    def test_a_byte_order_mark_and_semicolons_are_accepted(self):
        rows = [line(p, score="75,25") for p in self.people]
        batch = self.run_import(csv_bytes(rows, bom=True, delimiter=";"))

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        scores = PersonClassification.objects.filter(year=2024).values_list("score", flat=True)
        self.assertEqual(set(scores), {Decimal("75.25")})

    def test_levels_are_read_in_any_common_spelling(self):
        spellings = [
            ("Hoàn thành xuất sắc nhiệm vụ", Level.EXCELLENT),
            ("HTXSNV", Level.EXCELLENT),
            ("Xuất sắc", Level.EXCELLENT),
            ("hoan thanh tot nhiem vu", Level.GOOD),
            ("HTTNV", Level.GOOD),
            ("Hoàn thành nhiệm vụ", Level.COMPLETED),
            ("  htnv ", Level.COMPLETED),
            ("Không hoàn thành nhiệm vụ", Level.NOT_COMPLETED),
            ("KHTNV", Level.NOT_COMPLETED),
        ]
        people = self.people[: len(spellings)]
        rows = [line(p, text) for p, (text, _) in zip(people, spellings, strict=True)]

        batch = self.run_import(csv_bytes(rows))

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        saved = dict(
            PersonClassification.objects.filter(year=2024).values_list("person_id", "level")
        )
        for person, (text, level) in zip(people, spellings, strict=True):
            with self.subTest(text=text):
                self.assertEqual(saved[person.pk], level)

    def test_blank_lines_and_rows_with_only_a_serial_number_are_skipped(self):
        """Rows keep the numbers a spreadsheet shows, blank ones counted: the error below is
        on row 6 (header 1, data 2-3, blank 4, serial-only 5, bad row 6). On PostgreSQL the
        blank line makes COPY refuse the file, so this also covers the Python fallback."""
        header = ["STT", *HEADER]
        rows = [["1", *line(self.people[0])], ["2", *line(self.people[1])]]
        text = csv_bytes(rows, header).decode()
        text += "\r\n" + '"3",,,,,,,,\r\n' + "4," + ",".join(line(self.people[2], "Giỏi"))
        batch = self.run_import(text.encode())

        self.assertRejected(batch, (6, LEVEL, "Mức xếp loại “Giỏi” không hợp lệ"))
        self.assertEqual(batch.rejected_rows, 1)

    def test_one_audit_entry_records_the_batch(self):
        before = AuditEntry.objects.count()
        batch = self.run_import(csv_bytes([line(p) for p in self.people]))

        self.assertEqual(AuditEntry.objects.count(), before + 1)
        entry = AuditEntry.objects.latest("id")
        self.assertEqual(entry.object_id, str(batch.pk))
        self.assertEqual(entry.after["status"], ImportBatch.Status.DONE)


class RejectedRowTests(ImportCase):
    """Each error kind names its row (as a spreadsheet numbers it: header = 1) and column,
    and a single bad row saves nothing."""

    def test_an_unknown_member_code(self):
        rows = [line(p) for p in self.people[:2]]
        rows[1][0] = "KHONG-CO"
        self.assertRejected(
            self.run_import(csv_bytes(rows)), (3, CODE, "Không có đảng viên mã “KHONG-CO”")
        )

    def test_an_unknown_unit_code(self):
        rows = [line(p) for p in self.people[:2]]
        rows[0][2] = "DV-LA"
        self.assertRejected(
            self.run_import(csv_bytes(rows)), (2, UNIT, "Không có đơn vị mã “DV-LA”")
        )

    def test_a_unit_outside_the_scope(self):
        """The scope is one commune; a member rated in the other commune's organization is
        refused, by the parent chain in force on 31 December."""
        inside, outside = self.party.members[self.party.orgs[0].pk][0], self.people[-1]
        scope = self.party.communes[0]
        batch = self.run_import(csv_bytes([line(inside), line(outside)]), scope=scope)
        # Both the member (whose record is in the other commune) and the unit are outside.
        self.assertRejected(batch, (3, CODE, "không thuộc"), (3, UNIT, "không thuộc"))
        self.assertIn("31/12/2024", batch.errors[1]["message"])

        accepted = self.run_import(csv_bytes([line(inside)]), scope=scope)
        self.assertEqual(accepted.status, ImportBatch.Status.DONE, accepted.errors)

    def test_a_unit_that_did_not_exist_in_the_year(self):
        later = make_unit(
            "Chi bộ mới",
            parent=self.party.communes[0],
            kind_code="grassroots_org",
            valid_from=datetime.date(2025, 3, 1),
        )
        rows = [line(self.people[0])]
        rows[0][2] = later.code
        self.assertRejected(
            self.run_import(csv_bytes(rows)), (2, UNIT, "không tồn tại trong năm 2024")
        )

    def test_a_level_that_is_not_recognised_or_missing(self):
        rows = [line(self.people[0], "HTXSNV tiêu biểu"), line(self.people[1], "")]
        self.assertRejected(
            self.run_import(csv_bytes(rows)),
            (2, LEVEL, "“HTXSNV tiêu biểu” không hợp lệ"),
            (3, LEVEL, "Thiếu mức xếp loại"),
        )

    def test_a_score_that_is_not_a_number_or_outside_0_to_100(self):
        rows = [
            line(self.people[0], score="tám mươi"),
            line(self.people[1], score="120"),
            line(self.people[2], score="-1"),
            line(self.people[3], score="85,555"),
        ]
        self.assertRejected(
            self.run_import(csv_bytes(rows)),
            (2, SCORE, "không phải là số"),
            (3, SCORE, "nằm ngoài thang 0 đến 100"),
            (4, SCORE, "nằm ngoài thang 0 đến 100"),
            (5, SCORE, "quá hai chữ số thập phân"),
        )

    def test_a_level_that_contradicts_the_score_under_366(self):
        rows = [
            line(self.people[0], "HTXSNV", score="89,99", year="2025"),
            line(self.people[1], "HTTNV", score="70", year="2025"),
            line(self.people[2], "HTTNV", score="", year="2025"),
        ]
        self.assertRejected(
            self.run_import(csv_bytes(rows), year=2025),
            (2, LEVEL, "không thể xếp Hoàn thành xuất sắc nhiệm vụ"),
            (4, LEVEL, "phải có điểm"),
        )

    def test_under_366_a_file_without_a_score_column_is_refused(self):
        header = [CODE, UNIT, LEVEL]
        rows = [[p.code, p.unit.code, "HTTNV"] for p in self.people[:2]]
        self.assertRejected(
            self.run_import(csv_bytes(rows, header), year=2025), (1, SCORE, "phải có cột “Điểm”")
        )

    def test_a_member_twice_in_the_file(self):
        rows = [line(self.people[0]), line(self.people[1]), line(self.people[0], "HTNV")]
        self.assertRejected(
            self.run_import(csv_bytes(rows)),
            (4, CODE, f"“{self.people[0].code}” đã có ở dòng 2 của tệp"),
        )

    def test_a_wrong_year(self):
        rows = [line(self.people[0]), line(self.people[1], year="2023")]
        self.assertRejected(
            self.run_import(csv_bytes(rows)), (3, YEAR, "Năm “2023” khác năm đang nhập (2024)")
        )

    def test_a_result_already_stored_for_the_member_and_the_year(self):
        classify(self.people[1], 2024, Level.GOOD)
        rows = [line(self.people[0]), line(self.people[1])]
        batch = self.run_import(csv_bytes(rows))

        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertEqual(PersonClassification.objects.filter(year=2024).count(), 1)  # the old
        self.assertEqual([(e["row"], e["column"]) for e in batch.errors], [(3, CODE)], batch.errors)
        self.assertIn("đã có kết quả xếp loại năm 2024", batch.errors[0]["message"])
        self.assertIn("phải xóa lần nhập cũ", batch.errors[0]["message"])

    def test_a_name_that_differs_from_the_member_is_refused_but_case_and_form_are_not(self):
        person = self.people[0]
        decomposed = __import__("unicodedata").normalize("NFD", person.full_name.upper())
        rows = [line(person, name=decomposed), line(self.people[1], name="Trần Văn Khác")]
        self.assertRejected(
            self.run_import(csv_bytes(rows)), (3, NAME, "khác họ tên của đảng viên")
        )

    def test_exemplary_goes_only_with_htxsnv_and_is_x_or_co(self):
        rows = [
            line(self.people[0], "HTXSNV", exemplary="Có"),
            line(self.people[1], "HTTNV", exemplary="x"),
            line(self.people[2], "HTXSNV", exemplary="hơi hơi"),
        ]
        self.assertRejected(
            self.run_import(csv_bytes(rows)),
            (3, EXEMPLARY, "chỉ đi với mức Hoàn thành xuất sắc nhiệm vụ"),
            (4, EXEMPLARY, "không hiểu “hơi hơi”"),
        )

    def test_a_missing_required_column_rejects_the_file(self):
        header = [CODE, NAME, LEVEL]
        rows = [[p.code, p.full_name, "HTTNV"] for p in self.people[:2]]
        self.assertRejected(
            self.run_import(csv_bytes(rows, header)), (1, UNIT, "Thiếu cột “Mã đơn vị”")
        )

    def test_a_file_not_in_utf8_is_refused_with_the_reason(self):
        """A legacy-encoded name (a byte that cannot start a UTF-8 sequence here) in the
        third data row: on PostgreSQL COPY refuses it and the Python reader names the row."""
        rows = [line(p) for p in self.people[:3]]
        rows[2][1] = "NAME"
        data = csv_bytes(rows).replace(b"NAME", b"Nguy\xe1n V\xe3n")
        batch = self.run_import(data)
        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertIn("phải mã hóa UTF-8", batch.errors[0]["message"])
        self.assertEqual(PersonClassification.objects.count(), 0)

    def test_a_row_with_more_cells_than_the_header(self):
        rows = [line(self.people[0]), [*line(self.people[1]), "thừa"]]
        self.assertRejected(self.run_import(csv_bytes(rows)), (3, "", "nhiều ô hơn dòng tiêu đề"))


class AllOrNothingTests(ImportCase):
    def test_one_bad_row_among_good_ones_saves_nothing(self):
        classify(self.people[0], 2023, Level.GOOD)  # another year: untouched
        rows = [line(p) for p in self.people]
        rows[-1][4] = "Loại A"
        before = PersonClassification.objects.count()

        batch = self.run_import(csv_bytes(rows))

        self.assertEqual(batch.status, ImportBatch.Status.REJECTED)
        self.assertEqual(batch.rejected_rows, 1)
        self.assertEqual(PersonClassification.objects.count(), before)
        self.assertIsNotNone(batch.finished_at)

    def test_every_rejected_row_is_counted_and_the_first_errors_kept_in_row_order(self):
        rows = [line(p, "??") for p in self.people]  # 12 bad rows
        rows[0][0] = "KHONG-CO"  # row 2 has two errors, code before level
        with mock.patch.object(imports, "MAX_STORED_ERRORS", 3):
            batch = self.run_import(csv_bytes(rows))

        self.assertEqual(batch.rejected_rows, len(self.people))
        self.assertEqual(
            [(e["row"], e["column"]) for e in batch.errors], [(2, CODE), (2, LEVEL), (3, LEVEL)]
        )

    def test_a_refused_file_can_be_sent_again_once_corrected(self):
        rows = [line(p) for p in self.people]
        rows[2][3] = "2020"
        self.assertEqual(self.run_import(csv_bytes(rows)).status, ImportBatch.Status.REJECTED)
        rows[2][3] = "2024"
        again = self.run_import(csv_bytes(rows))
        self.assertEqual(again.status, ImportBatch.Status.DONE, again.errors)
        self.assertEqual(PersonClassification.objects.filter(batch=again).count(), len(rows))


class GeneratorStream:
    """A non-seekable binary stream fed by a generator; counts the bytes handed out."""

    def __init__(self, data: bytes, piece: int = 37) -> None:
        self.pieces = (data[i : i + piece] for i in range(0, len(data), piece))
        self.pending = b""
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.pending) < size:
            piece = next(self.pieces, None)
            if piece is None:
                break
            self.pending += piece
        out = self.pending if size < 0 else self.pending[:size]
        self.pending = self.pending[len(out) :]
        self.consumed += len(out)
        return out


class StreamingTests(ImportCase):
    def setUp(self):
        self.party = make_party(communes=3, orgs_per_commune=4, members_per_org=5)  # 60
        self.people = self.party.people

    def test_progress_is_reported_with_increasing_numbers_and_written_on_the_batch(self):
        calls, on_batch = [], []

        def progress(done, total):
            calls.append((done, total))
            on_batch.append(ImportBatch.objects.latest("id").processed_rows)

        with (
            mock.patch.object(imports, "CHUNK_ROWS", 10),
            mock.patch.object(imports, "RAW_BLOCK_BYTES", 512),
        ):
            batch = self.run_import(csv_bytes([line(p) for p in self.people]), progress=progress)

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        done = [d for d, _ in calls]
        self.assertGreaterEqual(len(set(done)), 3, calls)  # several chunks, not one report
        self.assertEqual(done, sorted(done))
        self.assertEqual(calls[-1], (60, 60))
        self.assertTrue(all(d <= t for d, t in calls))
        # The batch row already held each figure when the callback ran (a polling page reads
        # it; outside a test's transaction that UPDATE is committed at once).
        self.assertEqual(on_batch[: len(done) - 1], done[: len(done) - 1])

    def test_the_file_is_read_chunk_by_chunk_not_whole_before_staging(self):
        """What this proves: the first chunk was staged (progress reported) when only part
        of the stream had been read, and reading went on between reports. It does not
        measure memory: benchmarks/bench_import.py reports the peak resident size."""
        # A long ignored column makes the file (~40 KB) several times the read buffers (8 KB).
        note = "Ghi chú dài " * 50
        data = csv_bytes([[*line(p), note] for p in self.people], [*HEADER, "Ghi chú"])
        stream = GeneratorStream(data)
        consumed_at_reports = []
        with (
            mock.patch.object(imports, "CHUNK_ROWS", 10),
            mock.patch.object(imports, "RAW_BLOCK_BYTES", 512),
        ):
            batch = import_person_results(
                stream,
                year=2024,
                actor=None,
                file_name="kq.csv",
                progress=lambda done, total: consumed_at_reports.append(stream.consumed),
            )

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        self.assertLess(consumed_at_reports[0], len(data) // 2)
        self.assertGreater(len(set(consumed_at_reports)), 2)
        self.assertEqual(stream.consumed, len(data))


class CommandTests(ImportCase):
    def command(self, data: bytes, *args: str):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ket-qua.csv"
            path.write_bytes(data)
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command("import_results", str(path), *args, stdout=out, stderr=err)
                code = 0
            except SystemExit as exit_:
                code = exit_.code
        return code, out.getvalue(), err.getvalue()

    def test_a_saved_file_exits_0_and_says_how_many_rows(self):
        code, out, err = self.command(csv_bytes([line(p) for p in self.people]), "--year=2024")

        self.assertEqual(code, 0)
        self.assertIn(f"Đã nhập {len(self.people)} kết quả xếp loại năm 2024", out)
        self.assertIn("100%", err)  # the progress bar's last state
        self.assertEqual(PersonClassification.objects.filter(year=2024).count(), len(self.people))

    def test_a_rejected_file_exits_1_and_lists_the_errors_in_vietnamese(self):
        rows = [line(p) for p in self.people]
        rows[1][0] = "KHONG-CO"
        code, out, _ = self.command(csv_bytes(rows), "--year=2024")

        self.assertEqual(code, 1)
        self.assertIn("Tệp bị từ chối, không lưu gì", out)
        self.assertIn("1 dòng lỗi", out)
        self.assertIn("Dòng 3, cột “Mã đảng viên”: Không có đảng viên mã “KHONG-CO”.", out)

    def test_only_the_first_20_errors_are_printed_with_the_total(self):
        party = make_party("Hà Nam", communes=1, orgs_per_commune=1, members_per_org=25)
        rows = [line(p, "??") for p in party.people]
        code, out, _ = self.command(csv_bytes(rows), "--year=2024")

        self.assertEqual(code, 1)
        self.assertEqual(out.count("Dòng "), 20)
        self.assertIn("tổng cộng 25 dòng lỗi", out)

    def test_an_unknown_scope_or_user_is_refused_before_reading(self):
        from django.core.management.base import CommandError

        data = csv_bytes([line(p) for p in self.people])
        for option in ("--scope=KHONG-CO", "--user=khong-co"):
            with self.subTest(option=option), self.assertRaises(CommandError):
                self.command(data, "--year=2024", option)
        self.assertFalse(ImportBatch.objects.exists())
