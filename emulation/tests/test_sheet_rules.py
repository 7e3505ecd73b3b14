"""Bảng điểm (services.sheets): what a self score, a review and an explanation may be, how
the totals add up, who reviews, and that every layer and every change is kept.

The world of emulation.testing: 1.1 (20, step 0,5) + 1.2 (10, yes/no) + 1.3 (30, from the
"ket-nap" target; every unit reports 243/240 here, so 30) + 2.1 (25) + 2.2 (15) = 100 regular
points; 3.1 bonus (5, scale bonus cap 5); 4.1 deduction (5). Quảng Ninh heads the cluster,
Hải Phòng is deputy; the sheets under test are mostly Thái Bình's.
"""

from decimal import Decimal as D

from django.test import override_settings

from core import audit
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from emulation.models import Score, ScoreSheet, SheetStatus, Stage
from emulation.services import cycle, scales, sheets
from emulation.services import targets as target_services
from emulation.testing import DURING, make_world, review, self_assess


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SheetTestCase(ThiDuaTestCase):
    review_mode = "leaders"

    def setUp(self):
        self.world = make_world(review_mode=self.review_mode)
        self.admin = self.world.cast.admin
        self.leaves = self.world.leaves
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            self.world.cast.members
        )
        for unit in self.world.cast.members:
            target = self.world.year.targets.get(unit=unit, code="ket-nap")
            target_services.record_actual(target, D(243), actor=self.admin)

    def sheet(self, unit=None):
        return self.world.sheet(unit or self.thai_binh)

    def self_score(self, number, points=None, *, unit=None, **kwargs):
        return sheets.set_self_score(
            self.sheet(unit),
            self.leaves[number],
            points=None if points is None else D(points),
            actor=self.admin,
            day=DURING,
            **kwargs,
        )

    def review_by_leaders(self, unit, points=None, stage="review"):
        for reviewer in (self.quang_ninh, self.hai_phong):
            if reviewer != unit:
                review(self.world, unit, reviewer, points or {}, stage=stage)


