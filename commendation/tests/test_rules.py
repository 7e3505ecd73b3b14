"""Quality classification rules: the rule set of the year, the 366 score bands, the
disqualifiers, and recording a collective's result (refused with every reason, audited)."""

import datetime
import unicodedata
from decimal import Decimal as D

from django.test import TestCase

from commendation.models import Level, UnitClassification
from commendation.services.rules import (
    band_for,
    check_level,
    parse_level,
    record_unit_classification,
    rule_set_for,
)
from core.audit import history
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations.testing import UserFactory, make_unit

E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


class ScoreBandTests(TestCase):
    """Quy định 366: HTXSNV ≥ 90; HTTNV 70 to < 90; HTNV 50 to < 70; KHTNV < 50."""

    def test_the_366_bands_put_each_edge_on_the_right_side(self):
        rule_set = rule_set_for(2025)
        for score, level in [
            ("100", E),
            ("90", E),
            ("89.99", G),
            ("70", G),
            ("69.99", C),
            ("50", C),
            ("49.99", N),
            ("0", N),
        ]:
            with self.subTest(score=score):
                self.assertEqual(band_for(rule_set, D(score)), level)

    def test_rule_sets_before_366_have_no_bands(self):
        for year in (2022, 2024):
            with self.subTest(year=year):
                self.assertIsNone(band_for(rule_set_for(year), D(95)))

    def test_a_score_outside_the_100_point_scale_has_no_band(self):
        for score in ("100.01", "-1"):
            with self.subTest(score=score), self.assertRaises(RuleViolation):
                band_for(rule_set_for(2025), D(score))


class CheckLevelTests(TestCase):
    def setUp(self):
        self.r132, self.r124, self.r366 = rule_set_for(2022), rule_set_for(2024), rule_set_for(2025)

    def test_each_year_is_judged_by_its_own_rule_set(self):
        """85 points rated HTXSNV: nothing to say in 2022 (132) and 2024 (124), which have no
        bands; refused in 2025 (366), where 85 is in the HTTNV band."""
        self.assertEqual(check_level(rule_set_for(2022), level=E, score=D(85)), [])
        self.assertEqual(check_level(rule_set_for(2024), level=E, score=D(85)), [])
        self.assertEqual(len(check_level(rule_set_for(2025), level=E, score=D(85))), 1)

    def test_a_level_better_than_the_score_band_is_refused_with_the_reason(self):
        self.assertEqual(
            check_level(self.r366, level=E, score=D(85)),
            [
                "Theo Quy định 366-QĐ/TW, 85 điểm thuộc mức Hoàn thành tốt nhiệm vụ "
                "(70 đến dưới 90): không thể xếp Hoàn thành xuất sắc nhiệm vụ."
            ],
        )
        [problem] = check_level(self.r366, level=C, score=D("49.99"))
        self.assertIn("49,99 điểm thuộc mức Không hoàn thành nhiệm vụ (dưới 50)", problem)

    def test_each_level_is_allowed_at_the_lower_edge_of_its_band(self):
        for level, score in [(E, "90"), (G, "70"), (C, "50"), (N, "0")]:
            with self.subTest(level=level):
                self.assertEqual(check_level(self.r366, level=level, score=D(score)), [])

    def test_the_quota_may_move_an_excellent_score_down_to_httnv(self):
        """95 points rated HTTNV is what the quota does: no reason needed."""
        self.assertEqual(check_level(self.r366, level=G, score=D(95)), [])

    def test_a_level_further_below_the_band_needs_a_disqualifier(self):
        [problem] = check_level(self.r366, level=C, score=D(95))
        self.assertIn("phải nêu điều kiện loại trừ", problem)
        # A task late ("co-nhiem-vu-cham") caps the level at HTNV: 95 points, HTNV is allowed.
        self.assertEqual(
            check_level(self.r366, level=C, score=D(95), disqualifiers=["co-nhiem-vu-cham"]), []
        )

    def test_a_score_is_required_under_366(self):
        [problem] = check_level(self.r366, level=G)
        self.assertIn("phải có điểm", problem)

    def test_124_and_132_accept_any_level_with_no_score(self):
        for rule_set in (self.r124, self.r132):
            for level in Level.values:
                with self.subTest(rule_set=rule_set.code, level=level):
                    self.assertEqual(check_level(rule_set, level=level), [])

    def test_a_score_under_a_rule_set_without_bands_is_accepted_and_ignored(self):
        self.assertEqual(check_level(self.r124, level=E, score=D(10)), [])

    def test_a_score_off_the_scale_is_refused_under_every_rule_set(self):
        for rule_set in (self.r124, self.r366):
            for score, fragment in [
                ("100.5", "100,5 nằm ngoài thang"),
                ("-1", "-1 nằm ngoài thang"),
                ("89.999", "89,999 có quá hai chữ số"),
            ]:
                with self.subTest(rule_set=rule_set.code, score=score):
                    [problem] = check_level(rule_set, level=N, score=D(score))
                    self.assertIn(fragment, problem)

    def test_discipline_caps_a_person_at_khtnv(self):
        """ "ky-luat" (khiển trách or above) → at best Không hoàn thành nhiệm vụ."""
        [problem] = check_level(
            self.r366, level=G, score=D(80), disqualifiers=["ky-luat"], subject="person"
        )
        self.assertIn("mức cao nhất được xếp là Không hoàn thành nhiệm vụ", problem)
        self.assertIn("Bị kỷ luật", problem)
        self.assertEqual(
            check_level(
                self.r366, level=N, score=D(80), disqualifiers=["ky-luat"], subject="person"
            ),
            [],
        )

    def test_a_disqualifier_for_people_does_not_apply_to_a_unit(self):
        [problem] = check_level(self.r366, level=G, score=D(80), disqualifiers=["ky-luat"])
        self.assertIn("chỉ áp dụng cho cá nhân, không áp dụng cho tập thể", problem)
        # Ignored, it explains nothing: 80 points rated KHTNV is then a second problem.
        problems = check_level(self.r366, level=N, score=D(80), disqualifiers=["ky-luat"])
        self.assertEqual(len(problems), 2)
        self.assertIn("phải nêu điều kiện loại trừ", problems[1])

    def test_a_disciplined_subordinate_caps_a_unit_at_httnv_and_never_applies_to_a_person(self):
        [problem] = check_level(
            self.r366, level=E, score=D(95), disqualifiers=["cap-duoi-bi-ky-luat"]
        )
        self.assertIn("mức cao nhất được xếp là Hoàn thành tốt nhiệm vụ", problem)
        self.assertEqual(
            check_level(self.r366, level=G, score=D(95), disqualifiers=["cap-duoi-bi-ky-luat"]),
            [],
        )
        [problem] = check_level(
            self.r366,
            level=G,
            score=D(95),
            disqualifiers=["cap-duoi-bi-ky-luat"],
            subject="person",
        )
        self.assertIn("chỉ áp dụng cho tập thể", problem)

    def test_an_unknown_disqualifier_is_itself_a_problem(self):
        [problem] = check_level(self.r366, level=N, score=D(20), disqualifiers=["bi-om"])
        self.assertEqual(problem, "Điều kiện loại trừ “bi-om” không có trong Quy định 366-QĐ/TW.")
        # 124 has no disqualifiers loaded: every code is unknown to it.
        [problem] = check_level(self.r124, level=N, disqualifiers=["ky-luat"], subject="person")
        self.assertIn("không có trong Quy định 124-QĐ/TW", problem)

    def test_every_problem_is_listed_not_just_the_first(self):
        problems = check_level(
            self.r366, level=E, score=D(85), disqualifiers=["ky-luat", "tin-nhiem-thap"]
        )
        self.assertEqual(len(problems), 3)  # ky-luat not for units, low confidence, the band


