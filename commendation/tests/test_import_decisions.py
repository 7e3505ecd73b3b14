"""Import of member results with who proposed, which committee decided, when, and the
disqualifiers that explain a level below the score's band (366-QĐ/TW)."""

from __future__ import annotations

import datetime
from unittest import mock

import time_machine

from commendation.models import ImportBatch, Level, PersonClassification
from commendation.services import imports
from commendation.tests.test_imports import CODE, LEVEL, NAME, SCORE, UNIT, YEAR, ImportCase
from commendation.tests.test_imports import csv_bytes as _csv
from organizations.testing import make_unit

DISQUALIFIERS = "Điều kiện loại trừ"
PROPOSED = "Đơn vị đề xuất"
DECIDED = "Cấp ủy quyết định"
DECIDED_ON = "Ngày quyết định"
HEADER = [CODE, NAME, UNIT, YEAR, LEVEL, SCORE, DISQUALIFIERS, PROPOSED, DECIDED, DECIDED_ON]


def csv_bytes(rows) -> bytes:
    return _csv(rows, HEADER)


class DecisionColumnsTests(ImportCase):
    def setUp(self):
        super().setUp()
        # make_party: two organizations under each commune, in order.
        self.commune_of = {
            org.pk: self.party.communes[index // 2] for index, org in enumerate(self.party.orgs)
        }

    def row(self, person, level="HTTNV", score="80", disqualifiers="", **kwargs):
        commune = self.commune_of[person.unit_id]
        return [
            person.code,
            person.full_name,
            person.unit.code,
            "2025",
            level,
            score,
            disqualifiers,
            kwargs.get("proposed", person.unit.code),
            kwargs.get("decided", commune.code),
            kwargs.get("decided_on", "20/12/2025"),
        ]

    def test_who_proposed_who_decided_and_when_are_saved_and_read_back(self):
        people = self.people[:3]
        rows = [self.row(p) for p in people]
        rows[2][-1] = "2026-01-15"  # ISO, as an .xlsx date cell reads, early next year
        batch = self.run_import(csv_bytes(rows), year=2025)

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        saved = {r.person_id: r for r in PersonClassification.objects.filter(year=2025)}
        for person in people:
            result = saved[person.pk]
            self.assertEqual(result.proposed_by_id, person.unit_id)
            self.assertEqual(result.decided_by_id, self.commune_of[person.unit_id].pk)
            self.assertEqual(result.disqualifiers, "")
        self.assertEqual(saved[people[0].pk].decided_on, datetime.date(2025, 12, 20))
        self.assertEqual(saved[people[2].pk].decided_on, datetime.date(2026, 1, 15))

    def test_a_disciplined_member_is_khtnv_whatever_the_score_when_the_file_says_why(self):
        person, other = self.people[0], self.people[1]
        rows = [
            # 85 points is in the HTTNV band; a discipline caps the level at KHTNV.
            self.row(person, "Không hoàn thành nhiệm vụ", "85", "Kỷ luật"),
            self.row(other, "KHTNV", "85", "ky-luat; tin-nhiem-thap"),
        ]
        batch = self.run_import(csv_bytes(rows), year=2025)

        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        result = PersonClassification.objects.get(person=person, year=2025)
        self.assertEqual((result.level, result.disqualifiers), (Level.NOT_COMPLETED, "ky-luat"))
        self.assertEqual(
            PersonClassification.objects.get(person=other, year=2025).disqualifiers,
            "ky-luat;tin-nhiem-thap",
        )

    def test_a_level_below_the_band_without_a_disqualifier_is_refused(self):
        rows = [self.row(self.people[0], "KHTNV", "85")]
        self.assertRejected(
            self.run_import(csv_bytes(rows), year=2025),
            (2, LEVEL, "phải nêu điều kiện loại trừ"),
        )

    def test_a_disqualifier_caps_the_level_even_with_a_high_score(self):
        rows = [self.row(self.people[0], "HTTNV", "95", "ky-luat")]
        self.assertRejected(
            self.run_import(csv_bytes(rows), year=2025),
            (2, LEVEL, "mức cao nhất được xếp là Không hoàn thành nhiệm vụ"),
        )

    def test_an_unknown_disqualifier_or_one_for_collectives_only_is_refused(self):
        rows = [
            self.row(self.people[0], "KHTNV", "85", "đi muộn"),
            self.row(self.people[1], "HTNV", "85", "cap-duoi-bi-ky-luat"),
        ]
        self.assertRejected(
            self.run_import(csv_bytes(rows), year=2025),
            (2, DISQUALIFIERS, "Không có điều kiện loại trừ “đi muộn” trong Quy định 366-QĐ/TW"),
            (3, LEVEL, "không áp dụng cho cá nhân"),
        )

    def test_rule_sets_without_disqualifiers_refuse_the_column_values(self):
        row = self.row(self.people[0], "HTTNV", "", "ky-luat")
        row[3], row[-1] = "2024", "20/12/2024"
        self.assertRejected(
            self.run_import(csv_bytes([row]), year=2024),
            (2, DISQUALIFIERS, "quy định này không có điều kiện loại trừ"),
        )

    def test_unknown_units_units_outside_the_scope_and_bad_dates_are_refused(self):
        stranger = make_unit("Tỉnh khác", name="Đảng bộ tỉnh khác", kind_code="province_committee")
        commune = self.party.communes[0]
        rows = [
            self.row(self.people[0], proposed="KHONG-CO"),
            self.row(self.people[1], decided=stranger.code),
            self.row(self.people[2], decided_on="31/02/2025"),
            self.row(self.people[3], decided_on="15/01/2024"),
        ]
        batch = self.run_import(csv_bytes(rows), year=2025, scope=commune)
        self.assertRejected(
            batch,
            (2, PROPOSED, "Không có đơn vị mã “KHONG-CO” (đơn vị đề xuất)"),
            (3, DECIDED, f"Đơn vị mã “{stranger.code}” (cấp ủy quyết định) không thuộc"),
            (4, DECIDED_ON, "không đúng dạng ngày/tháng/năm"),
            (5, DECIDED_ON, "không thuộc năm 2025 hoặc năm 2026"),
        )

    def test_the_proposer_and_the_decider_must_be_the_members_unit_or_above_it(self):
        person = self.people[0]
        org, commune = person.unit, self.commune_of[person.unit_id]
        other_commune = next(c for c in self.party.communes if c != commune)
        accepted = [
            self.row(person, proposed=org.code, decided=self.party.province.code),
            self.row(self.people[1], proposed=commune.code, decided=commune.code),
        ]
        batch = self.run_import(csv_bytes(accepted), year=2025)
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        PersonClassification.objects.all().delete()

        refused = [self.row(person, proposed=other_commune.code, decided=other_commune.code)]
        self.assertRejected(
            self.run_import(csv_bytes(refused), year=2025),
            (2, PROPOSED, f"không phải đơn vị “{org.code}” hay một cấp trên"),
            (2, DECIDED, f"không phải đơn vị “{org.code}” hay một cấp trên"),
        )

    def test_a_decision_date_in_the_future_is_refused(self):
        rows = [self.row(self.people[0], decided_on="15/01/2026")]
        with time_machine.travel(datetime.date(2026, 1, 10), tick=False):
            batch = self.run_import(csv_bytes(rows), year=2025)
        self.assertRejected(batch, (2, DECIDED_ON, "15/01/2026 là ngày trong tương lai"))
        with time_machine.travel(datetime.date(2026, 1, 15), tick=False):
            batch = self.run_import(csv_bytes(rows), year=2025)
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)

    def test_blank_decision_columns_are_allowed_and_saved_empty(self):
        rows = [self.row(self.people[0], proposed="", decided="", decided_on="")]
        batch = self.run_import(csv_bytes(rows), year=2025)
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        result = PersonClassification.objects.get(year=2025)
        self.assertEqual(
            (result.proposed_by_id, result.decided_by_id, result.decided_on), (None, None, None)
        )


