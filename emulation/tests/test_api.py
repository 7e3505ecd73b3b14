"""/api/v1/emulation/ (django-ninja): the emulation cycle through the JSON API.

The API asks the same permission functions as the pages: what a user may not see or
change is 404 and changes nothing; a refused rule is 422 with the Vietnamese message;
decimals travel as exact strings.
"""

import json
from decimal import Decimal as D

import time_machine

from core.models import ApiToken, AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from emulation.models import (
    Criterion,
    EmulationYear,
    Period,
    Pledge,
    Scale,
    Score,
    ScoreSheet,
    SheetStatus,
    Target,
    TaskGroup,
)
from emulation.services import cycle, pledges, sheets
from emulation.services import targets as target_services
from emulation.testing import AFTER, DURING, make_world, review, self_assess
from organizations.testing import UserFactory, give_role, make_unit

API = "/api/v1/emulation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class EmulationApiTestCase(ThiDuaTestCase):
    review_mode = "leaders"

    @classmethod
    def setUpTestData(cls):
        cls.world = make_world(cls.review_mode)
        cast = cls.world.cast
        cls.cast = cast
        cls.admin = cast.admin
        cls.quang_ninh, cls.thai_binh, cls.hai_phong, cls.bac_ninh, cls.ninh_binh = cast.members
        # Quảng Ninh heads the cluster in 2021 and Hải Phòng is its deputy: both review.
        cls.head = cast.head_officer
        cls.deputy = give_role(
            UserFactory(username="haiphong", password=None), Role.UNIT_OFFICER, cls.hai_phong
        )
        cls.member = cast.member_officer  # Thái Bình
        cls.peer = give_role(
            UserFactory(username="bacninh", password=None), Role.UNIT_OFFICER, cls.bac_ninh
        )
        cls.department = cast.department_officer
        cls.outsider = cast.outsider

    def setUp(self):
        self.tokens: dict[int, str] = {}

    # ------------------------------------------------------------ requests

    def auth(self, user) -> dict:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = ApiToken.issue(user, "test")[1]
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[user.pk]}"}

    def get(self, path, user, **params):
        return self.client.get(API + path, params, **self.auth(user))

    def send(self, method, path, user, body=None):
        return self.client.generic(
            method,
            API + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            **self.auth(user),
        )

    def post(self, path, user, body=None):
        return self.send("POST", path, user, body)

    def put(self, path, user, body=None):
        return self.send("PUT", path, user, body)

    def patch(self, path, user, body=None):
        return self.send("PATCH", path, user, body)

    # ------------------------------------------------------------ world

    def leaf(self, number) -> Criterion:
        return self.world.leaves[number]

    def sheet(self, unit) -> ScoreSheet:
        return self.world.sheet(unit)

    def record_actuals(self, units, actual=D(243)):
        for unit in units:
            target = self.world.year.targets.get(unit=unit)
            target_services.record_actual(target, actual, actor=self.admin)

    def others(self):
        return [u for u in self.cast.members if u != self.thai_binh]

    def state(self):
        """Everything the write endpoints could change, to compare before and after."""
        return (
            AuditEntry.objects.count(),
            [m.objects.count() for m in (EmulationYear, Period, Scale, Criterion, Pledge)],
            [m.objects.count() for m in (TaskGroup, Target, ScoreSheet, Score)],
            sorted(ScoreSheet.objects.values_list("pk", "status", "reopened_until")),
            sorted(EmulationYear.objects.values_list("pk", "phase", "flag_count")),
            sorted(Criterion.objects.values_list("pk", "title", "max_points")),
            sorted(Target.objects.values_list("pk", "actual", "planned")),
            sorted(Period.objects.values_list("pk", "published_at", "due_on")),
            sorted(Pledge.objects.values_list("pk", "signed_on")),
        )

    def submit_everyone(self):
        with time_machine.travel(DURING):
            for unit in self.cast.members:
                self_assess(self.world, unit, {})

    def review_everyone(self):
        """Every sheet submitted and reviewed by both leaders at its self scores."""
        self.submit_everyone()
        with time_machine.travel(AFTER):
            for unit in self.cast.members:
                for reviewer in (self.quang_ninh, self.hai_phong):
                    if reviewer != unit:
                        review(self.world, unit, reviewer, {})
                sheets.complete_review(self.sheet(unit), actor=self.admin)


