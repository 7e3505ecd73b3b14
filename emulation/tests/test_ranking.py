"""Xếp hạng (services.ranking): percent of the applicable maximum, tie-breaks in the order
the cluster chose, shared ranks, the proposal suggestion and the pending sheets.

Every figure below starts from the world of emulation.testing: 1.1 (20) + 1.2 (10, yes/no)
+ 1.3 (30, from the target: every unit reports 243/240 = 101,25% → 30) + 2.1 (25) + 2.2 (15)
= 100 regular points, 3.1 bonus (5), 4.1 deduction (5). Unless a test says otherwise a unit
self-assesses every regular leaf at its maximum (100 points) and the reviewers agree with it.
"""

from decimal import Decimal as D

from django.test import override_settings

from core.test import ThiDuaTestCase
from emulation.models import Period
from emulation.services import cycle, ranking, sheets
from emulation.services import targets as target_services
from emulation.testing import make_world, review, self_assess


def finalize_sheets(world, self_points=None, review_points=None, *, units=None, actual=D(243)):
    """The whole path through the services: every member reports ``actual`` admissions
    against 240 planned, self-assesses (``self_points[unit]``; missing regular leaves at their
    maximum) and submits; then each of ``units`` (default: all) is reviewed by every reviewer
    unit (``review_points[unit]``; missing leaves as the self score), its review is closed and
    it is finalized."""
    admin = world.cast.admin
    self_points = self_points or {}
    review_points = review_points or {}
    for unit in world.cast.members:
        target = world.year.targets.get(unit=unit, code="ket-nap")
        target_services.record_actual(target, actual, actor=admin)
        self_assess(world, unit, self_points.get(unit, {}))
    reviewers = sheets.reviewer_units(world.year)
    for unit in world.cast.members if units is None else units:
        for reviewer in reviewers:
            if reviewer != unit:
                review(world, unit, reviewer, review_points.get(unit, {}))
        sheets.complete_review(world.sheet(unit), actor=admin)
        sheets.finalize(world.sheet(unit), actor=admin)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class RankingTestCase(ThiDuaTestCase):
    """Cheap password hashing: the cast's seven users cost seconds with the real hasher."""

    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            self.world.cast.members
        )

    def rank(self):
        # A fresh period, so the year's tie-breaks and counts are read as they are now.
        return ranking.rank(Period.objects.get(pk=self.world.period.pk))

    def set_tie_breaks(self, *codes):
        cycle.set_rules(self.world.year, tie_breaks=list(codes), actor=self.admin)

    def row(self, result, unit):
        return next(r for r in result.rows if r.sheet.unit_id == unit.pk)

    def order(self, result):
        return [r.sheet.unit for r in result.rows]

    def duel(self, thai_binh_self, bac_ninh_self, review_points=None):
        """Thái Bình and Bắc Ninh fight for first place; the three others stay at 85
        (2.1 self-assessed at 10: 100 − 15)."""
        low = {"2.1": D(10)}
        finalize_sheets(
            self.world,
            {
                self.thai_binh: thai_binh_self,
                self.bac_ninh: bac_ninh_self,
                self.quang_ninh: low,
                self.hai_phong: low,
                self.ninh_binh: low,
            },
            review_points,
        )


class SharedRankTests(RankingTestCase):
    def test_units_that_no_tie_break_separates_share_a_rank_and_the_next_rank_skips(self):
        """The world's tie-breaks are fewer deductions, then group 1: Hải Phòng and Thái Bình
        both have no deduction and 60 points in group 1, so they share rank 2."""
        finalize_sheets(
            self.world,
            {
                self.thai_binh: {"2.1": D(20)},  # 100 − 5 = 95
                self.hai_phong: {"2.1": D(20)},  # 95
                self.bac_ninh: {"2.1": D(15)},  # 90
                self.ninh_binh: {"2.1": D(10)},  # 85
            },  # Quảng Ninh: 100
        )
        result = self.rank()
        self.assertEqual(
            self.order(result),
            [self.quang_ninh, self.hai_phong, self.thai_binh, self.bac_ninh, self.ninh_binh],
        )
        self.assertEqual([r.rank for r in result.rows], [1, 2, 2, 4, 5])
        self.assertEqual([r.total for r in result.rows], [D(100), D(95), D(95), D(90), D(85)])
        self.assertEqual(
            self.row(result, self.thai_binh).decided_by,
            "Bằng điểm sau mọi tiêu chí phụ: đồng hạng",
        )
        self.assertEqual(self.row(result, self.bac_ninh).decided_by, "Tỷ lệ điểm")
        self.assertEqual(result.pending, [])


