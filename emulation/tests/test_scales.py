"""Tiêu chí và thang điểm (services.scales): the tree's sums, the methods each section takes,
numbering, completeness, freezing, versions and copies."""

import datetime
from decimal import Decimal as D

from django.test import override_settings

from core import audit
from core.test import ThiDuaTestCase
from emulation.models import (
    Criterion,
    Method,
    PeriodKind,
    Phase,
    Scale,
    ScoreSheet,
    Section,
    SheetStatus,
)
from emulation.services import cycle, scales, sheets
from emulation.testing import make_world, self_assess
from emulation.tests.test_ranking import finalize_sheets
from organizations.testing import add_members, make_cast, make_cluster, make_unit


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ScaleTestCase(ThiDuaTestCase):
    """Cheap password hashing: the cast's seven users cost seconds with the real hasher."""


def shape(scale):
    """The tree as plain values, in reading order, to compare two scales."""
    return [
        (
            c.number,
            c.parent.number if c.parent else None,
            c.position,
            c.title,
            c.section,
            c.method,
            c.max_points,
            c.step,
            c.target_code,
            c.floor_percent,
            c.guidance,
            c.evidence_expected,
        )
        for c in scales.criteria(scale)
    ]


class BuildingTests(ScaleTestCase):
    """An empty 100-point scale of a fresh year."""

    def setUp(self):
        self.cast = make_cast()
        self.admin = self.cast.admin
        self.year = cycle.open_year(
            cluster=self.cast.cluster, year=2021, title="Thi đua năm 2021", actor=self.admin
        )
        self.scale = scales.create_scale(self.year, title="Thang điểm 2021", actor=self.admin)

    def add(self, title, points, **kwargs):
        return scales.add_criterion(
            self.scale, title=title, max_points=D(points), actor=self.admin, **kwargs
        )

    def test_children_together_never_exceed_their_parents_maximum(self):
        group = self.add("Công tác tổ chức", 10)
        self.add("Kiện toàn tổ chức", 6, parent=group)
        # 6 + 4,5 = 10,5 > 10
        with self.assertRefused(
            "Tổng điểm tối đa các tiêu chí con của 1 (10,5) vượt điểm tối đa của tiêu chí cha "
            "(10).",
            Criterion,
        ):
            self.add("Quy chế làm việc", "4.5", parent=group)
        self.add("Quy chế làm việc", 4, parent=group)  # 6 + 4 = 10: fits exactly
        self.assertEqual(group.children.count(), 2)

    def test_raising_a_child_beyond_what_its_parent_leaves_is_refused(self):
        group = self.add("Công tác tổ chức", 10)
        self.add("Kiện toàn tổ chức", 6, parent=group)
        second = self.add("Quy chế làm việc", 4, parent=group)
        with self.assertRefused("của 1 (11) vượt điểm tối đa của tiêu chí cha (10)", Criterion):
            scales.update_criterion(second, max_points=D(5), actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=second.pk).max_points, D(4))

    def test_top_level_regular_groups_never_exceed_the_scale_total(self):
        self.add("Công tác tổ chức", 60)
        self.add("Công tác cán bộ", 40)
        with self.assertRefused(
            "Tổng điểm các nhóm (100,5) vượt tổng điểm chuẩn của thang điểm (100).", Criterion
        ):
            self.add("Công tác đảng viên", "0.5")
        # Bonus and deduction groups are outside the 100 points.
        self.add("Điểm thưởng", 10, section=Section.BONUS)
        self.add("Điểm trừ", 10, section=Section.DEDUCTION)
        self.assertEqual(self.scale.criteria.count(), 4)

    def test_lowering_a_parent_below_its_children_is_refused(self):
        group = self.add("Công tác tổ chức", 10)
        self.add("Kiện toàn tổ chức", 6, parent=group)
        self.add("Quy chế làm việc", 4, parent=group)
        with self.assertRefused("Các tiêu chí con của 1 đã có tổng 10 điểm, lớn hơn 9.", Criterion):
            scales.update_criterion(group, max_points=D(9), actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=group.pk).max_points, D(10))
        scales.update_criterion(group, max_points=D(12), actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=group.pk).max_points, D(12))

    def test_a_bonus_section_takes_only_bonus_leaves(self):
        bonus = self.add("Điểm thưởng", 5, section=Section.BONUS)
        for method in (Method.YES_NO, Method.DEDUCTION):
            with (
                self.subTest(method=method),
                self.assertRefused("không dùng được cho phần “Điểm thưởng”", Criterion),
            ):
                self.add("Mô hình mới", 5, parent=bonus, method=method)
        with self.assertRefused("không dùng được cho phần “Điểm thưởng”", Criterion):
            self.add("Mô hình mới", 5, parent=bonus, method=Method.TARGET, target_code="mo-hinh")
        leaf = self.add("Mô hình mới", 5, parent=bonus)  # the default method becomes "bonus"
        self.assertEqual((leaf.section, leaf.method), (Section.BONUS, Method.BONUS))

    def test_a_deduction_section_takes_only_deduction_leaves(self):
        deduction = self.add("Điểm trừ", 5, section=Section.DEDUCTION)
        for method in (Method.BONUS, Method.YES_NO):
            with (
                self.subTest(method=method),
                self.assertRefused("không dùng được cho phần “Điểm trừ”", Criterion),
            ):
                self.add("Báo cáo chậm", 5, parent=deduction, method=method)
        leaf = self.add("Báo cáo chậm", 5, parent=deduction)
        self.assertEqual((leaf.section, leaf.method), (Section.DEDUCTION, Method.DEDUCTION))
        with self.assertRefused("không dùng được cho phần “Điểm trừ”", Criterion):
            scales.update_criterion(leaf, method=Method.BONUS, actor=self.admin)

    def test_the_regular_section_refuses_bonus_and_deduction_methods(self):
        group = self.add("Công tác tổ chức", 60)
        for method in (Method.BONUS, Method.DEDUCTION):
            with (
                self.subTest(method=method),
                self.assertRefused("không dùng được cho phần “Điểm chuẩn”", Criterion),
            ):
                self.add("Kiện toàn tổ chức", 10, parent=group, method=method)

    def test_derived_methods_need_a_target_code(self):
        group = self.add("Công tác đảng viên", 60)
        for method in (Method.TARGET, Method.RELATIVE):
            with (
                self.subTest(method=method),
                self.assertRefused("Tiêu chí tính theo chỉ tiêu cần mã chỉ tiêu.", Criterion),
            ):
                self.add("Kết nạp đảng viên", 30, parent=group, method=method)
        leaf = self.add(
            "Kết nạp đảng viên", 30, parent=group, method=Method.TARGET, target_code="ket-nap"
        )
        with self.assertRefused("cần mã chỉ tiêu", Criterion):
            scales.update_criterion(leaf, target_code="", actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=leaf.pk).target_code, "ket-nap")

    def test_problems_lists_what_keeps_a_scale_incomplete(self):
        self.assertEqual(
            scales.problems(self.scale),
            [
                "Tổng điểm các nhóm là 0, chưa bằng tổng điểm chuẩn 100.",
                "Thang điểm chưa có tiêu chí nào.",
            ],
        )
        group = self.add("Công tác tổ chức", 60)
        self.add("Kiện toàn tổ chức", "49.5", parent=group)
        self.add("Công tác cán bộ", 30)
        self.assertEqual(
            scales.problems(self.scale),
            [
                "Tổng điểm các nhóm là 90, chưa bằng tổng điểm chuẩn 100.",  # 60 + 30
                "Tiêu chí 1: các tiêu chí con cộng lại 49,5, chưa bằng 60.",
            ],
        )

    def test_problems_is_empty_for_a_complete_scale(self):
        group = self.add("Công tác tổ chức", 60)
        self.add("Kiện toàn tổ chức", 30, parent=group)
        self.add("Quy chế làm việc", 30, parent=group)
        self.add("Công tác cán bộ", 40)
        bonus = self.add("Điểm thưởng", 5, section=Section.BONUS)
        # Bonus leaves are capped one by one, not summed against their group.
        self.add("Mô hình mới", 5, parent=bonus)
        self.add("Sáng kiến", 5, parent=bonus)
        # With bonus leaves the sheet needs a bonus cap, else every bonus point is lost.
        self.assertEqual(len(scales.problems(self.scale)), 1)
        self.assertIn("điểm thưởng tối đa", scales.problems(self.scale)[0])
        self.scale.bonus_cap = 5
        self.scale.save(update_fields=["bonus_cap"])
        self.assertEqual(scales.problems(self.scale), [])

    def test_sheets_are_not_handed_out_on_an_incomplete_scale(self):
        self.add("Công tác tổ chức", 60)
        period = cycle.add_period(
            self.year,
            kind=PeriodKind.YEAREND,
            opens_on=datetime.date(2021, 11, 1),
            due_on=datetime.date(2021, 12, 10),
            actor=self.admin,
        )
        with self.assertRefused(
            "Thang điểm chưa hoàn chỉnh: Tổng điểm các nhóm là 60, chưa bằng tổng điểm chuẩn 100.",
            ScoreSheet,
        ):
            sheets.open_sheets(period, actor=self.admin)
        self.add("Công tác cán bộ", 40)
        self.assertEqual(len(sheets.open_sheets(period, actor=self.admin)), 5)

    def test_numbers_follow_the_order_of_insertion(self):
        one = self.add("Công tác tổ chức", 50)
        two = self.add("Công tác cán bộ", 50)
        one_one = self.add("Kiện toàn tổ chức", 20, parent=one)
        one_two = self.add("Quy chế làm việc", 20, parent=one)
        one_one_one = self.add("Cấp ủy", 10, parent=one_one)
        two_one = self.add("Quy hoạch cán bộ", 20, parent=two)
        three = self.add("Điểm thưởng", 5, section=Section.BONUS)
        self.assertEqual(
            [c.number for c in (one, two, one_one, one_two, one_one_one, two_one, three)],
            ["1", "2", "1.1", "1.2", "1.1.1", "2.1", "3"],
        )
        self.assertEqual(
            [c.number for c in scales.criteria(self.scale)],
            ["1", "1.1", "1.1.1", "1.2", "2", "2.1", "3"],
        )

    def test_reading_order_puts_1_10_after_1_9(self):
        group = self.add("Công tác tổ chức", 50)
        for i in range(10):
            self.add(f"Tiêu chí {i + 1}", 5, parent=group)
        numbers = [c.number for c in scales.criteria(self.scale)]
        self.assertEqual(numbers[-2:], ["1.9", "1.10"])

    def test_every_change_is_audited(self):
        group = self.add("Công tác tổ chức", 60)
        scales.update_criterion(group, title="Công tác tổ chức bộ máy", actor=self.admin)
        history = list(audit.history(group))
        self.assertEqual([e.action for e in history], ["update", "create"])
        self.assertEqual(history[0].before["title"], "Công tác tổ chức")
        self.assertEqual(history[0].after["title"], "Công tác tổ chức bộ máy")


