"""The score-sheet pages through the test client: self-assessment cell by cell (htmx and
plain POST), review, explanation, second review, finalize, reopen, cell history, evidence
files and the Excel round trip, each with who may and who may not.

"Not found" and "forbidden" look the same (404). The world is emulation.testing's: Cụm 2 in
2021, Quảng Ninh heads it (its officer is ``head_officer``) and Hải Phòng is deputy; both
review the others' sheets. Thái Bình (``member_officer``) is an ordinary member.
"""

import io
import re
import shutil
import tempfile
from decimal import Decimal as D

import openpyxl
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from core.templatetags.vn import format_points
from core.test import ThiDuaTestCase
from emulation.forms_sheets import parse_points
from emulation.models import Evidence, Score, SheetStatus, Stage
from emulation.services import cycle, scales, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess
from organizations.testing import UserFactory, give_role

HTMX = {"HX-Request": "true"}


def totals_of(response, key: str = "self") -> str:
    """The running total of one layer, as the totals block shows it."""
    found = re.search(rf'id="total-{key}">([^<]*)<', response.text)
    assert found, f"no total-{key} in the response"
    return found.group(1)


def message_of(response) -> str:
    """What an htmx answer puts in the row's message box (it comes first)."""
    found = re.match(r'\s*<p class="([^"]+)" role="[^"]+">([^<]*)</p>', response.text)
    assert found, "the answer does not start with the row's message"
    return found.group(2)


def row_html(response, criterion) -> str:
    found = re.search(rf'<tr id="c-{criterion.pk}".*?</tr>', response.text, re.S)
    assert found, f"no row for {criterion.number}"
    return found.group(0)


def use_temporary_media(testcase) -> str:
    """Uploaded files go to a directory removed after the test."""
    media = tempfile.mkdtemp(prefix="thidua-media-")
    testcase.addCleanup(shutil.rmtree, media, ignore_errors=True)
    settings = override_settings(MEDIA_ROOT=media)
    settings.enable()
    testcase.addCleanup(settings.disable)
    return media


class SheetPageTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cast = cls.world.cast
        cls.cast = cast
        cls.admin = cast.admin
        cls.leaves = cls.world.leaves
        cls.thai_binh = cast.member_unit
        cls.quang_ninh = cast.head_unit
        cls.hai_phong = cls.world.deputy_unit
        cls.bac_ninh = cast.members[3]
        cls.deputy_officer = give_role(
            UserFactory(username="haiphong"), Role.UNIT_OFFICER, cls.hai_phong
        )
        cls.bac_ninh_officer = give_role(
            UserFactory(username="bacninh"), Role.UNIT_OFFICER, cls.bac_ninh
        )

    def setUp(self):
        self.sheet = self.world.sheet(self.thai_binh)
        self.traveller = time_machine.travel(DURING)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def travel(self, day):
        self.traveller.stop()
        self.traveller = time_machine.travel(day)
        self.traveller.start()

    def url(self, name: str, *args) -> str:
        return reverse(f"emulation:{name}", args=[self.sheet.pk, *args])

    def self_score(self, number: str):
        return Score.objects.filter(
            sheet=self.sheet, criterion=self.leaves[number], stage=Stage.SELF
        ).first()

    def record_actuals(self):
        for unit in self.cast.members:
            target = self.world.year.targets.get(unit=unit)
            target_services.record_actual(target, D(243), actor=self.admin)

    def submit_all(self, cut: dict | None = None):
        """Every member self-assesses (Thái Bình as ``cut`` says) and submits."""
        for unit in self.cast.members:
            self_assess(self.world, unit, cut if unit == self.thai_binh and cut else {})

    def review_all(self, points_by_reviewer: dict | None = None):
        """Both leaders review every other member (Thái Bình as given), rounds closed."""
        points_by_reviewer = points_by_reviewer or {}
        for unit in self.cast.members:
            for reviewer in (self.quang_ninh, self.hai_phong):
                if reviewer != unit:
                    cut = points_by_reviewer.get(reviewer, {}) if unit == self.thai_binh else {}
                    review(self.world, unit, reviewer, cut)
            sheets.complete_review(self.world.sheet(unit), actor=self.admin)


# ---------------------------------------------------------------- the page and who sees it


