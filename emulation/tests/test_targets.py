"""Chỉ tiêu (services.targets): attainment in exact Decimal arithmetic, the points a target
gives a criterion, and the refusals of giving targets and recording actuals."""

from decimal import Decimal as D

from django.test import SimpleTestCase, override_settings

from core import audit
from core.test import ThiDuaTestCase
from emulation.models import Criterion, Method, Target, TargetKind
from emulation.services import scales, sheets
from emulation.services import targets as target_services
from emulation.services.targets import attainment, is_met, points_from_attainment, points_relative
from emulation.testing import DURING, make_world


class AttainmentTests(SimpleTestCase):
    def test_243_admitted_against_240_planned_is_101_25_percent(self):
        value = attainment(TargetKind.COUNT, D(240), D(243))  # 243 / 240 × 100 = 101,25
        self.assertEqual(value, D("101.25"))
        self.assertEqual(str(value), "101.25")  # exact, two decimals, no float noise
        self.assertTrue(is_met(TargetKind.COUNT, D(240), D(243)))

    def test_percentages_are_rounded_half_up_to_two_decimals(self):
        cases = [
            (D(3), D(1), D("33.33")),  # 33,333…
            (D(3), D(2), D("66.67")),  # 66,666…
            (D(160), D(1), D("0.63")),  # 0,625 exactly: half up gives 0,63 (half even 0,62)
            (D(800), D(1), D("0.13")),  # 0,125 → 0,13
        ]
        for planned, actual, expected in cases:
            with self.subTest(planned=planned, actual=actual):
                self.assertEqual(attainment(TargetKind.COUNT, planned, actual), expected)

    def test_a_target_of_zero_is_attained_by_any_actual(self):
        self.assertEqual(attainment(TargetKind.COUNT, D(0), D(0)), D(100))
        self.assertEqual(attainment(TargetKind.COUNT, D(0), D(5)), D(100))
        self.assertTrue(is_met(TargetKind.COUNT, D(0), D(0)))

    def test_nothing_is_computed_before_the_actual_is_reported(self):
        self.assertIsNone(attainment(TargetKind.COUNT, D(240), None))
        self.assertIsNone(is_met(TargetKind.COUNT, D(240), None))
        self.assertIsNone(points_from_attainment(Criterion(max_points=D(30)), None))

    def test_a_percentage_threshold_is_met_only_above_it(self):
        """ "Trên 90%" reads strictly above: exactly 90% does not meet it."""
        # "trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên"
        self.assertFalse(is_met(TargetKind.PERCENT, D(90), D(90)))
        self.assertTrue(is_met(TargetKind.PERCENT, D(90), D("90.01")))
        self.assertTrue(is_met(TargetKind.PERCENT, D(90), D("92.4")))
        self.assertFalse(is_met(TargetKind.PERCENT, D(90), D("89.99")))
        self.assertEqual(attainment(TargetKind.PERCENT, D(90), D(90)), D(100))
        # 92,4 / 90 × 100 = 102,666… → 102,67
        self.assertEqual(attainment(TargetKind.PERCENT, D(90), D("92.4")), D("102.67"))

    def test_a_minimum_is_met_from_the_planned_number_up(self):
        # "thành lập mới ít nhất 1 tổ chức cơ sở đảng"
        self.assertFalse(is_met(TargetKind.MINIMUM, D(1), D(0)))
        self.assertTrue(is_met(TargetKind.MINIMUM, D(1), D(1)))
        self.assertTrue(is_met(TargetKind.MINIMUM, D(1), D(3)))
        self.assertEqual(attainment(TargetKind.MINIMUM, D(1), D(0)), D(0))
        self.assertEqual(attainment(TargetKind.MINIMUM, D(1), D(3)), D(300))

    def test_yes_no_is_all_or_nothing(self):
        self.assertEqual(attainment(TargetKind.YES_NO, D(1), D(1)), D(100))
        self.assertEqual(attainment(TargetKind.YES_NO, D(1), D(0)), D(0))
        self.assertTrue(is_met(TargetKind.YES_NO, D(1), D(1)))
        self.assertFalse(is_met(TargetKind.YES_NO, D(1), D(0)))