class SelfScoreTests(SheetTestCase):
    def test_points_lie_between_zero_and_the_maximum(self):
        with self.assertRefused("Tiêu chí 2.1: 25,5 điểm vượt điểm tối đa 25.", Score):
            self.self_score("2.1", "25.5")
        with self.assertRefused("Tiêu chí 2.1: điểm không được âm.", Score):
            self.self_score("2.1", -1)
        self.assertEqual(self.self_score("2.1", 25).points, D(25))
        self.assertEqual(self.self_score("2.1", 0).points, D(0))

    def test_points_follow_the_criterions_step(self):
        self.assertEqual(self.self_score("1.1", "0.5").points, D("0.5"))
        with self.assertRefused("Tiêu chí 1.1: điểm phải theo bước 0,5 (ví dụ 0,5, 1...).", Score):
            self.self_score("1.1", "0.3")
        with self.assertRefused("theo bước 0,5", Score):
            self.self_score("1.1", "19.75")

    def test_a_yes_no_criterion_scores_zero_or_its_maximum(self):
        with self.assertRefused("Tiêu chí 1.2 chấm có/không: chỉ nhận 0 hoặc 10 điểm.", Score):
            self.self_score("1.2", 5)
        self.assertEqual(self.self_score("1.2", 0).points, D(0))
        self.assertEqual(self.self_score("1.2", 10).points, D(10))

    def test_target_driven_leaves_and_parents_are_not_scored_by_hand(self):
        with self.assertRefused(
            "Tiêu chí 1.3 được tính tự động từ chỉ tiêu, không chấm tay.", Score
        ):
            self.self_score("1.3", 30)
        group = self.world.scale.criteria.get(number="1")
        with self.assertRefused("Tiêu chí 1 có tiêu chí con: chấm ở tiêu chí con.", Score):
            sheets.set_self_score(self.sheet(), group, points=D(60), actor=self.admin, day=DURING)

    def test_not_applicable_needs_a_reason_and_has_no_points(self):
        with self.assertRefused("Tiêu chí 2.2: nêu lý do không áp dụng.", Score):
            self.self_score("2.2", applicable=False, note="  ")
        with self.assertRefused("Tiêu chí 2.2: tiêu chí không áp dụng thì không có điểm.", Score):
            self.self_score("2.2", 15, applicable=False, note="Không có nhiệm vụ này")
        with self.assertRefused("Chỉ tiêu chí điểm chuẩn mới có thể không áp dụng.", Score):
            self.self_score("3.1", applicable=False, note="Không có mô hình")
        score = self.self_score("2.2", applicable=False, note="Không có nhiệm vụ này")
        self.assertEqual((score.points, score.applicable), (None, False))
        self.assertEqual(score.note, "Không có nhiệm vụ này")

    def test_not_applicable_lowers_the_maximum_and_the_percent_uses_what_is_left(self):
        self_assess(self.world, self.thai_binh, {"2.1": D(20), "2.2": None}, submit=False)
        totals = sheets.view(self.sheet()).self_totals
        self.assertEqual(totals.maximum, D(85))  # 100 − 15
        self.assertEqual(totals.total, D(80))  # 20 + 10 + 30 + 20
        self.assertEqual(totals.percent, D("94.12"))  # 80 / 85 = 94,117…%

    def test_bonus_is_capped_per_leaf_and_per_sheet(self):
        """A second bonus leaf 3.2 (5) is added while every sheet is still a draft: 4 + 3 = 7
        bonus points are capped by the scale's bonus cap of 5."""
        bonus_group = self.world.scale.criteria.get(number="3")
        second = scales.add_criterion(
            self.world.scale,
            parent=bonus_group,
            title="Sáng kiến",
            max_points=D(5),
            actor=self.admin,
        )
        with self.assertRefused("Tiêu chí 3.1: 5,5 điểm vượt điểm tối đa 5.", Score):
            self.self_score("3.1", "5.5")
        self_assess(self.world, self.thai_binh, {"3.1": D(4)}, submit=False)
        sheets.set_self_score(self.sheet(), second, points=D(3), actor=self.admin, day=DURING)
        totals = sheets.view(self.sheet()).self_totals
        self.assertEqual(totals.bonus, D(5))
        self.assertEqual(totals.total, D(105))  # 100 + 5
        self.assertEqual(totals.percent, D(105))

    def test_deductions_are_subtracted(self):
        with self.assertRefused("Tiêu chí 4.1: 5,5 điểm vượt điểm tối đa 5.", Score):
            self.self_score("4.1", "5.5")
        self_assess(self.world, self.thai_binh, {"4.1": D(2)}, submit=False)
        totals = sheets.view(self.sheet()).self_totals
        self.assertEqual((totals.regular, totals.deductions), (D(100), D(2)))
        self.assertEqual(totals.total, D(98))
        self.assertEqual(totals.percent, D(98))

    def test_submit_is_refused_with_the_list_of_missing_criteria(self):
        self.self_score("1.1", 20)
        with self.assertRefused("Chưa tự chấm tiêu chí 1.2, 2.1, 2.2.", ScoreSheet):
            sheets.submit(self.sheet(), actor=self.admin, day=DURING)
        self.assertEqual(self.sheet().status, SheetStatus.DRAFT)
        # Bonus, deduction and target-driven leaves are not required.
        for number in ("1.2", "2.1", "2.2"):
            self.self_score(number, self.leaves[number].max_points)
        sheets.submit(self.sheet(), actor=self.admin, day=DURING)
        self.assertEqual(self.sheet().status, SheetStatus.SUBMITTED)

    def test_a_submitted_sheet_keeps_its_self_scores(self):
        self_assess(self.world, self.thai_binh, {})
        with self.assertRefused("Bảng điểm đã nộp: không thể sửa điểm tự chấm.", Score):
            self.self_score("2.1", 10)

    def test_every_self_score_change_is_audited_and_cell_history_shows_it(self):
        sheet = self.sheet()
        leaf = self.leaves["2.1"]
        self.self_score("2.1", 20)
        self.self_score("2.1", "22.5")
        self.self_score("2.1", "22.5")  # no change, no entry
        history = list(sheets.cell_history(sheet, leaf))
        self.assertEqual([e.action for e in history], ["update", "create"])
        self.assertEqual(D(history[0].before["points"]), D(20))
        self.assertEqual(D(history[0].after["points"]), D("22.5"))
        self.assertIsNone(history[1].before)
        self.assertEqual(D(history[1].after["points"]), D(20))
        self.assertEqual(history[0].actor, self.admin)

        self_assess(self.world, self.thai_binh, {"2.1": D("22.5")})
        submitted = audit.history(sheet).first()
        self.assertEqual(submitted.action, AuditEntry.Action.TRANSITION)
        self.assertEqual(
            (submitted.before["status"], submitted.after["status"]), ("draft", "submitted")
        )
        review(self.world, self.thai_binh, self.quang_ninh, {"2.1": D(20)})
        latest = sheets.cell_history(sheet, leaf).first()
        self.assertEqual(latest.action, AuditEntry.Action.CREATE)
        self.assertEqual(latest.after["stage"], Stage.REVIEW)
        self.assertEqual(latest.after["reviewer_id"], self.quang_ninh.pk)
        self.assertEqual(D(latest.after["points"]), D(20))
        self.assertEqual(sheets.cell_history(sheet, leaf).count(), 3)