class HappyPathTests(EmulationApiTestCase):
    def test_a_sheet_goes_through_the_api_from_self_score_to_the_published_ranking(self):
        sheet_path = f"/sheets/{self.sheet(self.thai_binh).pk}"
        period_path = f"/periods/{self.world.period.pk}"
        self.record_actuals(self.others())
        target = self.world.year.targets.get(unit=self.thai_binh)

        reported = self.post(f"/targets/{target.pk}/actual", self.member, {"actual": "243"})

        self.assertEqual(reported.status_code, 200)
        self.assertEqual((reported.json()["attainment"], reported.json()["met"]), ("101.25", True))

        # Tự chấm: points as strings or numbers.
        own = {"1.1": "20", "1.2": 10, "2.1": "24.5", "2.2": "15", "3.1": "2", "4.1": "0"}
        with time_machine.travel(DURING):
            for number, points in own.items():
                response = self.put(
                    f"{sheet_path}/self-scores/{self.leaf(number).pk}",
                    self.member,
                    {"points": points},
                )
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(D(response.json()["points"]), D(str(points)))
            submitted = self.post(f"{sheet_path}/submit", self.member)
            for unit in self.others():
                self_assess(self.world, unit, {})

        self.assertEqual(submitted.status_code, 200)
        self.assertEqual(submitted.json()["status"], "submitted")

        # Bình xét lần 1 by the head (its only reviewer unit, so no reviewer_id) and deputy.
        first = {
            self.head: {"1.1": "20", "1.2": "10", "2.1": "20", "2.2": "15", "3.1": "2", "4.1": "1"},
            self.deputy: {
                "1.1": "19",
                "1.2": "10",
                "2.1": "20",
                "2.2": "14",
                "3.1": "3",
                "4.1": "0",
            },
        }
        with time_machine.travel(AFTER):
            for user, scores in first.items():
                body = {} if user == self.head else {"reviewer_id": self.hai_phong.pk}
                for number, points in scores.items():
                    response = self.put(
                        f"{sheet_path}/reviews/{self.leaf(number).pk}",
                        user,
                        {**body, "points": points},
                    )
                    self.assertEqual(response.status_code, 200, response.content)
            reviewed = self.post(f"{sheet_path}/complete-review", self.department)
            for unit in self.others():
                for reviewer in (self.quang_ninh, self.hai_phong):
                    if reviewer != unit:
                        review(self.world, unit, reviewer, {})
                sheets.complete_review(self.sheet(unit), actor=self.admin)

            self.assertEqual(reviewed.status_code, 200)
            self.assertEqual(reviewed.json()["status"], "reviewed")
            mine = self.get(sheet_path, self.member).json()
            mean = {n: (D(first[self.head][n]) + D(first[self.deputy][n])) / 2 for n in own}
            self.assertEqual(
                sorted(line["number"] for line in mine["lines"] if line["disputed"]),
                sorted(n for n in own if D(str(own[n])) != mean[n]),
            )

            # Giải trình 2.1, then the second review rescores it.
            explained = self.put(
                f"{sheet_path}/explanations/{self.leaf('2.1').pk}",
                self.member,
                {"note": "Đã ban hành quy hoạch cán bộ", "points": "24.5"},
            )
            self.assertEqual(explained.status_code, 200, explained.content)
            self.assertEqual(
                self.post(f"{sheet_path}/submit-explanation", self.member).json()["status"],
                "explained",
            )
            second = {self.head: "22", self.deputy: "23"}
            for user, points in second.items():
                body = {} if user == self.head else {"reviewer_id": self.hai_phong.pk}
                response = self.put(
                    f"{sheet_path}/reviews/{self.leaf('2.1').pk}",
                    user,
                    {**body, "stage": "second_review", "points": points},
                )
                self.assertEqual(response.status_code, 200, response.content)

            final = self.post(f"{sheet_path}/finalize", self.department)
            for unit in self.others():
                sheets.finalize(self.sheet(unit), actor=self.admin)
            published = self.post(f"{period_path}/publish", self.department)
            ranking = self.get(f"{period_path}/ranking", self.member)

        # Final = mean of the two reviews (2.1: of the second review), the target leaf 1.3
        # in full (243/240 ≥ 100%), bonus added, deduction taken off.
        mean["2.1"] = (D(second[self.head]) + D(second[self.deputy])) / 2
        regular = sum(mean[n] for n in ("1.1", "1.2", "2.1", "2.2")) + self.leaf("1.3").max_points
        expected = regular + mean["3.1"] - mean["4.1"]
        self.assertEqual(final.status_code, 200)
        self.assertEqual(final.json()["status"], "final")
        self.assertEqual(D(final.json()["final_total"]), expected)
        self.assertEqual(published.status_code, 200)
        self.assertIsNotNone(published.json()["published_at"])
        self.assertEqual(ranking.status_code, 200)
        rows = {row["unit_id"]: row for row in ranking.json()["rows"]}
        ours = rows[self.thai_binh.pk]
        self.assertEqual(D(ours["total"]), expected)
        self.assertEqual(ours["total"], f"{expected:.2f}")
        self.assertEqual(ours["maximum"], "100.00")
        self.assertEqual(D(ours["percent"]), expected)  # of a maximum of 100
        # The others kept their self scores, the maximum everywhere: 100 each, ahead of us.
        self.assertEqual({rows[u.pk]["total"] for u in self.others()}, {"100.00"})
        self.assertEqual(ours["rank"], len(self.others()) + 1)
        self.assertEqual(ours["decided_by"], "Tỷ lệ điểm")
        self.assertEqual(ours["name"], "Thái Bình")
        self.assertEqual(ranking.json()["pending"], [])