class SheetPageTests(SheetPageTestCase):
    def test_the_unit_officer_sees_its_draft_with_an_input_per_hand_scored_leaf(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(self.sheet.get_absolute_url())

        self.assertContains(response, "Bảng điểm Thái Bình")
        self.assertContains(response, "Đang tự chấm")
        self.assertContains(response, "10/12/2021")
        self.assertContains(response, "Thang điểm 2021 (phiên bản 1)")
        self.assertContains(response, 'Đã tự chấm <strong id="progress-done">0</strong>/6')
        for number, leaf in self.leaves.items():
            with self.subTest(number=number):
                row = row_html(response, leaf)
                has_input = f'id="self-points-{leaf.pk}"' in row
                self.assertEqual(has_input, number != "1.3")
        self.assertIn("tính từ chỉ tiêu", row_html(response, self.leaves["1.3"]))
        self.assertContains(response, 'id="submit-sheet"')

    def test_an_outsider_and_an_anonymous_visitor_do_not_see_the_sheet(self):
        url = self.sheet.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(self.cast.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_another_member_gets_404_before_publication_and_sees_the_sheet_after(self):
        self.record_actuals()
        url = self.sheet.get_absolute_url()
        self.client.force_login(self.bac_ninh_officer)
        self.assertEqual(self.client.get(url).status_code, 404)

        self.submit_all()
        self.travel(AFTER)
        self.client.force_login(self.bac_ninh_officer)  # the session of November has expired
        self.review_all()
        self.assertEqual(self.client.get(url).status_code, 404)
        for unit in self.cast.members:
            sheets.finalize(self.world.sheet(unit), actor=self.admin)
        self.assertEqual(self.client.get(url).status_code, 404)
        cycle.publish_period(self.world.period, actor=self.admin)

        response = self.client.get(url)
        self.assertContains(response, "Đã chốt kết quả")
        self.assertNotContains(response, 'name="points"')

    def test_the_page_is_read_in_a_fixed_number_of_queries(self):
        """However many criteria the scale has (here: five more bonus leaves)."""
        self.client.force_login(self.cast.member_officer)
        url = self.sheet.get_absolute_url()
        self_assess(self.world, self.thai_binh, {}, submit=False)
        with self.assertNumQueries(12), CaptureQueriesContext(connection) as before:
            # 1. the session; 2. the user; 3. the sheet with its period, year, cluster,
            # scale and unit joined; 4. the user's role assignments (cached on the user);
            # access (emulation.permissions.get_sheet_for_user): 5. may the user manage the
            # year (does one of its units lead the cluster in 2021? cached on the user for
            # the rest of the request); 6. is the cluster visible to it; 7. the year's
            # reviewer units (may the user review?); the layers (services.sheets.view):
            # 8. the criteria; 9. every score of the sheet with its reviewer; 10. the
            # targets of the target-driven leaves; 11. the names of the units named on the
            # page (registry.names_on, one query); 12. the evidence files of the sheet.
            self.client.get(url)
        bonus_group = self.leaves["3.1"].parent
        for number in range(5):
            leaf = scales.add_criterion(
                self.world.scale,
                parent=bonus_group,
                title=f"Sáng kiến {number}",
                max_points=D(1),
                actor=self.admin,
            )
            sheets.set_self_score(self.sheet, leaf, points=D(1), actor=self.admin)
        with CaptureQueriesContext(connection) as after:
            self.client.get(url)
        self.assertEqual(len(after), len(before))
        with self.assertNumQueries(len(before)):
            response = self.client.get(url)
        self.assertContains(response, "Sáng kiến 4")


# ---------------------------------------------------------------- self-assessment


class SelfAssessmentTests(SheetPageTestCase):
    def post_self(self, number: str, data: dict, *, htmx: bool = True, user=None):
        self.client.force_login(user or self.cast.member_officer)
        return self.client.post(
            self.url("sheet_self", self.leaves[number].pk), data, headers=HTMX if htmx else {}
        )

    def test_an_htmx_entry_saves_the_cell_and_answers_with_the_new_running_total(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(20), actor=self.admin)
        sheets.set_self_score(self.sheet, self.leaves["3.1"], points=D(2), actor=self.admin)

        response = self.post_self("2.2", {"points": "12,5", "note": "Đã đánh giá 100% cán bộ"})

        self.assertEqual(response.status_code, 200)
        score = self.self_score("2.2")
        self.assertEqual((score.points, score.note), (D("12.5"), "Đã đánh giá 100% cán bộ"))
        self.assertEqual(score.entered_by, self.cast.member_officer)
        # The row's message first (the swap target), then out of band the layers of the
        # row, the group "2" row and the totals; the inputs themselves are left as typed.
        self.assertEqual(message_of(response), "Đã lưu điểm tự chấm tiêu chí 2.2.")
        self.assertNotIn('name="points"', response.text)
        self.assertIn(f'<div id="c-{self.leaves["2.2"].pk}-self" class="layer-view"', response.text)
        group = re.search(
            rf'<tr id="g-{self.leaves["2.2"].parent_id}"[^>]*hx-swap-oob="true".*?</tr>',
            response.text,
            re.S,
        )
        self.assertIn('class="num subtotal-self">12,5<', group.group(0))
        self.assertIn(
            'id="sheet-totals" class="card sheet-totals" aria-live="polite" hx-swap-oob="true"',
            response.text,
        )
        # 20 + 12,5 regular, + 2 bonus; 1.3 has no reported actual yet, so no points.
        self.assertEqual(totals_of(response), format_points(D(20) + D("12.5") + D(2)))

    def test_a_point_and_a_comma_both_mark_the_decimals(self):
        self.assertEqual(parse_points("2,5"), D("2.5"))
        self.assertEqual(parse_points(" 2.5 "), D("2.5"))
        self.assertEqual(parse_points("1.000,5"), D("1000.5"))
        self.assertIsNone(parse_points(""))
        for bad in ("-1", "abc", "2,5,1", "1e3"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_points(bad)
        self.post_self("1.1", {"points": "17.5"})
        self.assertEqual(self.self_score("1.1").points, D("17.5"))

    def test_an_entry_over_the_maximum_is_refused_in_the_row_and_changes_nothing(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(15), actor=self.admin)
        counts = (Score.objects.count(), AuditEntry.objects.count())

        response = self.post_self("1.1", {"points": "25"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(message_of(response), "Tiêu chí 1.1: 25 điểm vượt điểm tối đa 20.")
        self.assertIn('<p class="error cell-error" role="alert">', response.text)
        self.assertEqual(self.self_score("1.1").points, D(15))
        self.assertEqual(counts, (Score.objects.count(), AuditEntry.objects.count()))
        self.assertEqual(totals_of(response), "15")

    def test_a_number_that_is_not_a_number_is_refused_in_vietnamese(self):
        response = self.post_self("1.1", {"points": "mười"})

        self.assertIn("Điểm “mười” không hợp lệ", message_of(response))
        self.assertIsNone(self.self_score("1.1"))

    def test_not_applicable_needs_a_reason_and_then_lowers_the_maximum(self):
        response = self.post_self("2.2", {"points": "5", "not_applicable": "on"})
        self.assertEqual(message_of(response), "Tiêu chí 2.2: nêu lý do không áp dụng.")
        self.assertIsNone(self.self_score("2.2"))

        response = self.post_self(
            "2.2", {"points": "5", "not_applicable": "on", "note": "Không có nhiệm vụ này"}
        )

        score = self.self_score("2.2")
        self.assertEqual((score.applicable, score.points), (False, None))
        self.assertEqual(message_of(response), "Đã lưu điểm tự chấm tiêu chí 2.2.")
        maximum = re.search(r'<tr class="totals-self">.*?</tr>', response.text, re.S).group(0)
        self.assertIn(f">{format_points(D(100) - self.leaves['2.2'].max_points)}<", maximum)

    def test_a_target_driven_leaf_cannot_be_scored_by_hand(self):
        response = self.post_self("1.3", {"points": "30"})

        self.assertIn("được tính tự động từ chỉ tiêu", message_of(response))
        self.assertIsNone(self.self_score("1.3"))

    def test_without_javascript_the_entry_redirects_back_to_the_row(self):
        response = self.post_self("1.1", {"points": "18"}, htmx=False)

        self.assertRedirects(
            response,
            f"{self.sheet.get_absolute_url()}#c-{self.leaves['1.1'].pk}",
            fetch_redirect_response=False,
        )
        self.assertEqual(self.self_score("1.1").points, D(18))
        refused = self.post_self("1.1", {"points": "21"}, htmx=False)
        page = self.client.get(refused["Location"])
        self.assertContains(page, "vượt điểm tối đa 20")
        self.assertEqual(self.self_score("1.1").points, D(18))

    def test_only_the_units_own_officers_self_assess(self):
        for user in (self.cast.head_officer, self.cast.department_officer, self.cast.outsider):
            with self.subTest(user=user.username):
                response = self.post_self("1.1", {"points": "10"}, user=user)
                self.assertEqual(response.status_code, 404)
        self.assertIsNone(self.self_score("1.1"))

    def test_after_the_due_date_the_sheet_is_locked(self):
        self.travel(AFTER)
        self.client.force_login(self.cast.member_officer)

        page = self.client.get(self.sheet.get_absolute_url())
        response = self.post_self("1.1", {"points": "10"})

        self.assertContains(page, "Đã khóa")
        self.assertNotContains(page, 'name="points"')
        self.assertNotContains(page, 'id="submit-sheet"')
        self.assertContains(response, "Đã quá hạn nộp (10/12/2021)")
        self.assertIsNone(self.self_score("1.1"))

    def test_submitting_an_incomplete_sheet_lists_the_missing_criteria(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(20), actor=self.admin)
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(self.url("sheet_submit"), follow=True)

        self.assertContains(response, "Chưa tự chấm tiêu chí 1.2, 2.1, 2.2.")
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.DRAFT)

    def test_another_unit_cannot_submit_the_sheet(self):
        self_assess(self.world, self.thai_binh, {}, submit=False)
        self.client.force_login(self.cast.head_officer)

        response = self.client.post(self.url("sheet_submit"))

        self.assertEqual(response.status_code, 404)
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.DRAFT)

    def test_a_complete_sheet_is_submitted_and_its_inputs_close(self):
        self_assess(self.world, self.thai_binh, {}, submit=False)
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(self.url("sheet_submit"), follow=True)

        self.assertContains(response, "Đã nộp bảng điểm.")
        self.assertContains(response, "Đã nộp, chờ bình xét")
        self.assertNotContains(response, 'name="points"')
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.SUBMITTED)


# ---------------------------------------------------------------- review rounds


class ReviewTests(SheetPageTestCase):
    def setUp(self):
        super().setUp()
        self.record_actuals()
        self.submit_all()
        self.sheet.refresh_from_db()

    def post_review(self, user, reviewer, number: str, data: dict, sheet=None):
        self.client.force_login(user)
        sheet = sheet or self.sheet
        url = reverse(
            "emulation:sheet_review", args=[sheet.pk, reviewer.pk, self.leaves[number].pk]
        )
        return self.client.post(url, data, headers=HTMX)

    def reviews_of(self, number: str, sheet=None):
        return Score.objects.filter(
            sheet=sheet or self.sheet, criterion=self.leaves[number], stage=Stage.REVIEW
        )

    def test_a_reviewer_scores_a_cell_beside_the_self_score_and_sees_its_own_total(self):
        self.client.force_login(self.deputy_officer)
        page = self.client.get(self.sheet.get_absolute_url())
        self.assertContains(page, "Bạn chấm với tư cách <strong>Hải Phòng</strong>.")
        self.assertIn(
            f'id="review-points-{self.leaves["2.1"].pk}"', row_html(page, self.leaves["2.1"])
        )

        response = self.post_review(self.deputy_officer, self.hai_phong, "2.1", {"points": "20,5"})

        score = self.reviews_of("2.1").get()
        self.assertEqual((score.reviewer, score.points), (self.hai_phong, D("20.5")))
        # Its own total so far: only 2.1 is scored by hand, 1.3 comes from the target.
        derived = sheets.line_of(self.sheet, self.leaves["1.3"]).derived
        self.assertEqual(totals_of(response, "mine"), format_points(D("20.5") + derived))

    def test_an_officer_of_two_reviewer_units_chooses_which_one_scores(self):
        both = give_role(
            give_role(UserFactory(username="hai-don-vi"), Role.UNIT_OFFICER, self.quang_ninh),
            Role.UNIT_OFFICER,
            self.hai_phong,
        )
        self.client.force_login(both)
        leaf = self.leaves["2.1"]

        first = self.client.get(self.sheet.get_absolute_url())
        chosen = self.client.get(self.sheet.get_absolute_url(), {"cham": self.hai_phong.pk})

        self.assertContains(first, '<select name="cham"')
        for unit in (self.quang_ninh, self.hai_phong):
            self.assertContains(first, f'<option value="{unit.pk}"')
        self.assertIn(
            reverse("emulation:sheet_review", args=[self.sheet.pk, self.hai_phong.pk, leaf.pk]),
            row_html(chosen, leaf),
        )
        self.post_review(both, self.hai_phong, "2.1", {"points": "21"})
        self.assertEqual(self.reviews_of("2.1").get().reviewer, self.hai_phong)

    def test_a_reviewer_cannot_review_its_own_unit(self):
        own = self.world.sheet(self.hai_phong)
        response = self.post_review(
            self.deputy_officer, self.hai_phong, "2.1", {"points": "20"}, sheet=own
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.reviews_of("2.1", own).exists())
        page = self.client.get(own.get_absolute_url())
        self.assertNotContains(page, 'name="points"')

    def test_a_reviewer_cannot_score_in_the_name_of_another_reviewer_unit(self):
        response = self.post_review(self.deputy_officer, self.quang_ninh, "2.1", {"points": "20"})

        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.reviews_of("2.1").exists())

    def test_an_ordinary_member_cannot_review(self):
        other = self.world.sheet(self.bac_ninh)
        response = self.post_review(
            self.cast.member_officer, self.thai_binh, "2.1", {"points": "20"}, sheet=other
        )
        self.assertEqual(response.status_code, 404)

    def test_a_review_over_the_maximum_is_refused_in_the_row(self):
        response = self.post_review(self.deputy_officer, self.hai_phong, "2.2", {"points": "16"})

        self.assertEqual(message_of(response), "Tiêu chí 2.2: 16 điểm vượt điểm tối đa 15.")
        self.assertFalse(self.reviews_of("2.2").exists())

    def test_individual_reviewer_scores_are_hidden_from_the_reviewed_unit(self):
        self.travel(AFTER)
        review(self.world, self.thai_binh, self.quang_ninh, {"2.1": D("16.5")})
        review(self.world, self.thai_binh, self.hai_phong, {"2.1": D("23.5")})
        sheets.complete_review(self.sheet, actor=self.admin)
        leaf = self.leaves["2.1"]

        self.client.force_login(self.cast.member_officer)
        own = row_html(self.client.get(self.sheet.get_absolute_url()), leaf)
        history = self.client.get(self.url("sheet_cell_history", leaf.pk))
        self.client.force_login(self.cast.department_officer)
        manager = row_html(self.client.get(self.sheet.get_absolute_url()), leaf)

        mean = (D("16.5") + D("23.5")) / 2
        self.assertIn(f'<span class="points">{format_points(mean)}</span>', own)
        for text in ("16,5", "23,5", "Quảng Ninh", "Hải Phòng", "reviewer-score"):
            self.assertNotIn(text, own)
            self.assertNotIn(text, history.text)
        self.assertIn('Quảng Ninh: <span class="points">16,5</span>', manager)
        self.assertIn('Hải Phòng: <span class="points">23,5</span>', manager)

    def test_the_difference_with_the_self_score_is_marked(self):
        self.travel(AFTER)
        review(self.world, self.thai_binh, self.quang_ninh, {"2.1": D(20)})
        review(self.world, self.thai_binh, self.hai_phong, {"2.1": D(20)})
        sheets.complete_review(self.sheet, actor=self.admin)
        self.client.force_login(self.cast.member_officer)

        page = self.client.get(self.sheet.get_absolute_url())

        row = row_html(page, self.leaves["2.1"])
        gap = self.leaves["2.1"].max_points - D(20)  # self-assessed at the maximum
        self.assertIn("differs", row.split(">")[0])
        self.assertIn(f"chênh lệch so với tự chấm: </span>−{format_points(gap)}", row)
        self.assertIn("Tự chấm cao", row)  # 5 of 25 points is over the 10% threshold
        self.assertNotIn("differs", row_html(page, self.leaves["2.2"]).split(">")[0])

    def test_the_head_units_officer_does_not_see_who_scored_its_own_sheet(self):
        """Quảng Ninh's officer manages the year, but its own sheet is reviewed by Hải Phòng
        alone: seeing the individual scores would reveal that reviewer's marks."""
        own = self.world.sheet(self.quang_ninh)
        review(self.world, self.quang_ninh, self.hai_phong, {"2.1": D("21.5")})
        self.client.force_login(self.cast.head_officer)

        submitted = row_html(self.client.get(own.get_absolute_url()), self.leaves["2.1"])
        sheets.complete_review(own, actor=self.admin)
        reviewed = row_html(self.client.get(own.get_absolute_url()), self.leaves["2.1"])

        self.assertNotIn("21,5", submitted)  # the round is not closed: no aggregate yet
        self.assertIn("đang bình xét", submitted)
        self.assertIn('<span class="points">21,5</span>', reviewed)
        self.assertNotIn("Hải Phòng", reviewed)

    def test_managers_see_who_has_not_finished_and_close_the_round_when_all_have(self):
        self.client.force_login(self.cast.department_officer)
        review(self.world, self.thai_binh, self.quang_ninh, {})

        refused = self.client.post(self.url("sheet_complete_review"), follow=True)
        hand = sum(1 for leaf in self.leaves.values() if leaf.method != "target")
        self.assertContains(refused, f"Hải Phòng: còn {hand} tiêu chí")
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.SUBMITTED)

        review(self.world, self.thai_binh, self.hai_phong, {})
        done = self.client.post(self.url("sheet_complete_review"), follow=True)

        self.assertContains(done, "Đã kết thúc bình xét lần 1.")
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.REVIEWED)

    def test_a_reviewer_who_does_not_manage_cannot_close_the_round(self):
        self.client.force_login(self.cast.member_officer)
        response = self.client.post(self.url("sheet_complete_review"))
        self.assertEqual(response.status_code, 404)