class TieBreakTests(RankingTestCase):
    """Thái Bình and Bắc Ninh end level on points; alphabetically Bắc Ninh comes first, so
    Thái Bình ahead of it shows that the tie-break decided."""

    def test_fewer_deductions_wins(self):
        self.set_tie_breaks("fewer_deductions")
        # Thái Bình: 100 − 2 (2.1 at 23) = 98; Bắc Ninh: 100 regular − 2 deducted (4.1) = 98.
        self.duel({"2.1": D(23)}, {"4.1": D(2)})
        result = self.rank()
        self.assertEqual(self.order(result)[:2], [self.thai_binh, self.bac_ninh])
        self.assertEqual([r.rank for r in result.rows[:2]], [1, 2])
        self.assertEqual(self.row(result, self.bac_ninh).total, D(98))
        self.assertEqual(self.row(result, self.bac_ninh).decided_by, "Ít điểm trừ hơn")

    def test_the_higher_score_in_the_named_group_wins(self):
        # Thái Bình: group 1 = 60, group 2 = 38 (2.1 at 23); Bắc Ninh: group 1 = 58 (1.1 at
        # 18), group 2 = 40. Both 98, no deductions, so the world's first tie-break is level.
        self.duel({"2.1": D(23)}, {"1.1": D(18)})
        result = self.rank()  # world: fewer_deductions, group:1
        self.assertEqual(self.order(result)[:2], [self.thai_binh, self.bac_ninh])
        self.assertEqual(self.row(result, self.bac_ninh).decided_by, "Điểm nhóm 1 cao hơn")
        self.set_tie_breaks("group:2")
        result = self.rank()
        self.assertEqual(self.order(result)[:2], [self.bac_ninh, self.thai_binh])
        self.assertEqual(self.row(result, self.thai_binh).decided_by, "Điểm nhóm 2 cao hơn")

    def test_more_criteria_at_their_maximum_wins_and_tie_breaks_apply_in_their_order(self):
        # Thái Bình: 1.1 at 18 → 98, at maximum 1.2, 1.3, 2.1, 2.2 = 4 leaves, group 1 = 58.
        # Bắc Ninh: 2.1 at 24 and 2.2 at 14 → 98, at maximum 1.1, 1.2, 1.3 = 3, group 1 = 60.
        self.set_tie_breaks("more_at_maximum", "group:1")
        self.duel({"1.1": D(18)}, {"2.1": D(24), "2.2": D(14)})
        result = self.rank()
        self.assertEqual(self.row(result, self.thai_binh).at_maximum, 4)
        self.assertEqual(self.row(result, self.bac_ninh).at_maximum, 3)
        self.assertEqual(self.order(result)[:2], [self.thai_binh, self.bac_ninh])
        self.assertEqual(
            self.row(result, self.bac_ninh).decided_by, "Nhiều tiêu chí đạt điểm tối đa hơn"
        )
        self.set_tie_breaks("group:1", "more_at_maximum")
        result = self.rank()
        self.assertEqual(self.order(result)[:2], [self.bac_ninh, self.thai_binh])
        self.assertEqual(self.row(result, self.thai_binh).decided_by, "Điểm nhóm 1 cao hơn")

    def test_more_bonus_points_win(self):
        self.set_tie_breaks("fewer_deductions", "higher_bonus")
        # Thái Bình: 96 regular (2.1 at 21) + 4 bonus = 100; Bắc Ninh: 100 regular, no bonus.
        self.duel({"2.1": D(21), "3.1": D(4)}, {})
        result = self.rank()
        self.assertEqual(self.row(result, self.thai_binh).total, D(100))
        self.assertEqual(self.row(result, self.thai_binh).bonus, D(4))
        self.assertEqual(self.order(result)[:2], [self.thai_binh, self.bac_ninh])
        # The first tie-break (no deductions on either side) did not decide; the second did.
        self.assertEqual(self.row(result, self.bac_ninh).decided_by, "Nhiều điểm thưởng hơn")

    def test_a_self_assessment_closer_to_the_result_wins(self):
        self.set_tie_breaks("closer_to_self")
        # Thái Bình self-assesses 2.1 at 23 and the reviewers agree: 98, gap 0.
        # Bắc Ninh self-assesses 100; the reviewers give 2.1 23: 98, gap 100 − 98 = 2.
        self.duel({"2.1": D(23)}, {}, {self.bac_ninh: {"2.1": D(23)}})
        result = self.rank()
        self.assertEqual(self.row(result, self.bac_ninh).self_gap, D(2))
        self.assertEqual(self.row(result, self.thai_binh).self_gap, D(0))
        self.assertEqual(self.order(result)[:2], [self.thai_binh, self.bac_ninh])
        self.assertEqual(
            self.row(result, self.bac_ninh).decided_by, "Tự chấm sát với kết quả bình xét hơn"
        )