class FrozenScaleTests(ScaleTestCase):
    """Once Thái Bình submits its sheet, the scale it used no longer changes."""

    def setUp(self):
        self.world = make_world()
        self.admin = self.world.cast.admin
        self.thai_binh = self.world.cast.member_unit
        self.bac_ninh = self.world.cast.members[3]
        self.scale = self.world.scale
        self.bonus_group = self.scale.criteria.get(number="3")

    def test_a_scale_with_only_draft_sheets_can_still_change(self):
        self_assess(self.world, self.thai_binh, {}, submit=False)
        leaf = self.world.leaves["2.2"]
        scales.update_criterion(leaf, title="Đánh giá, xếp loại cán bộ", actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=leaf.pk).title, "Đánh giá, xếp loại cán bộ")

    def test_a_scale_used_by_a_submitted_sheet_refuses_every_change(self):
        self_assess(self.world, self.thai_binh, {})
        frozen = "Thang điểm đã được dùng trong bảng điểm đã nộp: hãy tạo phiên bản mới để sửa."
        leaf = self.world.leaves["2.2"]
        self.assertTrue(scales.is_frozen(self.scale))
        with self.assertRefused(frozen, Criterion):
            scales.add_criterion(
                self.scale,
                parent=self.bonus_group,
                title="Sáng kiến",
                max_points=D(2),
                actor=self.admin,
            )
        with self.assertRefused(frozen, Criterion):
            scales.update_criterion(leaf, title="Đánh giá cán bộ hằng năm", actor=self.admin)
        with self.assertRefused(frozen, Criterion):
            scales.delete_criterion(self.world.leaves["3.1"], actor=self.admin)
        self.assertEqual(Criterion.objects.get(pk=leaf.pk).title, "Đánh giá cán bộ")

    def test_new_version_copies_the_tree(self):
        self_assess(self.world, self.thai_binh, {})
        copy = scales.new_version(self.scale, actor=self.admin, reason="Bổ sung tiêu chí mới")
        self.assertEqual(copy.version, 2)
        self.assertEqual(copy.copied_from, self.scale)
        self.assertEqual((copy.total_max, copy.bonus_cap), (D(100), D(5)))
        self.assertEqual(shape(copy), shape(self.scale))
        self.assertEqual(len(shape(copy)), 11)  # 4 groups and 7 leaves
        self.assertFalse(
            set(copy.criteria.values_list("pk", flat=True))
            & set(self.scale.criteria.values_list("pk", flat=True))
        )
        self.assertEqual(scales.current_scale(self.world.year), copy)

    def test_new_version_moves_draft_sheets_with_their_self_scores(self):
        """Bắc Ninh has a draft with self scores; Thái Bình has submitted. The draft moves
        to the new version and keeps its scores by criterion number; the submitted sheet
        stays on version 1 with its scores."""
        self_assess(self.world, self.thai_binh, {"2.1": D(24)})
        self_assess(self.world, self.bac_ninh, {"2.1": D(20), "4.1": D(1)}, submit=False)

        def scores_of(sheet):
            return {
                s.criterion.number: (s.points, s.criterion.scale_id)
                for s in sheet.scores.select_related("criterion")
            }

        before = {n: p for n, (p, _) in scores_of(self.world.sheet(self.bac_ninh)).items()}
        copy = scales.new_version(self.scale, actor=self.admin, reason="Bổ sung tiêu chí mới")

        draft = self.world.sheet(self.bac_ninh)
        self.assertEqual(draft.scale, copy)
        moved = scores_of(draft)
        self.assertEqual({n: p for n, (p, _) in moved.items()}, before)
        self.assertEqual(moved["2.1"][0], D(20))
        self.assertEqual({scale for _, scale in moved.values()}, {copy.pk})

        submitted = self.world.sheet(self.thai_binh)
        self.assertEqual(submitted.status, SheetStatus.SUBMITTED)
        self.assertEqual(submitted.scale, self.scale)
        kept = scores_of(submitted)
        self.assertEqual(kept["2.1"][0], D(24))
        self.assertEqual({scale for _, scale in kept.values()}, {self.scale.pk})

        entry = audit.history(draft).first()
        self.assertEqual(entry.reason, "Bổ sung tiêu chí mới")
        self.assertEqual(entry.before["scale_id"], self.scale.pk)
        self.assertEqual(entry.after["scale_id"], copy.pk)

    def test_the_new_version_is_editable_while_the_old_stays_frozen(self):
        self_assess(self.world, self.thai_binh, {})
        copy = scales.new_version(self.scale, actor=self.admin, reason="Bổ sung tiêu chí mới")
        added = scales.add_criterion(
            copy,
            parent=copy.criteria.get(number="3"),
            title="Sáng kiến",
            max_points=D(2),
            actor=self.admin,
        )
        self.assertEqual(added.number, "3.2")
        with self.assertRefused("hãy tạo phiên bản mới", Criterion):
            scales.update_criterion(self.world.leaves["2.2"], title="Khác", actor=self.admin)

    def test_new_version_needs_a_reason_and_the_latest_version(self):
        self_assess(self.world, self.thai_binh, {})
        with self.assertRefused("Nhập lý do tạo phiên bản mới.", Scale, Criterion):
            scales.new_version(self.scale, actor=self.admin, reason="  ")
        scales.new_version(self.scale, actor=self.admin, reason="Bổ sung tiêu chí mới")
        with self.assertRefused("Đã có phiên bản mới hơn (2).", Scale, Criterion, ScoreSheet):
            scales.new_version(self.scale, actor=self.admin, reason="Lần nữa")