class ExplanationAndFinalTests(SheetPageTestCase):
    def setUp(self):
        super().setUp()
        self.record_actuals()
        self.submit_all({"2.1": D("24.5")})
        self.travel(AFTER)
        self.review_all({self.quang_ninh: {"2.1": D(20)}, self.hai_phong: {"2.1": D(20)}})
        self.sheet.refresh_from_db()

    def test_the_unit_explains_a_disputed_cell_and_submits_the_explanation(self):
        self.client.force_login(self.cast.member_officer)
        page = self.client.get(self.sheet.get_absolute_url())
        self.assertIn('name="note"', row_html(page, self.leaves["2.1"]))
        self.assertNotIn('name="note"', row_html(page, self.leaves["2.2"]))

        response = self.client.post(
            self.url("sheet_explain", self.leaves["2.1"].pk),
            {"note": "Đã ban hành quy hoạch cán bộ", "points": "24,5"},
            headers=HTMX,
        )

        self.assertEqual(message_of(response), "Đã lưu giải trình tiêu chí 2.1.")
        explanation = Score.objects.get(sheet=self.sheet, stage=Stage.EXPLANATION)
        self.assertEqual(explanation.points, D("24.5"))
        submitted = self.client.post(self.url("sheet_submit_explanation"), follow=True)
        self.assertContains(submitted, "Đã nộp giải trình.")
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.EXPLAINED)

    def test_evidence_for_an_explanation_is_attached_to_the_explanation(self):
        use_temporary_media(self)
        leaf = self.leaves["2.1"]
        explanation = sheets.explain(self.sheet, leaf, note="Có nghị quyết", actor=self.admin)
        self.client.force_login(self.cast.member_officer)

        response = self.client.post(
            self.url("sheet_evidence_upload", leaf.pk),
            {"file": SimpleUploadedFile("nghi-quyet.pdf", b"%PDF")},
            follow=True,
        )

        self.assertContains(response, "Đã đính kèm “nghi-quyet.pdf” vào tiêu chí 2.1.")
        self.assertEqual(Evidence.objects.get().score, explanation)

    def test_only_the_units_officers_explain(self):
        self.client.force_login(self.cast.head_officer)
        explained = self.client.post(
            self.url("sheet_explain", self.leaves["2.1"].pk), {"note": "Thay"}, headers=HTMX
        )
        submitted = self.client.post(self.url("sheet_submit_explanation"))

        self.assertEqual((explained.status_code, submitted.status_code), (404, 404))
        self.assertFalse(Score.objects.filter(stage=Stage.EXPLANATION).exists())

    def test_an_explanation_of_an_undisputed_cell_is_refused(self):
        self.client.force_login(self.cast.member_officer)
        response = self.client.post(
            self.url("sheet_explain", self.leaves["2.2"].pk), {"note": "Xin thêm"}, headers=HTMX
        )
        self.assertContains(response, "Tiêu chí 2.2 không có chênh lệch")
        self.assertFalse(Score.objects.filter(stage=Stage.EXPLANATION).exists())

    def test_the_second_review_scores_only_explained_cells_then_the_result_is_finalized(self):
        sheets.explain(self.sheet, self.leaves["2.1"], note="Có nghị quyết", actor=self.admin)
        sheets.submit_explanation(self.sheet, actor=self.admin)
        self.client.force_login(self.deputy_officer)
        page = self.client.get(self.sheet.get_absolute_url())
        self.assertIn('id="second-points-', row_html(page, self.leaves["2.1"]))
        self.assertNotIn('id="second-points-', row_html(page, self.leaves["2.2"]))

        for reviewer, user in (
            (self.hai_phong, self.deputy_officer),
            (self.quang_ninh, self.cast.head_officer),
        ):
            self.client.force_login(user)
            self.client.post(
                reverse(
                    "emulation:sheet_review",
                    args=[self.sheet.pk, reviewer.pk, self.leaves["2.1"].pk],
                ),
                {"points": "22"},
                headers=HTMX,
            )
        refused = self.client.post(
            reverse(
                "emulation:sheet_review",
                args=[self.sheet.pk, self.quang_ninh.pk, self.leaves["2.2"].pk],
            ),
            {"points": "10"},
            headers=HTMX,
        )
        self.assertContains(refused, "Tiêu chí 2.2 không có giải trình")
        self.assertEqual(
            Score.objects.filter(sheet=self.sheet, stage=Stage.SECOND_REVIEW).count(), 2
        )

        self.client.force_login(self.cast.department_officer)
        final = self.client.post(self.url("sheet_finalize"), follow=True)

        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.FINAL)
        self.assertContains(final, "Đã chốt kết quả bảng điểm.")
        self.assertContains(final, '<dd id="aggregation-used">Trung bình cộng</dd>')
        self.assertContains(final, f"{format_points(self.sheet.final_total)}/100 điểm")
        self.assertIn('<span class="points">22</span>', row_html(final, self.leaves["2.1"]))

    def test_the_unit_does_not_see_a_second_round_that_is_still_open(self):
        """One reviewer's second score would show through the provisional result."""
        leaf = self.leaves["2.1"]
        sheets.explain(self.sheet, leaf, note="Có nghị quyết", actor=self.admin)
        sheets.submit_explanation(self.sheet, actor=self.admin)
        review(self.world, self.thai_binh, self.hai_phong, {"2.1": D("23.5")}, "second_review")
        self.client.force_login(self.cast.member_officer)

        page = self.client.get(self.sheet.get_absolute_url())

        row = row_html(page, leaf)
        self.assertNotIn("23,5", row)
        self.assertIn("đang bình xét lần 2", row)
        self.assertNotIn('id="total-result"', page.text)
        self.client.force_login(self.cast.department_officer)
        self.assertIn("23,5", row_html(self.client.get(self.sheet.get_absolute_url()), leaf))

    def test_only_managers_finalize(self):
        self.client.force_login(self.cast.member_officer)
        self.assertEqual(self.client.post(self.url("sheet_finalize")).status_code, 404)
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.status, SheetStatus.REVIEWED)