class ReviewerTests(SheetTestCase):
    def test_a_reviewer_never_scores_its_own_unit(self):
        self_assess(self.world, self.quang_ninh, {})
        with self.assertRefused("Đơn vị không được chấm bảng điểm của chính mình.", Score):
            sheets.set_review_score(
                self.sheet(self.quang_ninh),
                self.leaves["2.1"],
                self.quang_ninh,
                points=D(25),
                actor=self.admin,
            )

    def test_the_heads_own_sheet_is_reviewed_by_the_deputy_only(self):
        sheet = self_assess(self.world, self.quang_ninh, {})
        self.assertEqual(sheets.eligible_reviewers(sheet), [self.hai_phong])
        review(self.world, self.quang_ninh, self.hai_phong, {"2.1": D(20)})
        sheets.complete_review(sheet, actor=self.admin)
        self.assertEqual(self.sheet(self.quang_ninh).status, SheetStatus.REVIEWED)
        line = sheets.line_of(sheet, self.leaves["2.1"])
        self.assertEqual([s.reviewer for s in line.reviews], [self.hai_phong])
        self.assertEqual(line.review.points, D(20))

    def test_a_unit_that_is_not_a_reviewer_cannot_review(self):
        self_assess(self.world, self.thai_binh, {})
        for unit in (self.bac_ninh, self.world.cast.outsider_unit):
            with (
                self.subTest(unit=str(unit)),
                self.assertRefused(f"{unit} không phải đơn vị chấm điểm năm này.", Score),
            ):
                sheets.set_review_score(
                    self.sheet(), self.leaves["2.1"], unit, points=D(20), actor=self.admin
                )

    def test_only_a_submitted_sheet_is_reviewed(self):
        self_assess(self.world, self.thai_binh, {}, submit=False)
        with self.assertRefused("Chỉ bình xét lần 1 bảng điểm đã nộp.", Score):
            sheets.set_review_score(
                self.sheet(), self.leaves["2.1"], self.quang_ninh, points=D(20), actor=self.admin
            )

    def test_complete_review_is_refused_while_a_reviewer_has_missing_leaves(self):
        sheet = self_assess(self.world, self.thai_binh, {})
        review(self.world, self.thai_binh, self.quang_ninh, {})
        sheets.set_review_score(
            sheet, self.leaves["1.1"], self.hai_phong, points=D(20), actor=self.admin
        )
        # Six hand-scored leaves (1.1, 1.2, 2.1, 2.2, 3.1, 4.1); Hải Phòng scored one.
        with self.assertRefused("Chưa chấm đủ: Hải Phòng: còn 5 tiêu chí.", ScoreSheet):
            sheets.complete_review(sheet, actor=self.admin)
        self.assertEqual(self.sheet().status, SheetStatus.SUBMITTED)
        review(self.world, self.thai_binh, self.hai_phong, {})
        sheets.complete_review(sheet, actor=self.admin)
        self.assertEqual(self.sheet().status, SheetStatus.REVIEWED)


class CrossAssessmentTests(SheetTestCase):
    review_mode = "cross"

    def test_every_other_member_reviews(self):
        sheet = self_assess(self.world, self.thai_binh, {})
        self.assertEqual(
            sheets.eligible_reviewers(sheet),
            [self.quang_ninh, self.hai_phong, self.bac_ninh, self.ninh_binh],
        )
        for reviewer in (self.quang_ninh, self.hai_phong, self.bac_ninh):
            review(self.world, self.thai_binh, reviewer, {})
        with self.assertRefused("Chưa chấm đủ: Ninh Bình: còn 6 tiêu chí.", ScoreSheet):
            sheets.complete_review(sheet, actor=self.admin)
        with self.assertRefused("Đơn vị không được chấm bảng điểm của chính mình.", Score):
            sheets.set_review_score(
                sheet, self.leaves["2.1"], self.thai_binh, points=D(20), actor=self.admin
            )
        review(self.world, self.thai_binh, self.ninh_binh, {"2.1": D(21)})
        sheets.complete_review(sheet, actor=self.admin)
        line = sheets.line_of(sheet, self.leaves["2.1"])
        self.assertEqual(len(line.reviews), 4)
        self.assertEqual(line.review.points, D(24))  # (25 + 25 + 25 + 21) / 4