class CopyScaleTests(ScaleTestCase):
    def test_a_scale_copied_from_another_clusters_year_has_the_same_tree(self):
        world = make_world()
        admin = world.cast.admin
        commission = world.cast.commission
        other = make_cluster(3, world.cast.other_department)
        add_members(
            other,
            [make_unit("Kiên Giang", parent=commission), make_unit("An Giang", parent=commission)],
            [2022],
        )
        other_year = cycle.open_year(
            cluster=other, year=2022, title="Thi đua năm 2022 – Cụm 3", actor=admin
        )
        scales.update_criterion(
            world.leaves["2.1"],
            guidance="Chấm theo quyết định phê duyệt quy hoạch",
            evidence_expected="Quyết định phê duyệt quy hoạch cán bộ",
            actor=admin,
        )
        source_shape = shape(world.scale)
        copy = scales.copy_scale(world.scale, into=other_year, actor=admin)
        self.assertEqual(copy.emulation_year, other_year)
        self.assertEqual((copy.version, copy.copied_from), (1, world.scale))
        self.assertEqual(
            (copy.title, copy.total_max, copy.bonus_cap), (world.scale.title, D(100), D(5))
        )
        self.assertEqual(shape(copy), source_shape)
        self.assertEqual(shape(world.scale), source_shape)  # the source is untouched
        self.assertEqual(scales.problems(copy), [])
        self.assertEqual(audit.history(copy).get().reason, f"Sao chép từ {world.scale}")