class PointsFromAttainmentTests(SimpleTestCase):
    """A 30-point criterion scored from a target, with a 50% floor."""

    criterion = Criterion(max_points=D(30), method=Method.TARGET, floor_percent=D(50))

    def points(self, value):
        return points_from_attainment(self.criterion, D(value))

    def test_full_points_from_100_percent_up(self):
        self.assertEqual(self.points(100), D(30))
        self.assertEqual(self.points("101.25"), D(30))

    def test_points_in_proportion_below_100_percent(self):
        self.assertEqual(self.points("87.5"), D("26.25"))  # 30 × 87,5% = 26,25
        self.assertEqual(self.points("66.67"), D("20.00"))  # 30 × 0,6667 = 20,001 → 20,00

    def test_nothing_under_the_floor_and_proportional_at_it(self):
        self.assertEqual(self.points("49.99"), D(0))
        self.assertEqual(self.points(50), D(15))  # 30 × 50% = 15

    def test_without_a_floor_every_attainment_counts(self):
        criterion = Criterion(max_points=D(30), method=Method.TARGET)
        self.assertEqual(points_from_attainment(criterion, D(10)), D(3))  # 30 × 10%


class PointsRelativeTests(SimpleTestCase):
    """A 10-point criterion scored against the leader of the cluster (unit id → attainment)."""

    criterion = Criterion(max_points=D(10), method=Method.RELATIVE)

    def test_the_leader_gets_full_points_and_the_others_their_share_of_its_over_attainment(self):
        result = points_relative(
            self.criterion, {1: D(120), 2: D(110), 3: D(100), 4: D(95), 5: None}
        )
        self.assertEqual(result[1], D(10))
        self.assertEqual(result[2], D(5))  # (110 − 100) / (120 − 100) × 10
        self.assertEqual(result[3], D(0))  # no over-attainment
        self.assertEqual(result[4], D(0))
        self.assertNotIn(5, result)  # not reported: no points yet

    def test_shares_are_rounded_half_up(self):
        result = points_relative(self.criterion, {1: D(130), 2: D(110), 3: D("101.5")})
        self.assertEqual(result[2], D("3.33"))  # 10 / 30 × 10 = 3,333…
        self.assertEqual(result[3], D("0.50"))  # 1,5 / 30 × 10 = 0,5

    def test_when_the_leader_is_not_above_100_percent_points_follow_attainment(self):
        result = points_relative(self.criterion, {1: D(80), 2: D(60), 3: D(0)})
        self.assertEqual(result, {1: D(10), 2: D("7.50"), 3: D(0)})  # 60 / 80 × 10 = 7,5

    def test_nobody_reported_gives_no_points(self):
        self.assertEqual(points_relative(self.criterion, {1: None}), {})


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class TargetServiceTests(ThiDuaTestCase):
    """The world gives every member the target "ket-nap": 240 admissions (count)."""

    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        self.thai_binh = self.world.cast.member_unit
        self.target = self.target_of(self.thai_binh)

    def target_of(self, unit, code="ket-nap"):
        return self.world.year.targets.get(unit=unit, code=code)

    def set_target(self, unit=None, **kwargs):
        values = {
            "code": "hoan-thanh-tot",
            "title": "Đảng viên hoàn thành tốt nhiệm vụ trở lên",
            "kind": TargetKind.PERCENT,
            "planned": D(90),
        } | kwargs
        return target_services.set_target(
            self.world.year, unit or self.thai_binh, actor=self.admin, **values
        )

    def test_recording_an_actual_is_audited_with_before_and_after(self):
        target_services.record_actual(self.target, D(243), actor=self.admin)
        self.assertEqual(Target.objects.get(pk=self.target.pk).actual, D(243))
        entry = audit.history(self.target).first()
        self.assertIsNone(entry.before["actual"])
        self.assertEqual(D(entry.after["actual"]), D(243))

    def test_record_actual_refuses_impossible_values(self):
        percent = self.set_target()
        yes_no = self.set_target(
            code="quy-che", title="Ban hành quy chế", kind=TargetKind.YES_NO, planned=D(1)
        )
        cases = [
            (self.target, D(-1), "Kết quả thực hiện không được âm."),
            (percent, D("100.5"), "Tỷ lệ thực hiện phải từ 0 đến 100%."),
            (yes_no, D(2), "Chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không)."),
            (yes_no, D("0.5"), "Chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không)."),
        ]
        for target, actual, message in cases:
            with self.subTest(actual=actual), self.assertRefused(message, Target):
                target_services.record_actual(target, actual, actor=self.admin)
            self.assertIsNone(Target.objects.get(pk=target.pk).actual)
        target_services.record_actual(yes_no, D(1), actor=self.admin)
        target_services.record_actual(percent, D("92.4"), actor=self.admin)
        self.assertEqual(target_services.target_attainment(percent), D("102.67"))

    def test_set_target_refuses_bad_targets(self):
        cases = [
            ({"unit": self.world.cast.outsider_unit}, "Cà Mau không tham gia năm thi đua này."),
            ({"kind": "ratio"}, "Loại chỉ tiêu không hợp lệ."),
            ({"planned": D(-1)}, "Kế hoạch phải là số không âm."),
            ({"planned": D(101)}, "Tỷ lệ phải từ 0 đến 100%."),
            ({"code": " "}, "Nhập mã và tên chỉ tiêu."),
            ({"title": ""}, "Nhập mã và tên chỉ tiêu."),
        ]
        for kwargs, message in cases:
            with self.subTest(message), self.assertRefused(message, Target):
                self.set_target(**kwargs)

    def test_setting_a_target_again_changes_it_in_place(self):
        target = target_services.set_target(
            self.world.year,
            self.thai_binh,
            code="ket-nap",
            title="Kết nạp đảng viên mới",
            kind=TargetKind.COUNT,
            planned=D(250),
            actor=self.admin,
        )
        self.assertEqual(target.pk, self.target.pk)
        self.assertEqual(self.world.year.targets.filter(unit=self.thai_binh).count(), 1)
        entry = audit.history(target).first()
        self.assertEqual((D(entry.before["planned"]), D(entry.after["planned"])), (D(240), D(250)))

    def test_a_target_driven_criterion_shows_its_points_in_the_sheet_and_follows_the_actual(self):
        """1.3 Kết nạp đảng viên: 30 points from "ket-nap" (240 planned), floor 50%."""
        leaf = self.world.leaves["1.3"]

        def line():
            return sheets.line_of(self.world.sheet(self.thai_binh), leaf)

        self.assertIsNone(line().derived)  # nothing reported yet
        cases = [
            (D(210), D("26.25")),  # 210 / 240 = 87,5% → 30 × 87,5% = 26,25
            (D(243), D(30)),  # 101,25% ≥ 100% → full points
            (D(120), D(15)),  # 50%, at the floor → 30 × 50% = 15
            (D(100), D(0)),  # 41,67% < 50% floor → 0
        ]
        for actual, expected in cases:
            with self.subTest(actual=actual):
                target_services.record_actual(self.target, actual, actor=self.admin)
                self.assertEqual(line().derived, expected)
                self.assertEqual(line().self_cell.points, expected)
                self.assertEqual(line().review_cell.points, expected)

    def test_a_derived_leaf_adds_its_points_to_the_sheet_total(self):
        target_services.record_actual(self.target, D(210), actor=self.admin)
        sheet = self.world.sheet(self.thai_binh)
        for number in ("1.1", "1.2", "2.1", "2.2"):
            leaf = self.world.leaves[number]
            sheets.set_self_score(
                sheet,
                leaf,
                points=leaf.max_points,
                actor=self.admin,
                day=DURING,
            )
        totals = sheets.view(sheet).self_totals
        self.assertTrue(totals.complete)
        self.assertEqual(totals.regular, D("96.25"))  # 20 + 10 + 26,25 + 25 + 15

    def test_relative_points_compare_the_units_of_the_year(self):
        scale = scales.create_scale(self.world.year, title="Thang điểm thử", actor=self.admin)
        group = scales.add_criterion(
            scale, title="Công tác đảng viên", max_points=D(10), actor=self.admin
        )
        leaf = scales.add_criterion(
            scale,
            parent=group,
            title="Kết nạp đảng viên so với đơn vị dẫn đầu",
            max_points=D(10),
            method=Method.RELATIVE,
            target_code="ket-nap",
            actor=self.admin,
        )
        quang_ninh, thai_binh, hai_phong, bac_ninh, ninh_binh = self.world.cast.members
        actuals = {thai_binh: 288, quang_ninh: 264, hai_phong: 240, bac_ninh: 200}
        for unit, actual in actuals.items():
            target_services.record_actual(self.target_of(unit), D(actual), actor=self.admin)

        def points(unit):
            return target_services.derived_points(self.world.year, unit, [leaf])[leaf.pk]

        self.assertEqual(points(thai_binh), D(10))  # 288 / 240 = 120%: the leader
        self.assertEqual(points(quang_ninh), D(5))  # 110%: (110 − 100) / (120 − 100) × 10
        self.assertEqual(points(hai_phong), D(0))  # 100%: no over-attainment
        self.assertEqual(points(bac_ninh), D(0))  # 83,33%
        self.assertIsNone(points(ninh_binh))  # not reported