class ExplanationAndFinalTests(SheetTestCase):
    """Thái Bình self-assesses 2.1 at 24,5 and 2.2 at 15; both leaders give 2.1 20 and
    2.2 12. Both are disputed; Thái Bình explains 2.1 only."""

    def setUp(self):
        super().setUp()
        self.sheet_ = self_assess(self.world, self.thai_binh, {"2.1": D("24.5")})
        self.explained_note = "Đã ban hành quy hoạch cán bộ nhiệm kỳ 2020 – 2025"

    def first_review(self):
        self.review_by_leaders(self.thai_binh, {"2.1": D(20), "2.2": D(12)})
        sheets.complete_review(self.sheet_, actor=self.admin)

    def explain(self, number, note=None, points=None):
        return sheets.explain(
            self.sheet(),
            self.leaves[number],
            note=self.explained_note if note is None else note,
            points=points,
            actor=self.admin,
        )

    def second_review(self, reviewer, number, points):
        return sheets.set_review_score(
            self.sheet(),
            self.leaves[number],
            reviewer,
            points=D(points),
            actor=self.admin,
            stage=Stage.SECOND_REVIEW,
        )

    def test_explanations_come_only_after_the_first_review_and_only_for_disputed_criteria(self):
        with self.assertRefused("Chỉ giải trình sau bình xét lần 1.", Score):
            self.explain("2.1")
        self.first_review()
        disputed = [
            line.criterion.number for line in sheets.view(self.sheet()).lines if line.disputed
        ]
        self.assertEqual(disputed, ["2.1", "2.2"])
        with self.assertRefused(
            "Tiêu chí 1.1 không có chênh lệch giữa tự chấm và bình xét.", Score
        ):
            self.explain("1.1")
        with self.assertRefused("Nhập nội dung giải trình.", Score):
            self.explain("2.1", note=" ")
        with self.assertRefused("Chưa giải trình tiêu chí nào.", ScoreSheet):
            sheets.submit_explanation(self.sheet(), actor=self.admin)
        explanation = self.explain("2.1", points=D(24))
        self.assertEqual((explanation.stage, explanation.points), (Stage.EXPLANATION, D(24)))

    def test_the_second_review_rescores_only_explained_criteria(self):
        self.first_review()
        self.explain("2.1")
        with self.assertRefused("Chỉ bình xét lần 2 sau khi đơn vị giải trình.", Score):
            self.second_review(self.quang_ninh, "2.1", 22)
        sheets.submit_explanation(self.sheet(), actor=self.admin)
        with self.assertRefused(
            "Tiêu chí 2.2 không có giải trình: giữ kết quả bình xét lần 1.", Score
        ):
            self.second_review(self.quang_ninh, "2.2", 14)
        self.second_review(self.hai_phong, "2.1", 22)
        with self.assertRefused("Chưa chấm đủ: Quảng Ninh: còn 1 tiêu chí.", Score):
            sheets.finalize(self.sheet(), actor=self.admin)

    def test_the_final_is_the_second_review_where_there_is_one_else_the_first(self):
        self.first_review()
        self.explain("2.1", points=D(24))
        sheets.submit_explanation(self.sheet(), actor=self.admin)
        self.second_review(self.quang_ninh, "2.1", 22)
        self.second_review(self.hai_phong, "2.1", 22)
        entries_before = AuditEntry.objects.count()
        sheets.finalize(self.sheet(), actor=self.admin)

        sheet = self.sheet()
        self.assertEqual(sheet.status, SheetStatus.FINAL)
        finals = {
            s.criterion.number: s.points
            for s in sheet.scores.filter(stage=Stage.FINAL).select_related("criterion")
        }
        self.assertEqual(finals["2.1"], D(22))  # second review
        self.assertEqual(finals["2.2"], D(12))  # first review, not explained
        self.assertEqual(finals["1.3"], D(30))  # from the target
        self.assertEqual(sheet.final_total, D(94))  # 20 + 10 + 30 + 22 + 12
        self.assertEqual(sheet.final_max, D(100))
        self.assertEqual(sheet.aggregation, "mean")
        self.assertIsNotNone(sheet.finalized_at)
        # One entry per final cell (seven leaves) and one for the sheet's transition.
        self.assertEqual(AuditEntry.objects.count() - entries_before, 8)

    def test_every_layer_is_kept_after_finalization(self):
        self.first_review()
        self.explain("2.1", points=D(24))
        sheets.submit_explanation(self.sheet(), actor=self.admin)
        self.second_review(self.quang_ninh, "2.1", 22)
        self.second_review(self.hai_phong, "2.1", 22)
        sheets.finalize(self.sheet(), actor=self.admin)
        layers = sorted(
            (s.stage, str(s.reviewer) if s.reviewer else "", s.points, s.note)
            for s in Score.objects.filter(
                sheet=self.sheet(), criterion=self.leaves["2.1"]
            ).select_related("reviewer")
        )
        self.assertEqual(
            layers,
            sorted(
                [
                    (Stage.SELF, "", D("24.5"), ""),
                    (Stage.REVIEW, "Quảng Ninh", D(20), ""),
                    (Stage.REVIEW, "Hải Phòng", D(20), ""),
                    (Stage.EXPLANATION, "", D(24), self.explained_note),
                    (Stage.SECOND_REVIEW, "Quảng Ninh", D(22), ""),
                    (Stage.SECOND_REVIEW, "Hải Phòng", D(22), ""),
                    (Stage.FINAL, "", D(22), ""),
                ]
            ),
        )
        line = sheets.line_of(self.sheet(), self.leaves["2.1"])
        self.assertEqual(line.self_cell.points, D("24.5"))
        self.assertEqual(line.review.points, D(20))
        self.assertEqual(line.second.points, D(22))
        self.assertEqual(line.final.points, D(22))
        with self.assertRefused("Chỉ chốt bảng điểm đã bình xét.", Score):
            sheets.finalize(self.sheet(), actor=self.admin)

    def test_a_sheet_without_explanation_is_finalized_on_the_first_review(self):
        self.first_review()
        sheets.finalize(self.sheet(), actor=self.admin)
        self.assertEqual(self.sheet().final_total, D(92))  # 20 + 10 + 30 + 20 + 12