class ClosedYearTests(ScaleTestCase):
    def test_a_closed_year_refuses_every_change_to_its_scales(self):
        world = make_world()
        admin = world.cast.admin
        finalize_sheets(world)
        cycle.publish_period(world.period, actor=admin)
        cycle.advance_phase(world.year, Phase.CLOSED, actor=admin)
        closed = "Năm thi đua 2021 đã khóa sổ: không thể thay đổi dữ liệu."
        year = world.year
        scale = world.scale
        leaf = world.leaves["2.2"]
        attempts = {
            "create_scale": lambda: scales.create_scale(year, title="Mới", actor=admin),
            "add_criterion": lambda: scales.add_criterion(
                scale,
                parent=scale.criteria.get(number="3"),
                title="Sáng kiến",
                max_points=D(1),
                actor=admin,
            ),
            "update_criterion": lambda: scales.update_criterion(leaf, title="Khác", actor=admin),
            "delete_criterion": lambda: scales.delete_criterion(leaf, actor=admin),
            "copy_scale": lambda: scales.copy_scale(scale, into=year, actor=admin),
            "new_version": lambda: scales.new_version(scale, actor=admin, reason="Sửa"),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRefused(closed, Scale, Criterion):
                attempt()
        self.assertEqual(scales.current_scale(year), scale)
