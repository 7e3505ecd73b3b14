"""/api/v1/ (django-ninja): authentication, the registry, clusters and elections.

The API asks the same permission functions as the pages: what a user may not see is 404,
a ballot for a unit the user may not enter is 403, a refused rule is 422 with the
Vietnamese message in ``detail``.
"""

import datetime
import json

from django.test import TestCase
from django.utils import timezone

from core.models import ApiToken, AuditEntry
from organizations.models import Ballot, BallotMark, ClusterLeadership, Election, Position
from organizations.services import clusters, registry
from organizations.services import elections as election_services
from organizations.testing import make_cast, make_cluster, make_unit

API = "/api/v1"


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        (cls.quang_ninh, cls.thai_binh, cls.hai_phong, cls.bac_ninh, cls.ninh_binh) = (
            cls.cast.members
        )

    def auth(self, user) -> dict:
        _, token = ApiToken.issue(user, "test")
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path, user, **params):
        return self.client.get(API + path, params, **self.auth(user))

    def post(self, path, user, body=None):
        return self.client.post(
            API + path, json.dumps(body or {}), content_type="application/json", **self.auth(user)
        )

    def election_body(self, **overrides):
        body = {
            "for_year": 2022,
            "conference_title": "Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            "held_on": "2021-12-10",
            "place": "Hạ Long",
            "head_candidates": [self.quang_ninh.pk, self.thai_binh.pk],
            "deputy_candidates": [self.hai_phong.pk, self.bac_ninh.pk, self.ninh_binh.pk],
            "deputy_seats": 2,
        }
        body.update(overrides)
        return body

    def open_election(self):
        return election_services.create_election(
            self.cast.cluster,
            actor=None,
            for_year=2022,
            conference_title="Hội nghị tổng kết Cụm thi đua số 2 năm 2021",
            held_on=datetime.date(2021, 12, 10),
            head_candidates=[self.quang_ninh, self.thai_binh],
            deputy_candidates=[self.hai_phong, self.bac_ninh, self.ninh_binh],
        )


class AuthenticationTests(ApiTestCase):
    def test_a_request_without_credentials_is_401(self):
        response = self.client.get(f"{API}/units")

        self.assertEqual(response.status_code, 401)

    def test_a_bearer_token_authenticates_its_user_and_is_marked_as_used(self):
        token_row, token = ApiToken.issue(self.cast.member_officer, "test")

        response = self.client.get(f"{API}/clusters", HTTP_AUTHORIZATION=f"Bearer {token}")

        self.assertEqual(response.status_code, 200)
        self.assertEqual([c["id"] for c in response.json()], [self.cast.cluster.pk])
        token_row.refresh_from_db()
        self.assertIsNotNone(token_row.last_used_at)

    def test_only_the_digest_of_the_token_is_stored(self):
        token_row, token = ApiToken.issue(self.cast.member_officer, "test")

        self.assertTrue(token.startswith("td_"))
        self.assertNotIn(token, token_row.digest)
        self.assertEqual(token_row.digest, ApiToken.hash(token))

    def test_a_revoked_token_is_401(self):
        token_row, token = ApiToken.issue(self.cast.member_officer, "test")
        token_row.revoked_at = timezone.now()
        token_row.save()

        response = self.client.get(f"{API}/clusters", HTTP_AUTHORIZATION=f"Bearer {token}")

        self.assertEqual(response.status_code, 401)

    def test_a_token_of_an_inactive_user_is_401(self):
        _, token = ApiToken.issue(self.cast.member_officer, "test")
        self.cast.member_officer.is_active = False
        self.cast.member_officer.save()

        response = self.client.get(f"{API}/clusters", HTTP_AUTHORIZATION=f"Bearer {token}")

        self.assertEqual(response.status_code, 401)

    def test_an_unknown_token_is_401(self):
        response = self.client.get(f"{API}/clusters", HTTP_AUTHORIZATION="Bearer td_khong-co")

        self.assertEqual(response.status_code, 401)

    def test_the_browser_session_also_authenticates(self):
        self.client.force_login(self.cast.member_officer)

        response = self.client.get(f"{API}/clusters")

        self.assertEqual(response.status_code, 200)

    def test_the_openapi_schema_lists_the_paths(self):
        response = self.client.get(f"{API}/openapi.json")

        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertEqual(schema["info"]["title"], "Thi Đua API")
        self.assertLessEqual(
            {
                f"{API}/units",
                f"{API}/units/{{unit_id}}",
                f"{API}/clusters",
                f"{API}/clusters/{{cluster_id}}/members",
                f"{API}/clusters/{{cluster_id}}/leadership",
                f"{API}/clusters/{{cluster_id}}/elections",
                f"{API}/elections/{{election_id}}",
                f"{API}/elections/{{election_id}}/ballots",
                f"{API}/elections/{{election_id}}/close",
                f"{API}/elections/{{election_id}}/result",
            },
            set(schema["paths"]),
        )
        self.assertIn("post", schema["paths"][f"{API}/clusters/{{cluster_id}}/elections"])


class UnitApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hai_duong = make_unit("Hải Dương", parent=cls.cast.commission)
        registry.merge_units(
            [cls.hai_duong],
            into=cls.cast.members[2],
            actor=None,
            effective_date=datetime.date(2025, 7, 1),
            legal_basis="Nghị quyết số 202/2025/QH15",
        )
        make_unit("Thanh Hóa", parent=cls.cast.commission)

    def test_the_unit_search_ignores_case_and_accents(self):
        response = self.get("/units", self.cast.outsider, q="bac ninh", as_of="2025-06-30")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [(u["id"], u["short_name"], u["name"]) for u in response.json()],
            [(self.bac_ninh.pk, "Bắc Ninh", "Ban Tổ chức Tỉnh ủy Bắc Ninh")],
        )

    def test_the_unit_list_answers_as_of_a_day(self):
        """Hải Dương ends on 30/06/2025; from 01/07/2025 it is part of Hải Phòng."""
        before = self.get("/units", self.cast.outsider, q="hai duong", as_of="2025-06-30").json()
        after = self.get("/units", self.cast.outsider, q="hai duong", as_of="2025-07-01").json()

        self.assertEqual(
            [(u["id"], u["valid_to"]) for u in before], [(self.hai_duong.pk, "2025-06-30")]
        )
        self.assertEqual(after, [])

    def test_the_unit_list_is_in_vietnamese_order_and_filters_by_kind(self):
        response = self.get(
            "/units", self.cast.outsider, kind="provincial_board", as_of="2025-07-01"
        )

        self.assertEqual(
            [u["short_name"] for u in response.json()],
            [
                "Bắc Ninh",
                "Cà Mau",
                "Hải Phòng",
                "Ninh Bình",
                "Quảng Ninh",
                "Thái Bình",  # Thái (a-i) before Thanh (a-n): letters first, tones last
                "Thanh Hóa",
            ],
        )

    def test_the_unit_list_pages_with_limit_and_offset(self):
        names = [
            u["short_name"]
            for u in self.get(
                "/units",
                self.cast.outsider,
                kind="provincial_board",
                as_of="2025-07-01",
                limit=2,
                offset=1,
            ).json()
        ]

        self.assertEqual(names, ["Cà Mau", "Hải Phòng"])

    def test_the_absorbed_unit_names_its_successor_and_resolves_to_it(self):
        response = self.get(f"/units/{self.hai_duong.pk}", self.cast.outsider, as_of="2025-07-01")

        body = response.json()
        self.assertEqual(body["predecessors"], [])
        self.assertEqual(len(body["successors"]), 1)
        self.assertEqual(
            body["successors"][0],
            {
                "unit_id": self.hai_phong.pk,
                "name": "Hải Phòng",
                "event": "merge",
                "effective_date": "2025-07-01",
                "predecessor_id": self.hai_duong.pk,
                "successor_id": self.hai_phong.pk,
            },
        )
        self.assertEqual(body["resolves_to"], [self.hai_phong.pk])
        self.assertEqual(
            [(v["short_name"], v["valid_from"], v["valid_to"]) for v in body["versions"]],
            [("Hải Dương", "2008-08-01", "2025-06-30")],
        )

    def test_the_absorbed_unit_resolves_to_itself_before_the_merger(self):
        body = self.get(
            f"/units/{self.hai_duong.pk}", self.cast.outsider, as_of="2025-06-30"
        ).json()

        self.assertEqual(body["resolves_to"], [self.hai_duong.pk])

    def test_the_absorbing_unit_names_its_predecessor(self):
        body = self.get(f"/units/{self.hai_phong.pk}", self.cast.outsider).json()

        self.assertEqual(
            [(p["unit_id"], p["name"], p["event"]) for p in body["predecessors"]],
            [(self.hai_duong.pk, "Hải Dương", "merge")],
        )
        self.assertEqual(body["successors"], [])
        self.assertEqual(body["resolves_to"], [self.hai_phong.pk])

    def test_an_unknown_unit_is_404(self):
        self.assertEqual(self.get("/units/999999", self.cast.outsider).status_code, 404)


class ClusterApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_cluster = make_cluster(3, cls.cast.other_department)
        cls.thanh_hoa = make_unit("Thanh Hóa", parent=cls.cast.commission)
        clusters.add_member(cls.cast.cluster, cls.thanh_hoa, 2021, actor=None)

    def test_each_role_sees_its_clusters(self):
        both = [self.cast.cluster.pk, self.other_cluster.pk]
        expected = {
            "admin": both,
            "central": both,
            "department_officer": [self.cast.cluster.pk],
            "other_department_officer": [self.other_cluster.pk],
            "head_officer": [self.cast.cluster.pk],
            "member_officer": [self.cast.cluster.pk],
            "outsider": [],
        }
        for role, ids in expected.items():
            with self.subTest(role=role):
                response = self.get("/clusters", getattr(self.cast, role))
                self.assertEqual([c["id"] for c in response.json()], ids)

    def test_a_cluster_is_described_with_its_sector_and_department(self):
        response = self.get("/clusters", self.cast.member_officer)

        self.assertEqual(
            response.json(),
            [
                {
                    "id": self.cast.cluster.pk,
                    "number": 2,
                    "name": "Cụm thi đua số 2",
                    "sector": "Ngành Tổ chức xây dựng Đảng",
                    "department": "Vụ Địa phương I",
                }
            ],
        )

    def test_the_members_of_a_year_come_in_vietnamese_order(self):
        response = self.get(
            f"/clusters/{self.cast.cluster.pk}/members", self.cast.member_officer, year=2021
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            [m["short_name"] for m in response.json()],
            ["Bắc Ninh", "Hải Phòng", "Ninh Bình", "Quảng Ninh", "Thái Bình", "Thanh Hóa"],
        )
        self.assertEqual(response.json()[0]["name"], "Ban Tổ chức Tỉnh ủy Bắc Ninh")
        self.assertEqual(response.json()[0]["status"], "confirmed")

    def test_the_members_are_those_of_the_year_asked(self):
        response = self.get(
            f"/clusters/{self.cast.cluster.pk}/members", self.cast.member_officer, year=2022
        )

        self.assertNotIn("Thanh Hóa", [m["short_name"] for m in response.json()])
        self.assertEqual(len(response.json()), 5)

    def test_the_leadership_of_a_year(self):
        clusters.set_leader(
            self.cast.cluster, self.hai_phong, 2021, Position.DEPUTY, actor=None, source="Biên bản"
        )

        response = self.get(
            f"/clusters/{self.cast.cluster.pk}/leadership", self.cast.member_officer, year=2021
        )

        self.assertEqual(
            [(x["unit_id"], x["name"], x["position"], x["source"]) for x in response.json()],
            [
                (self.quang_ninh.pk, "Quảng Ninh", "head", ""),
                (self.hai_phong.pk, "Hải Phòng", "deputy", "Biên bản"),
            ],
        )
        empty = self.get(
            f"/clusters/{self.cast.cluster.pk}/leadership", self.cast.member_officer, year=2022
        )
        self.assertEqual(empty.json(), [])

    def test_a_cluster_the_user_cannot_see_is_404(self):
        for path in ("members", "leadership"):
            with self.subTest(path=path):
                response = self.get(
                    f"/clusters/{self.cast.cluster.pk}/{path}", self.cast.outsider, year=2021
                )
                self.assertEqual(response.status_code, 404)