class ReadTests(EmulationApiTestCase):
    def test_the_years_listed_are_those_the_caller_may_see(self):
        self.assertEqual(
            [y["id"] for y in self.get("/years", self.member).json()], [self.world.year.pk]
        )
        self.assertEqual(self.get("/years", self.outsider).json(), [])

    def test_a_year_shows_its_rules_participants_periods_and_current_scale(self):
        body = self.get(f"/years/{self.world.year.pk}", self.member).json()

        self.assertEqual(
            (body["year"], body["phase"], body["cluster_id"]),
            (2021, "pledge", self.cast.cluster.pk),
        )
        self.assertEqual(body["rules"]["tie_breaks"], ["fewer_deductions", "group:1"])
        self.assertEqual(body["rules"]["inflation_threshold"], "10.00")
        self.assertEqual(
            sorted(p["name"] for p in body["participants"]),
            sorted(["Quảng Ninh", "Thái Bình", "Hải Phòng", "Bắc Ninh", "Ninh Bình"]),
        )
        self.assertEqual(
            {r["unit_id"] for r in body["reviewers"]}, {self.quang_ninh.pk, self.hai_phong.pk}
        )
        self.assertEqual(
            [(p["id"], p["kind"], p["opens_on"], p["due_on"]) for p in body["periods"]],
            [(self.world.period.pk, "yearend", "2021-11-01", "2021-12-10")],
        )
        self.assertEqual(body["current_scale_id"], self.world.scale.pk)
        self.assertFalse(body["can_manage"])
        self.assertTrue(self.get(f"/years/{self.world.year.pk}", self.head).json()["can_manage"])

    def test_the_scale_is_a_tree_with_string_decimals(self):
        body = self.get(f"/years/{self.world.year.pk}/scale", self.member).json()

        self.assertEqual(body["id"], self.world.scale.pk)
        self.assertEqual((body["total_max"], body["bonus_cap"]), ("100.00", "5.00"))
        self.assertEqual(body["problems"], [])
        self.assertFalse(body["frozen"])
        self.assertEqual(
            [(g["number"], g["max_points"], g["section"]) for g in body["criteria"]],
            [
                ("1", "60.00", "regular"),
                ("2", "40.00", "regular"),
                ("3", "5.00", "bonus"),
                ("4", "5.00", "deduction"),
            ],
        )
        group = body["criteria"][0]
        self.assertEqual([c["number"] for c in group["children"]], ["1.1", "1.2", "1.3"])
        target_leaf = group["children"][2]
        self.assertEqual(
            (target_leaf["method"], target_leaf["target_code"], target_leaf["floor_percent"]),
            ("target", "ket-nap", "50.00"),
        )
        self.assertEqual((target_leaf["step"], target_leaf["children"]), ("0.50", []))

    def test_the_scale_is_frozen_once_a_sheet_is_submitted(self):
        self.submit_everyone()

        body = self.get(f"/scales/{self.world.scale.pk}", self.member).json()

        self.assertTrue(body["frozen"])

    def test_a_unit_officer_sees_only_its_own_units_targets(self):
        self.record_actuals([self.thai_binh], D(243))

        mine = self.get(f"/years/{self.world.year.pk}/targets", self.member).json()
        managed = self.get(f"/years/{self.world.year.pk}/targets", self.department).json()

        self.assertEqual(
            [(t["unit_id"], t["planned"], t["actual"], t["attainment"], t["met"]) for t in mine],
            [(self.thai_binh.pk, "240.00", "243.00", "101.25", True)],
        )
        self.assertEqual({t["unit_id"] for t in managed}, {u.pk for u in self.cast.members})
        self.assertEqual(
            {t["attainment"] for t in managed if t["unit_id"] != self.thai_binh.pk}, {None}
        )

    def test_before_publication_a_member_sees_the_totals_of_its_own_sheet_only(self):
        self.submit_everyone()

        rows = self.get(f"/periods/{self.world.period.pk}/sheets", self.member).json()

        self.assertEqual(len(rows), 5)
        self.assertEqual({r["status"] for r in rows}, {"submitted"})
        visible = {r["unit_id"] for r in rows if r["visible"]}
        self.assertEqual(visible, {self.thai_binh.pk})
        ours = next(r for r in rows if r["unit_id"] == self.thai_binh.pk)
        # self_assess gives every hand-scored regular leaf its maximum; 1.3 has no actual yet.
        hand = sum(
            leaf.max_points
            for n, leaf in self.world.leaves.items()
            if n in ("1.1", "1.2", "2.1", "2.2")
        )
        self.assertEqual(D(ours["self_totals"]["total"]), hand)
        self.assertFalse(ours["self_totals"]["complete"])
        self.assertEqual({r["self_totals"] for r in rows if not r["visible"]}, {None})
        managed = self.get(f"/periods/{self.world.period.pk}/sheets", self.department).json()
        self.assertTrue(all(r["visible"] for r in managed))

    def test_an_outsider_gets_404_everywhere(self):
        sheet = self.sheet(self.thai_binh)
        for path in (
            f"/years/{self.world.year.pk}",
            f"/years/{self.world.year.pk}/scale",
            f"/scales/{self.world.scale.pk}",
            f"/years/{self.world.year.pk}/targets",
            f"/periods/{self.world.period.pk}",
            f"/periods/{self.world.period.pk}/sheets",
            f"/periods/{self.world.period.pk}/ranking",
            f"/sheets/{sheet.pk}",
            f"/sheets/{sheet.pk}/criteria/{self.leaf('1.1').pk}/history",
        ):
            with self.subTest(path=path):
                self.assertEqual(self.get(path, self.outsider).status_code, 404)

    def test_a_member_cannot_read_another_members_sheet_before_publication(self):
        self.submit_everyone()

        response = self.get(f"/sheets/{self.sheet(self.bac_ninh).pk}", self.member)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.get(f"/sheets/{self.sheet(self.thai_binh).pk}", self.member).status_code, 200
        )


class ReviewerIdentityTests(EmulationApiTestCase):
    """Individual reviewers' scores are shown to managers, and to a reviewer for its own
    scores; the reviewed unit sees only the aggregate."""

    def setUp(self):
        super().setUp()
        self.submit_everyone()
        with time_machine.travel(AFTER):
            review(self.world, self.thai_binh, self.quang_ninh, {"2.1": D(20)})
            review(self.world, self.thai_binh, self.hai_phong, {"2.1": D(21)})
        self.path = f"/sheets/{self.sheet(self.thai_binh).pk}"

    def reviews_of(self, user, number="2.1"):
        body = self.get(self.path, user).json()
        line = next(line for line in body["lines"] if line["number"] == number)
        return line, body

    def test_the_reviewed_unit_sees_the_aggregate_once_the_round_closes_never_who_gave_what(
        self,
    ):
        # During the round an aggregate would give away the marks given so far.
        line, body = self.reviews_of(self.member)
        self.assertEqual(line["reviews"], [])
        self.assertIsNone(line["review"])
        self.assertIsNone(body["review_totals"])

        with time_machine.travel(AFTER):
            sheets.complete_review(self.sheet(self.thai_binh), actor=self.admin)
        line, body = self.reviews_of(self.member)
        self.assertEqual(line["reviews"], [])
        self.assertEqual(line["review"], {"points": "20.50", "applicable": True})
        self.assertFalse(body["access"]["see_reviewers"])

    def test_the_head_also_manages_the_year_and_sees_every_reviewer(self):
        line, body = self.reviews_of(self.head)

        self.assertTrue(body["access"]["see_reviewers"])
        self.assertEqual(body["access"]["review_as"], [self.quang_ninh.pk])
        self.assertEqual(len(line["reviews"]), 2)

    def test_a_manager_sees_every_reviewer(self):
        line, body = self.reviews_of(self.department)

        self.assertTrue(body["access"]["see_reviewers"])
        self.assertEqual(
            {(r["reviewer_id"], r["reviewer"], r["points"]) for r in line["reviews"]},
            {
                (self.quang_ninh.pk, "Quảng Ninh", "20.00"),
                (self.hai_phong.pk, "Hải Phòng", "21.00"),
            },
        )

    def test_the_cell_history_hides_the_reviewers_from_the_unit(self):
        criterion = self.leaf("2.1").pk
        history = self.get(f"{self.path}/criteria/{criterion}/history", self.member).json()
        managed = self.get(f"{self.path}/criteria/{criterion}/history", self.department).json()

        self.assertEqual({(e["stage"], e["reviewer_id"]) for e in history}, {("self", None)})
        self.assertEqual(
            {(e["stage"], e["reviewer_id"]) for e in managed},
            {("self", None), ("review", self.quang_ninh.pk), ("review", self.hai_phong.pk)},
        )