class FastAndFullPathTests(ImportCase):
    """A clean file is saved by one INSERT ... SELECT; any doubt sends it through the full
    check, which gives the same outcome as before (saved, or every row explained)."""

    def test_a_name_differing_only_in_form_goes_through_the_full_check_and_is_saved(self):
        person = self.people[0]
        rows = [[person.code, person.full_name.upper(), person.unit.code, "2024", "HTTNV"]]
        batch = self.run_import(_csv(rows, [CODE, NAME, UNIT, YEAR, LEVEL]))
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        self.assertEqual(PersonClassification.objects.filter(year=2024).count(), 1)

    def test_a_clean_file_is_saved_by_the_fast_path_alone(self):
        rows = [[p.code, p.full_name, p.unit.code, "2024", "HTTNV"] for p in self.people[:4]]
        with mock.patch.object(imports._Import, "_resolve", side_effect=AssertionError):
            batch = self.run_import(_csv(rows, [CODE, NAME, UNIT, YEAR, LEVEL]))
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        self.assertEqual(PersonClassification.objects.filter(year=2024).count(), 4)

    def test_rows_the_fast_path_saved_are_undone_before_the_full_check(self):
        """Row 1 is saved by the fast path, row 2 (a name in capitals) is not: the fast path
        must undo row 1, or the full check would hit it as "already stored"."""
        exact, capitals = self.people[0], self.people[1]
        rows = [
            [exact.code, exact.full_name, exact.unit.code, "2024", "HTTNV"],
            [capitals.code, capitals.full_name.upper(), capitals.unit.code, "2024", "HTTNV"],
        ]
        batch = self.run_import(_csv(rows, [CODE, NAME, UNIT, YEAR, LEVEL]))
        self.assertEqual(batch.status, ImportBatch.Status.DONE, batch.errors)
        self.assertEqual(PersonClassification.objects.filter(year=2024).count(), 2)
