"""The emulation year (services.cycle): opening it for a cluster or as a cascade, periods
and their dates, locking and reopening, phases, publication and closing."""

import datetime
from decimal import Decimal as D

import time_machine
from django.test import override_settings

from core import audit
from core.test import ThiDuaTestCase
from emulation.models import (
    EmulationYear,
    Participant,
    Period,
    PeriodKind,
    Phase,
    Scale,
    Score,
    ScoreSheet,
    SheetStatus,
    Target,
)
from emulation.services import cycle, pledges, scales, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess
from emulation.tests.test_ranking import finalize_sheets
from organizations.testing import make_unit

OPENS = datetime.date(2021, 11, 1)
DUE = datetime.date(2021, 12, 10)
LOCKED = "Đã quá hạn nộp (10/12/2021): bảng điểm đã khóa. Đề nghị Cụm trưởng mở lại nếu cần."


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CycleTestCase(ThiDuaTestCase):
    def setUp(self):
        # The world is set up in October 2021, so the audit trail reads in date order.
        with time_machine.travel(datetime.date(2021, 10, 1)):
            self.world = make_world()
        self.admin = self.world.cast.admin
        self.cluster = self.world.cast.cluster
        self.quang_ninh, self.thai_binh, self.hai_phong, self.bac_ninh, self.ninh_binh = (
            self.world.cast.members
        )

    def sheet(self, unit=None):
        return self.world.sheet(unit or self.thai_binh)

    def self_score(self, points=20, *, day=None):
        """Thái Bình scores 1.1; ``day=None`` means today, as a page would."""
        return sheets.set_self_score(
            self.sheet(), self.world.leaves["1.1"], points=D(points), actor=self.admin, day=day
        )


class OpenYearTests(CycleTestCase):
    def open(self, **kwargs):
        return cycle.open_year(title="Thi đua", actor=self.admin, **kwargs)

    def test_a_cluster_year_competes_between_that_years_members(self):
        self.assertEqual(
            set(cycle.participant_units(self.world.year)), set(self.world.cast.members)
        )
        year_2022 = self.open(cluster=self.cluster, year=2022)
        self.assertEqual(year_2022.participants.count(), 5)

    def test_a_cluster_without_members_that_year_is_refused(self):
        with self.assertRefused(
            "Cụm thi đua số 2 chưa có thành viên năm 2023.", EmulationYear, Participant
        ):
            self.open(cluster=self.cluster, year=2023)

    def test_a_second_year_for_the_same_cluster_is_refused(self):
        with self.assertRefused(
            "Cụm thi đua số 2 đã có năm thi đua 2021.", EmulationYear, Participant
        ):
            self.open(cluster=self.cluster, year=2021)

    def test_a_year_belongs_to_a_cluster_or_an_organizer_not_both_nor_neither(self):
        message = "Chọn một cụm thi đua hoặc một đơn vị tổ chức."
        with self.assertRefused(message, EmulationYear):
            self.open(year=2022)
        with self.assertRefused(message, EmulationYear):
            self.open(cluster=self.cluster, organizer=self.quang_ninh, year=2022)