class CrossReviewIdentityTests(EmulationApiTestCase):
    """In cross-assessment every member reviews; a plain member is no manager, so it sees
    its own review scores and nobody else's."""

    review_mode = "cross"

    def test_a_reviewer_that_is_not_a_manager_sees_only_its_own_scores(self):
        self.submit_everyone()
        with time_machine.travel(AFTER):
            review(self.world, self.thai_binh, self.bac_ninh, {"2.1": D(20)})
            review(self.world, self.thai_binh, self.ninh_binh, {"2.1": D(19)})

        body = self.get(f"/sheets/{self.sheet(self.thai_binh).pk}", self.peer).json()
        line = next(line for line in body["lines"] if line["number"] == "2.1")

        self.assertEqual(
            [(r["reviewer_id"], r["points"]) for r in line["reviews"]],
            [(self.bac_ninh.pk, "20.00")],
        )
        # Neither the others' marks nor their aggregate (19,5) before publication.
        self.assertIsNone(line["review"])
        self.assertEqual(body["access"]["review_as"], [self.bac_ninh.pk])
        self.assertFalse(body["access"]["manage"])


class RankingVisibilityTests(EmulationApiTestCase):
    def setUp(self):
        super().setUp()
        self.record_actuals(self.cast.members)
        self.review_everyone()
        with time_machine.travel(AFTER):
            for unit in self.cast.members:
                sheets.finalize(self.sheet(unit), actor=self.admin)
        self.path = f"/periods/{self.world.period.pk}/ranking"

    def test_the_ranking_is_hidden_from_members_until_published(self):
        hidden = self.get(self.path, self.member)
        managed = self.get(self.path, self.department)

        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(hidden.json()["detail"], "Kết quả kỳ này chưa được công bố.")
        self.assertEqual(managed.status_code, 200)
        self.assertFalse(managed.json()["published"])

        with time_machine.travel(AFTER):
            self.assertEqual(
                self.post(f"/periods/{self.world.period.pk}/publish", self.head).status_code, 200
            )

        shown = self.get(self.path, self.member)
        self.assertEqual(shown.status_code, 200)
        self.assertTrue(shown.json()["published"])

    def test_equal_units_share_a_rank_and_the_boundary_is_flagged(self):
        """Everyone kept the maximum: all five share rank 1, across the one Cờ thi đua."""
        body = self.get(self.path, self.department).json()

        self.assertEqual([r["rank"] for r in body["rows"]], [1] * 5)
        self.assertEqual({r["percent"] for r in body["rows"]}, {"100.00"})
        self.assertEqual(len(body["warnings"]), 2)
        self.assertIn("Cờ thi đua", body["warnings"][0])
        self.assertEqual(body["tie_breaks"], ["Ít điểm trừ hơn", "Điểm nhóm 1 cao hơn"])

    def test_a_member_sees_other_sheets_after_publication(self):
        with time_machine.travel(AFTER):
            cycle.publish_period(self.world.period, actor=self.admin)

        response = self.get(f"/sheets/{self.sheet(self.bac_ninh).pk}", self.member)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["lines"][0]["reviews"], [])


class RuleViolationTests(EmulationApiTestCase):
    def test_a_self_score_over_the_maximum_is_422_with_the_vietnamese_message(self):
        before = self.state()
        with time_machine.travel(DURING):
            response = self.put(
                f"/sheets/{self.sheet(self.thai_binh).pk}/self-scores/{self.leaf('1.1').pk}",
                self.member,
                {"points": "20.5"},
            )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(),
            {"detail": "Tiêu chí 1.1: 20,5 điểm vượt điểm tối đa 20.", "field": "points"},
        )
        self.assertEqual(self.state(), before)

    def test_points_with_more_than_two_decimals_are_refused_before_any_rounding(self):
        with time_machine.travel(DURING):
            response = self.put(
                f"/sheets/{self.sheet(self.thai_binh).pk}/self-scores/{self.leaf('1.1').pk}",
                self.member,
                {"points": "19.505"},
            )

        self.assertEqual(response.status_code, 422)
        self.assertFalse(Score.objects.exists())

    def test_a_self_score_after_the_due_date_is_refused_until_the_sheet_is_reopened(self):
        path = f"/sheets/{self.sheet(self.thai_binh).pk}"
        url = f"{path}/self-scores/{self.leaf('1.1').pk}"
        with time_machine.travel(AFTER):
            locked = self.put(url, self.member, {"points": 18})
            reopened = self.post(
                f"{path}/reopen",
                self.head,
                {"reason": "Đơn vị gặp sự cố mạng", "until": "2021-12-22"},
            )
            accepted = self.put(url, self.member, {"points": 18})

        self.assertEqual(locked.status_code, 422)
        self.assertIn("Đã quá hạn nộp (10/12/2021)", locked.json()["detail"])
        self.assertEqual(reopened.status_code, 200)
        self.assertEqual(reopened.json()["reopened_until"], "2021-12-22")
        self.assertEqual(accepted.status_code, 200)
        self.assertEqual(accepted.json()["points"], "18.00")
        entry = AuditEntry.objects.filter(reason="Đơn vị gặp sự cố mạng").get()
        self.assertEqual(entry.actor, self.head)

    def test_a_reviewer_unit_cannot_review_its_own_sheet(self):
        """An officer of both leaders reviews Quảng Ninh's sheet as Hải Phòng, not as
        Quảng Ninh."""
        both = give_role(
            UserFactory(username="hai-mu", password=None), Role.UNIT_OFFICER, self.quang_ninh
        )
        give_role(both, Role.UNIT_OFFICER, self.hai_phong)
        self.submit_everyone()
        path = f"/sheets/{self.sheet(self.quang_ninh).pk}/reviews/{self.leaf('1.1').pk}"
        before = self.state()

        with time_machine.travel(AFTER):
            own = self.put(path, both, {"reviewer_id": self.quang_ninh.pk, "points": "20"})
            self.assertEqual(self.state(), before)
            other = self.put(path, both, {"points": "20"})

        self.assertEqual(own.status_code, 422)
        self.assertEqual(
            own.json(),
            {"detail": "Đơn vị không được chấm bảng điểm của chính mình.", "field": "reviewer"},
        )
        self.assertEqual(other.status_code, 200)
        self.assertEqual(other.json()["reviewer_id"], self.hai_phong.pk)

    def test_completing_a_review_with_scores_missing_is_422(self):
        self.submit_everyone()

        response = self.post(
            f"/sheets/{self.sheet(self.thai_binh).pk}/complete-review", self.department
        )

        self.assertEqual(response.status_code, 422)
        hand = len([c for c in self.world.leaves.values() if c.method != "target"])
        self.assertEqual(
            sorted(
                response.json()["detail"].removeprefix("Chưa chấm đủ: ").rstrip(".").split("; ")
            ),
            [f"Hải Phòng: còn {hand} tiêu chí", f"Quảng Ninh: còn {hand} tiêu chí"],
        )
        self.assertEqual(self.sheet(self.thai_binh).status, SheetStatus.SUBMITTED)

    def test_an_invalid_tie_break_is_422(self):
        response = self.patch(
            f"/years/{self.world.year.pk}/rules", self.department, {"tie_breaks": ["may-man"]}
        )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(),
            {"detail": "Tiêu chí phụ “may-man” không hợp lệ.", "field": "tie_breaks"},
        )

    def test_publishing_with_sheets_not_final_is_422(self):
        before = self.state()

        response = self.post(f"/periods/{self.world.period.pk}/publish", self.department)

        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json()["detail"], "Còn 5 bảng điểm chưa chốt kết quả: chưa thể công bố."
        )
        self.assertEqual(self.state(), before)