# ---------------------------------------------------------------- reopening


class ReopenTests(SheetPageTestCase):
    def test_reopening_needs_a_reason(self):
        self.travel(AFTER)
        self.client.force_login(self.cast.department_officer)

        response = self.client.post(self.url("sheet_reopen"), {"until": "31/12/2021", "reason": ""})

        self.assertContains(response, "Nhập lý do mở lại bảng điểm.")
        self.sheet.refresh_from_db()
        self.assertIsNone(self.sheet.reopened_until)

    def test_a_manager_reopens_a_locked_sheet_until_a_date_and_the_unit_can_score_again(self):
        self.travel(AFTER)
        self.client.force_login(self.cast.department_officer)
        page = self.client.get(self.sheet.get_absolute_url())
        self.assertContains(page, "Mở lại bảng điểm đã quá hạn")

        response = self.client.post(
            self.url("sheet_reopen"),
            {"until": "31/12/2021", "reason": "Đơn vị gặp sự cố mạng"},
            follow=True,
        )

        self.assertContains(response, "Mở lại đến hết ngày 31/12/2021")
        entry = AuditEntry.objects.filter(object_id=str(self.sheet.pk)).latest("pk")
        self.assertEqual(entry.reason, "Đơn vị gặp sự cố mạng")
        self.client.force_login(self.cast.member_officer)
        self.client.post(
            self.url("sheet_self", self.leaves["1.1"].pk), {"points": "10"}, headers=HTMX
        )
        self.assertEqual(self.self_score("1.1").points, D(10))

    def test_a_unit_officer_cannot_reopen_its_own_sheet(self):
        self.travel(AFTER)
        self.client.force_login(self.cast.member_officer)
        response = self.client.post(
            self.url("sheet_reopen"), {"until": "31/12/2021", "reason": "Xin mở lại"}
        )
        self.assertEqual(response.status_code, 404)