class CascadeTests(CycleTestCase):
    """Thanh Hóa's board runs its own emulation between its district boards."""

    def setUp(self):
        super().setUp()
        self.province = make_unit("Thanh Hóa")
        self.districts = [
            make_unit(
                name,
                name=f"Ban Tổ chức Huyện ủy {name}",
                parent=self.province,
                kind_code="district_board",
            )
            for name in ("Bá Thước", "Cẩm Thủy")
        ]
        other_province = make_unit("Nghệ An")
        self.stranger = make_unit(
            "Đô Lương",
            name="Ban Tổ chức Huyện ủy Đô Lương",
            parent=other_province,
            kind_code="district_board",
        )

    def cascade(self, **kwargs):
        return cycle.open_year(
            organizer=self.province,
            year=2021,
            title="Thi đua năm 2021 – Thanh Hóa",
            parent=self.world.year,
            actor=self.admin,
            **kwargs,
        )

    def test_a_cascaded_year_competes_between_the_organizers_subordinates(self):
        year = self.cascade()
        self.assertEqual(set(cycle.participant_units(year)), set(self.districts))
        self.assertEqual(year.parent, self.world.year)
        self.assertEqual(sheets.reviewer_units(year), [self.province])

    def test_the_organizer_reviews_the_cascaded_sheets(self):
        year = self.cascade()
        scale = scales.create_scale(year, title="Thang điểm", total_max=D(10), actor=self.admin)
        group = scales.add_criterion(
            scale, title="Công tác tổ chức", max_points=D(10), actor=self.admin
        )
        leaf = scales.add_criterion(
            scale, parent=group, title="Kiện toàn tổ chức", max_points=D(10), actor=self.admin
        )
        period = cycle.add_period(
            year, kind=PeriodKind.YEAREND, opens_on=OPENS, due_on=DUE, actor=self.admin
        )
        sheets.open_sheets(period, actor=self.admin)
        ba_thuoc, cam_thuy = self.districts
        sheet = period.sheets.get(unit=ba_thuoc)
        sheets.set_self_score(sheet, leaf, points=D(9), actor=self.admin, day=DURING)
        sheets.submit(sheet, actor=self.admin, day=DURING)
        self.assertEqual(sheets.eligible_reviewers(sheet), [self.province])
        with self.assertRefused("Cẩm Thủy không phải đơn vị chấm điểm năm này.", Score):
            sheets.set_review_score(sheet, leaf, cam_thuy, points=D(8), actor=self.admin)
        sheets.set_review_score(sheet, leaf, self.province, points=D(8), actor=self.admin)
        sheets.complete_review(sheet, actor=self.admin)
        self.assertEqual(sheets.line_of(sheet, leaf).review.points, D(8))

    def test_a_participant_not_under_the_organizer_is_refused(self):
        with self.assertRefused(
            "Đô Lương không trực thuộc Thanh Hóa trong năm 2021.", EmulationYear, Participant
        ):
            self.cascade(participants=[self.districts[0], self.stranger])

    def test_a_subordinate_only_from_a_later_year_is_refused(self):
        newcomer = make_unit(
            "Mường Lát",
            parent=self.province,
            kind_code="district_board",
            valid_from=datetime.date(2022, 1, 1),
        )
        with self.assertRefused(
            "Mường Lát không trực thuộc Thanh Hóa trong năm 2021.", EmulationYear
        ):
            self.cascade(participants=[newcomer])

    def test_a_chosen_subset_of_subordinates_can_compete(self):
        year = self.cascade(participants=[self.districts[0]])
        self.assertEqual(cycle.participant_units(year), [self.districts[0]])

    def test_an_organizer_without_subordinates_and_a_second_cascade_are_refused(self):
        lonely = make_unit("Lai Châu")
        with self.assertRefused("Lai Châu không có đơn vị trực thuộc năm 2021.", EmulationYear):
            cycle.open_year(organizer=lonely, year=2021, title="Thi đua", actor=self.admin)
        self.cascade()
        with self.assertRefused("Thanh Hóa đã phát động thi đua năm 2021.", EmulationYear):
            self.cascade()


class PeriodTests(CycleTestCase):
    def test_a_due_date_before_the_opening_is_refused(self):
        with self.assertRefused("Hạn nộp phải sau ngày mở.", Period):
            cycle.add_period(
                self.world.year,
                kind=PeriodKind.MIDYEAR,
                opens_on=datetime.date(2021, 6, 10),
                due_on=datetime.date(2021, 6, 1),
                actor=self.admin,
            )
        with self.assertRefused("Hạn nộp phải sau ngày mở.", Period):
            cycle.set_period_dates(self.world.period, opens_on=DUE, due_on=OPENS, actor=self.admin)

    def test_a_second_period_of_the_same_kind_is_refused(self):
        with self.assertRefused("Năm thi đua đã có kỳ “Tổng kết năm”.", Period):
            cycle.add_period(
                self.world.year,
                kind=PeriodKind.YEAREND,
                opens_on=datetime.date(2021, 12, 1),
                due_on=datetime.date(2021, 12, 31),
                actor=self.admin,
            )
        midyear = cycle.add_period(
            self.world.year,
            kind=PeriodKind.MIDYEAR,
            opens_on=datetime.date(2021, 6, 1),
            due_on=datetime.date(2021, 6, 10),
            actor=self.admin,
        )
        self.assertEqual(list(self.world.year.periods.all()), [midyear, self.world.period])