class RefusedWriteTests(EmulationApiTestCase):
    """Every write endpoint, called by a user who can see the object but lacks the right,
    is 404 and changes nothing."""

    def test_every_write_endpoint_refuses_a_user_without_the_right(self):
        year = self.world.year.pk
        period = self.world.period.pk
        scale = self.world.scale.pk
        leaf = self.leaf("1.1").pk
        sheet = self.sheet(self.thai_binh).pk
        target = self.world.year.targets.get(unit=self.thai_binh).pk
        pledge = pledges.create_pledge(
            self.world.year,
            title="Giao ước thi đua năm 2021",
            issuer="Cụm thi đua số 2",
            place="Hạ Long",
            actor=self.admin,
        )
        pledges.add_task_group(pledge, title="Công tác tổ chức bộ máy", actor=self.admin)
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
        calls = [
            # Managing the year: Thái Bình's officer is a member, not a manager.
            (
                self.member,
                "POST",
                "/years",
                {"cluster_id": self.cast.cluster.pk, "year": 2022, "title": "Thi đua 2022"},
            ),
            (self.member, "PATCH", f"/years/{year}/rules", {"flag_count": 2}),
            (self.member, "POST", f"/years/{year}/phase", {"phase": "midyear"}),
            (
                self.member,
                "POST",
                f"/years/{year}/periods",
                {"kind": "midyear", "opens_on": "2021-06-01", "due_on": "2021-06-30"},
            ),
            (
                self.member,
                "PATCH",
                f"/periods/{period}",
                {"opens_on": "2021-11-01", "due_on": "2021-12-31"},
            ),
            (self.member, "POST", f"/years/{year}/scales", {"title": "Thang điểm mới"}),
            (self.member, "POST", f"/years/{year}/scales/copy", {"source_id": scale}),
            (self.member, "POST", f"/scales/{scale}/versions", {"reason": "Sửa tiêu chí"}),
            (self.member, "POST", f"/scales/{scale}/criteria", {"title": "Mới", "max_points": "1"}),
            (self.member, "PATCH", f"/criteria/{leaf}", {"title": "Sửa"}),
            (self.member, "DELETE", f"/criteria/{leaf}", None),
            (
                self.member,
                "POST",
                f"/years/{year}/pledge",
                {"title": "G", "issuer": "C", "place": "P"},
            ),
            (self.member, "POST", f"/years/{year}/pledge/task-groups", {"title": "Nhóm mới"}),
            (self.member, "POST", f"/years/{year}/pledge/sign", {"signed_on": "2021-03-01"}),
            (
                self.member,
                "PUT",
                f"/years/{year}/units/{self.thai_binh.pk}/targets/ket-nap",
                {"title": "Kết nạp", "kind": "count", "planned": "10"},
            ),
            (self.member, "POST", f"/periods/{period}/sheets", None),
            (self.member, "POST", f"/periods/{period}/publish", None),
            (self.member, "POST", f"/sheets/{sheet}/complete-review", None),
            (self.member, "POST", f"/sheets/{sheet}/finalize", None),
            (
                self.member,
                "POST",
                f"/sheets/{sheet}/reopen",
                {"reason": "Lý do", "until": "2021-12-30"},
            ),
            # Another member's target.
            (self.peer, "POST", f"/targets/{target}/actual", {"actual": "1"}),
            # The unit's own input: the head manages the year but is not Thái Bình.
            (self.head, "PUT", f"/sheets/{sheet}/self-scores/{leaf}", {"points": "1"}),
            (self.head, "POST", f"/sheets/{sheet}/submit", None),
            (self.head, "PUT", f"/sheets/{sheet}/explanations/{leaf}", {"note": "Giải trình"}),
            (self.head, "POST", f"/sheets/{sheet}/submit-explanation", None),
            # Reviews: the department manages the year but is no reviewer unit; the head
            # reviews as Quảng Ninh only.
            (self.department, "PUT", f"/sheets/{sheet}/reviews/{leaf}", {"points": "1"}),
            (
                self.head,
                "PUT",
                f"/sheets/{sheet}/reviews/{leaf}",
                {"reviewer_id": self.hai_phong.pk, "points": "1"},
            ),
        ]
        before = self.state()
        with time_machine.travel(DURING):
            for user, method, path, body in calls:
                with self.subTest(method=method, path=path, user=user.username):
                    response = self.send(method, path, user, body)
                    self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(self.state(), before)

    def test_an_outsider_cannot_open_a_year_for_a_cluster_it_does_not_manage(self):
        response = self.post(
            "/years",
            self.cast.other_department_officer,
            {"cluster_id": self.cast.cluster.pk, "year": 2022, "title": "Thi đua 2022"},
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(EmulationYear.objects.filter(year=2022).exists())


class OwnSheetTests(EmulationApiTestCase):
    def test_the_heads_officers_do_not_see_who_reviewed_their_own_sheet(self):
        """The head manages the year, but its own sheet is reviewed by the deputy: like any
        reviewed unit, it sees the aggregate only."""
        self.submit_everyone()
        with time_machine.travel(AFTER):
            review(self.world, self.quang_ninh, self.hai_phong, {"2.1": D(20)})
        path = f"/sheets/{self.sheet(self.quang_ninh).pk}"

        body = self.get(path, self.head).json()
        history = self.get(f"{path}/criteria/{self.leaf('2.1').pk}/history", self.head).json()

        line = next(line for line in body["lines"] if line["number"] == "2.1")
        self.assertEqual(line["reviews"], [])
        # The round is still open: with one deputy reviewing, an aggregate would be its mark.
        self.assertIsNone(line["review"])
        self.assertFalse(body["access"]["see_reviewers"])
        self.assertTrue(body["access"]["manage"])
        self.assertEqual({e["stage"] for e in history}, {"self"})
        managed = self.get(path, self.department).json()["lines"]
        self.assertEqual(
            [r["reviewer_id"] for r in next(x for x in managed if x["number"] == "2.1")["reviews"]],
            [self.hai_phong.pk],
        )


class SetupTests(EmulationApiTestCase):
    def test_the_department_sets_up_a_new_year_through_the_api(self):
        user = self.department
        opened = self.post(
            "/years",
            user,
            {
                "cluster_id": self.cast.cluster.pk,
                "year": 2022,
                "title": "Thi đua năm 2022 – Cụm 2",
                "review_mode": "cross",
                "tie_breaks": ["more_at_maximum"],
            },
        )
        self.assertEqual(opened.status_code, 201, opened.content)
        year = opened.json()
        self.assertEqual((year["year"], year["rules"]["review_mode"]), (2022, "cross"))
        self.assertEqual(len(year["participants"]), 5)
        path = f"/years/{year['id']}"

        rules = self.patch(f"{path}/rules", user, {"flag_count": 2, "inflation_threshold": "12.5"})
        self.assertEqual(rules.status_code, 200)
        self.assertEqual(
            (rules.json()["rules"]["flag_count"], rules.json()["rules"]["merit_count"]), (2, 3)
        )
        self.assertEqual(rules.json()["rules"]["inflation_threshold"], "12.50")

        copied = self.post(f"{path}/scales/copy", user, {"source_id": self.world.scale.pk})
        self.assertEqual(copied.status_code, 201)
        scale = copied.json()
        self.assertEqual((scale["version"], scale["copied_from_id"]), (1, self.world.scale.pk))
        self.assertEqual([g["number"] for g in scale["criteria"]], ["1", "2", "3", "4"])

        group2 = next(g for g in scale["criteria"] if g["number"] == "2")
        too_much = self.post(
            f"/scales/{scale['id']}/criteria",
            user,
            {"parent_id": group2["id"], "title": "Bảo vệ chính trị nội bộ", "max_points": "1"},
        )
        self.assertEqual(too_much.status_code, 422)
        self.assertEqual(
            too_much.json()["detail"],
            "Tổng điểm tối đa các tiêu chí con của 2 (41) vượt điểm tối đa của tiêu chí cha (40).",
        )

        leaf22 = next(c for c in group2["children"] if c["number"] == "2.2")
        patched = self.patch(
            f"/criteria/{leaf22['id']}", user, {"max_points": "10", "guidance": "Theo Quy định 124"}
        )
        self.assertEqual(patched.status_code, 200)
        self.assertEqual(
            (patched.json()["max_points"], patched.json()["guidance"]),
            ("10.00", "Theo Quy định 124"),
        )

        added = self.post(
            f"/scales/{scale['id']}/criteria",
            user,
            {
                "parent_id": group2["id"],
                "title": "Bảo vệ chính trị nội bộ",
                "max_points": 5,
                "step": "0.25",
            },
        )
        self.assertEqual(added.status_code, 201, added.content)
        self.assertEqual((added.json()["number"], added.json()["step"]), ("2.3", "0.25"))
        tree = self.get(f"/scales/{scale['id']}", user).json()
        self.assertEqual(tree["problems"], [])

        removed = self.send("DELETE", f"/criteria/{added.json()['id']}", user)
        self.assertEqual(removed.status_code, 204)
        self.assertEqual(
            self.get(f"/scales/{scale['id']}", user).json()["problems"],
            ["Tiêu chí 2: các tiêu chí con cộng lại 35, chưa bằng 40."],
        )

        period = self.post(
            f"{path}/periods",
            user,
            {"kind": "midyear", "opens_on": "2022-06-01", "due_on": "2022-06-30"},
        )
        self.assertEqual(period.status_code, 201)
        self.assertEqual(period.json()["kind_label"], "Sơ kết 6 tháng")
        incomplete = self.post(f"/periods/{period.json()['id']}/sheets", user)
        self.assertEqual(incomplete.status_code, 422)
        self.assertTrue(incomplete.json()["detail"].startswith("Thang điểm chưa hoàn chỉnh"))

        self.patch(f"/criteria/{leaf22['id']}", user, {"max_points": "15"})
        opened_sheets = self.post(f"/periods/{period.json()['id']}/sheets", user)
        self.assertEqual(opened_sheets.status_code, 201)
        self.assertEqual({s["status"] for s in opened_sheets.json()}, {"draft"})
        self.assertEqual(len(opened_sheets.json()), 5)

        target = self.put(
            f"{path}/units/{self.thai_binh.pk}/targets/thanh-lap-tcd",
            user,
            {
                "title": "Thành lập mới tổ chức cơ sở đảng",
                "kind": "minimum",
                "planned": 1,
                "measure": "tổ chức",
            },
        )
        self.assertEqual(target.status_code, 200)
        self.assertEqual((target.json()["planned"], target.json()["actual"]), ("1.00", None))
        stranger = self.put(
            f"{path}/units/{self.cast.outsider_unit.pk}/targets/thanh-lap-tcd",
            user,
            {"title": "Thành lập mới", "kind": "minimum", "planned": 1},
        )
        self.assertEqual(stranger.status_code, 422)
        self.assertEqual(stranger.json()["detail"], "Cà Mau không tham gia năm thi đua này.")

        phase = self.post(f"{path}/phase", user, {"phase": "midyear"})
        self.assertEqual(phase.json()["phase"], "midyear")
        backwards = self.post(f"{path}/phase", user, {"phase": "pledge"})
        self.assertEqual(backwards.status_code, 422)
        self.assertEqual(backwards.json()["detail"], "Giai đoạn chỉ đi tiếp, không quay lại.")

    def test_a_board_opens_its_own_year_for_the_boards_under_it(self):
        """Cascading: Quảng Ninh's officers (not Thái Bình's) launch a year for its district
        boards, under the cluster's year."""
        district = make_unit(
            "Hạ Long",
            name="Ban Tổ chức Thành ủy Hạ Long",
            parent=self.quang_ninh,
            kind_code="district_board",
        )
        body = {
            "organizer_id": self.quang_ninh.pk,
            "parent_id": self.world.year.pk,
            "year": 2021,
            "title": "Thi đua năm 2021 – Ban Tổ chức Tỉnh ủy Quảng Ninh",
        }

        refused = self.post("/years", self.member, body)
        opened = self.post("/years", self.head, body)

        self.assertEqual(refused.status_code, 404)
        self.assertEqual(opened.status_code, 201, opened.content)
        year = opened.json()
        self.assertEqual(
            (year["organizer_id"], year["parent_id"], year["cluster_id"]),
            (self.quang_ninh.pk, self.world.year.pk, None),
        )
        self.assertEqual(year["participants"], [{"unit_id": district.pk, "name": "Hạ Long"}])
        self.assertEqual(year["reviewers"], [{"unit_id": self.quang_ninh.pk, "name": "Quảng Ninh"}])

    def test_a_frozen_scale_gets_a_new_version_and_the_draft_sheets_move_to_it(self):
        with time_machine.travel(DURING):
            self_assess(self.world, self.thai_binh, {})
            self_assess(self.world, self.bac_ninh, {"1.1": D(18)}, submit=False)
        leaf = self.leaf("1.1").pk

        refused = self.patch(f"/criteria/{leaf}", self.department, {"title": "Sửa"})
        created = self.post(
            f"/scales/{self.world.scale.pk}/versions",
            self.department,
            {"reason": "Bổ sung hướng dẫn"},
        )

        self.assertEqual(refused.status_code, 422)
        self.assertIn("hãy tạo phiên bản mới", refused.json()["detail"])
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["version"], 2)
        self.assertEqual(self.sheet(self.bac_ninh).scale_id, created.json()["id"])
        self.assertEqual(self.sheet(self.thai_binh).scale_id, self.world.scale.pk)
        self.assertEqual(
            self.get(f"/years/{self.world.year.pk}", self.member).json()["current_scale_id"],
            created.json()["id"],
        )

    def test_the_pledge_is_drafted_and_signed(self):
        path = f"/years/{self.world.year.pk}/pledge"
        self.assertEqual(self.get(path, self.member).status_code, 404)

        created = self.post(
            path,
            self.head,
            {
                "title": "Giao ước thi đua năm 2021",
                "issuer": "Cụm thi đua số 2",
                "place": "Hạ Long",
                "number": "01-GƯ/CTĐ2",
            },
        )
        unsigned = self.post(f"{path}/sign", self.head, {"signed_on": "2021-03-05"})
        groups = [
            self.post(f"{path}/task-groups", self.head, {"title": title})
            for title in ("Công tác tổ chức bộ máy", "Công tác cán bộ")
        ]
        signed = self.post(
            f"{path}/sign",
            self.head,
            {"signed_on": "2021-03-05", "conference": "Hội nghị ký kết giao ước thi đua"},
        )
        after = self.post(f"{path}/task-groups", self.head, {"title": "Công tác đảng viên"})

        self.assertEqual(created.status_code, 201)
        self.assertEqual(unsigned.status_code, 422)
        self.assertEqual(unsigned.json()["detail"], "Giao ước chưa có nhóm nhiệm vụ nào.")
        self.assertEqual([g.status_code for g in groups], [201, 201])
        self.assertEqual(signed.status_code, 200)
        body = self.get(path, self.member).json()
        self.assertEqual(body["signed_on"], "2021-03-05")
        self.assertTrue(body["is_signed"])
        self.assertEqual(
            [(g["position"], g["title"]) for g in body["task_groups"]],
            [(1, "Công tác tổ chức bộ máy"), (2, "Công tác cán bộ")],
        )
        self.assertEqual(
            {s["unit_id"] for s in body["signatories"]}, {u.pk for u in self.cast.members}
        )
        self.assertEqual(after.status_code, 422)
        self.assertEqual(after.json()["detail"], "Giao ước đã ký kết: không thể sửa.")