# ---------------------------------------------------------------- cell history


class CellHistoryTests(SheetPageTestCase):
    def test_the_history_of_a_cell_lists_who_changed_it_from_what_to_what(self):
        self.client.force_login(self.cast.member_officer)
        url = self.url("sheet_self", self.leaves["1.1"].pk)
        self.client.post(url, {"points": "12,5"}, headers=HTMX)
        self.client.post(url, {"points": "17,5", "note": "Bổ sung kết quả"}, headers=HTMX)

        response = self.client.get(self.url("sheet_cell_history", self.leaves["1.1"].pk))

        rows = re.findall(
            r'<td class="before">([^<]*)</td>\s*<td class="after">([^<]*)</td>', response.text
        )
        self.assertEqual(rows, [("12,5", "17,5 — “Bổ sung kết quả”"), ("—", "12,5")])
        table = re.search(r'<table class="grid history".*?</table>', response.text, re.S).group(0)
        self.assertEqual(table.count("<td>thaibinh</td>"), 2)
        self.assertEqual(table.count("<td>Tự chấm</td>"), 2)

    def test_the_history_is_not_shown_to_who_cannot_see_the_sheet(self):
        self.client.force_login(self.bac_ninh_officer)
        response = self.client.get(self.url("sheet_cell_history", self.leaves["1.1"].pk))
        self.assertEqual(response.status_code, 404)