class TieBreakChoiceTests(RankingTestCase):
    def test_unknown_or_repeated_tie_breaks_are_refused(self):
        with self.assertRefused("Tiêu chí phụ “group:x” không hợp lệ."):
            self.set_tie_breaks("group:x")
        with self.assertRefused("Tiêu chí phụ “most_votes” không hợp lệ."):
            self.set_tie_breaks("most_votes")
        with self.assertRefused("Một tiêu chí phụ được chọn hai lần."):
            self.set_tie_breaks("group:1", "higher_bonus", "group:1")
        self.world.year.refresh_from_db()
        self.assertEqual(self.world.year.tie_breaks, ["fewer_deductions", "group:1"])


class PercentRankingTests(RankingTestCase):
    def test_units_rank_on_the_percent_of_their_applicable_maximum(self):
        """Thái Bình has 2.2 (15) not applicable, accepted by the reviewers, and every other
        leaf at maximum: 85 of 85 = 100%. Bắc Ninh has 2.1 at 24: 99 of 100 = 99%. Thái Bình
        has fewer points and still ranks first."""
        low = {"2.1": D(10)}  # 85 of 100 = 85%
        finalize_sheets(
            self.world,
            {
                self.thai_binh: {"2.2": None},
                self.bac_ninh: {"2.1": D(24)},
                self.quang_ninh: low,
                self.hai_phong: low,
                self.ninh_binh: low,
            },
        )
        result = self.rank()
        first, second = result.rows[:2]
        self.assertEqual(first.sheet.unit, self.thai_binh)
        self.assertEqual((first.total, first.maximum, first.percent), (D(85), D(85), D(100)))
        self.assertEqual(second.sheet.unit, self.bac_ninh)
        self.assertEqual((second.total, second.maximum, second.percent), (D(99), D(100), D(99)))
        self.assertLess(first.total, second.total)
        self.assertEqual(second.decided_by, "Tỷ lệ điểm")


class SuggestionTests(RankingTestCase):
    def test_the_first_rank_is_suggested_for_the_flag_and_the_next_three_for_the_merit(self):
        finalize_sheets(
            self.world,
            {
                self.thai_binh: {"2.1": D(24)},  # 99
                self.hai_phong: {"2.1": D(23)},  # 98
                self.bac_ninh: {"2.1": D(22)},  # 97
                self.ninh_binh: {"2.1": D(21)},  # 96
            },  # Quảng Ninh: 100
        )
        result = self.rank()  # the world's year: 1 flag, 3 merits
        self.assertEqual([r.rank for r in result.rows], [1, 2, 3, 4, 5])
        self.assertEqual(
            [r.suggestion for r in result.rows], ["flag", "merit", "merit", "merit", ""]
        )
        self.assertEqual([r.sheet.unit for r in result.flags], [self.quang_ninh])
        self.assertEqual(
            [r.sheet.unit for r in result.merits], [self.thai_binh, self.hai_phong, self.bac_ninh]
        )
        self.assertEqual(result.warnings, [])
        cycle.set_rules(self.world.year, flag_count=2, merit_count=1, actor=self.admin)
        result = self.rank()
        self.assertEqual([r.suggestion for r in result.rows], ["flag", "flag", "merit", "", ""])

    def test_a_shared_rank_across_a_boundary_is_flagged_for_the_cluster_not_cut(self):
        finalize_sheets(
            self.world,
            {
                self.hai_phong: {"2.1": D(23)},  # 98
                self.bac_ninh: {"2.1": D(22)},  # 97
                self.ninh_binh: {"2.1": D(22)},  # 97
            },  # Quảng Ninh and Thái Bình: 100
        )
        result = self.rank()
        self.assertEqual([r.rank for r in result.rows], [1, 1, 3, 4, 4])
        # Both units of rank 1 are suggested for the single flag, both of rank 4 for the merit.
        self.assertEqual(
            [r.suggestion for r in result.rows], ["flag", "flag", "merit", "merit", "merit"]
        )
        self.assertEqual(
            result.warnings,
            [
                "Có 2 đơn vị trong 1 vị trí đề nghị Cờ thi đua do đồng hạng: "
                "Cụm cần bình xét để chọn.",
                "Có 5 đơn vị trong 4 vị trí đề nghị Bằng khen do đồng hạng: "
                "Cụm cần bình xét để chọn.",
            ],
        )


class PendingTests(RankingTestCase):
    def test_only_final_sheets_are_ranked_and_the_others_are_listed_as_pending(self):
        members = self.world.cast.members
        finalize_sheets(self.world, units=[u for u in members if u != self.ninh_binh])
        result = self.rank()
        self.assertEqual(len(result.rows), 4)
        self.assertNotIn(self.ninh_binh, self.order(result))
        self.assertEqual(result.pending, [self.world.sheet(self.ninh_binh)])
        self.assertEqual([r.rank for r in result.rows], [1, 1, 1, 1])