class OpenApiTests(EmulationApiTestCase):
    def test_the_openapi_schema_lists_the_emulation_paths(self):
        schema = self.client.get("/api/v1/openapi.json").json()

        prefix = "/api/v1/emulation"
        expected = {
            "/years": {"get", "post"},
            "/years/{year_id}": {"get"},
            "/years/{year_id}/rules": {"patch"},
            "/years/{year_id}/phase": {"post"},
            "/years/{year_id}/periods": {"post"},
            "/years/{year_id}/scale": {"get"},
            "/years/{year_id}/scales": {"post"},
            "/years/{year_id}/scales/copy": {"post"},
            "/scales/{scale_id}": {"get"},
            "/scales/{scale_id}/versions": {"post"},
            "/scales/{scale_id}/criteria": {"post"},
            "/criteria/{criterion_id}": {"patch", "delete"},
            "/years/{year_id}/pledge": {"get", "post"},
            "/years/{year_id}/pledge/task-groups": {"post"},
            "/years/{year_id}/pledge/sign": {"post"},
            "/years/{year_id}/pledge/docx": {"get"},
            "/years/{year_id}/targets": {"get"},
            "/years/{year_id}/units/{unit_id}/targets/{code}": {"put"},
            "/targets/{target_id}/actual": {"post"},
            "/periods/{period_id}": {"get", "patch"},
            "/periods/{period_id}/sheets": {"get", "post"},
            "/periods/{period_id}/publish": {"post"},
            "/periods/{period_id}/ranking": {"get"},
            "/periods/{period_id}/summary/xlsx": {"get"},
            "/sheets/{sheet_id}": {"get"},
            "/sheets/{sheet_id}/self-scores/{criterion_id}": {"put"},
            "/sheets/{sheet_id}/submit": {"post"},
            "/sheets/{sheet_id}/reviews/{criterion_id}": {"put"},
            "/sheets/{sheet_id}/complete-review": {"post"},
            "/sheets/{sheet_id}/explanations/{criterion_id}": {"put"},
            "/sheets/{sheet_id}/submit-explanation": {"post"},
            "/sheets/{sheet_id}/finalize": {"post"},
            "/sheets/{sheet_id}/reopen": {"post"},
            "/sheets/{sheet_id}/criteria/{criterion_id}/history": {"get"},
            "/sheets/{sheet_id}/xlsx": {"get"},
            "/sheets/{sheet_id}/import": {"post"},
        }
        for path, methods in expected.items():
            with self.subTest(path=path):
                self.assertLessEqual(methods, set(schema["paths"].get(prefix + path, {})))
        criterion = schema["components"]["schemas"]["CriterionNodeOut"]
        self.assertEqual(criterion["properties"]["max_points"]["type"], "string")

    def test_a_request_without_credentials_is_401(self):
        self.assertEqual(self.client.get(f"{API}/years").status_code, 401)

    def test_the_browser_session_authenticates_too(self):
        self.client.force_login(self.member)

        self.assertEqual(self.client.get(f"{API}/years/{self.world.year.pk}").status_code, 200)


