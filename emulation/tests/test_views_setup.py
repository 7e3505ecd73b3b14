"""The pages that set up and follow an emulation year, through the test client: what each
user of the cast sees (in Vietnamese), what they may change, and that a refused action shows
the rule's message and changes nothing. Missing and forbidden both answer 404.

The world (emulation.testing.make_world): Cụm thi đua số 2 in 2021 with five members –
Quảng Ninh (head), Thái Bình, Hải Phòng (deputy), Bắc Ninh, Ninh Bình – a 100 + 5 point
scale, the year-end period (01/11–10/12/2021) and one draft sheet per member.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal as D

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import history
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from emulation.models import (
    Criterion,
    EmulationYear,
    Participant,
    Period,
    Pledge,
    Scale,
    ScoreSheet,
    SheetStatus,
    Target,
    TaskGroup,
)
from emulation.services import cycle, pledges, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess
from organizations.testing import make_unit

VIETNAMESE_ORDER = ["Bắc Ninh", "Hải Phòng", "Ninh Bình", "Quảng Ninh", "Thái Bình"]


def clean(fragment: str) -> str:
    """The text of an HTML fragment: tags become spaces, whitespace collapses."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


def texts(response, pattern: str) -> list[str]:
    """The inner texts matched by ``pattern`` (one group), tags stripped, in page order."""
    return [clean(f) for f in re.findall(pattern, response.content.decode(), re.S)]


def finish(world) -> None:
    """Every member self-assesses, is reviewed by the head (Quảng Ninh) and the deputy
    (Hải Phòng), and is finalized, with results that spread the ranking:
    Quảng Ninh 100; Hải Phòng 99 + 1 bonus = 100 (same group 1, so shared rank 1);
    Ninh Bình 2.1 cut to 24 → 99; Bắc Ninh 100 − 1 deduction = 99 (loses to Ninh Bình on
    "fewer deductions"); Thái Bình 2.1 cut to 20 → 95."""
    admin = world.cast.admin
    quang_ninh, thai_binh, hai_phong, bac_ninh, ninh_binh = world.cast.members
    for unit in world.cast.members:
        target = world.year.targets.get(unit=unit, code="ket-nap")
        target_services.record_actual(target, D(243), actor=admin)
    own = {hai_phong: {"3.1": D(1)}, bac_ninh: {"4.1": D(1)}}
    cuts = {hai_phong: {"2.2": D(14)}, ninh_binh: {"2.1": D(24)}, thai_binh: {"2.1": D(20)}}
    with time_machine.travel(DURING):
        for unit in world.cast.members:
            self_assess(world, unit, own.get(unit, {}))
    with time_machine.travel(AFTER):
        for unit in world.cast.members:
            for reviewer in (quang_ninh, hai_phong):
                if reviewer != unit:
                    review(world, unit, reviewer, cuts.get(unit, {}))
            sheets.complete_review(world.sheet(unit), actor=admin)
            sheets.finalize(world.sheet(unit), actor=admin)


class SetupPageTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.cast = cls.world.cast

    def login(self, user):
        self.client.force_login(user)

    def year_url(self, name: str = "year", year=None) -> str:
        return reverse(f"emulation:{name}", args=[(year or self.world.year).pk])


# --- list of years -------------------------------------------------------------------------------