class ElectionApiTests(ApiTestCase):
    def test_the_whole_election_through_the_api(self):
        officer = self.cast.department_officer

        created = self.post(
            f"/clusters/{self.cast.cluster.pk}/elections", officer, self.election_body()
        )

        self.assertEqual(created.status_code, 201)
        election = created.json()
        self.assertEqual(
            (election["for_year"], election["electorate_year"], election["round"]),
            (2022, 2021, 1),
        )
        self.assertEqual((election["status"], election["outcome"]), ("open", ""))
        path = f"/elections/{election['id']}"

        for number, voter in enumerate(self.cast.members, start=1):
            response = self.post(
                f"{path}/ballots",
                officer,
                {
                    "voter_id": voter.pk,
                    "head_id": self.quang_ninh.pk,
                    "deputy_ids": [self.hai_phong.pk, self.bac_ninh.pk],
                },
            )
            self.assertEqual(response.status_code, 201)
            self.assertEqual(response.json()["ballots_cast"], number)

        live = self.get(f"{path}/result", officer).json()
        self.assertEqual(live["elected_head"], self.quang_ninh.pk)

        closed = self.post(f"{path}/close", officer)

        self.assertEqual(closed.status_code, 200)
        self.assertEqual((closed.json()["status"], closed.json()["outcome"]), ("closed", "elected"))
        self.assertEqual(closed.json()["tally"]["majority"], 3)
        result = self.get(f"{path}/result", self.cast.member_officer).json()
        self.assertEqual(result["elected_head"], self.quang_ninh.pk)
        self.assertEqual(set(result["elected_deputies"]), {self.hai_phong.pk, self.bac_ninh.pk})
        self.assertEqual(result["issues"], [])
        leadership = self.get(
            f"/clusters/{self.cast.cluster.pk}/leadership", self.cast.member_officer, year=2022
        ).json()
        self.assertEqual(
            {(x["unit_id"], x["position"], x["election_id"]) for x in leadership},
            {
                (self.quang_ninh.pk, "head", election["id"]),
                (self.hai_phong.pk, "deputy", election["id"]),
                (self.bac_ninh.pk, "deputy", election["id"]),
            },
        )

    def test_a_member_officer_cannot_create_an_election(self):
        response = self.post(
            f"/clusters/{self.cast.cluster.pk}/elections",
            self.cast.member_officer,
            self.election_body(),
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Election.objects.exists())

    def test_an_outsider_cannot_see_an_election(self):
        election = self.open_election()

        self.assertEqual(self.get(f"/elections/{election.pk}", self.cast.outsider).status_code, 404)
        self.assertEqual(
            self.get(f"/elections/{election.pk}", self.cast.member_officer).status_code, 200
        )

    def test_the_head_officer_creates_the_election_its_unit_leads(self):
        response = self.post(
            f"/clusters/{self.cast.cluster.pk}/elections",
            self.cast.head_officer,
            self.election_body(),
        )

        self.assertEqual(response.status_code, 201)

    def test_a_member_officer_casts_its_own_ballot(self):
        election = self.open_election()

        response = self.post(
            f"/elections/{election.pk}/ballots",
            self.cast.member_officer,
            {"voter_id": self.thai_binh.pk, "head_id": self.quang_ninh.pk},
        )

        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            list(Ballot.objects.values_list("voter", "cast_by")),
            [(self.thai_binh.pk, self.cast.member_officer.pk)],
        )

    def test_a_member_officer_cannot_cast_another_units_ballot(self):
        election = self.open_election()

        response = self.post(
            f"/elections/{election.pk}/ballots",
            self.cast.member_officer,
            {"voter_id": self.hai_phong.pk, "head_id": self.quang_ninh.pk},
        )

        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json()["detail"], "Bạn không có quyền bỏ phiếu thay đơn vị này.")
        self.assertEqual((Ballot.objects.count(), BallotMark.objects.count()), (0, 0))

    def test_a_member_officer_cannot_close_the_election_nor_read_the_live_tally(self):
        election = self.open_election()
        for voter in self.cast.members:
            election_services.cast_ballot(election, voter, actor=None, head=self.quang_ninh)

        close = self.post(f"/elections/{election.pk}/close", self.cast.member_officer)
        result = self.get(f"/elections/{election.pk}/result", self.cast.member_officer)

        self.assertEqual(close.status_code, 404)
        self.assertEqual(result.status_code, 403)
        self.assertEqual(result.json()["detail"], "Kết quả chỉ công bố sau khi kết thúc bỏ phiếu.")
        election.refresh_from_db()
        self.assertTrue(election.is_open)

    def test_a_rule_violation_is_422_with_the_vietnamese_message(self):
        election = self.open_election()
        ballot = {"voter_id": self.thai_binh.pk, "head_id": self.quang_ninh.pk}
        self.post(f"/elections/{election.pk}/ballots", self.cast.member_officer, ballot)
        audit_before = AuditEntry.objects.count()

        response = self.post(f"/elections/{election.pk}/ballots", self.cast.member_officer, ballot)

        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            response.json(),
            {"detail": "Thái Bình đã bỏ phiếu trong cuộc bầu này.", "field": "voter"},
        )
        self.assertEqual((Ballot.objects.count(), AuditEntry.objects.count()), (1, audit_before))

    def test_a_refused_election_is_422_and_creates_nothing(self):
        response = self.post(
            f"/clusters/{self.cast.cluster.pk}/elections",
            self.cast.department_officer,
            self.election_body(deputy_candidates=[self.hai_phong.pk]),
        )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"], "Cần ít nhất 2 ứng viên Cụm phó.")
        self.assertEqual(response.json()["field"], "deputy_candidates")
        self.assertFalse(Election.objects.exists())

    def test_an_unknown_unit_in_a_ballot_is_422(self):
        election = self.open_election()

        response = self.post(
            f"/elections/{election.pk}/ballots",
            self.cast.department_officer,
            {"voter_id": self.thai_binh.pk, "head_id": 999999},
        )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["detail"], "Không có đơn vị mã số 999999.")
        self.assertFalse(Ballot.objects.exists())

    def test_closing_below_quorum_is_422(self):
        election = self.open_election()
        election_services.cast_ballot(election, self.thai_binh, actor=None, head=self.quang_ninh)

        response = self.post(f"/elections/{election.pk}/close", self.cast.department_officer)

        self.assertEqual(response.status_code, 422)
        self.assertIn("Mới có 1/5 đơn vị bỏ phiếu", response.json()["detail"])
        self.assertFalse(ClusterLeadership.objects.filter(year=2022).exists())

    def test_an_undecided_election_reports_its_issues(self):
        election = self.open_election()
        for voter, head in zip(
            self.cast.members[:4], [self.quang_ninh, self.thai_binh] * 2, strict=True
        ):
            election_services.cast_ballot(
                election, voter, actor=None, head=head, deputies=[self.hai_phong, self.bac_ninh]
            )

        closed = self.post(f"/elections/{election.pk}/close", self.cast.department_officer).json()

        self.assertEqual(closed["outcome"], "undecided")
        self.assertEqual(
            closed["tally"]["issues"],
            ["Cụm trưởng: hòa phiếu giữa Quảng Ninh, Thái Bình (2 phiếu)."],
        )
        self.assertIsNone(closed["tally"]["elected_head"])
        self.assertFalse(ClusterLeadership.objects.filter(year=2022).exists())