class LockTests(CycleTestCase):
    def test_a_unit_cannot_write_before_the_period_opens(self):
        with (
            time_machine.travel(datetime.date(2021, 10, 31)),
            self.assertRefused("Kỳ chấm điểm mở từ ngày 01/11/2021.", Score),
        ):
            self.self_score()

    def test_a_unit_writes_from_the_opening_to_the_due_date_inclusive(self):
        with time_machine.travel(OPENS):
            self.self_score(18)
        with time_machine.travel(DUE):
            self.self_score(19)
        self.assertEqual(
            sheets.line_of(self.sheet(), self.world.leaves["1.1"]).self_score.points, D(19)
        )

    def test_after_the_due_date_the_sheet_is_locked(self):
        self_assess(self.world, self.thai_binh, {}, submit=False)
        with time_machine.travel(datetime.date(2021, 12, 11)):
            self.assertTrue(cycle.is_locked(self.sheet()))
            with self.assertRefused(LOCKED, Score):
                self.self_score(18)
            with self.assertRefused(LOCKED, ScoreSheet):
                sheets.submit(self.sheet(), actor=self.admin)
        self.assertEqual(self.sheet().status, SheetStatus.DRAFT)

    def test_an_explanation_is_not_bound_by_the_self_assessment_due_date(self):
        """services.sheets: the unit may explain disputed criteria after the due date."""
        with time_machine.travel(DURING):
            sheet = self_assess(self.world, self.thai_binh, {"2.1": D(25)})
        with time_machine.travel(AFTER):
            for reviewer in (self.quang_ninh, self.hai_phong):
                review(self.world, self.thai_binh, reviewer, {"2.1": D(20)})
            sheets.complete_review(sheet, actor=self.admin)
            self.assertTrue(cycle.is_locked(self.sheet()))
            sheets.explain(
                self.sheet(), self.world.leaves["2.1"], note="Đã có quy hoạch", actor=self.admin
            )
            sheets.submit_explanation(self.sheet(), actor=self.admin)
        self.assertEqual(self.sheet().status, SheetStatus.EXPLAINED)