class YearListTests(SetupPageTestCase):
    def test_a_department_officer_sees_the_cluster_year_with_phase_and_participants(self):
        self.login(self.cast.department_officer)

        response = self.client.get(reverse("emulation:year_list"))

        self.assertContains(response, "Năm 2021")
        rows = texts(response, r'<tr class="year-row">(.*?)</tr>')
        self.assertEqual(len(rows), 1)
        self.assertIn("Thi đua năm 2021 – Cụm 2", rows[0])
        self.assertIn("Cụm thi đua số 2", rows[0])
        self.assertIn("Ký kết giao ước", rows[0])
        self.assertRegex(rows[0], r"\b5$")
        self.assertContains(response, "Mở năm thi đua của cụm")

    def test_an_officer_of_a_board_outside_the_cluster_sees_no_year_and_no_form(self):
        self.login(self.cast.outsider)

        response = self.client.get(reverse("emulation:year_list"))

        self.assertContains(response, "Chưa có năm thi đua nào bạn được theo dõi.")
        self.assertNotContains(response, "Thi đua năm 2021 – Cụm 2")
        self.assertNotContains(response, "Mở năm thi đua của cụm")

    def open_form(self, **changes):
        data = {
            "cluster": self.cast.cluster.pk,
            "year": 2022,
            "title": "Thi đua năm 2022 – Cụm 2",
            "review_mode": "cross",
            "aggregation": "trimmed",
            "tie_break_1": "group:2",
            "tie_break_2": "fewer_deductions",
        }
        return {**data, **changes}

    def test_a_manager_opens_next_year_with_its_members_and_tie_breaks_in_order(self):
        self.login(self.cast.department_officer)

        response = self.client.post(reverse("emulation:year_open"), self.open_form())

        opened = EmulationYear.objects.get(cluster=self.cast.cluster, year=2022)
        self.assertRedirects(response, opened.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(opened.tie_breaks, ["group:2", "fewer_deductions"])
        self.assertEqual((opened.review_mode, opened.aggregation), ("cross", "trimmed"))
        self.assertEqual(opened.participants.count(), 5)

    def test_opening_a_year_the_cluster_already_has_shows_the_rule_and_changes_nothing(self):
        self.login(self.cast.department_officer)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(reverse("emulation:year_open"), self.open_form(year=2021))

        self.assertContains(response, "Cụm thi đua số 2 đã có năm thi đua 2021.")
        self.assertEqual(EmulationYear.objects.count(), 1)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_an_unknown_tie_break_code_is_shown_on_the_form(self):
        self.login(self.cast.department_officer)

        response = self.client.post(
            reverse("emulation:year_open"), self.open_form(tie_break_1="ít điểm trừ")
        )

        self.assertContains(response, "Tiêu chí phụ “ít điểm trừ” không hợp lệ.")
        self.assertFalse(EmulationYear.objects.filter(year=2022).exists())

    def test_an_ordinary_member_cannot_open_a_year(self):
        self.login(self.cast.member_officer)

        response = self.client.post(reverse("emulation:year_open"), self.open_form())

        self.assertEqual(response.status_code, 404)
        self.assertEqual(EmulationYear.objects.count(), 1)

    def test_the_head_of_2021_cannot_open_2022_which_it_does_not_lead(self):
        """Cluster leadership is by year: Quảng Ninh heads the cluster in 2021 only."""
        self.login(self.cast.head_officer)

        response = self.client.post(reverse("emulation:year_open"), self.open_form())

        self.assertEqual(response.status_code, 404)
        self.assertFalse(EmulationYear.objects.filter(year=2022).exists())


class CascadeTests(SetupPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        quang_ninh = cls.cast.head_unit
        for name in ("Hạ Long", "Cẩm Phả"):
            make_unit(
                name,
                name=f"Ban Tổ chức Thành ủy {name}",
                parent=quang_ninh,
                kind_code="district_board",
            )

    def cascade_form(self, **changes):
        data = {
            "organizer": self.cast.head_unit.pk,
            "year": 2021,
            "title": "Thi đua năm 2021 – Ban Tổ chức Tỉnh ủy Quảng Ninh",
            "parent": self.world.year.pk,
            "review_mode": "leaders",
            "aggregation": "mean",
        }
        return {**data, **changes}

    def test_a_board_officer_cascades_the_year_to_its_district_boards(self):
        self.login(self.cast.head_officer)

        response = self.client.post(reverse("emulation:year_cascade"), self.cascade_form())

        cascaded = EmulationYear.objects.get(organizer=self.cast.head_unit, year=2021)
        self.assertRedirects(response, cascaded.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(cascaded.parent, self.world.year)
        page = self.client.get(cascaded.get_absolute_url())
        self.assertEqual(texts(page, r'<li class="participant">(.*?)</li>'), ["Cẩm Phả", "Hạ Long"])
        self.assertContains(page, 'id="parent-year"')
        parent_page = self.client.get(self.year_url())
        self.assertContains(parent_page, "Thi đua năm 2021 – Ban Tổ chức Tỉnh ủy Quảng Ninh")

    def test_a_parent_year_of_another_year_is_refused_on_the_form(self):
        self.login(self.cast.head_officer)

        response = self.client.post(reverse("emulation:year_cascade"), self.cascade_form(year=2022))

        self.assertContains(response, "Năm thi đua của cụm là năm 2021, không phải năm 2022.")
        self.assertFalse(EmulationYear.objects.filter(organizer__isnull=False).exists())

    def test_an_officer_cannot_cascade_for_another_board(self):
        self.login(self.cast.member_officer)

        response = self.client.post(reverse("emulation:year_cascade"), self.cascade_form())

        self.assertEqual(response.status_code, 404)
        self.assertFalse(EmulationYear.objects.filter(organizer__isnull=False).exists())


# --- one year ------------------------------------------------------------------------------------


class YearPageTests(SetupPageTestCase):
    def test_a_manager_sees_phase_rules_participants_and_periods(self):
        self.login(self.cast.department_officer)

        response = self.client.get(self.year_url())

        self.assertContains(response, "Ký kết giao ước")
        self.assertContains(response, "Chuyển sang giai đoạn: Sơ kết 6 tháng")
        self.assertContains(response, '<input type="hidden" name="phase" value="midyear">')
        self.assertEqual(
            texts(response, r"<li>([^<]*<code>[^<]*</code>)</li>"),
            ["Ít điểm trừ hơn fewer_deductions", "Điểm nhóm 1 cao hơn group:1"],
        )
        self.assertEqual(texts(response, r'<li class="participant">(.*?)</li>'), VIETNAMESE_ORDER)
        period = texts(response, r'<tr class="period-row">(.*?)</tr>')
        self.assertEqual(len(period), 1)
        self.assertIn("Tổng kết năm", period[0])
        self.assertIn("01/11/2021", period[0])
        self.assertIn("10/12/2021", period[0])
        self.assertContains(response, "Thang điểm (phiên bản 1)")
        self.assertContains(response, reverse("emulation:scale", args=[self.world.scale.pk]))
        self.assertContains(response, self.year_url("pledge"))
        self.assertContains(response, self.year_url("targets"))
        self.assertContains(response, "Sửa quy định")

    def test_a_member_sees_the_year_without_the_managers_forms(self):
        self.login(self.cast.member_officer)

        response = self.client.get(self.year_url())

        self.assertContains(response, "5 đơn vị tham gia")
        self.assertNotContains(response, "Sửa quy định")
        self.assertNotContains(response, "Chuyển sang giai đoạn")
        self.assertNotContains(response, "Thêm kỳ")

    def test_the_year_is_hidden_from_those_who_do_not_follow_the_cluster(self):
        for user in (self.cast.outsider, self.cast.other_department_officer):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.year_url()).status_code, 404)

    def test_the_year_page_query_count_does_not_grow_with_participants(self):
        """Names, periods, scales and cascades are each read once, however many units."""
        self.login(self.cast.department_officer)
        with CaptureQueriesContext(connection) as five:
            self.client.get(self.year_url())
        for name in ("Hưng Yên", "Hà Nam", "Nam Định"):
            Participant.objects.create(emulation_year=self.world.year, unit=make_unit(name))

        # Same count with three more participants: see the pinned count below.
        with self.assertNumQueries(len(five)):
            response = self.client.get(self.year_url())
        self.assertContains(response, "8 đơn vị tham gia")

    def test_the_year_page_query_count_is_pinned(self):
        self.login(self.cast.department_officer)
        # 1 session, 2 user, 3 the year with its cluster (access function), 4 the user's
        # roles (read once, cached on the user), 5 participant unit ids, 6 their names at
        # the end of the year (one query for all), 7 periods, 8 scale versions, 9 cascaded
        # years, 10 the pledge, 11 the current scale's top-level groups (tie-break choices).
        with self.assertNumQueries(11):
            self.client.get(self.year_url())

    def test_a_manager_moves_the_year_to_the_next_phase(self):
        self.login(self.cast.department_officer)

        response = self.client.post(self.year_url("year_advance"), {"phase": "midyear"})

        self.assertRedirects(response, self.year_url(), fetch_redirect_response=False)
        self.world.year.refresh_from_db()
        self.assertEqual(self.world.year.phase, "midyear")
        self.assertContains(
            self.client.get(self.year_url()), "Đã chuyển sang giai đoạn: Sơ kết 6 tháng."
        )

    def test_closing_before_the_year_end_results_are_published_is_refused(self):
        self.login(self.cast.department_officer)
        cycle.advance_phase(self.world.year, "yearend", actor=self.cast.admin)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(self.year_url("year_advance"), {"phase": "closed"}, follow=True)

        self.assertContains(response, "Chưa công bố kết quả tổng kết năm: chưa thể khóa sổ.")
        self.world.year.refresh_from_db()
        self.assertEqual(self.world.year.phase, "yearend")
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_a_member_cannot_move_the_phase(self):
        self.login(self.cast.member_officer)

        response = self.client.post(self.year_url("year_advance"), {"phase": "midyear"})

        self.assertEqual(response.status_code, 404)
        self.world.year.refresh_from_db()
        self.assertEqual(self.world.year.phase, "pledge")

    def rules(self, **changes):
        data = {
            "review_mode": "cross",
            "aggregation": "trimmed",
            "flag_count": "2",
            "merit_count": "4",
            "inflation_threshold": "12,5",
            "tie_break_1": "group:2",
            "tie_break_2": "more_at_maximum",
        }
        return {**data, **changes}

    def test_a_manager_changes_the_rules(self):
        self.login(self.cast.head_officer)

        response = self.client.post(self.year_url("year_rules"), self.rules())

        self.assertRedirects(response, self.year_url(), fetch_redirect_response=False)
        year = EmulationYear.objects.get(pk=self.world.year.pk)
        self.assertEqual(year.tie_breaks, ["group:2", "more_at_maximum"])
        self.assertEqual((year.flag_count, year.merit_count), (2, 4))
        self.assertEqual(year.inflation_threshold, D("12.5"))
        self.assertEqual((year.review_mode, year.aggregation), ("cross", "trimmed"))
        page = self.client.get(self.year_url())
        self.assertContains(page, "cao hơn kết quả bình xét trên 12,5% điểm tối đa")
        self.assertContains(page, 'name="inflation_threshold" value="12,5"')

    def test_a_tie_break_chosen_twice_is_refused_and_nothing_changes(self):
        self.login(self.cast.department_officer)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(
            self.year_url("year_rules"),
            self.rules(tie_break_1="fewer_deductions", tie_break_2="fewer_deductions"),
        )

        self.assertContains(response, "Một tiêu chí phụ được chọn hai lần.")
        year = EmulationYear.objects.get(pk=self.world.year.pk)
        self.assertEqual(year.tie_breaks, ["fewer_deductions", "group:1"])
        self.assertEqual(year.review_mode, "leaders")
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_the_review_mode_cannot_change_once_reviews_are_entered(self):
        thai_binh = self.cast.member_unit
        with time_machine.travel(DURING):
            self_assess(self.world, thai_binh, {})
        review(self.world, thai_binh, self.cast.head_unit, {})
        self.login(self.cast.department_officer)

        response = self.client.post(self.year_url("year_rules"), self.rules())

        self.assertContains(response, "Đã có điểm bình xét: không thể đổi cách bình xét.")
        self.assertEqual(EmulationYear.objects.get(pk=self.world.year.pk).review_mode, "leaders")

    def test_a_member_cannot_change_the_rules(self):
        self.login(self.cast.member_officer)

        response = self.client.post(self.year_url("year_rules"), self.rules())

        self.assertEqual(response.status_code, 404)
        self.assertEqual(EmulationYear.objects.get(pk=self.world.year.pk).flag_count, 1)

    def test_a_manager_adds_the_midyear_period(self):
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("period_add"),
            {"kind": "midyear", "opens_on": "01/06/2021", "due_on": "30/06/2021"},
        )

        self.assertRedirects(response, self.year_url(), fetch_redirect_response=False)
        page = self.client.get(self.year_url())
        self.assertEqual(
            [row.split()[0:3] for row in texts(page, r'<tr class="period-row">(.*?)</tr>')],
            [["Sơ", "kết", "6"], ["Tổng", "kết", "năm"]],
        )
        self.assertContains(page, "01/06/2021")

    def test_a_period_due_before_it_opens_is_refused_on_the_form(self):
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("period_add"),
            {"kind": "midyear", "opens_on": "30/06/2021", "due_on": "01/06/2021"},
        )

        self.assertContains(response, "Hạn nộp phải sau ngày mở.")
        self.assertEqual(Period.objects.count(), 1)

    def test_a_member_cannot_add_a_period(self):
        self.login(self.cast.member_officer)

        response = self.client.post(
            self.year_url("period_add"),
            {"kind": "midyear", "opens_on": "01/06/2021", "due_on": "30/06/2021"},
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual(Period.objects.count(), 1)

    def test_a_manager_moves_the_due_date(self):
        self.login(self.cast.department_officer)
        url = reverse("emulation:period_dates", args=[self.world.period.pk])

        # The due date (10/12/2021) has passed: extending it for everyone needs a reason.
        self.client.post(url, {"opens_on": "01/11/2021", "due_on": "15/12/2021"})
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.due_on.isoformat(), "2021-12-10")

        self.client.post(
            url, {"opens_on": "01/11/2021", "due_on": "15/12/2021", "reason": "Lũ lụt tháng 12"}
        )

        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.due_on.isoformat(), "2021-12-15")
        self.assertEqual(history(self.world.period)[0].reason, "Lũ lụt tháng 12")

    def test_a_due_date_before_the_opening_is_refused_with_the_message(self):
        self.login(self.cast.department_officer)
        url = reverse("emulation:period_dates", args=[self.world.period.pk])

        response = self.client.post(
            url, {"opens_on": "01/11/2021", "due_on": "01/10/2021"}, follow=True
        )

        self.assertContains(response, "Hạn nộp phải sau ngày mở.")
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.due_on.isoformat(), "2021-12-10")

    def test_a_member_cannot_move_the_due_date(self):
        self.login(self.cast.member_officer)
        url = reverse("emulation:period_dates", args=[self.world.period.pk])

        response = self.client.post(url, {"opens_on": "01/11/2021", "due_on": "31/12/2021"})

        self.assertEqual(response.status_code, 404)
        self.world.period.refresh_from_db()
        self.assertEqual(self.world.period.due_on.isoformat(), "2021-12-10")


