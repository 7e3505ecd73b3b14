"""How several reviewers' scores of one cell become one (services.aggregation): mean,
trimmed mean, standardized scores, "not applicable" by majority, rounding half up.

The pure-function tests build unsaved Score objects in memory (no rows are written); the
others score real sheets through the services.
"""

import datetime
from decimal import Decimal as D

from django.test import SimpleTestCase, override_settings

from core.test import ThiDuaTestCase
from emulation.models import Aggregation, Criterion, Method, PeriodKind, Score, Section, Target
from emulation.services import aggregation, cycle, scales, sheets
from emulation.testing import DURING, make_world, review, self_assess
from organizations.models import ClusterLeadership, Position
from organizations.testing import make_cast

MANUAL = Criterion(number="2.1", max_points=D(10), method=Method.MANUAL, section=Section.REGULAR)
BONUS = Criterion(number="3.1", max_points=D(5), method=Method.BONUS, section=Section.BONUS)


def score(reviewer_id, points, criterion=MANUAL, applicable=True):
    return Score(
        criterion=criterion,
        reviewer_id=reviewer_id,
        points=None if points is None else D(points),
        applicable=applicable,
    )


def combine(scores, method=Aggregation.MEAN, profiles=None, pooled=None):
    return aggregation.combine(scores, method, profiles, pooled)


class MeanAndTrimmedTests(SimpleTestCase):
    def test_the_mean_averages_the_reviewers(self):
        result = combine([score(1, 6), score(2, 7), score(3, 9)])
        self.assertEqual(result.points, D("7.33"))  # 22 / 3 = 7,333…
        self.assertEqual((result.applicable, result.count), (True, 3))

    def test_trimmed_drops_one_highest_and_one_lowest_from_three_reviewers(self):
        scores = [score(1, 2), score(2, 8), score(3, 10)]
        self.assertEqual(combine(scores, Aggregation.TRIMMED).points, D(8))  # only 8 is left
        self.assertEqual(combine(scores).points, D("6.67"))  # mean: 20 / 3

    def test_trimmed_drops_only_one_of_equal_extremes(self):
        scores = [score(1, 2), score(2, 2), score(3, 6), score(4, 10)]
        # sorted 2, 2, 6, 10 → drop one 2 and the 10 → (2 + 6) / 2 = 4
        self.assertEqual(combine(scores, Aggregation.TRIMMED).points, D(4))

    def test_trimmed_is_the_plain_mean_with_fewer_than_three_reviewers(self):
        scores = [score(1, 2), score(2, 9)]
        self.assertEqual(combine(scores, Aggregation.TRIMMED).points, D("5.50"))  # 11 / 2

    def test_results_are_rounded_half_up_to_a_hundredth(self):
        scores = [score(1, 10), score(2, 10), score(3, 10), score(4, "10.5")]
        # 40,5 / 4 = 10,125 → 10,13 (half even would give 10,12)
        self.assertEqual(combine(scores).points, D("10.13"))

    def test_nobody_reviewed_gives_nothing(self):
        self.assertIsNone(combine([]))


class NotApplicableTests(SimpleTestCase):
    def test_a_cell_is_not_applicable_when_more_than_half_of_its_reviewers_accept_it(self):
        result = combine(
            [score(1, None, applicable=False), score(2, None, applicable=False), score(3, 8)]
        )
        self.assertEqual((result.points, result.applicable), (None, False))

    def test_half_or_fewer_is_not_enough_and_only_the_scores_given_are_averaged(self):
        result = combine([score(1, None, applicable=False), score(2, 8)])
        self.assertEqual((result.points, result.applicable, result.count), (D(8), True, 1))
        result = combine([score(1, None, applicable=False), score(2, 8), score(3, 6)])
        self.assertEqual((result.points, result.applicable), (D(7), True))  # (8 + 6) / 2