class RecordUnitClassificationTests(ThiDuaTestCase):
    def setUp(self):
        self.actor = UserFactory(username="chuyenvien")
        self.unit = make_unit("Chi bộ thôn Đông", kind_code="grassroots_org")

    def test_a_result_is_recorded_with_its_rule_set_and_audited(self):
        result = record_unit_classification(
            self.unit,
            2025,
            level=E,
            score="92,5",
            exemplary=True,
            group="Chi bộ nông thôn",
            proposed_by="Ban Tổ chức Đảng ủy xã",
            decided_by="Ban Thường vụ Đảng ủy xã",
            decided_on=datetime.date(2026, 1, 15),
            actor=self.actor,
        )
        result.refresh_from_db()
        self.assertEqual(result.rule_set.code, "366-QĐ/TW")
        self.assertEqual(result.score, D("92.5"))
        self.assertTrue(result.exemplary)
        [entry] = history(result)
        self.assertEqual(entry.action, AuditEntry.Action.CREATE)
        self.assertEqual(entry.actor, self.actor)
        self.assertEqual(entry.after["level"], E)

    def test_a_correction_updates_the_row_and_audits_before_and_after(self):
        first = record_unit_classification(self.unit, 2024, level=G, actor=self.actor)
        second = record_unit_classification(self.unit, 2024, level=E, actor=self.actor)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(UnitClassification.objects.get().level, E)
        update = history(second).get(action=AuditEntry.Action.UPDATE)
        self.assertEqual((update.before["level"], update.after["level"]), (G, E))
        self.assertEqual(second.rule_set.code, "124-QĐ/TW")

    def test_recording_the_same_values_again_writes_nothing(self):
        record_unit_classification(self.unit, 2025, level=G, score=D(80), actor=self.actor)
        record_unit_classification(self.unit, 2025, level=G, score="80", actor=self.actor)
        self.assertEqual(AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).count(), 0)

    def test_a_level_contradicting_the_score_is_refused_and_nothing_is_saved(self):
        with self.assertRefused(
            "85 điểm thuộc mức Hoàn thành tốt nhiệm vụ (70 đến dưới 90): không thể xếp "
            "Hoàn thành xuất sắc nhiệm vụ",
            UnitClassification,
        ):
            record_unit_classification(self.unit, 2025, level=E, score=D(85), actor=self.actor)

    def test_a_refused_correction_leaves_the_recorded_result_as_it_was(self):
        record_unit_classification(self.unit, 2025, level=G, score=D(85), actor=self.actor)
        with self.assertRefused("không thể xếp", UnitClassification):
            record_unit_classification(self.unit, 2025, level=E, score=D(85), actor=self.actor)
        self.assertEqual(UnitClassification.objects.get().level, G)

    def test_exemplary_goes_only_with_htxsnv(self):
        with self.assertRefused("“Tiêu biểu” chỉ ghi cho tập thể xếp", UnitClassification):
            record_unit_classification(self.unit, 2024, level=G, exemplary=True, actor=self.actor)

    def test_all_problems_are_joined_in_one_refusal(self):
        with self.assertRefused("", UnitClassification) as caught:
            record_unit_classification(
                self.unit,
                2025,
                level=G,
                score=D(60),
                exemplary=True,
                disqualifiers=["ky-luat"],
                actor=self.actor,
            )
        message = caught.exception.message
        self.assertIn("60 điểm thuộc mức Hoàn thành nhiệm vụ", message)
        self.assertIn("Tiêu biểu", message)
        self.assertIn("chỉ áp dụng cho cá nhân", message)

    def test_a_disqualifier_is_kept_with_the_result(self):
        result = record_unit_classification(
            self.unit,
            2025,
            level=G,
            score=D(95),
            disqualifiers=["cap-duoi-bi-ky-luat", "cap-duoi-bi-ky-luat"],
            actor=self.actor,
        )
        self.assertEqual(result.disqualifiers, ["cap-duoi-bi-ky-luat"])

    def test_a_unit_that_did_not_exist_that_year_is_refused(self):
        later = make_unit(
            "Chi bộ mới", kind_code="grassroots_org", valid_from=datetime.date(2026, 1, 1)
        )
        with self.assertRefused("không tồn tại trong năm 2025", UnitClassification):
            record_unit_classification(later, 2025, level=G, score=D(80), actor=self.actor)

    def test_a_year_before_any_rule_set_is_refused(self):
        with self.assertRefused("năm 2007", UnitClassification):
            record_unit_classification(self.unit, 2007, level=G, actor=self.actor)