# --- scale ---------------------------------------------------------------------------------------


class ScalePageTests(SetupPageTestCase):
    def scale_url(self, name: str = "scale", scale=None) -> str:
        return reverse(f"emulation:{name}", args=[(scale or self.world.scale).pk])

    def rows(self, response) -> list[list[str]]:
        """Number, title, maximum, method of each criterion, top to bottom."""
        found = re.findall(
            r'<tr class="criterion[^"]*"[^>]*>\s*<td class="number">(.*?)</td>\s*'
            r'<td class="title">(.*?)</td>\s*<td class="num max">(.*?)</td>\s*<td>(.*?)</td>',
            response.content.decode(),
            re.S,
        )
        return [[clean(cell) for cell in row] for row in found]

    def test_a_member_reads_the_criteria_tree_with_maxima_and_methods(self):
        self.login(self.cast.member_officer)

        response = self.client.get(self.scale_url())

        self.assertContains(response, "100 điểm + tối đa 5 điểm thưởng")
        rows = self.rows(response)
        self.assertEqual(
            [r[0] for r in rows],
            ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1", "4", "4.1"],
        )
        self.assertEqual(
            rows[3][1:], ["Kết nạp đảng viên", "30", "Theo tỷ lệ đạt chỉ tiêu (tối thiểu 50%)"]
        )
        self.assertEqual(rows[2][3], "Có / không")
        self.assertEqual(rows[7][1], "Điểm thưởng Điểm thưởng")
        self.assertContains(response, "<code>ket-nap</code>", html=True)
        self.assertNotContains(response, 'id="problems"')
        self.assertNotContains(response, "Thêm tiêu chí")

    def test_an_outsider_cannot_see_the_scale(self):
        self.login(self.cast.outsider)

        self.assertEqual(self.client.get(self.scale_url()).status_code, 404)

    def test_a_manager_adds_a_bonus_criterion_under_the_bonus_group(self):
        self.login(self.cast.department_officer)
        bonus_group = self.world.leaves["3.1"].parent

        response = self.client.post(
            self.scale_url("criterion_add"),
            {
                "parent": bonus_group.pk,
                "section": "regular",
                "title": "Sáng kiến được công nhận",
                "max_points": "2,5",
                "method": "manual",
                "step": "0,5",
                "evidence_expected": "Quyết định công nhận sáng kiến",
            },
        )

        self.assertRedirects(response, self.scale_url(), fetch_redirect_response=False)
        added = Criterion.objects.get(scale=self.world.scale, number="3.2")
        self.assertEqual(
            (added.max_points, added.method, added.section), (D("2.5"), "bonus", "bonus")
        )
        page = self.client.get(self.scale_url())
        self.assertIn(["3.2", "Sáng kiến được công nhận", "2,5", "Điểm thưởng"], self.rows(page))
        self.assertContains(page, "Quyết định công nhận sáng kiến")

    def test_children_above_their_parents_maximum_are_refused_on_the_form(self):
        self.login(self.cast.department_officer)
        group_2 = self.world.leaves["2.1"].parent
        audit_before = AuditEntry.objects.count()

        response = self.client.post(
            self.scale_url("criterion_add"),
            {
                "parent": group_2.pk,
                "section": "regular",
                "title": "Bảo vệ chính trị nội bộ",
                "max_points": "5",
                "method": "manual",
                "step": "0,5",
            },
        )

        self.assertContains(
            response,
            "Tổng điểm tối đa các tiêu chí con của 2 (45) vượt điểm tối đa của tiêu chí cha (40).",
        )
        self.assertEqual(Criterion.objects.filter(scale=self.world.scale).count(), 11)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_a_member_cannot_add_a_criterion(self):
        self.login(self.cast.member_officer)

        response = self.client.post(
            self.scale_url("criterion_add"),
            {"section": "bonus", "title": "X", "max_points": "1", "method": "manual", "step": "1"},
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual(Criterion.objects.filter(scale=self.world.scale).count(), 11)

    def test_a_manager_edits_the_guidance_of_a_criterion(self):
        self.login(self.cast.department_officer)
        leaf = self.world.leaves["1.1"]
        url = reverse("emulation:criterion_edit", args=[leaf.pk])
        form = self.client.get(url)
        self.assertContains(form, 'value="Tham mưu kiện toàn tổ chức"')
        self.assertContains(form, 'name="max_points" value="20"')
        self.assertContains(form, 'name="step" value="0,5"')

        response = self.client.post(
            url,
            {
                "title": "Tham mưu kiện toàn tổ chức",
                "max_points": "20",
                "method": "manual",
                "step": "0,5",
                "guidance": "Đủ quyết định kiện toàn: 20 điểm; thiếu mỗi quyết định trừ 2 điểm.",
            },
        )

        self.assertRedirects(response, self.scale_url(), fetch_redirect_response=False)
        leaf.refresh_from_db()
        self.assertTrue(leaf.guidance.startswith("Đủ quyết định kiện toàn"))

    def test_a_member_cannot_edit_a_criterion(self):
        self.login(self.cast.member_officer)
        leaf = self.world.leaves["1.1"]

        response = self.client.post(
            reverse("emulation:criterion_edit", args=[leaf.pk]),
            {"title": "Khác", "max_points": "20", "method": "manual", "step": "1"},
        )

        self.assertEqual(response.status_code, 404)
        leaf.refresh_from_db()
        self.assertEqual(leaf.title, "Tham mưu kiện toàn tổ chức")

    def test_deleting_a_leaf_shows_what_the_scale_now_lacks(self):
        self.login(self.cast.department_officer)
        leaf = self.world.leaves["2.2"]

        response = self.client.post(
            reverse("emulation:criterion_delete", args=[leaf.pk]), follow=True
        )

        self.assertFalse(Criterion.objects.filter(pk=leaf.pk).exists())
        self.assertContains(response, "Tiêu chí 2: các tiêu chí con cộng lại 25, chưa bằng 40.")
        self.assertNotContains(response, "Tổng điểm các nhóm là")  # groups keep their maxima

    def test_a_member_cannot_delete_a_criterion(self):
        self.login(self.cast.member_officer)
        leaf = self.world.leaves["2.2"]

        response = self.client.post(reverse("emulation:criterion_delete", args=[leaf.pk]))

        self.assertEqual(response.status_code, 404)
        self.assertTrue(Criterion.objects.filter(pk=leaf.pk).exists())

    def test_a_scale_used_by_a_submitted_sheet_is_frozen_and_gets_a_new_version(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.cast.member_unit, {})
        self.login(self.cast.department_officer)

        page = self.client.get(self.scale_url())

        self.assertContains(page, "Thang điểm đã được dùng trong bảng điểm đã nộp")
        self.assertNotContains(page, "Thêm tiêu chí")
        self.assertContains(page, "Tạo phiên bản mới")

        response = self.client.post(
            self.scale_url("scale_new_version"), {"reason": "Bổ sung tiêu chí chuyển đổi số"}
        )

        new = Scale.objects.get(emulation_year=self.world.year, version=2)
        self.assertRedirects(response, new.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(new.criteria.count(), 11)
        drafts = ScoreSheet.objects.filter(period=self.world.period, status=SheetStatus.DRAFT)
        self.assertEqual({s.scale_id for s in drafts}, {new.pk})
        old_page = self.client.get(self.scale_url())
        self.assertContains(old_page, "Đây không phải phiên bản mới nhất (phiên bản mới nhất: 2).")

    def test_editing_a_frozen_scale_is_refused_with_the_message(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.cast.member_unit, {})
        self.login(self.cast.department_officer)
        leaf = self.world.leaves["1.1"]

        response = self.client.post(
            reverse("emulation:criterion_delete", args=[leaf.pk]), follow=True
        )

        self.assertContains(
            response,
            "Thang điểm đã được dùng trong bảng điểm đã nộp: hãy tạo phiên bản mới để sửa.",
        )
        self.assertTrue(Criterion.objects.filter(pk=leaf.pk).exists())

    def test_a_member_cannot_make_a_new_version(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.cast.member_unit, {})
        self.login(self.cast.member_officer)

        response = self.client.post(self.scale_url("scale_new_version"), {"reason": "Khác"})

        self.assertEqual(response.status_code, 404)
        self.assertEqual(Scale.objects.count(), 1)

    def test_a_manager_copies_last_years_scale_into_the_new_year(self):
        next_year = cycle.open_year(
            cluster=self.cast.cluster, year=2022, title="Thi đua năm 2022", actor=self.cast.admin
        )
        self.login(self.cast.department_officer)
        year_page = self.client.get(self.year_url(year=next_year))
        self.assertContains(year_page, "Sao chép thang điểm")

        response = self.client.post(
            self.year_url("scale_copy", year=next_year),
            {"source": self.world.scale.pk, "title": "Thang điểm 2022"},
        )

        copy = Scale.objects.get(emulation_year=next_year)
        self.assertRedirects(response, copy.get_absolute_url(), fetch_redirect_response=False)
        self.assertEqual(
            (copy.title, copy.version, copy.copied_from), ("Thang điểm 2022", 1, self.world.scale)
        )
        page = self.client.get(copy.get_absolute_url())
        self.assertContains(page, "100 điểm + tối đa 5 điểm thưởng")
        self.assertEqual(len(self.rows(page)), 11)

    def test_a_member_cannot_copy_a_scale(self):
        next_year = cycle.open_year(
            cluster=self.cast.cluster, year=2022, title="Thi đua năm 2022", actor=self.cast.admin
        )
        self.login(self.cast.member_officer)

        response = self.client.post(
            self.year_url("scale_copy", year=next_year), {"source": self.world.scale.pk}
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Scale.objects.filter(emulation_year=next_year).exists())

    def test_a_manager_creates_an_empty_scale_and_sees_what_it_lacks(self):
        next_year = cycle.open_year(
            cluster=self.cast.cluster, year=2022, title="Thi đua năm 2022", actor=self.cast.admin
        )
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("scale_create", year=next_year),
            {"title": "", "total_max": "100", "bonus_cap": "0"},
            follow=True,
        )

        self.assertContains(response, "Thang điểm thi đua năm 2022")
        self.assertContains(response, "Thang điểm chưa có tiêu chí nào.")
        self.assertContains(response, "<strong>100 điểm</strong>", html=True)


# --- pledge --------------------------------------------------------------------------------------


class PledgePageTests(SetupPageTestCase):
    def make_pledge(self, groups: int = 2) -> Pledge:
        pledge = pledges.create_pledge(
            self.world.year,
            title="Giao ước thi đua năm 2021",
            issuer="Cụm thi đua số 2",
            parent_issuer="Ban Tổ chức Trung ương",
            place="Quảng Ninh",
            actor=self.cast.admin,
        )
        for n in range(1, groups + 1):
            pledges.add_task_group(pledge, title=f"Nhóm nhiệm vụ {n}", actor=self.cast.admin)
        return pledge

    def test_a_manager_drafts_the_pledge_and_its_task_groups(self):
        self.login(self.cast.head_officer)

        self.client.post(
            self.year_url("pledge_create"),
            {
                "title": "Giao ước thi đua năm 2021",
                "issuer": "Cụm thi đua số 2",
                "place": "Quảng Ninh",
                "number": "01-GƯTĐ/CTĐ2",
            },
        )
        self.client.post(
            self.year_url("pledge_group_add"),
            {"title": "Tham mưu củng cố, kiện toàn tổ chức bộ máy"},
        )
        response = self.client.post(
            self.year_url("pledge_group_add"), {"title": "Công tác cán bộ"}, follow=True
        )

        self.assertContains(response, "Dự thảo, chưa ký kết")
        self.assertContains(response, "2 nhóm nhiệm vụ trọng tâm")
        self.assertEqual(
            texts(response, r'<ol class="task-groups"><li><strong>(.*?)</strong>')
            + texts(response, r"</li><li><strong>(.*?)</strong>"),
            ["Tham mưu củng cố, kiện toàn tổ chức bộ máy", "Công tác cán bộ"],
        )
        self.assertEqual(
            TaskGroup.objects.filter(pledge__emulation_year=self.world.year).count(), 2
        )
        self.assertContains(response, "Ký kết giao ước")

    def test_a_manager_records_the_signing_and_the_signatories_are_listed_in_order(self):
        self.make_pledge()
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("pledge_sign"),
            {"signed_on": "15/01/2021", "conference": "Hội nghị ký kết giao ước thi đua 2021"},
            follow=True,
        )

        self.assertContains(response, "Đã ký kết")
        self.assertContains(response, "ngày 15/01/2021")
        self.assertContains(response, "Hội nghị ký kết giao ước thi đua 2021")
        self.assertEqual(texts(response, r'<li class="signatory">(.*?)</li>'), VIETNAMESE_ORDER)
        self.assertNotContains(response, 'id="sign-form"')

    def test_signing_a_pledge_without_task_groups_is_refused(self):
        self.make_pledge(groups=0)
        self.login(self.cast.department_officer)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(self.year_url("pledge_sign"), {"signed_on": "15/01/2021"})

        self.assertContains(response, "Giao ước chưa có nhóm nhiệm vụ nào.")
        self.assertFalse(Pledge.objects.get().is_signed)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_a_signing_date_outside_the_year_is_refused_on_the_form(self):
        self.make_pledge()
        self.login(self.cast.department_officer)

        response = self.client.post(self.year_url("pledge_sign"), {"signed_on": "15/01/2019"})

        self.assertContains(response, "Ngày ký phải trong năm 2021 (hoặc cuối năm trước).")
        self.assertFalse(Pledge.objects.get().is_signed)

    def test_a_member_reads_the_pledge_but_cannot_sign_it(self):
        self.make_pledge()
        self.login(self.cast.member_officer)

        page = self.client.get(self.year_url("pledge"))
        response = self.client.post(self.year_url("pledge_sign"), {"signed_on": "15/01/2021"})

        self.assertContains(page, "Giao ước thi đua năm 2021")
        self.assertNotContains(page, 'id="sign-form"')
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Pledge.objects.get().is_signed)

    def test_a_member_cannot_draft_the_pledge(self):
        self.login(self.cast.member_officer)

        response = self.client.post(
            self.year_url("pledge_create"),
            {"title": "Giao ước", "issuer": "Cụm", "place": "Thái Bình"},
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Pledge.objects.exists())

    def test_an_outsider_cannot_see_the_pledge(self):
        self.make_pledge()
        self.login(self.cast.outsider)

        self.assertEqual(self.client.get(self.year_url("pledge")).status_code, 404)
        self.assertEqual(self.client.get(self.year_url("pledge_docx")).status_code, 404)

    def test_the_pledge_downloads_as_a_word_document(self):
        from docx import Document

        pledge = self.make_pledge()
        pledges.sign_pledge(pledge, signed_on=datetime.date(2021, 1, 15), actor=self.cast.admin)
        self.login(self.cast.member_officer)

        response = self.client.get(self.year_url("pledge_docx"))

        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        self.assertIn('filename="giao-uoc-2021.docx"', response["Content-Disposition"])
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("Nhóm nhiệm vụ 1", text)


