"""Xếp hạng tạm tính: while sheets are still being reviewed, managers rank every sheet on
the latest layer of each cell; members never see it."""

from decimal import Decimal as D

import time_machine
from django.urls import reverse

from core.test import ThiDuaTestCase
from emulation.services import ranking, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess


class ProvisionalRankingTests(ThiDuaTestCase):
    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        for unit in self.world.cast.members:
            target = self.world.year.targets.get(unit=unit, code="ket-nap")
            target_services.record_actual(target, D(243), actor=self.admin)
        self.thai_binh = self.world.cast.member_unit
        self.bac_ninh = self.world.cast.members[3]
        with time_machine.travel(DURING):
            for unit in self.world.cast.members:
                if unit != self.thai_binh:
                    # 2.1 at 24,5 of 25: everyone but Thái Bình has 99,5 of 100 points.
                    self_assess(self.world, unit, {"2.1": D("24.5")})
            sheet = self.world.sheet(self.thai_binh)
            # Thái Bình has scored only 2.1 so far (20 of 25): far behind, still drafting.
            sheets.set_self_score(
                sheet, self.world.leaves["2.1"], points=D(20), actor=self.admin, day=DURING
            )

    def test_the_final_ranking_lists_nobody_while_no_sheet_is_final(self):
        result = ranking.rank(self.world.period)
        self.assertEqual(result.rows, [])
        self.assertEqual(len(result.pending), 5)

    def test_unfinished_sheets_rank_on_their_latest_layer(self):
        result = ranking.rank(self.world.period, provisional=True)
        self.assertEqual(len(result.rows), 5)
        self.assertTrue(all(row.provisional for row in result.rows))
        self.assertEqual(result.rows[-1].sheet.unit, self.thai_binh)
        # Thái Bình: 2.1 = 20 plus the target-driven 1.3 (243/240 ≥ 100% → 30) = 50 points.
        self.assertEqual(result.rows[-1].total, D(50))

        # Bắc Ninh's reviewers cut 2.1 from 24,5 to 20: the review layer now counts for it.
        with time_machine.travel(AFTER):
            for reviewer in sheets.reviewer_units(self.world.year):
                review(self.world, self.bac_ninh, reviewer, {"2.1": D(20)})
        result = ranking.rank(self.world.period, provisional=True)
        bac_ninh = next(r for r in result.rows if r.sheet.unit == self.bac_ninh)
        self.assertEqual(bac_ninh.total, D(95))  # 99,5 − 4,5
        self.assertEqual(bac_ninh.rank, 4)  # behind the three at 99,5, ahead of Thái Bình

    def test_managers_can_switch_the_page_to_the_provisional_ranking(self):
        self.client.force_login(self.world.cast.department_officer)
        url = reverse("emulation:ranking", args=[self.world.period.pk])
        response = self.client.get(url + "?tam-tinh=1")
        self.assertContains(response, "Xếp hạng tạm tính")
        self.assertContains(response, "Đang tự chấm")  # Thái Bình's status beside its row
        self.assertContains(response, "99,5")

    def test_members_never_get_the_provisional_ranking(self):
        self.client.force_login(self.world.cast.member_officer)
        url = reverse("emulation:ranking", args=[self.world.period.pk])
        self.assertEqual(self.client.get(url + "?tam-tinh=1").status_code, 404)