class FileTests(EmulationApiTestCase):
    """The Excel round trip and the Word pledge, read back."""

    def workbook(self, response):
        import io

        import openpyxl

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        self.assertIn("attachment", response["Content-Disposition"])
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def rows(self, ws) -> dict[str, int]:
        from emulation import excel

        return {
            str(ws[f"A{r}"].value): r
            for r in range(excel.FIRST_ROW, ws.max_row + 1)
            if ws[f"A{r}"].value is not None
        }

    def upload(self, sheet, user, book):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile

        buffer = io.BytesIO()
        book.save(buffer)
        upload = SimpleUploadedFile("bang-diem.xlsx", buffer.getvalue(), content_type=XLSX)
        return self.client.post(
            f"{API}/sheets/{sheet.pk}/import", {"file": upload}, **self.auth(user)
        )

    def test_the_exported_sheet_is_filled_offline_and_imported_back(self):
        sheet = self.sheet(self.thai_binh)
        book = self.workbook(self.get(f"/sheets/{sheet.pk}/xlsx", self.member))
        ws = book["Bảng điểm"]
        rows = self.rows(ws)
        self.assertEqual(ws[f"H{rows['1.1']}"].value, self.leaf("1.1").pk)
        typed = {"1.1": 18, "1.2": 10, "2.1": 20.5, "2.2": 15}
        for number, points in typed.items():
            ws[f"E{rows[number]}"] = points

        with time_machine.travel(DURING):
            response = self.upload(sheet, self.member, book)

        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["changed"], response.json()["unchanged"]), (4, 0))
        stored = {
            line["number"]: line["self_score"]["points"]
            for line in self.get(f"/sheets/{sheet.pk}", self.member).json()["lines"]
            if line["self_score"]
        }
        self.assertEqual(stored, {n: f"{D(str(p)):.2f}" for n, p in typed.items()})

    def test_a_refused_import_is_422_with_every_problem_and_saves_nothing(self):
        sheet = self.sheet(self.thai_binh)
        book = self.workbook(self.get(f"/sheets/{sheet.pk}/xlsx", self.member))
        ws = book["Bảng điểm"]
        rows = self.rows(ws)
        ws[f"E{rows['1.1']}"] = 25
        ws[f"E{rows['2.2']}"] = 12
        before = self.state()

        with time_machine.travel(DURING):
            response = self.upload(sheet, self.member, book)

        self.assertEqual(response.status_code, 422)
        body = response.json()
        self.assertEqual(body["detail"], "Tệp có 1 lỗi, không lưu gì.")
        self.assertEqual(len(body["problems"]), 1)
        problem = body["problems"][0]
        self.assertEqual(
            (problem["sheet"], problem["row"], problem["column"]), ("Bảng điểm", rows["1.1"], "E")
        )
        self.assertIn("vượt điểm tối đa 20", problem["message"])
        self.assertEqual(self.state(), before)

    def test_only_the_units_officers_import_its_sheet(self):
        sheet = self.sheet(self.thai_binh)
        book = self.workbook(self.get(f"/sheets/{sheet.pk}/xlsx", self.head))
        before = self.state()

        with time_machine.travel(DURING):
            response = self.upload(sheet, self.head, book)

        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.state(), before)

    def test_the_period_summary_is_for_the_managers(self):
        path = f"/periods/{self.world.period.pk}/summary/xlsx"

        book = self.workbook(self.get(path, self.department))

        self.assertTrue(book.sheetnames)
        text = " ".join(
            str(cell.value) for ws in book for row in ws.iter_rows() for cell in row if cell.value
        )
        for name in ("Quảng Ninh", "Thái Bình", "Bắc Ninh"):
            self.assertIn(name, text)
        self.assertEqual(self.get(path, self.member).status_code, 404)

    def test_the_pledge_is_downloaded_as_a_word_document(self):
        import io

        import docx

        pledge = pledges.create_pledge(
            self.world.year,
            title="Giao ước thi đua năm 2021",
            issuer="Cụm thi đua số 2",
            place="Hạ Long",
            actor=self.admin,
        )
        pledges.add_task_group(pledge, title="Công tác tổ chức bộ máy", actor=self.admin)

        response = self.get(f"/years/{self.world.year.pk}/pledge/docx", self.member)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX)
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(
            cell.text for table in document.tables for row in table.rows for cell in row.cells
        )
        self.assertIn("Công tác tổ chức bộ máy", text)
        self.assertIn("Hạ Long", text)