# --- targets -------------------------------------------------------------------------------------


class TargetPageTests(SetupPageTestCase):
    def target(self, unit) -> Target:
        return self.world.year.targets.get(unit=unit, code="ket-nap")

    def unit_sections(self, response) -> list[str]:
        return texts(response, r'<section class="unit-targets"[^>]*>\s*<h2>(.*?)</h2>')

    def test_a_manager_sees_every_units_targets_in_order_and_the_rounding_rule(self):
        self.login(self.cast.department_officer)

        response = self.client.get(self.year_url("targets"))

        self.assertEqual(self.unit_sections(response), VIETNAMESE_ORDER)
        self.assertContains(response, "làm tròn 2 chữ số thập phân, nửa lên")
        self.assertContains(response, "chưa báo cáo", count=5)

    def test_an_officer_sees_only_their_own_units_targets(self):
        self.login(self.cast.member_officer)

        response = self.client.get(self.year_url("targets"))

        self.assertEqual(self.unit_sections(response), ["Thái Bình"])
        self.assertNotContains(response, 'id="target-form"')

    def test_an_officer_reports_243_of_240_and_sees_101_25_percent(self):
        """243/240 = 1,0125 → 101,25%, met."""
        self.login(self.cast.member_officer)
        target = self.target(self.cast.member_unit)

        response = self.client.post(
            reverse("emulation:target_actual", args=[target.pk]), {"actual": "243"}, follow=True
        )

        target.refresh_from_db()
        self.assertEqual(target.actual, D(243))
        row = texts(response, rf'<tr class="target-row" id="target-{target.pk}"[^>]*>(.*?)</tr>')[0]
        self.assertIn("101,25%", row)
        self.assertIn("Đạt", row)

    def test_an_htmx_report_returns_only_the_updated_row(self):
        """A percentage target: 92,4% against "trên 90%" → 92,4 ÷ 90 = 102,67%."""
        target = target_services.set_target(
            self.world.year,
            self.cast.member_unit,
            code="hoan-thanh-tot",
            title="Đảng viên hoàn thành tốt nhiệm vụ trở lên",
            kind="percent",
            planned=D(90),
            actor=self.cast.admin,
        )
        self.login(self.cast.member_officer)

        response = self.client.post(
            reverse("emulation:target_actual", args=[target.pk]),
            {"actual": "92,4"},
            HTTP_HX_REQUEST="true",
        )

        body = response.content.decode()
        self.assertTrue(body.startswith(f'<tr class="target-row" id="target-{target.pk}"'))
        self.assertNotIn("<html", body)
        self.assertIn("92,4%", body)
        self.assertIn("102,67%", body)
        target.refresh_from_db()
        self.assertEqual(target.actual, D("92.4"))

    def test_an_actual_with_dots_grouping_thousands_is_read_the_vietnamese_way(self):
        """ "1.500" is one thousand five hundred: 1.500 ÷ 1.200 = 125,00%."""
        target = target_services.set_target(
            self.world.year,
            self.cast.member_unit,
            code="boi-duong",
            title="Bồi dưỡng lý luận chính trị cho đảng viên mới",
            kind="count",
            planned=D(1200),
            actor=self.cast.admin,
        )
        self.login(self.cast.member_officer)

        response = self.client.post(
            reverse("emulation:target_actual", args=[target.pk]),
            {"actual": "1.500"},
            HTTP_HX_REQUEST="true",
        )

        target.refresh_from_db()
        self.assertEqual(target.actual, D(1500))
        self.assertContains(response, "125,00%")
        self.assertContains(response, 'name="actual" value="1500"')

    def test_a_refused_report_shows_the_message_in_the_row_and_changes_nothing(self):
        self.login(self.cast.member_officer)
        target = self.target(self.cast.member_unit)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(
            reverse("emulation:target_actual", args=[target.pk]),
            {"actual": "-5"},
            HTTP_HX_REQUEST="true",
        )

        self.assertContains(response, "Kết quả thực hiện không được âm.")
        target.refresh_from_db()
        self.assertIsNone(target.actual)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_an_officer_cannot_report_another_units_target(self):
        self.login(self.cast.member_officer)
        target = self.target(self.cast.head_unit)

        response = self.client.post(
            reverse("emulation:target_actual", args=[target.pk]), {"actual": "243"}
        )

        self.assertEqual(response.status_code, 404)
        target.refresh_from_db()
        self.assertIsNone(target.actual)

    def test_a_manager_sets_a_minimum_target(self):
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("target_set"),
            {
                "unit": self.cast.member_unit.pk,
                "code": "to-chuc-co-so-moi",
                "title": "Thành lập mới ít nhất 1 tổ chức cơ sở đảng",
                "kind": "minimum",
                "planned": "1",
                "measure": "tổ chức",
            },
            follow=True,
        )

        self.assertContains(response, "Thành lập mới ít nhất 1 tổ chức cơ sở đảng")
        target = Target.objects.get(code="to-chuc-co-so-moi")
        self.assertEqual(
            (target.unit, target.kind, target.planned), (self.cast.member_unit, "minimum", D(1))
        )

    def test_a_percentage_above_100_is_refused_on_the_form(self):
        self.login(self.cast.department_officer)

        response = self.client.post(
            self.year_url("target_set"),
            {
                "unit": self.cast.member_unit.pk,
                "code": "ty-le",
                "title": "Tỷ lệ",
                "kind": "percent",
                "planned": "120",
            },
        )

        self.assertContains(response, "Tỷ lệ phải từ 0 đến 100%.")
        self.assertFalse(Target.objects.filter(code="ty-le").exists())

    def test_a_member_cannot_set_targets(self):
        self.login(self.cast.member_officer)

        response = self.client.post(
            self.year_url("target_set"),
            {
                "unit": self.cast.member_unit.pk,
                "code": "ket-nap",
                "title": "Kết nạp đảng viên",
                "kind": "count",
                "planned": "10",
            },
        )

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.target(self.cast.member_unit).planned, D(240))

    def test_an_outsider_cannot_see_the_targets(self):
        self.login(self.cast.outsider)

        self.assertEqual(self.client.get(self.year_url("targets")).status_code, 404)