class StandardizedFunctionTests(SimpleTestCase):
    def standardized(self, all_scores, cell):
        profiles, pooled = aggregation.profiles(all_scores)
        return combine(cell, Aggregation.STANDARDIZED, profiles, pooled).points

    def test_a_reviewer_whose_scores_never_vary_is_only_re_centred(self):
        """Reviewer 1 gives 6 and 8, reviewer 2 gives 8 to everyone (no spread)."""
        honest = [score(1, 6), score(1, 8)]
        flat = [score(2, 8), score(2, 8)]
        profiles, pooled = aggregation.profiles(honest + flat)
        self.assertEqual(profiles[2].sd, 0)
        # pooled mean of the shares: (0,6 + 0,8 + 0,8 + 0,8) / 4 = 0,75; reviewer 2's own
        # mean 0,8. Its 8 (share 0,8) becomes 0,8 − 0,8 + 0,75 = 0,75 → 7,5 points.
        self.assertEqual(self.standardized(honest + flat, [flat[0]]), D("7.50"))

    def test_standardized_values_are_clamped_to_the_maximum(self):
        """Reviewer 1 gives 9,5 and 10 (sd 0,025), reviewer 2 gives 0 and 10 (sd 0,5): the
        pooled spread (≈ 0,426) is much wider than reviewer 1's, so its 10 would become
        0,7375 + 0,025 × 0,426 / 0,025 ≈ 1,164 of the maximum; it is clamped to 10."""
        scores = [score(1, "9.5"), score(1, 10), score(2, 0), score(2, 10)]
        self.assertEqual(self.standardized(scores, [scores[1]]), D(10))

    def test_bonus_cells_are_averaged_not_standardized(self):
        lenient_bonus = [score(1, 5, BONUS), score(2, 1, BONUS)]
        manual = [score(1, 6), score(1, 8), score(2, 2), score(2, 4)]
        profiles, pooled = aggregation.profiles(manual + lenient_bonus)
        result = combine(lenient_bonus, Aggregation.STANDARDIZED, profiles, pooled)
        self.assertEqual(result.points, D(3))  # (5 + 1) / 2


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class StandardizedSheetTests(ThiDuaTestCase):
    """One 10-point criterion; Quảng Ninh (head) and Hải Phòng (deputy) review. Quảng Ninh
    is lenient: always 2 points above what Hải Phòng gives for the same work. Neither
    reviews its own unit, so Quảng Ninh's sheet gets only Hải Phòng's (strict) scores and
    Hải Phòng's only Quảng Ninh's (lenient) ones.

    The work is worth 6 at Quảng Ninh, Ninh Bình and Hải Phòng, 7,5 at Thái Bình and Bắc Ninh.
      Hải Phòng gives  Quảng Ninh 6, Thái Bình 7,5, Bắc Ninh 7,5, Ninh Bình 6
      Quảng Ninh gives Thái Bình 9,5, Bắc Ninh 9,5, Ninh Bình 8, Hải Phòng 8
    Shares of the maximum: Hải Phòng 0,6 0,75 0,75 0,6 (mean 0,675, sd 0,075); Quảng Ninh
    0,95 0,95 0,8 0,8 (mean 0,875, sd 0,075); pooled mean 6,2 / 8 = 0,775, pooled variance
    (4 × 0,175² + 4 × 0,025²) / 8 = 0,015625, sd 0,125. A share 0,075 below its reviewer's
    mean becomes 0,775 − 0,075 × 0,125 / 0,075 = 0,65 (6,5 points); 0,075 above, 0,9 (9).
    """

    def setUp(self):
        cast = make_cast()
        self.admin = cast.admin
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            cast.members
        )
        ClusterLeadership.objects.create(
            cluster=cast.cluster, year=2021, unit=self.hai_phong, position=Position.DEPUTY
        )
        self.year = cycle.open_year(
            cluster=cast.cluster, year=2021, title="Thi đua năm 2021", actor=self.admin
        )
        scale = scales.create_scale(
            self.year, title="Thang điểm 10 điểm", total_max=D(10), actor=self.admin
        )
        group = scales.add_criterion(
            scale, title="Công tác tổ chức", max_points=D(10), actor=self.admin
        )
        self.leaf = scales.add_criterion(
            scale, parent=group, title="Kiện toàn tổ chức", max_points=D(10), actor=self.admin
        )
        self.period = cycle.add_period(
            self.year,
            kind=PeriodKind.YEAREND,
            opens_on=datetime.date(2021, 11, 1),
            due_on=datetime.date(2021, 12, 10),
            actor=self.admin,
        )
        sheets.open_sheets(self.period, actor=self.admin)
        worth = {
            self.quang_ninh: D(6),
            self.thai_binh: D("7.5"),
            self.hai_phong: D(6),
            self.bac_ninh: D("7.5"),
            self.ninh_binh: D(6),
        }
        for unit, points in worth.items():
            sheet = self.sheet(unit)
            sheets.set_self_score(sheet, self.leaf, points=points, actor=self.admin, day=DURING)
            sheets.submit(sheet, actor=self.admin, day=DURING)
            if unit != self.hai_phong:
                self.review(unit, self.hai_phong, points)
            if unit != self.quang_ninh:
                self.review(unit, self.quang_ninh, points + 2)

    def sheet(self, unit):
        return self.period.sheets.get(unit=unit)

    def review(self, unit, reviewer, points):
        sheets.set_review_score(
            self.sheet(unit), self.leaf, reviewer, points=points, actor=self.admin
        )

    def results(self, method):
        cycle.set_rules(self.year, aggregation=method, actor=self.admin)
        return {
            unit: sheets.line_of(self.sheet(unit), self.leaf).review.points
            for unit in (
                self.quang_ninh,
                self.thai_binh,
                self.hai_phong,
                self.bac_ninh,
                self.ninh_binh,
            )
        }

    def test_the_mean_lets_the_lenient_reviewer_pull_its_units_up(self):
        result = self.results(Aggregation.MEAN)
        self.assertEqual(result[self.quang_ninh], D(6))  # strict reviewer only
        self.assertEqual(result[self.thai_binh], D("8.5"))  # (7,5 + 9,5) / 2
        self.assertEqual(result[self.ninh_binh], D(7))  # (6 + 8) / 2
        self.assertEqual(result[self.hai_phong], D(8))  # lenient reviewer only
        # Equal work (6) ends 6, 7 and 8 depending on who reviewed.

    def test_standardized_scores_remove_the_lenient_reviewers_pull(self):
        result = self.results(Aggregation.STANDARDIZED)
        self.assertEqual(result[self.quang_ninh], D("6.5"))
        self.assertEqual(result[self.thai_binh], D(9))  # (9 + 9) / 2
        self.assertEqual(result[self.bac_ninh], D(9))
        self.assertEqual(result[self.ninh_binh], D("6.5"))  # (6,5 + 6,5) / 2
        self.assertEqual(result[self.hai_phong], D("6.5"))
        # Equal work now ends equal, and Hải Phòng (lenient reviewer only) drops from 8.
        self.assertEqual(
            {result[self.quang_ninh], result[self.ninh_binh], result[self.hai_phong]}, {D("6.5")}
        )
        self.assertLess(result[self.hai_phong], self.results(Aggregation.MEAN)[self.hai_phong])


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CrossReviewAggregationTests(ThiDuaTestCase):
    """Cross-assessment: Thái Bình's sheet has four reviewers."""

    def setUp(self):
        self.world = make_world(review_mode="cross", aggregation=Aggregation.TRIMMED)
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            self.world.cast.members
        )
        self_assess(self.world, self.thai_binh, {})
        self.leaf = self.world.leaves["2.1"]

    def review_21(self, points):
        reviewers = (self.quang_ninh, self.hai_phong, self.bac_ninh, self.ninh_binh)
        for reviewer, value in zip(reviewers, points, strict=True):
            review(self.world, self.thai_binh, reviewer, {"2.1": D(value)})
        return sheets.line_of(self.world.sheet(self.thai_binh), self.leaf).review

    def test_the_trimmed_mean_of_four_reviewers(self):
        cell = self.review_21([25, 22, 20, 15])
        self.assertEqual(cell.points, D(21))  # drop 25 and 15: (22 + 20) / 2
        cycle.set_rules(self.world.year, aggregation=Aggregation.MEAN, actor=self.world.cast.admin)
        cell = sheets.line_of(self.world.sheet(self.thai_binh), self.leaf).review
        self.assertEqual(cell.points, D("20.5"))  # 82 / 4

    def test_a_final_sheet_keeps_the_aggregation_and_the_year_cannot_switch_after_it(self):
        # The actual as reported before submission (setUp submitted every sheet, after
        # which targets are locked): written directly, not through the service.
        Target.objects.filter(
            emulation_year=self.world.year, unit=self.thai_binh, code="ket-nap"
        ).update(actual=D(243))
        self.review_21([25, 22, 20, 15])
        sheet = self.world.sheet(self.thai_binh)
        sheets.complete_review(sheet, actor=self.world.cast.admin)
        sheets.finalize(sheet, actor=self.world.cast.admin)
        with self.assertRefused("không đổi cách tổng hợp"):
            cycle.set_rules(
                self.world.year, aggregation=Aggregation.MEAN, actor=self.world.cast.admin
            )
        sheet = self.world.sheet(self.thai_binh)
        self.assertEqual(sheet.aggregation, Aggregation.TRIMMED)
        line = sheets.line_of(sheet, self.leaf)
        self.assertEqual(line.review.points, D(21))  # still trimmed, not the mean 20,5
        self.assertEqual(line.final.points, D(21))
        self.assertEqual(sheet.final_total, D(96))  # 20 + 10 + 30 + 21 + 15

    def test_the_sheet_rounds_half_up(self):
        cycle.set_rules(self.world.year, aggregation=Aggregation.MEAN, actor=self.world.cast.admin)
        cell = self.review_21([20, 20, 20, "20.5"])
        self.assertEqual(cell.points, D("20.13"))  # 80,5 / 4 = 20,125

    def test_a_not_applicable_accepted_by_three_of_four_reviewers_holds(self):
        leaf = self.world.leaves["2.2"]
        for reviewer, value in zip(
            (self.quang_ninh, self.hai_phong, self.bac_ninh, self.ninh_binh),
            (None, None, None, D(15)),
            strict=True,
        ):
            review(self.world, self.thai_binh, reviewer, {"2.2": value})
        cell = sheets.line_of(self.world.sheet(self.thai_binh), leaf).review
        self.assertEqual((cell.points, cell.applicable), (None, False))