class ParseLevelTests(TestCase):
    SPELLINGS = {
        E: [
            "Hoàn thành xuất sắc nhiệm vụ",
            "HTXSNV",
            "Xuất sắc",
            "xuat sac",
            "HT xuất sắc NV",
            "1",
            "  hoàn   thành XUẤT SẮC nhiệm vụ ",
            "HTXS NV",
            "htxsnv.",
        ],
        G: ["Hoàn thành tốt nhiệm vụ", "HTTNV", "Tốt", "tot", "2", "HT tốt NV"],
        C: ["Hoàn thành nhiệm vụ", "HTNV", "Hoàn thành", "hoan thanh", "3"],
        N: [
            "Không hoàn thành nhiệm vụ",
            "KHTNV",
            "Không hoàn thành",
            "khong hoan thanh nhiem vu",
            "4",
        ],
    }

    def test_every_common_spelling_is_understood(self):
        for level, spellings in self.SPELLINGS.items():
            for text in spellings:
                with self.subTest(text=text):
                    self.assertEqual(parse_level(text), level)

    def test_decomposed_unicode_reads_the_same_as_composed(self):
        for level, spellings in self.SPELLINGS.items():
            for text in spellings:
                with self.subTest(text=text):
                    self.assertEqual(parse_level(unicodedata.normalize("NFD", text)), level)

    def test_similar_names_are_not_taken_for_one_another(self):
        """ "Hoàn thành nhiệm vụ" is a prefix-free neighbour of both "Hoàn thành tốt nhiệm
        vụ" and "Không hoàn thành nhiệm vụ": each is read as itself."""
        self.assertEqual(parse_level("Hoàn thành nhiệm vụ"), C)
        self.assertEqual(parse_level("Hoàn thành tốt nhiệm vụ"), G)
        self.assertEqual(parse_level("Không hoàn thành nhiệm vụ"), N)
        self.assertEqual(parse_level("Hoàn thành xuất sắc nhiệm vụ"), E)
        self.assertEqual(parse_level("HTNV"), C)
        self.assertEqual(parse_level("KHTNV"), N)

    def test_anything_else_is_refused_with_the_text_shown(self):
        for text in [
            "",
            "Khá",
            "Không",
            "5",
            "0",
            "HTXSNVV",
            "Hoàn thành xuất sắc nhiệm vụ tiêu biểu",
            "Hoàn thành nhiệm vụ tốt",
        ]:
            with self.subTest(text=text), self.assertRaises(RuleViolation) as caught:
                parse_level(text)
            self.assertIn(f"Mức xếp loại “{text}” không hợp lệ.", caught.exception.message)