# --- period and ranking --------------------------------------------------------------------------


class PeriodPageTests(SetupPageTestCase):
    def period_url(self, name: str = "period") -> str:
        return reverse(f"emulation:{name}", args=[self.world.period.pk])

    def sheet_rows(self, response) -> dict[str, str]:
        rows = re.findall(
            r'<tr class="sheet-row" data-unit="([^"]+)">(.*?)</tr>', response.content.decode(), re.S
        )
        return {name: clean(row) for name, row in rows}

    def test_a_manager_sees_every_sheet_with_its_status(self):
        self.login(self.cast.department_officer)

        response = self.client.get(self.period_url())

        rows = self.sheet_rows(response)
        self.assertEqual(list(rows), VIETNAMESE_ORDER)
        self.assertTrue(all("Đang tự chấm" in row for row in rows.values()))
        self.assertContains(response, "Tự chấm từ 01/11/2021 đến hết 10/12/2021")
        self.assertContains(
            response, reverse("emulation:sheet", args=[self.world.sheet(self.cast.member_unit).pk])
        )

    def test_an_outsider_cannot_see_the_period(self):
        self.login(self.cast.outsider)

        self.assertEqual(self.client.get(self.period_url()).status_code, 404)

    def test_a_member_sees_its_own_total_but_not_the_others_before_publication(self):
        finish(self.world)
        self.login(self.cast.member_officer)

        response = self.client.get(self.period_url())

        rows = self.sheet_rows(response)
        self.assertIn("95 100 95,00%", rows["Thái Bình"])
        self.assertIn("Đã chốt kết quả", rows["Thái Bình"])
        self.assertIn("Chưa công bố", rows["Quảng Ninh"])
        self.assertNotIn("100,00%", response.content.decode())
        self.assertNotContains(response, 'id="ranking-link"')
        self.assertNotContains(response, 'id="summary-xlsx"')

    def test_a_manager_publishes_and_then_members_see_every_total(self):
        finish(self.world)
        self.login(self.cast.department_officer)

        response = self.client.post(self.period_url("period_publish"), follow=True)

        self.assertContains(response, "Đã công bố kết quả Tổng kết năm 2021.")
        self.world.period.refresh_from_db()
        self.assertTrue(self.world.period.is_published)
        self.login(self.cast.member_officer)
        rows = self.sheet_rows(self.client.get(self.period_url()))
        self.assertIn("99 100 99,00%", rows["Bắc Ninh"])
        self.assertIn("100 100 100,00%", rows["Quảng Ninh"])

    def test_publishing_with_sheets_pending_is_refused(self):
        self.login(self.cast.department_officer)
        audit_before = AuditEntry.objects.count()

        response = self.client.post(self.period_url("period_publish"), follow=True)

        self.assertContains(response, "Còn 5 bảng điểm chưa chốt kết quả: chưa thể công bố.")
        self.world.period.refresh_from_db()
        self.assertFalse(self.world.period.is_published)
        self.assertEqual(AuditEntry.objects.count(), audit_before)

    def test_a_member_cannot_publish(self):
        finish(self.world)
        self.login(self.cast.member_officer)

        response = self.client.post(self.period_url("period_publish"))

        self.assertEqual(response.status_code, 404)
        self.world.period.refresh_from_db()
        self.assertFalse(self.world.period.is_published)

    def test_opening_sheets_for_a_new_participant_and_again_when_all_have_one(self):
        newcomer = make_unit("Hưng Yên")
        Participant.objects.create(emulation_year=self.world.year, unit=newcomer)
        self.login(self.cast.department_officer)
        self.assertContains(self.client.get(self.period_url()), "Phát bảng điểm (1 đơn vị chưa có)")

        first = self.client.post(self.period_url("period_open_sheets"), follow=True)
        again = self.client.post(self.period_url("period_open_sheets"), follow=True)

        self.assertContains(first, "Đã phát 1 bảng điểm.")
        self.assertContains(again, "Mọi đơn vị đã có bảng điểm kỳ này.")
        self.assertEqual(ScoreSheet.objects.filter(period=self.world.period).count(), 6)

    def test_a_member_cannot_open_sheets(self):
        Participant.objects.create(emulation_year=self.world.year, unit=make_unit("Hưng Yên"))
        self.login(self.cast.member_officer)

        response = self.client.post(self.period_url("period_open_sheets"))

        self.assertEqual(response.status_code, 404)
        self.assertEqual(ScoreSheet.objects.filter(period=self.world.period).count(), 5)

    def test_the_summary_downloads_as_a_workbook_for_managers_only(self):
        from openpyxl import load_workbook

        finish(self.world)
        self.login(self.cast.department_officer)

        response = self.client.get(self.period_url("period_summary_xlsx"))

        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertIn(".xlsx", response["Content-Disposition"])
        book = load_workbook(io.BytesIO(response.content))
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
        self.assertTrue({"Thái Bình", "Quảng Ninh"} <= cells)
        cycle.publish_period(self.world.period, actor=self.cast.admin)
        self.login(self.cast.member_officer)
        self.assertEqual(self.client.get(self.period_url("period_summary_xlsx")).status_code, 404)