class NotApplicableReviewTests(SheetTestCase):
    def test_not_applicable_counts_only_if_the_reviewers_accept_it(self):
        """Thái Bình and Bắc Ninh both claim 2.2 (15) not applicable. Both leaders accept
        Thái Bình's claim; for Bắc Ninh, Quảng Ninh accepts but Hải Phòng scores 10 — one
        of two is not more than half, so 2.2 stays applicable at 10."""
        for unit in (self.thai_binh, self.bac_ninh):
            self_assess(self.world, unit, {"2.2": None})
        self.review_by_leaders(self.thai_binh)  # the self layer: 2.2 not applicable
        review(self.world, self.bac_ninh, self.quang_ninh, {})
        review(self.world, self.bac_ninh, self.hai_phong, {"2.2": D(10)})
        for unit in (self.thai_binh, self.bac_ninh):
            sheets.complete_review(self.sheet(unit), actor=self.admin)
            sheets.finalize(self.sheet(unit), actor=self.admin)
        accepted = self.sheet(self.thai_binh)
        self.assertEqual((accepted.final_total, accepted.final_max), (D(85), D(85)))
        refused = self.sheet(self.bac_ninh)
        # 20 + 10 + 30 + 25 + 10 = 95 of 100
        self.assertEqual((refused.final_total, refused.final_max), (D(95), D(100)))


class InflationTests(SheetTestCase):
    def test_a_self_score_beyond_the_years_threshold_above_the_result_is_flagged(self):
        """Thái Bình self-assesses at maximum; the leaders give 1.1 18 (gap 2 of 20 = 10%),
        2.1 22 (3 of 25 = 12%), 2.2 14 (1 of 15 = 6,67%). The year's threshold is 10%."""
        sheet = self_assess(self.world, self.thai_binh, {})
        self.review_by_leaders(self.thai_binh, {"1.1": D(18), "2.1": D(22), "2.2": D(14)})
        sheets.complete_review(sheet, actor=self.admin)
        sheets.finalize(sheet, actor=self.admin)

        def flagged():
            result = sheets.view(self.sheet())
            return [line.criterion.number for line in result.lines if result.inflated(line)]

        self.assertEqual(flagged(), ["2.1"])  # exactly 10% is not beyond the threshold
        cycle.set_rules(self.world.year, inflation_threshold=D(5), actor=self.admin)
        self.assertEqual(flagged(), ["1.1", "2.1", "2.2"])