class ReopenTests(CycleTestCase):
    UNTIL = datetime.date(2021, 12, 25)

    def reopen(self, reason="Đơn vị gặp sự cố đường truyền", until=UNTIL):
        return cycle.reopen_sheet(self.sheet(), until=until, reason=reason, actor=self.admin)

    def test_reopening_needs_a_reason(self):
        with time_machine.travel(AFTER), self.assertRefused("Nhập lý do mở lại bảng điểm."):
            self.reopen(reason="  ")
        self.assertIsNone(self.sheet().reopened_until)

    def test_reopening_until_a_past_day_is_refused(self):
        with (
            time_machine.travel(AFTER),
            self.assertRefused("Ngày mở lại đến phải từ hôm nay trở đi."),
        ):
            self.reopen(until=datetime.date(2021, 12, 19))

    def test_a_reopened_sheet_takes_writes_until_the_date_then_locks_again(self):
        with time_machine.travel(AFTER):
            self.reopen()
            entry = audit.history(self.sheet()).first()
            self.assertEqual(entry.reason, "Đơn vị gặp sự cố đường truyền")
            self.assertEqual(entry.after["reopened_until"], "2021-12-25")
            self.self_score(18)
        with time_machine.travel(self.UNTIL):
            self.self_score(19)
        with time_machine.travel(datetime.date(2021, 12, 26)), self.assertRefused(LOCKED, Score):
            self.self_score(20)
        self.assertEqual(
            sheets.line_of(self.sheet(), self.world.leaves["1.1"]).self_score.points, D(19)
        )

    def test_reopening_a_submitted_sheet_moves_it_back_to_draft(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
        with time_machine.travel(AFTER):
            self.reopen()
            sheet = self.sheet()
            self.assertEqual(sheet.status, SheetStatus.DRAFT)
            entry = audit.history(sheet).first()
            self.assertEqual(
                (entry.before["status"], entry.after["status"]), ("submitted", "draft")
            )
            self.self_score("19.5")
            sheets.submit(self.sheet(), actor=self.admin)
        self.assertEqual(self.sheet().status, SheetStatus.SUBMITTED)

    def test_a_reviewed_sheet_cannot_be_reopened(self):
        sheet = self_assess(self.world, self.thai_binh, {})
        for reviewer in (self.quang_ninh, self.hai_phong):
            review(self.world, self.thai_binh, reviewer, {})
        sheets.complete_review(sheet, actor=self.admin)
        with (
            time_machine.travel(AFTER),
            self.assertRefused("Bảng điểm đã được bình xét: không thể mở lại để tự chấm."),
        ):
            self.reopen()
        self.assertEqual(self.sheet().status, SheetStatus.REVIEWED)


class RulesTests(CycleTestCase):
    def test_the_review_mode_cannot_change_once_a_review_score_exists(self):
        cycle.set_rules(self.world.year, review_mode="cross", actor=self.admin)
        cycle.set_rules(self.world.year, review_mode="leaders", actor=self.admin)
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
        review(self.world, self.thai_binh, self.quang_ninh, {})
        with self.assertRefused("Đã có điểm bình xét: không thể đổi cách bình xét."):
            cycle.set_rules(self.world.year, review_mode="cross", actor=self.admin)
        self.assertEqual(EmulationYear.objects.get(pk=self.world.year.pk).review_mode, "leaders")


class PhaseTests(CycleTestCase):
    def test_phases_only_move_forward(self):
        year = cycle.advance_phase(self.world.year, Phase.MIDYEAR, actor=self.admin)
        for phase in (Phase.PLEDGE, Phase.MIDYEAR):
            with (
                self.subTest(phase=phase),
                self.assertRefused("Giai đoạn chỉ đi tiếp, không quay lại."),
            ):
                cycle.advance_phase(year, phase, actor=self.admin)
        cycle.advance_phase(year, Phase.YEAREND, actor=self.admin)
        self.assertEqual(EmulationYear.objects.get(pk=year.pk).phase, Phase.YEAREND)

    def test_closing_needs_the_year_end_results_published(self):
        with self.assertRefused("Chưa công bố kết quả tổng kết năm: chưa thể khóa sổ."):
            cycle.advance_phase(self.world.year, Phase.CLOSED, actor=self.admin)
        self.assertEqual(EmulationYear.objects.get(pk=self.world.year.pk).phase, Phase.PLEDGE)

    def test_publication_is_refused_while_a_sheet_is_not_final(self):
        members = self.world.cast.members
        finalize_sheets(self.world, units=[u for u in members if u != self.ninh_binh])
        with self.assertRefused("Còn 1 bảng điểm chưa chốt kết quả: chưa thể công bố."):
            cycle.publish_period(self.world.period, actor=self.admin)
        self.assertIsNone(Period.objects.get(pk=self.world.period.pk).published_at)
        for reviewer in (self.quang_ninh, self.hai_phong):
            review(self.world, self.ninh_binh, reviewer, {})
        sheets.complete_review(self.sheet(self.ninh_binh), actor=self.admin)
        sheets.finalize(self.sheet(self.ninh_binh), actor=self.admin)
        period = cycle.publish_period(self.world.period, actor=self.admin)
        self.assertTrue(period.is_published)
        self.assertEqual(period.published_by, self.admin)
        with self.assertRefused("Kết quả kỳ này đã được công bố."):
            cycle.publish_period(period, actor=self.admin)


class ClosedYearTests(CycleTestCase):
    def test_a_closed_year_refuses_every_write(self):
        finalize_sheets(self.world)
        cycle.publish_period(self.world.period, actor=self.admin)
        year = cycle.advance_phase(self.world.year, Phase.CLOSED, actor=self.admin)
        self.assertTrue(year.is_closed)
        self.assertIsNotNone(year.closed_at)
        admin = self.admin
        sheet = self.sheet()
        leaf = self.world.leaves["2.1"]
        target = year.targets.get(unit=self.thai_binh)
        attempts = {
            "self score": lambda: sheets.set_self_score(
                sheet, leaf, points=D(20), actor=admin, day=DURING
            ),
            "review": lambda: sheets.set_review_score(
                sheet, leaf, self.quang_ninh, points=D(20), actor=admin
            ),
            "record actual": lambda: target_services.record_actual(target, D(250), actor=admin),
            "set target": lambda: target_services.set_target(
                year,
                self.thai_binh,
                code="moi",
                title="Chỉ tiêu mới",
                kind="count",
                planned=D(1),
                actor=admin,
            ),
            "scale edit": lambda: scales.update_criterion(leaf, title="Khác", actor=admin),
            "new scale": lambda: scales.create_scale(year, title="Mới", actor=admin),
            "period": lambda: cycle.add_period(
                year,
                kind=PeriodKind.MIDYEAR,
                opens_on=datetime.date(2021, 6, 1),
                due_on=datetime.date(2021, 6, 10),
                actor=admin,
            ),
            "rules": lambda: cycle.set_rules(year, flag_count=2, actor=admin),
            "reopen": lambda: cycle.reopen_sheet(
                sheet, until=datetime.date(2099, 1, 1), reason="Sửa", actor=admin
            ),
            "phase": lambda: cycle.advance_phase(year, Phase.CLOSED, actor=admin),
            "pledge": lambda: pledges.create_pledge(
                year, title="Giao ước", issuer="Cụm 2", place="Hà Nội", actor=admin
            ),
        }
        closed = "Năm thi đua 2021 đã khóa sổ: không thể thay đổi dữ liệu."
        for name, attempt in attempts.items():
            with (
                self.subTest(name),
                self.assertRefused(closed, Score, Target, Scale, Period, ScoreSheet),
            ):
                attempt()
        self.assertTrue(cycle.is_locked(self.sheet(), DURING))