class RankingPageTests(SetupPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        finish(cls.world)

    def ranking_url(self) -> str:
        return reverse("emulation:ranking", args=[self.world.period.pk])

    def rank_rows(self, response) -> list[list[str]]:
        rows = re.findall(r'<tr class="rank-row[^"]*">(.*?)</tr>', response.content.decode(), re.S)
        return [
            [clean(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows
        ]

    def test_a_manager_sees_the_ranking_with_shared_ranks_tie_breaks_and_suggestions(self):
        self.login(self.cast.department_officer)

        response = self.client.get(self.ranking_url())

        rows = self.rank_rows(response)
        self.assertEqual(
            [r[:5] for r in rows],
            [
                ["1", "Hải Phòng", "100", "100", "100,00%"],
                ["1", "Quảng Ninh", "100", "100", "100,00%"],
                ["3", "Ninh Bình", "99", "100", "99,00%"],
                ["4", "Bắc Ninh", "99", "100", "99,00%"],
                ["5", "Thái Bình", "95", "100", "95,00%"],
            ],
        )
        self.assertEqual(
            [r[5] for r in rows],
            [
                "",
                "Bằng điểm sau mọi tiêu chí phụ: đồng hạng",
                "Tỷ lệ điểm",
                "Ít điểm trừ hơn",
                "Tỷ lệ điểm",
            ],
        )
        self.assertEqual(
            [r[6] for r in rows], ["Cờ thi đua", "Cờ thi đua", "Bằng khen", "Bằng khen", ""]
        )
        self.assertContains(
            response,
            "Có 2 đơn vị trong 1 vị trí đề nghị Cờ thi đua do đồng hạng: Cụm cần bình xét để chọn.",
        )
        self.assertContains(response, "Chưa công bố: chỉ người quản lý cụm xem được")

    def test_the_chart_gets_its_data_as_json(self):
        self.login(self.cast.department_officer)

        response = self.client.get(self.ranking_url())

        found = re.search(
            r'<script id="ranking-data" type="application/json">(.*?)</script>',
            response.content.decode(),
            re.S,
        )
        data = json.loads(found.group(1))
        self.assertEqual(
            data["labels"], ["Hải Phòng", "Quảng Ninh", "Ninh Bình", "Bắc Ninh", "Thái Bình"]
        )
        self.assertEqual(data["values"], [100.0, 100.0, 99.0, 99.0, 95.0])
        self.assertContains(response, "vendor/chart.umd.min.js")
        self.assertContains(response, 'indexAxis: "y"')

    def test_members_see_the_ranking_only_after_publication(self):
        self.login(self.cast.member_officer)
        self.assertEqual(self.client.get(self.ranking_url()).status_code, 404)

        cycle.publish_period(self.world.period, actor=self.cast.admin)

        response = self.client.get(self.ranking_url())
        self.assertEqual(len(self.rank_rows(response)), 5)
        self.assertNotContains(response, "Chưa công bố")
        self.assertNotContains(response, 'id="summary-xlsx"')

    def test_an_outsider_never_sees_the_ranking(self):
        cycle.publish_period(self.world.period, actor=self.cast.admin)
        for user in (self.cast.outsider, self.cast.other_department_officer):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.ranking_url()).status_code, 404)

    def test_pending_sheets_are_listed_below_the_ranking(self):
        newcomer = make_unit("Hưng Yên")
        Participant.objects.create(emulation_year=self.world.year, unit=newcomer)
        sheets.open_sheets(self.world.period, actor=self.cast.admin)
        self.login(self.cast.department_officer)

        response = self.client.get(self.ranking_url())

        self.assertContains(response, "1 bảng điểm chưa chốt")
        self.assertEqual(texts(response, r'<ul id="pending">(.*?)</ul>'), ["Hưng Yên Đang tự chấm"])

    def test_the_ranking_page_query_count_is_pinned(self):
        self.login(self.cast.department_officer)
        # The page: 1 session, 2 user, 3 the period with its year (access function), 4 the
        # year again (get_year_for_user), 5 the user's roles (cached on the user).
        # services.ranking.rank: 6 names of the units, 7 the sheets, then once for the whole
        # period (shared cache of sheets.view): 8 the criteria, 9 the year's targets, 10 every
        # score of the period; 11 the year's participants (does the user compete itself? a
        # competing head does not get the provisional ranking). Nothing per sheet: five units
        # or fifteen cost the same.
        with self.assertNumQueries(11):
            self.client.get(self.ranking_url())