# ---------------------------------------------------------------- evidence files


class EvidenceTests(SheetPageTestCase):
    def setUp(self):
        super().setUp()
        self.media = use_temporary_media(self)

    def upload(self, number: str, name: str, content: bytes, user=None):
        self.client.force_login(user or self.cast.member_officer)
        return self.client.post(
            self.url("sheet_evidence_upload", self.leaves[number].pk),
            {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
            follow=True,
        )

    def download(self, evidence, user):
        self.client.force_login(user)
        return self.client.get(self.url("sheet_evidence", evidence.pk))

    def test_the_unit_attaches_a_file_to_its_self_score_and_who_sees_the_sheet_gets_it(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(20), actor=self.admin)
        content = b"%PDF-1.4 Nghi quyet so 12"

        response = self.upload("1.1", "Nghị quyết số 12.pdf", content)

        self.assertContains(response, "Đã đính kèm “Nghị quyết số 12.pdf” vào tiêu chí 1.1.")
        evidence = Evidence.objects.get()
        self.assertEqual(evidence.score, self.self_score("1.1"))
        self.assertTrue(evidence.file.path.startswith(self.media))
        self.assertIn("Nghị quyết số 12.pdf", row_html(response, self.leaves["1.1"]))
        self.assertTrue(
            AuditEntry.objects.filter(object_repr="Nghị quyết số 12.pdf", action="create").exists()
        )
        own = self.download(evidence, self.cast.member_officer)
        self.assertEqual(b"".join(own.streaming_content), content)
        self.assertIn("attachment", own["Content-Disposition"])
        self.assertEqual(self.download(evidence, self.cast.department_officer).status_code, 200)
        for user in (self.cast.outsider, self.bac_ninh_officer):
            with self.subTest(user=user.username):
                self.assertEqual(self.download(evidence, user).status_code, 404)

    def test_a_file_over_10_mb_is_refused_and_nothing_is_stored(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(20), actor=self.admin)

        response = self.upload("1.1", "ban-scan.pdf", b"0" * (10 * 1024 * 1024 + 1))

        self.assertContains(response, "quá lớn")
        self.assertContains(response, "chỉ nhận tệp đến 10 MB")
        self.assertFalse(Evidence.objects.exists())

    def test_a_file_needs_a_self_score_to_attach_to(self):
        response = self.upload("1.1", "bao-cao.pdf", b"%PDF")

        self.assertContains(
            response, "Tiêu chí 1.1: tự chấm trước khi đính kèm tài liệu kiểm chứng."
        )
        self.assertFalse(Evidence.objects.exists())

    def test_another_unit_cannot_attach_files_to_the_sheet(self):
        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D(20), actor=self.admin)
        self.client.force_login(self.cast.head_officer)
        response = self.client.post(
            self.url("sheet_evidence_upload", self.leaves["1.1"].pk),
            {"file": SimpleUploadedFile("x.pdf", b"%PDF")},
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Evidence.objects.exists())


