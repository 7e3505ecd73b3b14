"""The whole path of a sheet: self-assessment → review → explanation → second review →
final → ranking → publication, on the small world of emulation.testing."""

from decimal import Decimal as D

import time_machine

from core.test import ThiDuaTestCase
from emulation.models import Score, SheetStatus, Stage
from emulation.services import cycle, ranking, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess


class WorkflowTests(ThiDuaTestCase):
    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        self.head = self.world.cast.head_unit
        self.deputy = self.world.deputy_unit
        for unit in self.world.cast.members:
            target = self.world.year.targets.get(unit=unit)
            target_services.record_actual(target, D(243), actor=self.admin)

    def test_a_sheet_goes_from_self_assessment_to_a_published_ranking(self):
        thai_binh = self.world.cast.member_unit
        with time_machine.travel(DURING):
            for unit in self.world.cast.members:
                self_assess(self.world, unit, {"2.1": D("24.5")} if unit == thai_binh else {})
        with time_machine.travel(AFTER):
            for unit in self.world.cast.members:
                for reviewer in (self.head, self.deputy):
                    if reviewer != unit:
                        cut = {"2.1": D(20)} if unit == thai_binh else {}
                        review(self.world, unit, reviewer, cut)
                sheets.complete_review(self.world.sheet(unit), actor=self.admin)
            sheet = self.world.sheet(thai_binh)
            result = sheets.view(sheet)
            disputed = [line.criterion.number for line in result.lines if line.disputed]
            self.assertEqual(disputed, ["2.1"])
            sheets.explain(
                sheet, self.world.leaves["2.1"], note="Đã ban hành quy hoạch", actor=self.admin
            )
            sheets.submit_explanation(sheet, actor=self.admin)
            for reviewer in (self.head, self.deputy):
                review(self.world, thai_binh, reviewer, {"2.1": D(22)}, stage="second_review")
            for unit in self.world.cast.members:
                sheets.finalize(self.world.sheet(unit), actor=self.admin)
            sheet.refresh_from_db()
            self.assertEqual(sheet.status, SheetStatus.FINAL)
            # 20 + 10 + 30 (243/240 ≥ 100%) + 22 + 15 = 97
            self.assertEqual(sheet.final_total, D(97))
            layers = {
                s.stage: s.points
                for s in Score.objects.filter(sheet=sheet, criterion=self.world.leaves["2.1"])
                if s.stage in (Stage.SELF, Stage.EXPLANATION, Stage.FINAL)
            }
            self.assertEqual(layers[Stage.SELF], D("24.5"))
            self.assertEqual(layers[Stage.FINAL], D(22))
            result = ranking.rank(self.world.period)
            self.assertEqual([r.rank for r in result.rows], [1, 1, 1, 1, 5])
            self.assertEqual(result.rows[-1].sheet.unit, thai_binh)
            cycle.publish_period(self.world.period, actor=self.admin)
