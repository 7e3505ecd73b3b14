"""Rules added after review: what is submitted stays as submitted, the rules of a year do
not move under its results, and a round's results stay hidden until they may be seen."""

import datetime
from decimal import Decimal as D

import time_machine
from django.urls import reverse

from core.audit import history
from core.test import ThiDuaTestCase
from emulation import permissions
from emulation.models import Criterion, Score, ScoreSheet, Target
from emulation.services import cycle, ranking, scales, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess
from organizations.testing import UserFactory, give_role


class SubmittedStaysSubmittedTests(ThiDuaTestCase):
    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        self.thai_binh = self.world.cast.member_unit
        self.target = self.world.year.targets.get(unit=self.thai_binh, code="ket-nap")
        target_services.record_actual(self.target, D(243), actor=self.admin)

    def test_a_target_is_locked_once_its_unit_submitted(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
        with self.assertRefused("đã nộp", Target):
            target_services.record_actual(self.target, D(120), actor=self.admin)
        with self.assertRefused("đã nộp", Target):
            target_services.set_target(
                self.world.year,
                self.thai_binh,
                code="ket-nap",
                title="Kết nạp đảng viên",
                kind="count",
                planned=D(100),
                actor=self.admin,
            )
        self.target.refresh_from_db()
        self.assertEqual((self.target.planned, self.target.actual), (D(240), D(243)))

    def test_a_criterion_with_scores_keeps_its_maximum_and_method(self):
        leaf = self.world.leaves["2.1"]
        sheet = self.world.sheet(self.thai_binh)
        sheets.set_self_score(sheet, leaf, points=D(25), actor=self.admin, day=DURING)
        with self.assertRefused("đã có điểm chấm", Criterion):
            scales.update_criterion(leaf, max_points=D(10), actor=self.admin)
        leaf.refresh_from_db()
        self.assertEqual(leaf.max_points, D(25))
        # Wording may still be corrected.
        scales.update_criterion(leaf, title="Quy hoạch cán bộ các cấp", actor=self.admin)

    def test_a_bonus_leaf_never_exceeds_its_group(self):
        group = self.world.leaves["3.1"].parent  # Điểm thưởng, 5
        with self.assertRefused("vượt điểm tối đa của 3", Criterion):
            scales.add_criterion(
                self.world.scale,
                parent=group,
                title="Sáng kiến cấp tỉnh",
                max_points=D(6),
                actor=self.admin,
            )

    def test_a_reviewed_sheet_cannot_be_reopened_for_self_assessment(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
        with time_machine.travel(AFTER):
            review(self.world, self.thai_binh, self.world.cast.head_unit, {})
            sheet = self.world.sheet(self.thai_binh)
            with self.assertRefused("Đã có điểm bình xét", ScoreSheet, Score):
                cycle.reopen_sheet(
                    sheet, until=datetime.date(2021, 12, 31), reason="Nộp nhầm", actor=self.admin
                )


class YearRulesTests(ThiDuaTestCase):
    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin

    def test_the_due_date_is_extended_for_everyone_only_with_a_reason(self):
        with time_machine.travel(AFTER):
            with self.assertRefused("nêu lý do"):
                cycle.set_period_dates(
                    self.world.period,
                    opens_on=self.world.period.opens_on,
                    due_on=datetime.date(2021, 12, 31),
                    actor=self.admin,
                )
            cycle.set_period_dates(
                self.world.period,
                opens_on=self.world.period.opens_on,
                due_on=datetime.date(2021, 12, 31),
                actor=self.admin,
                reason="Bão số 9",
            )
        # Newest by id: the entry was written under time travel, so its time is in 2021.
        self.assertEqual(history(self.world.period).order_by("-pk")[0].reason, "Bão số 9")

    def test_ranking_rules_do_not_move_after_publication(self):
        for unit in self.world.cast.members:
            target = self.world.year.targets.get(unit=unit)
            target_services.record_actual(target, D(243), actor=self.admin)
        with time_machine.travel(DURING):
            for unit in self.world.cast.members:
                self_assess(self.world, unit, {})
        with time_machine.travel(AFTER):
            for unit in self.world.cast.members:
                for reviewer in sheets.reviewer_units(self.world.year):
                    if reviewer != unit:
                        review(self.world, unit, reviewer, {})
                sheets.complete_review(self.world.sheet(unit), actor=self.admin)
                sheets.finalize(self.world.sheet(unit), actor=self.admin)
            cycle.publish_period(self.world.period, actor=self.admin)
        with self.assertRefused("đã công bố"):
            cycle.set_rules(self.world.year, tie_breaks=["more_at_maximum"], actor=self.admin)
        with self.assertRefused("đã công bố"):
            cycle.set_rules(self.world.year, flag_count=2, actor=self.admin)
        # Saying the same again is not a change.
        cycle.set_rules(self.world.year, flag_count=1, actor=self.admin)


class ExactPercentTests(ThiDuaTestCase):
    def test_exact_percentages_decide_before_rounding(self):
        totals_a = sheets.Totals(regular=D("66.67"), maximum=D(100))
        totals_b = sheets.Totals(regular=D(60), maximum=D(90))
        self.assertEqual(totals_a.percent, totals_b.percent)  # both display 66,67%
        self.assertGreater(totals_a.exact_percent, totals_b.exact_percent)


class HiddenUntilSeenTests(ThiDuaTestCase):
    """Cross-assessment: every member reviews every other, yet before publication it sees
    only the self scores it reviews and its own marks, never the aggregate or result."""

    def setUp(self):
        self.world = make_world(review_mode="cross")
        self.admin = self.world.cast.admin
        self.thai_binh = self.world.cast.member_unit
        self.bac_ninh = self.world.cast.members[3]
        self.bac_ninh_officer = give_role(
            UserFactory(username="bacninh"), "unit_officer", self.bac_ninh
        )
        for unit in self.world.cast.members:
            target_services.record_actual(
                self.world.year.targets.get(unit=unit), D(243), actor=self.admin
            )
        with time_machine.travel(DURING):
            for unit in self.world.cast.members:
                self_assess(self.world, unit, {})
        with time_machine.travel(AFTER):
            for reviewer in self.world.cast.members:
                if reviewer != self.thai_binh:
                    review(self.world, self.thai_binh, reviewer, {"2.1": D(20)})
            sheets.complete_review(self.world.sheet(self.thai_binh), actor=self.admin)

    def test_a_cross_reviewer_does_not_see_the_aggregate_before_publication(self):
        sheet = self.world.sheet(self.thai_binh)
        layers = permissions.visible_layers(self.bac_ninh_officer, sheet)
        self.assertEqual((layers.review, layers.second, layers.result), (False, False, False))
        own = permissions.visible_layers(self.world.cast.member_officer, sheet)
        self.assertTrue(own.review and own.result)

        self.client.force_login(self.bac_ninh_officer)
        response = self.client.get(reverse("emulation:sheet", args=[sheet.pk]))
        self.assertEqual(response.status_code, 200)
        # Only Bắc Ninh's own marks: no aggregate rows, no result.
        self.assertNotContains(response, 'id="total-review"')
        self.assertNotContains(response, 'id="total-result"')
        self.assertContains(response, "Bắc Ninh: <span")
        api = self.client.get(f"/api/v1/emulation/sheets/{sheet.pk}")
        self.assertIsNone(api.json()["proposed_totals"])
        self.assertTrue(all(line["review"] is None for line in api.json()["lines"]))

    def test_a_competing_head_gets_neither_the_provisional_ranking_nor_the_summary(self):
        world = self.world
        head = world.cast.head_officer  # Quảng Ninh officer: manages the year, competes in it
        self.assertTrue(permissions.can_manage_year(head, world.year))
        self.assertFalse(permissions.sees_whole_period(head, world.year))
        self.assertTrue(permissions.sees_whole_period(world.cast.department_officer, world.year))
        self.client.force_login(head)
        url = reverse("emulation:ranking", args=[world.period.pk])
        self.assertNotContains(self.client.get(url + "?tam-tinh=1"), "Xếp hạng tạm tính")
        summary = reverse("emulation:period_summary_xlsx", args=[world.period.pk])
        self.assertEqual(self.client.get(summary).status_code, 404)
        ranking.rank(world.period)  # the final ranking itself stays available to managers