# ---------------------------------------------------------------- Excel


class ExcelPageTests(SheetPageTestCase):
    def workbook(self, response):
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def rows_by_number(self, ws):
        from emulation import excel

        return {
            str(ws.cell(row=r, column=1).value): r
            for r in range(excel.FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=8).value is not None
        }

    def test_the_sheet_downloads_as_an_xlsx_named_after_the_unit_and_year(self):
        from emulation import excel

        sheets.set_self_score(self.sheet, self.leaves["1.1"], points=D("17.5"), actor=self.admin)
        self.client.force_login(self.cast.member_officer)

        filled = self.client.get(self.url("sheet_excel"))
        blank = self.client.get(self.url("sheet_excel") + "?mau=trong")

        for response in (filled, blank):
            self.assertEqual(
                response["Content-Type"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        self.assertEqual(
            filled["Content-Disposition"],
            'attachment; filename="bang-diem-thai-binh-yearend-2021.xlsx"',
        )
        self.assertIn("-mau-trong.xlsx", blank["Content-Disposition"])
        ws = self.workbook(filled)[excel.SHEET_TITLE]
        row = self.rows_by_number(ws)["1.1"]
        self.assertEqual(D(str(ws[f"E{row}"].value)), D("17.5"))
        self.assertIsNone(self.workbook(blank)[excel.SHEET_TITLE][f"E{row}"].value)

    def test_the_excel_file_is_not_given_to_who_cannot_see_the_sheet(self):
        self.client.force_login(self.bac_ninh_officer)
        self.assertEqual(self.client.get(self.url("sheet_excel")).status_code, 404)

    def filled_file(self, values: dict[str, tuple]) -> bytes:
        from emulation import excel

        book = openpyxl.load_workbook(io.BytesIO(excel.export_sheet(self.sheet, filled=False)))
        ws = book[excel.SHEET_TITLE]
        rows = self.rows_by_number(ws)
        for number, (score, marker, reason) in values.items():
            ws[f"E{rows[number]}"], ws[f"F{rows[number]}"] = score, marker
            ws[f"G{rows[number]}"] = reason
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def post_file(self, data: bytes, user=None):
        self.client.force_login(user or self.cast.member_officer)
        return self.client.post(
            self.url("sheet_import"),
            {"file": SimpleUploadedFile("bang-diem.xlsx", data)},
            follow=True,
        )

    def test_an_uploaded_sheet_is_saved_and_the_counts_are_reported(self):
        values = {
            "1.1": (18, None, None),
            "1.2": (10, None, None),
            "2.1": (None, "x", "Không có nhiệm vụ quy hoạch năm nay"),
            "2.2": (15, None, None),
        }
        response = self.post_file(self.filled_file(values))

        self.assertContains(
            response, f"Đã nhập bảng điểm: {len(values)} ô thay đổi, 0 ô giữ nguyên."
        )
        self.assertEqual(self.self_score("1.1").points, D(18))
        self.assertFalse(self.self_score("2.1").applicable)

    def test_a_wrong_sheet_is_refused_with_a_table_of_problems_and_nothing_is_saved(self):
        from emulation import excel

        data = self.filled_file({"1.1": (25, None, None), "1.2": (5, None, None)})
        counts = (Score.objects.count(), AuditEntry.objects.count())

        response = self.post_file(data)

        self.assertContains(response, "Không nhập được: chưa lưu ô nào")
        table = re.search(
            r'<table class="grid" id="import-problems">.*?</table>', response.text, re.S
        )
        for header in ("Trang tính", "Dòng", "Cột", "Lỗi"):
            self.assertIn(f">{header}</th>", table.group(0))
        problems = re.findall(
            r'<tr><td>([^<]*)</td><td class="num">(\d+)</td>'
            r"<td>([A-Z])</td><td>([^<]*)</td></tr>",
            table.group(0),
        )
        book = openpyxl.load_workbook(io.BytesIO(data))
        rows = self.rows_by_number(book[excel.SHEET_TITLE])
        self.assertIn(
            (
                excel.SHEET_TITLE,
                str(rows["1.1"]),
                "E",
                "Tiêu chí 1.1: 25 điểm vượt điểm tối đa 20.",
            ),
            problems,
        )
        self.assertEqual(len(problems), 2)  # 1.2 is yes/no: 0 or 10 only
        self.assertEqual(counts, (Score.objects.count(), AuditEntry.objects.count()))

    def test_only_the_units_officers_import(self):
        response = self.post_file(
            self.filled_file({"1.1": (18, None, None)}), user=self.cast.head_officer
        )
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(self.self_score("1.1"))


class CrossReviewTests(ThiDuaTestCase):
    """In cross-assessment every member reviews the others; a member that does not manage
    the year sees its own scores of another sheet, never the other reviewers'."""

    def setUp(self):
        self.world = make_world(review_mode="cross")
        cast = self.world.cast
        self.traveller = time_machine.travel(DURING)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)
        for unit in cast.members:
            self_assess(self.world, unit, {})
        self.sheet = self.world.sheet(cast.members[3])

    def test_a_member_reviewer_sees_only_its_own_scores_until_the_round_closes(self):
        cast = self.world.cast
        leaf = self.world.leaves["2.1"]
        review(self.world, cast.members[3], cast.head_unit, {"2.1": D("16.5")})
        self.client.force_login(cast.member_officer)
        url = reverse("emulation:sheet_review", args=[self.sheet.pk, cast.member_unit.pk, leaf.pk])

        response = self.client.post(url, {"points": "23,5"}, headers=HTMX)

        self.assertEqual(message_of(response), "Đã lưu điểm bình xét tiêu chí 2.1.")
        review_layer = re.search(
            rf'<div id="c-{leaf.pk}-review".*?</div>', response.text, re.S
        ).group(0)
        self.assertIn('Thái Bình: <span class="points">23,5</span>', review_layer)
        self.assertNotIn("16,5", response.text)
        self.assertNotIn("Quảng Ninh", review_layer)
        self.assertIn("đang bình xét", review_layer)  # no aggregate of a round still open
