"""/api/v1/commendation/ (django-ninja): classification, roll-ups, quota, streaks, people,
the import, eligibility, proposals, the council, decisions and certificates through the API.

The API asks the same access functions as the pages (commendation.permissions): what a user
may not see or change is 404 and changes nothing; a refused rule is 422 with the Vietnamese
message; decimals travel as exact strings.

Two small worlds side by side:
- the cast of organizations.testing (Ban Tổ chức Trung ương, Cụm thi đua số 2 with Quảng Ninh
  heading it in 2024, Thái Bình an ordinary member with three people) and the sector's council
  of five members: four at the commission, one working at Thái Bình (recused on Thái Bình's
  dossiers, yet still counted: the share is of all five). With everyone present, a Thái Bình
  nominee gets 4 ballots and needs ⌈80 % × 5⌉ = 4 yes, i.e. every ballot (4/5 = 80 %).
  Central staff act as the council's secretariat;
- a province (commendation.testing.make_party: Hưng Yên → 2 communes → 2 grassroots
  organizations each → 3 members each), its officer, and the officer of its first commune.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import tempfile
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from docx import Document

from commendation.certificates import pdf_unavailable
from commendation.documents import TITLE
from commendation.models import (
    Attachment,
    AttachmentKind,
    Attendance,
    Award,
    Council,
    CouncilMember,
    CouncilSession,
    Decision,
    ImportBatch,
    Initiative,
    Level,
    Nominee,
    Person,
    PersonClassification,
    Proposal,
    ProposalStep,
    QuotaAllowance,
    Tally,
    UnitClassification,
)
from commendation.services import council as council_services
from commendation.services import decisions as decision_services
from commendation.services import eligibility, people, rules
from commendation.services import proposals as proposal_services
from commendation.testing import classify, make_party
from commendation.tests.test_imports import csv_bytes, line
from commendation.tests.test_proposals import make_council, upload
from core.models import ApiToken, AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.models import ClusterLeadership, Position
from organizations.testing import UserFactory, add_members, give_role, make_cast

API = "/api/v1/commendation"
YEAR = 2024
NOW = datetime.datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
HELD_ON = datetime.date(2026, 1, 8)
SIGNED_ON = datetime.date(2026, 1, 15)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"thidua-test-commendation-api-{os.getpid()}")
E, G, C, N = Level.EXCELLENT, Level.GOOD, Level.COMPLETED, Level.NOT_COMPLETED


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


def pages_text(pdf: bytes) -> str:
    """The text of every page, runs of whitespace as one space."""
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages)


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class CommendationApiTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cast = make_cast()
        cls.cast = cast
        add_members(cast.cluster, cast.members, [YEAR])
        ClusterLeadership.objects.create(
            cluster=cast.cluster, year=YEAR, unit=cast.head_unit, position=Position.HEAD
        )
        cls.thai_binh = cast.member_unit
        cls.officer = cast.member_officer  # Thái Bình
        cls.reviewer = cast.head_officer  # Quảng Ninh heads the cluster in 2024
        cls.central = cast.central  # the council's secretariat
        cls.outsider = cast.outsider  # Cà Mau
        cls.form = eligibility.form_for(eligibility.CHIEN_SI_THI_DUA_CO_SO, YEAR)
        cls.candidates = [
            Person.objects.create(code=f"TB{i:04d}", full_name=name, unit=cls.thai_binh)
            for i, name in enumerate(["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Văn Cường"])
        ]
        cls.council = make_council(cast.commission, members=4)
        cls.recused_member = CouncilMember.objects.create(
            council=cls.council, full_name="Phạm Văn Tâm", position="Ủy viên", unit=cls.thai_binh
        )

        cls.party = make_party(communes=2, orgs_per_commune=2, members_per_org=3)
        cls.province = cls.party.province
        cls.people = cls.party.people
        cls.province_officer = give_role(
            UserFactory(username="hungyen"), Role.UNIT_OFFICER, cls.province
        )
        cls.commune_officer = give_role(
            UserFactory(username="xa1"), Role.UNIT_OFFICER, cls.party.communes[0]
        )

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

    def multipart(self, path, user, data):
        return self.client.post(API + path, data, **self.auth(user))

    # ------------------------------------------------------------ world

    def draft(self, people=None, *, cluster=True) -> Proposal:
        """Thái Bình's dossier for Chiến sĩ thi đua cơ sở 2024, with its tờ trình."""
        proposal = proposal_services.create_proposal(
            form=self.form,
            year=YEAR,
            unit=self.thai_binh,
            actor=None,
            title=f"Đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm {YEAR}",
            cluster=self.cast.cluster if cluster else None,
        )
        for person in self.candidates[:1] if people is None else people:
            proposal_services.add_nominee(proposal, actor=None, person=person)
        proposal_services.attach(
            proposal, kind=AttachmentKind.SUBMISSION, upload=upload(), actor=None
        )
        return proposal

    def at_council(self, people=None) -> Proposal:
        """Through Cụm 2 (Thái Bình is a member in 2024) to the council."""
        proposal = self.draft(people)
        proposal_services.submit(proposal, actor=None)
        proposal_services.attach(
            proposal,
            kind=AttachmentKind.REVIEW_MINUTES,
            upload=upload("bien-ban-binh-xet.pdf"),
            actor=None,
        )
        proposal_services.cluster_approve(proposal, actor=None)
        proposal.refresh_from_db()
        return proposal

    def open_session(self, *proposals) -> CouncilSession:
        """Every member present."""
        session = council_services.open_session(
            self.council, held_on=HELD_ON, place="Hà Nội", proposals=list(proposals), actor=None
        )
        for member in self.council.members.all():
            council_services.record_attendance(session, member, present=True, actor=None)
        return session

    def approved(self, people=None) -> Proposal:
        """Through the council with every voting member in favour: 4 yes of 5 members
        (the recused one counted) is 80 %."""
        proposal = self.at_council(people)
        session = self.open_session(proposal)
        for nominee in proposal.nominees.all():
            council_services.record_tally(session, nominee, round=1, yes=4, no=0, actor=None)
        council_services.close_session(session, actor=None)
        proposal.refresh_from_db()
        return proposal

    def decided(self, people=None, number=None) -> Decision:
        return decision_services.issue_decision(
            [self.approved(people)],
            actor=None,
            signed_on=SIGNED_ON,
            signer="Hoàng Đăng Quang",
            signer_title="Phó Trưởng Ban",
            summary="Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2024",
            number=number,
        )

    def state(self):
        """Everything the write endpoints could change, to compare before and after."""
        models = (
            Proposal,
            Nominee,
            Attachment,
            ProposalStep,
            CouncilSession,
            Attendance,
            Tally,
            Decision,
            Award,
            UnitClassification,
            PersonClassification,
            ImportBatch,
            AuditEntry,
        )
        return (
            [m.objects.count() for m in models],
            sorted(Proposal.objects.values_list("pk", "status")),
            sorted(CouncilSession.objects.values_list("pk", "status")),
            sorted(Attendance.objects.values_list("pk", "present", "written_vote")),
            sorted(Award.objects.values_list("pk", "revoked_at")),
            sorted(Nominee.objects.values_list("pk", "withdrawn", "eligibility_checked_at")),
            sorted(Nominee.initiatives.through.objects.values_list("nominee_id", "initiative_id")),
            sorted(Initiative.objects.values_list("pk", "award_id")),
        )

    def check_certificate(self, decision_id: int, award_id: int, *expected: str) -> None:
        """The certificate reads back with ``expected``; where WeasyPrint cannot render (no
        Pango) the API says so with 503 and the reason — unless THIDUA_REQUIRE_PDF=1."""
        response = self.client.get(
            f"{API}/decisions/{decision_id}/awards/{award_id}/certificate.pdf",
            **self.auth(self.officer),
        )
        reason = pdf_unavailable()
        if reason:
            if os.environ.get("THIDUA_REQUIRE_PDF") == "1":
                self.fail(f"THIDUA_REQUIRE_PDF=1 but the PDF cannot be made: {reason}")
            self.assertEqual(response.status_code, 503)
            self.assertEqual(response.json()["detail"], reason)
            return
        self.assertEqual(response.status_code, 200, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/pdf")
        text = pages_text(response.content)
        for fragment in expected:
            self.assertIn(fragment, text)


class HappyPathTests(CommendationApiTestCase):
    def test_a_dossier_goes_through_the_api_from_the_unit_to_a_decision_and_its_certificate(self):
        hoa = self.candidates[0]
        created = self.post(
            "/proposals",
            self.officer,
            {
                "form_code": eligibility.CHIEN_SI_THI_DUA_CO_SO,
                "year": YEAR,
                "unit_id": self.thai_binh.pk,
                "title": "Đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2024",
                "cluster_id": self.cast.cluster.pk,
            },
        )
        self.assertEqual(created.status_code, 201, created.content)
        proposal = created.json()
        self.assertEqual((proposal["status"], proposal["form_id"]), ("draft", self.form.pk))
        self.assertTrue(proposal["access"]["edit"])
        path = f"/proposals/{proposal['id']}"

        added = self.post(
            f"{path}/nominees",
            self.officer,
            {"person_id": hoa.pk, "achievement": "có sáng kiến trong công tác tổ chức"},
        )
        self.assertEqual(added.status_code, 201, added.content)
        nominee = added.json()
        # Hoa has no classification, title or initiative on record: data is missing, which
        # never passes silently, and nothing is "not met" (so the dossier may go on).
        self.assertEqual(nominee["verdict"], "incomplete")
        statuses = {r["status"] for r in nominee["eligibility"]["results"]}
        self.assertIn("missing", statuses)
        self.assertNotIn("not_met", statuses)
        for result in nominee["eligibility"]["results"]:
            self.assertTrue(result["citation"])
            self.assertIn(result["status_label"], {"Đạt", "Không đạt", "Thiếu dữ liệu"})

        attached = self.multipart(
            f"{path}/attachments",
            self.officer,
            {"kind": "submission", "file": SimpleUploadedFile("to-trinh.pdf", b"%PDF to trinh")},
        )
        self.assertEqual(attached.status_code, 201, attached.content)
        self.assertEqual(attached.json()["kind_label"], "Tờ trình")

        submitted = self.post(f"{path}/submit", self.officer)
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["status"], "at_cluster")
        self.assertFalse(submitted.json()["access"]["edit"])

        # Bình xét at the cluster: Quảng Ninh attaches its biên bản and passes it on.
        minutes = self.multipart(
            f"{path}/attachments",
            self.reviewer,
            {"kind": "minutes", "file": SimpleUploadedFile("bien-ban.pdf", b"%PDF bien ban")},
        )
        self.assertEqual(minutes.status_code, 201, minutes.content)
        passed_on = self.post(
            f"{path}/cluster-approve", self.reviewer, {"note": "13/14 đơn vị nhất trí."}
        )
        self.assertEqual(passed_on.status_code, 200, passed_on.content)
        self.assertEqual(passed_on.json()["status"], "at_council")

        # The council: five members, the one working at Thái Bình recused.
        [council] = self.get("/councils", self.central).json()
        self.assertEqual(council["quorum"], "0.6667")
        opened = self.post(
            "/sessions",
            self.central,
            {
                "council_id": council["id"],
                "held_on": HELD_ON.isoformat(),
                "place": "Trụ sở Ban Tổ chức Trung ương",
                "proposal_ids": [proposal["id"]],
                "chair": "Ủy viên 01",
            },
        )
        self.assertEqual(opened.status_code, 201, opened.content)
        session = opened.json()
        self.assertFalse(session["quorum"]["met"])
        for member in council["members"]:
            response = self.post(
                f"/sessions/{session['id']}/attendance",
                self.central,
                {"member_id": member["id"], "present": True},
            )
            self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            # ⌈2/3 × 5⌉ = ⌈3,33⌉ = 4 must attend; all 5 do.
            response.json()["quorum"],
            {"met": True, "present": 5, "total": 5, "required": 4},
        )
        tally = self.post(
            f"/sessions/{session['id']}/tallies",
            self.central,
            {"nominee_id": nominee["id"], "round": 1, "yes": 4, "no": 0},
        )
        self.assertEqual(tally.status_code, 201, tally.content)
        # 4 ballots (the recused member does not vote), counted on all 5 members:
        # 4 × 100 = 400 ≥ 80 × 5 = 400, so 4/5 = 80 % passes.
        self.assertEqual(
            {k: tally.json()[k] for k in ("members", "threshold", "passed", "yes", "round")},
            {"members": 5, "threshold": "80.00", "passed": True, "yes": 4, "round": 1},
        )
        self.assertEqual(
            tally.json()["recused"],
            [
                {
                    "member_id": self.recused_member.pk,
                    "name": "Phạm Văn Tâm",
                    "reason": "công tác tại đơn vị đề nghị",
                }
            ],
        )
        closed = self.post(f"/sessions/{session['id']}/close", self.central)
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual(closed.json()["approved"], [proposal["id"]])
        self.assertEqual(closed.json()["passed"], {str(proposal["id"]): [nominee["id"]]})
        self.assertEqual(closed.json()["session"]["status"], "closed")

        docx = self.client.get(
            f"{API}/sessions/{session['id']}/minutes.docx", **self.auth(self.central)
        )
        self.assertEqual((docx.status_code, docx["Content-Type"]), (200, DOCX))
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        tables = " ".join(
            cell.text
            for table in Document(io.BytesIO(docx.content)).tables
            for row in table.rows
            for cell in row.cells
        )
        self.assertIn(TITLE, text)
        self.assertIn("Nguyễn Thị Hoa", f"{text} {tables}")

        issued = self.post(
            "/decisions",
            self.central,
            {
                "proposal_ids": [proposal["id"]],
                "number": 123,
                "signed_on": SIGNED_ON.isoformat(),
                "signer": "Hoàng Đăng Quang",
                "signer_title": "Phó Trưởng Ban Thường trực",
                "summary": "Về việc tặng danh hiệu Chiến sĩ thi đua cơ sở năm 2024",
            },
        )
        self.assertEqual(issued.status_code, 201, issued.content)
        decision = issued.json()
        self.assertEqual(decision["reference"], "Số 123-QĐ/BTCTW")
        self.assertEqual(
            decision["citation"], "Quyết định số 123-QĐ/BTCTW ngày 15 tháng 01 năm 2026"
        )
        [award] = decision["awards"]
        self.assertEqual(
            (award["person_id"], award["name"], award["form_code"], award["revoked"]),
            (hoa.pk, "Nguyễn Thị Hoa", eligibility.CHIEN_SI_THI_DUA_CO_SO, False),
        )

        # The unit sees its dossier decided, every step with who acted, and the decision.
        final = self.get(path, self.officer).json()
        self.assertEqual(final["status"], "decided")
        self.assertEqual(final["decision_ids"], [decision["id"]])
        self.assertEqual(
            [s["to_status"] for s in final["steps"]],
            ["at_cluster", "at_council", "approved", "decided"],
        )
        self.assertIn("13/14 đơn vị nhất trí.", final["steps"][1]["reason"])
        self.assertEqual([a["kind"] for a in final["attachments"]], ["submission", "minutes"])
        seen = self.get(f"/decisions/{decision['id']}", self.officer)
        self.assertEqual(seen.status_code, 200)
        self.assertEqual(seen.json()["standing"], 1)

        self.check_certificate(
            decision["id"], award["id"], "Nguyễn Thị Hoa", "CHIẾN SĨ THI ĐUA CƠ SỞ", "123-QĐ/BTCTW"
        )

    def test_a_decision_without_a_number_takes_the_next_free_one(self):
        proposal = self.approved()
        first = decision_services.issue_decision(
            [self.approved(self.candidates[1:2])],
            actor=None,
            signed_on=SIGNED_ON,
            signer="A",
            signer_title="B",
            summary="C",
        )
        self.assertEqual(first.reference, "Số 1-QĐ/BTCTW")

        issued = self.post(
            "/decisions",
            self.central,
            {
                "proposal_ids": [proposal.pk],
                "signed_on": SIGNED_ON.isoformat(),
                "signer": "Hoàng Đăng Quang",
                "signer_title": "Phó Trưởng Ban",
                "summary": "Về việc tặng danh hiệu",
            },
        )

        self.assertEqual(issued.status_code, 201, issued.content)
        self.assertEqual(issued.json()["reference"], "Số 2-QĐ/BTCTW")

    def test_an_award_and_then_the_whole_decision_are_revoked_and_kept(self):
        decision = self.decided(self.candidates[:2], number=5)
        first, second = decision.awards.order_by("pk")
        path = f"/decisions/{decision.pk}"

        one = self.post(f"{path}/awards/{first.pk}/revoke", self.central, {"reason": "Sai sót"})
        self.assertEqual(one.status_code, 200, one.content)
        self.assertEqual((one.json()["revoked"], one.json()["revoked_reason"]), (True, "Sai sót"))
        self.assertEqual(self.get(path, self.central).json()["standing"], 1)

        whole = self.post(f"{path}/revoke", self.central, {"reason": "Quyết định sai thẩm quyền"})
        self.assertEqual(whole.status_code, 200, whole.content)
        self.assertEqual(whole.json()["standing"], 0)
        self.assertEqual(Award.objects.filter(decision=decision).count(), 2)
        second.refresh_from_db()
        self.assertEqual(second.revoked_reason, "Quyết định sai thẩm quyền")

        again = self.post(f"{path}/revoke", self.central, {"reason": "Lần nữa"})
        self.assertEqual(again.status_code, 422)
        self.assertIn("đã bị thu hồi", again.json()["detail"])

    def test_a_returned_dossier_is_withdrawn_with_a_reason(self):
        proposal = self.draft()
        proposal_services.submit(proposal, actor=None)
        path = f"/proposals/{proposal.pk}"

        returned = self.post(f"{path}/return", self.reviewer, {"reason": "Bổ sung báo cáo."})
        self.assertEqual(returned.status_code, 200, returned.content)
        self.assertEqual(returned.json()["status"], "returned")
        self.assertEqual(returned.json()["steps"][-1]["reason"], "Bổ sung báo cáo.")

        empty = self.post(f"{path}/withdraw", self.officer, {"reason": ""})
        self.assertEqual(empty.status_code, 422)
        self.assertEqual(empty.json(), {"detail": "Nhập lý do rút hồ sơ.", "field": "reason"})
        withdrawn = self.post(f"{path}/withdraw", self.officer, {"reason": "Không đủ thành tích."})
        self.assertEqual(withdrawn.json()["status"], "withdrawn")

    def test_a_nominee_is_removed_and_rechecked_while_the_dossier_is_with_the_unit(self):
        proposal = self.draft(self.candidates[:2])
        first, second = proposal.nominees.order_by("pk")
        path = f"/proposals/{proposal.pk}/nominees"

        later = NOW + datetime.timedelta(hours=1)
        with time_machine.travel(later, tick=False):
            rechecked = self.post(f"{path}/{first.pk}/recheck", self.officer)
        removed = self.send("DELETE", f"{path}/{second.pk}", self.officer)

        self.assertEqual(rechecked.status_code, 200, rechecked.content)
        self.assertEqual(Nominee.objects.get(pk=first.pk).eligibility_checked_at, later)
        self.assertEqual(
            datetime.datetime.fromisoformat(rechecked.json()["eligibility_checked_at"]), later
        )
        self.assertEqual(removed.status_code, 200, removed.content)
        self.assertEqual([n["id"] for n in removed.json()["nominees"]], [first.pk])
        self.assertFalse(Nominee.objects.filter(pk=second.pk).exists())

    def test_the_proposals_listed_are_those_the_caller_sees(self):
        proposal = self.draft()

        mine = self.get("/proposals", self.officer).json()
        others = self.get("/proposals", self.outsider).json()

        self.assertEqual([p["id"] for p in mine], [proposal.pk])
        self.assertEqual(mine[0]["nominee_count"], 1)
        self.assertEqual(others, [])


class ClassificationTests(CommendationApiTestCase):
    def test_the_rule_sets_are_listed_with_bands_disqualifiers_quota_and_confidence(self):
        found = {r["code"]: r for r in self.get("/rule-sets", self.outsider).json()}

        self.assertLessEqual({"132-QĐ/TW", "124-QĐ/TW", "366-QĐ/TW"}, set(found))
        q366 = found["366-QĐ/TW"]
        # RULES.md: HTXSNV ≥ 90; HTTNV 70 to < 90; HTNV 50 to < 70; KHTNV < 50.
        self.assertEqual(
            [(b["abbreviation"], b["min_score"], b["below"]) for b in q366["bands"]],
            [
                ("HTXSNV", "90.00", None),
                ("HTTNV", "70.00", "90.00"),
                ("HTNV", "50.00", "70.00"),
                ("KHTNV", "0.00", "50.00"),
            ],
        )
        self.assertEqual(
            (q366["quota_percent"], q366["quota_percent_outstanding"], q366["quota_confidence"]),
            ("20.00", "25.00", "high"),
        )
        self.assertIn("ky-luat", {d["code"] for d in q366["disqualifiers"]})
        self.assertEqual(found["124-QĐ/TW"]["quota_confidence"], "unconfirmed")
        self.assertEqual(found["124-QĐ/TW"]["bands"], [])

    def test_a_year_is_judged_by_the_rule_set_in_force_on_31_december(self):
        self.assertEqual(
            self.get("/years/2024/rule-set", self.outsider).json()["rule_set"]["code"], "124-QĐ/TW"
        )
        self.assertEqual(
            self.get("/years/2025/rule-set", self.outsider).json()["rule_set"]["code"], "366-QĐ/TW"
        )
        self.assertEqual(self.get("/years/1850/rule-set", self.outsider).status_code, 404)

    def test_the_province_records_a_commune_result_and_reads_it_back(self):
        commune = self.party.communes[0]
        path = f"/units/{commune.pk}/years/2025/classification"

        before = self.get(path, self.province_officer).json()
        recorded = self.put(
            path,
            self.province_officer,
            {"level": "Xuất sắc", "score": "92,5", "exemplary": True, "group": "Đảng bộ xã"},
        )

        self.assertEqual((before["result"], before["can_record"]), (None, True))
        self.assertEqual(recorded.status_code, 200, recorded.content)
        result = recorded.json()["result"]
        self.assertEqual(
            (result["abbreviation"], result["score"], result["exemplary"], result["rule_set"]),
            ("HTXSNV", "92.50", True, "Quy định 366-QĐ/TW"),
        )
        self.assertEqual(self.get(path, self.commune_officer).json()["result"], result)
        self.assertFalse(self.get(path, self.commune_officer).json()["can_record"])

    def test_a_level_contradicting_the_366_band_is_422_with_every_reason_and_saves_nothing(self):
        org = self.party.orgs[0]
        before = self.state()

        response = self.put(
            f"/units/{org.pk}/years/2025/classification",
            self.province_officer,
            {"level": 1, "score": 85, "disqualifiers": ["ky-luat"]},
        )

        self.assertEqual(response.status_code, 422)
        detail = response.json()["detail"]
        self.assertIn(
            "Theo Quy định 366-QĐ/TW, 85 điểm thuộc mức Hoàn thành tốt nhiệm vụ "
            "(70 đến dưới 90): không thể xếp Hoàn thành xuất sắc nhiệm vụ.",
            detail,
        )
        self.assertIn("chỉ áp dụng cho cá nhân, không áp dụng cho tập thể", detail)
        self.assertEqual(self.state(), before)

    def test_a_level_spelled_wrongly_is_422_on_the_level_field(self):
        response = self.put(
            f"/units/{self.party.orgs[0].pk}/years/2024/classification",
            self.province_officer,
            {"level": "Giỏi"},
        )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["field"], "level")
        self.assertIn("Mức xếp loại “Giỏi” không hợp lệ", response.json()["detail"])


class ResultsTestCase(CommendationApiTestCase):
    """Hưng Yên's members in 2024 (Quy định 124, quota 20 %, unconfirmed):
    commune 1 (people 0–5): HTXSNV ×3 (scores 95, 91, 88), HTTNV ×3;
    commune 2 (people 6–11): HTTNV ×4, HTNV, KHTNV.
    Person 0 was also HTXSNV 2020–2023, and the first organization HTXSNV 2020–2024."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        levels = [E, E, E, G, G, G, G, G, G, G, C, N]
        scores = {0: 95, 1: 91, 2: 88}
        for index, (person, level) in enumerate(zip(cls.people, levels, strict=True)):
            classify(person, YEAR, level, score=scores.get(index))
        for year in range(2020, YEAR):
            classify(cls.people[0], year, E)
            rules.record_unit_classification(cls.party.orgs[0], year, level=E, actor=None)
        rules.record_unit_classification(cls.party.orgs[0], YEAR, level=E, actor=None)


class RollupTests(ResultsTestCase):
    def test_the_people_rollup_counts_each_subtree_against_the_90_percent_target(self):
        response = self.get(
            f"/units/{self.province.pk}/years/{YEAR}/people-rollup", self.province_officer, depth=1
        )

        self.assertEqual(response.status_code, 200, response.content)
        rows = response.json()["rows"]
        self.assertEqual(
            [r["unit_id"] for r in rows], [self.province.pk, *(c.pk for c in self.party.communes)]
        )
        province, first, second = rows
        self.assertEqual([lv["count"] for lv in province["levels"]], [3, 7, 1, 1])
        # 10 of 12 are HTTNV or better: 83,33 %, not above 90 %; commune 1 is 6 of 6.
        self.assertEqual(province["good_or_better_percent"], "83.33")
        self.assertFalse(province["targets"][0]["met"])
        self.assertEqual(
            (first["good_or_better_percent"], first["targets"][0]["met"]), ("100.00", True)
        )
        self.assertEqual(second["good_or_better_percent"], "66.67")

    def test_the_units_rollup_counts_the_grassroots_organizations_and_the_unclassified(self):
        rows = self.get(
            f"/units/{self.province.pk}/years/{YEAR}/units-rollup", self.province_officer
        ).json()["rows"]

        self.assertEqual(rows[0]["total"], 1)
        self.assertEqual(rows[0]["unclassified"], 3)

    def test_the_national_rollup_is_for_sector_wide_staff_only(self):
        national = self.get(f"/years/{YEAR}/national-rollup", self.central)
        refused = self.get(f"/years/{YEAR}/national-rollup", self.province_officer)

        self.assertEqual(national.status_code, 200)
        total = national.json()["rows"][-1]
        self.assertEqual((total["unit_id"], total["total"]), (None, 12))
        self.assertEqual(refused.status_code, 404)


class QuotaTests(ResultsTestCase):
    def test_the_quota_check_names_the_group_the_counts_the_limit_and_how_many_must_move(self):
        """3 HTXSNV against 7 HTTNV: 20 % of 7 is 1,4, so at most 1. Moving m raises the HTTNV
        count: 3 − m ≤ ⌊0,2 × (7 + m)⌋ first holds at m = 2 (1 ≤ ⌊1,8⌋ = 1)."""
        response = self.get(f"/units/{self.province.pk}/years/{YEAR}/quota", self.province_officer)

        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        [group] = body["people"]
        self.assertEqual(
            {
                k: group[k]
                for k in ("group", "excellent", "good", "percent", "limit", "excess", "ok")
            },
            {
                "group": "Chung",
                "excellent": 3,
                "good": 7,
                "percent": "20.00",
                "limit": 1,
                "excess": 2,
                "ok": False,
            },
        )
        self.assertIn("Phải chuyển 2 trường hợp từ HTXSNV xuống HTTNV", group["message"])
        self.assertIn("chưa được xác nhận", group["message"])
        self.assertEqual(body["units"], [])
        self.assertEqual(sorted(body["subordinate_ids"]), sorted(c.pk for c in self.party.communes))

    def test_the_higher_percentage_is_refused_where_the_rule_set_has_none(self):
        """Quy định 124 states no percentage for outstanding units (366 has 25 %)."""
        response = self.get(
            f"/units/{self.province.pk}/years/{YEAR}/quota",
            self.province_officer,
            outstanding_people="Chung",
        )

        self.assertEqual(response.status_code, 422)
        self.assertIn("không có tỷ lệ riêng cho đơn vị nổi trội", response.json()["detail"])

    def test_a_recorded_allowance_gives_the_group_25_percent_and_says_who_allowed_it(self):
        """Under 366: 1 HTXSNV against 4 HTTNV. 20 % of 4 is 0,8, so none may stay; 25 % of
        4 is 1, so with the competent level's permission the one HTXSNV stays."""
        year = 2025
        for person, level in zip(self.people[:5], [E, G, G, G, G], strict=True):
            classify(person, year, level, score=95 if level == E else 80)
        url = f"/units/{self.province.pk}/years/{year}/quota"

        [before] = self.get(url, self.province_officer).json()["people"]
        QuotaAllowance.objects.create(
            year=year,
            unit=self.province,
            group="",
            granted_by="Ban Thường vụ Tỉnh ủy Hưng Yên",
            document="Công văn số 12-CV/TU",
        )
        [after] = self.get(url, self.province_officer).json()["people"]

        self.assertEqual(
            (before["percent"], before["ok"], before["allowed_by"]), ("20.00", False, "")
        )
        self.assertEqual((after["percent"], after["limit"], after["ok"]), ("25.00", 1, True))
        self.assertTrue(after["outstanding"])
        self.assertIn("Ban Thường vụ Tỉnh ủy Hưng Yên", after["allowed_by"])
        self.assertIn("Công văn số 12-CV/TU", after["allowed_by"])

    def test_the_suggestion_keeps_the_best_score_and_proposes_the_others_for_httnv(self):
        response = self.get(
            f"/units/{self.province.pk}/years/{YEAR}/quota/suggestion",
            self.province_officer,
            group="",
            subject="people",
        )

        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual([c["id"] for c in body["keep"]], [self.people[0].pk])
        self.assertEqual([c["id"] for c in body["move"]], [self.people[1].pk, self.people[2].pk])
        self.assertEqual([c["score"] for c in body["move"]], ["91.00", "88.00"])
        self.assertFalse(body["needs_decision"])
        self.assertIn("cần người có thẩm quyền xác nhận", body["message"])
        self.assertEqual(PersonClassification.objects.filter(level=E, year=YEAR).count(), 3)


class StreakTests(ResultsTestCase):
    def test_a_units_streak_lists_the_years_that_make_it(self):
        org = self.party.orgs[0]
        response = self.get(f"/units/{org.pk}/years/{YEAR}/streak", self.province_officer, level=1)

        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["length"], body["first_year"], body["last_year"]), (5, 2020, 2024))
        self.assertEqual([y["year"] for y in body["years"]], [2020, 2021, 2022, 2023, 2024])
        self.assertTrue(body["data_missing"])  # 2019 has no result: it ends there, said so
        self.assertEqual(body["policy"], "all_predecessors")

    def test_an_unknown_policy_is_422(self):
        response = self.get(
            f"/units/{self.party.orgs[0].pk}/years/{YEAR}/streak",
            self.province_officer,
            policy="moi",
        )

        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["field"], "policy")

    def test_the_people_with_five_years_in_a_row_are_listed(self):
        response = self.get(
            f"/units/{self.province.pk}/years/{YEAR}/people-streaks",
            self.province_officer,
            level=1,
            length=5,
        )

        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["total"], 1)
        [row] = body["people"]
        self.assertEqual(
            (row["person_id"], row["length"], row["first_year"], row["unit_id"]),
            (self.people[0].pk, 5, 2020, self.party.orgs[0].pk),
        )

    def test_a_persons_dossier_and_streak(self):
        person = self.people[0]
        dossier = self.get(f"/people/{person.pk}", self.province_officer)
        streak = self.get(f"/people/{person.pk}/streak", self.province_officer, level=1)

        self.assertEqual(dossier.status_code, 200, dossier.content)
        body = dossier.json()
        self.assertEqual(
            [c["year"] for c in body["classifications"]], [2020, 2021, 2022, 2023, 2024]
        )
        self.assertEqual(body["classifications"][-1]["score"], "95.00")
        self.assertEqual(body["streaks"]["excellent"]["length"], 5)
        self.assertEqual(
            streak.json()["title"], "Hoàn thành xuất sắc nhiệm vụ 5 năm liền (2020–2024)"
        )

    def test_a_person_is_404_to_whoever_cannot_see_their_units(self):
        self.assertEqual(self.get(f"/people/{self.people[0].pk}", self.outsider).status_code, 404)
        self.assertEqual(
            self.get(f"/people/{self.people[6].pk}", self.commune_officer).status_code, 404
        )


class EligibilityTests(ResultsTestCase):
    def test_the_catalogue_of_a_year_lists_each_form_with_its_conditions(self):
        forms = {f["code"]: f for f in self.get("/forms", self.officer, year=YEAR).json()}

        csttd = forms[eligibility.CHIEN_SI_THI_DUA_CO_SO]
        self.assertEqual((csttd["council_vote"], csttd["vote_threshold"]), (True, "80.00"))
        self.assertEqual(csttd["valid_from"], "2024-01-01")
        self.assertTrue(csttd["conditions"])

    def test_every_condition_comes_back_with_status_evidence_citation_and_the_verdict(self):
        """Lao động tiên tiến 2024: rated HTTNV or better (person 3 is), active in emulation
        (no data: missing until someone confirms it), no exclusion (none recorded)."""
        body = {
            "form_code": eligibility.LAO_DONG_TIEN_TIEN,
            "year": YEAR,
            "person_id": self.people[3].pk,
        }

        unconfirmed = self.post("/eligibility", self.province_officer, body)
        confirmed = self.post(
            "/eligibility", self.province_officer, {**body, "confirmed": ["tich-cuc-thi-dua"]}
        )

        self.assertEqual(unconfirmed.status_code, 200, unconfirmed.content)
        result = unconfirmed.json()
        self.assertEqual(result["verdict"], "incomplete")
        by_code = {r["code"]: r for r in result["results"]}
        self.assertEqual(by_code["tich-cuc-thi-dua"]["status"], "missing")
        self.assertEqual(by_code["xep-loai"]["status"], "met")
        self.assertTrue(by_code["xep-loai"]["evidence"])
        self.assertTrue(all(r["citation"] for r in result["results"]))
        self.assertEqual(confirmed.json()["verdict"], "eligible")
        self.assertEqual(confirmed.json()["verdict_label"], "Đủ điều kiện")

    def test_a_form_for_collectives_asked_for_a_person_is_422(self):
        response = self.post(
            "/eligibility",
            self.province_officer,
            {
                "form_code": eligibility.GIAY_KHEN_TAP_THE,
                "year": YEAR,
                "person_id": self.people[3].pk,
            },
        )

        self.assertEqual(response.status_code, 422)
        self.assertIn("chỉ xét cho tập thể", response.json()["detail"])


class CouncilRuleTests(CommendationApiTestCase):
    def test_a_third_voting_round_is_422_and_records_nothing(self):
        """3 yes of the 4 who may vote is 3 of the 5 members, 60 % < 80 %: round 1 and
        round 2 fail; the council votes at most twice."""
        proposal = self.at_council()
        session = self.open_session(proposal)
        nominee = proposal.nominees.get()
        path = f"/sessions/{session.pk}/tallies"
        for round_ in (1, 2):
            response = self.post(
                path, self.central, {"nominee_id": nominee.pk, "round": round_, "yes": 3, "no": 1}
            )
            self.assertEqual(response.status_code, 201, response.content)
            self.assertFalse(response.json()["passed"])
        before = self.state()

        third = self.post(
            path, self.central, {"nominee_id": nominee.pk, "round": 3, "yes": 4, "no": 0}
        )

        self.assertEqual(third.status_code, 422)
        self.assertEqual(
            third.json(),
            {"detail": "Hội đồng bỏ phiếu tối đa 2 vòng: không có vòng 3.", "field": "round"},
        )
        self.assertEqual(self.state(), before)

    def test_a_session_is_hidden_from_the_unit_side(self):
        session = self.open_session(self.at_council())

        self.assertEqual(self.get(f"/sessions/{session.pk}", self.officer).status_code, 404)
        self.assertEqual(self.get(f"/sessions/{session.pk}", self.central).status_code, 200)


class InitiativeApiTests(CommendationApiTestCase):
    """A dossier cites a person's initiatives (each counts once): in and out of the nominee,
    changed while the dossier is with the unit, and held by the award the decision makes."""

    def setUp(self):
        super().setUp()
        self.hoa = self.candidates[0]
        self.sang_kien = Initiative.objects.create(
            person=self.hoa, title="Số hóa hồ sơ đảng viên", year=2024, scope="unit"
        )

    def test_a_nominee_cites_an_initiative_and_reads_it_back(self):
        proposal = self.draft([])
        added = self.post(
            f"/proposals/{proposal.pk}/nominees",
            self.officer,
            {"person_id": self.hoa.pk, "initiative_ids": [self.sang_kien.pk]},
        )
        self.assertEqual(added.status_code, 201, added.content)
        self.assertEqual(added.json()["initiative_ids"], [self.sang_kien.pk])
        self.assertEqual(
            added.json()["initiatives"],
            [
                {
                    "id": self.sang_kien.pk,
                    "title": "Số hóa hồ sơ đảng viên",
                    "year": 2024,
                    "scope": "unit",
                    "scope_name": "cơ sở",
                    "recognized_by": "",
                }
            ],
        )
        evidence = [e for r in added.json()["eligibility"]["results"] for e in r["evidence"]]
        self.assertTrue(
            any("Sáng kiến đề nghị xét: Sáng kiến “Số hóa hồ sơ đảng viên”" in e for e in evidence)
        )
        detail = self.get(f"/proposals/{proposal.pk}", self.officer).json()
        self.assertEqual(detail["nominees"][0]["initiative_ids"], [self.sang_kien.pk])
        self.assertEqual(detail["nominees"][0]["initiatives"][0]["title"], "Số hóa hồ sơ đảng viên")
        record = self.get(f"/people/{self.hoa.pk}", self.officer).json()
        (row,) = record["initiatives"]
        self.assertEqual(
            (row["award_id"], row["used_for"], row["cited_in_id"]), (None, "", proposal.pk)
        )
        self.assertIn(f"(số {proposal.pk}, năm 2024, Đang lập hồ sơ)", row["cited_in"])

    def test_the_initiative_is_changed_while_the_dossier_is_with_the_unit(self):
        proposal = self.draft()
        nominee = proposal.nominees.get()
        path = f"/proposals/{proposal.pk}/nominees/{nominee.pk}"
        later = NOW + datetime.timedelta(hours=1)
        with time_machine.travel(later, tick=False):
            changed = self.send(
                "PATCH", path, self.officer, {"initiative_ids": [self.sang_kien.pk]}
            )
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual(changed.json()["initiative_ids"], [self.sang_kien.pk])
        self.assertEqual(Nominee.objects.get(pk=nominee.pk).eligibility_checked_at, later)
        cleared = self.send("PATCH", path, self.officer, {"initiative_ids": []})
        self.assertEqual(
            (cleared.status_code, cleared.json()["initiative_ids"], cleared.json()["initiatives"]),
            (200, [], []),
        )

    def test_a_used_initiative_is_422_and_another_units_person_is_404(self):
        people.record_award(
            eligibility.form_for(eligibility.GIAY_KHEN_CA_NHAN, 2024),
            2024,
            person=self.hoa,
            actor=None,
            source="QĐ 3 (thử)",
            initiatives=[self.sang_kien],
        )
        proposal = self.draft()
        nominee = proposal.nominees.get()
        path = f"/proposals/{proposal.pk}/nominees/{nominee.pk}"
        elsewhere = Initiative.objects.create(
            person=self.people[0], title="Của Hưng Yên", year=2024, scope="unit"
        )
        before = self.state()
        used = self.send("PATCH", path, self.officer, {"initiative_ids": [self.sang_kien.pk]})
        self.assertEqual(used.status_code, 422)
        self.assertEqual(
            used.json(),
            {
                "detail": "Sáng kiến “Số hóa hồ sơ đảng viên” đã dùng cho “Giấy khen (cá "
                "nhân)” năm 2024: mỗi sáng kiến chỉ dùng cho một danh hiệu hoặc hình thức khen "
                "thưởng.",
                "field": "initiatives",
            },
        )
        hidden = self.send(
            "PATCH", path, self.officer, {"initiative_ids": [self.sang_kien.pk, elsewhere.pk]}
        )
        self.assertEqual(hidden.status_code, 404)
        self.assertEqual(self.state(), before)

    def test_the_award_of_the_decision_holds_the_initiative(self):
        proposal = self.draft([])
        proposal_services.add_nominee(
            proposal, actor=None, person=self.hoa, initiatives=[self.sang_kien]
        )
        proposal_services.submit(proposal, actor=None)
        proposal_services.attach(
            proposal, kind=AttachmentKind.REVIEW_MINUTES, upload=upload("bb.pdf"), actor=None
        )
        proposal_services.cluster_approve(proposal, actor=None)
        session = self.open_session(proposal)
        council_services.record_tally(
            session, proposal.nominees.get(), round=1, yes=4, no=0, actor=None
        )
        council_services.close_session(session, actor=None)
        issued = self.post(
            "/decisions",
            self.central,
            {
                "proposal_ids": [proposal.pk],
                "signed_on": SIGNED_ON.isoformat(),
                "signer": "Hoàng Đăng Quang",
                "signer_title": "Phó Trưởng Ban",
                "summary": "Về việc tặng danh hiệu",
            },
        )
        self.assertEqual(issued.status_code, 201, issued.content)
        (award,) = issued.json()["awards"]
        self.assertEqual(
            (award["initiative_ids"], award["initiatives"]),
            ([self.sang_kien.pk], ["Số hóa hồ sơ đảng viên"]),
        )
        record = self.get(f"/people/{self.hoa.pk}", self.central).json()
        self.assertEqual(
            [(a["initiative_ids"], a["initiatives"]) for a in record["awards"]],
            [([self.sang_kien.pk], ["Số hóa hồ sơ đảng viên"])],
        )
        self.assertEqual(record["initiatives"][0]["award_id"], award["id"])


class SessionListTests(CommendationApiTestCase):
    """GET /sessions: the council's side only, as the session pages."""

    def test_sessions_are_listed_newest_first_by_council_and_by_year_held(self):
        ca_mau = Council.objects.create(
            name="Hội đồng Thi đua Cà Mau", unit=self.cast.outsider_unit
        )
        CouncilMember.objects.create(council=ca_mau, full_name="Ủy viên Cà Mau", position="Ủy viên")
        december = council_services.open_session(
            self.council,
            held_on=datetime.date(2025, 12, 20),
            place="Hà Nội",
            proposals=[self.at_council()],
            actor=None,
        )
        january = self.open_session(self.at_council())
        theirs = council_services.open_session(
            ca_mau,
            held_on=datetime.date(2026, 1, 5),
            place="Cà Mau",
            proposals=[self.at_council()],
            actor=None,
        )

        everything = self.get("/sessions", self.central)
        self.assertEqual(everything.status_code, 200)
        self.assertEqual([s["id"] for s in everything.json()], [january.pk, theirs.pk, december.pk])
        row = everything.json()[0]
        self.assertEqual(
            {k: row[k] for k in ("council_id", "council", "held_on", "status", "status_label")},
            {
                "council_id": self.council.pk,
                "council": self.council.name,
                "held_on": "2026-01-08",
                "status": "open",
                "status_label": "Đang họp",
            },
        )
        self.assertEqual(row["proposal_ids"], list(january.proposals.values_list("pk", flat=True)))
        of_2025 = self.get("/sessions", self.central, year=2025).json()
        self.assertEqual([s["id"] for s in of_2025], [december.pk])
        ours = self.get("/sessions", self.central, council_id=self.council.pk, year=2026).json()
        self.assertEqual([s["id"] for s in ours], [january.pk])

        # Cà Mau's officers act for their own council only; the units' side sees none.
        self.assertEqual(
            [s["id"] for s in self.get("/sessions", self.outsider).json()], [theirs.pk]
        )
        other = self.get("/sessions", self.outsider, council_id=self.council.pk)
        self.assertEqual(other.status_code, 404)
        self.assertEqual(self.get("/sessions", self.officer).json(), [])

    def test_the_list_costs_the_same_queries_whatever_the_number_of_sessions(self):
        """The caller's token and roles, the councils, the sessions with their council, and
        one query for every session's dossiers (prefetched)."""
        self.open_session(self.at_council())
        self.get("/sessions", self.central)  # the token is issued once, outside the count
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(len(self.get("/sessions", self.central).json()), 1)
        for day in (5, 6):
            council_services.open_session(
                self.council,
                held_on=datetime.date(2026, 1, day),
                place="Hà Nội",
                proposals=[self.at_council(), self.at_council()],
                actor=None,
            )
        with self.assertNumQueries(len(one)):
            self.assertEqual(len(self.get("/sessions", self.central).json()), 3)


class ImportTests(CommendationApiTestCase):
    def run_import(self, user, data: bytes, *, scope=None, year=2019, name="ket-qua.csv"):
        fields = {"year": year, "file": SimpleUploadedFile(name, data, content_type="text/csv")}
        if scope is not None:
            fields["scope_id"] = scope.pk
        return self.multipart("/imports", user, fields)

    def test_a_file_is_imported_whole_and_its_batch_read_back(self):
        rows = [line(p, "HTTNV", year="2019") for p in self.people]
        rows[0] = line(self.people[0], "Hoàn thành xuất sắc nhiệm vụ", year="2019")

        response = self.run_import(self.province_officer, csv_bytes(rows), scope=self.province)

        self.assertEqual(response.status_code, 201, response.content)
        batch = response.json()
        self.assertEqual(
            (batch["status"], batch["total_rows"], batch["rejected_rows"]), ("done", 12, 0)
        )
        self.assertEqual([c["count"] for c in batch["counts"]], [1, 11, 0, 0])
        self.assertEqual(PersonClassification.objects.filter(year=2019).count(), 12)
        again = self.get(f"/imports/{batch['id']}", self.province_officer)
        self.assertEqual(again.json()["id"], batch["id"])
        self.assertEqual(self.get(f"/imports/{batch['id']}", self.outsider).status_code, 404)

    def test_a_refused_file_is_422_with_every_row_and_column_and_saves_nothing(self):
        rows = [line(p, "HTTNV", year="2019") for p in self.people[:3]]
        rows[1][0] = "KHONG-CO"
        rows[2] = line(self.people[2], "Giỏi", year="2019")

        response = self.run_import(self.province_officer, csv_bytes(rows), scope=self.province)

        self.assertEqual(response.status_code, 422, response.content)
        body = response.json()
        self.assertEqual(body["rejected_rows"], 2)
        self.assertEqual(
            [(e["row"], e["column"]) for e in body["errors"]],
            [(3, "Mã đảng viên"), (4, "Xếp loại")],
        )
        self.assertIn("Không có đảng viên mã “KHONG-CO”", body["errors"][0]["message"])
        self.assertIn("Mức xếp loại “Giỏi” không hợp lệ", body["errors"][1]["message"])
        self.assertIn("không lưu", body["detail"])
        self.assertEqual(PersonClassification.objects.filter(year=2019).count(), 0)
        self.assertEqual(ImportBatch.objects.get(pk=body["batch_id"]).status, "rejected")


class RefusedWriteTests(CommendationApiTestCase):
    """Every write endpoint, called by a user without the right (usually one who can see the
    object but may not act on it), is 404 and changes nothing."""

    def test_every_write_endpoint_refuses_a_user_without_the_right(self):
        draft = self.draft()
        at_cluster = self.draft(self.candidates[1:2])
        proposal_services.submit(at_cluster, actor=None)
        decision = self.decided(self.candidates[2:3])
        award = decision.awards.get()
        voting = self.at_council(self.candidates[:2])
        session = self.open_session(voting)
        member = self.council.members.first()
        nominee = draft.nominees.get()
        voting_nominee = voting.nominees.first()
        org = self.party.orgs[0]
        people = f"/proposals/{draft.pk}"
        csv = csv_bytes([line(self.people[0], "HTTNV", year="2019")])

        calls = [
            # Classification: an outsider does not see the province; a commune officer sees
            # its commune but a unit never records its own result.
            (self.outsider, "PUT", f"/units/{org.pk}/years/2024/classification", {"level": 2}),
            (
                self.commune_officer,
                "PUT",
                f"/units/{self.party.communes[0].pk}/years/2024/classification",
                {"level": 2},
            ),
            # Import: outside the caller's units, or without a scope for a unit officer.
            (
                self.outsider,
                "FILE",
                "/imports",
                {"year": 2019, "scope_id": self.province.pk, "file": ("kq.csv", csv)},
            ),
            (self.province_officer, "FILE", "/imports", {"year": 2019, "file": ("kq.csv", csv)}),
            # Eligibility of someone the caller cannot see.
            (
                self.outsider,
                "POST",
                "/eligibility",
                {
                    "form_code": eligibility.LAO_DONG_TIEN_TIEN,
                    "year": YEAR,
                    "person_id": self.people[0].pk,
                },
            ),
            # The dossier: Cà Mau is no part of it; Quảng Ninh (the cluster's head) sees it but
            # the unit acts while it is a draft.
            (
                self.outsider,
                "POST",
                "/proposals",
                {
                    "form_code": self.form.code,
                    "year": YEAR,
                    "unit_id": self.thai_binh.pk,
                    "title": "Đề nghị",
                },
            ),
            (self.reviewer, "POST", f"{people}/nominees", {"person_id": self.candidates[1].pk}),
            (self.officer, "POST", f"{people}/nominees", {"person_id": self.people[0].pk}),
            (self.reviewer, "DELETE", f"{people}/nominees/{nominee.pk}", None),
            (self.reviewer, "POST", f"{people}/nominees/{nominee.pk}/recheck", None),
            (self.reviewer, "PATCH", f"{people}/nominees/{nominee.pk}", {"initiative_ids": []}),
            (
                self.reviewer,
                "FILE",
                f"{people}/attachments",
                {"kind": "other", "file": ("a.pdf", b"%PDF")},
            ),
            (self.reviewer, "POST", f"{people}/submit", None),
            (self.reviewer, "POST", f"{people}/withdraw", {"reason": "Rút"}),
            # At the cluster the cluster's managers act, not the unit.
            (self.officer, "POST", f"/proposals/{at_cluster.pk}/cluster-approve", {"note": ""}),
            (self.officer, "POST", f"/proposals/{at_cluster.pk}/return", {"reason": "Trả"}),
            (
                self.officer,
                "FILE",
                f"/proposals/{at_cluster.pk}/attachments",
                {"kind": "minutes", "file": ("b.pdf", b"%PDF")},
            ),
            # The council's side only.
            (
                self.officer,
                "POST",
                "/sessions",
                {
                    "council_id": self.council.pk,
                    "held_on": "2026-01-10",
                    "place": "Hà Nội",
                    "proposal_ids": [voting.pk],
                },
            ),
            (
                self.officer,
                "POST",
                f"/sessions/{session.pk}/attendance",
                {"member_id": member.pk, "present": False},
            ),
            (
                self.officer,
                "POST",
                f"/sessions/{session.pk}/tallies",
                {"nominee_id": voting_nominee.pk, "round": 1, "yes": 4, "no": 0},
            ),
            (self.officer, "POST", f"/sessions/{session.pk}/close", None),
            (
                self.officer,
                "POST",
                "/decisions",
                {
                    "proposal_ids": [voting.pk],
                    "signed_on": "2026-01-15",
                    "signer": "A",
                    "signer_title": "B",
                    "summary": "C",
                },
            ),
            # Thái Bình reads its decision but only the council's side revokes.
            (self.officer, "POST", f"/decisions/{decision.pk}/revoke", {"reason": "Sai"}),
            (
                self.officer,
                "POST",
                f"/decisions/{decision.pk}/awards/{award.pk}/revoke",
                {"reason": "Sai"},
            ),
        ]
        self.assertEqual(self.get(f"/decisions/{decision.pk}", self.officer).status_code, 200)
        # A draft is the unit's own until it is sent: the cluster's side does not see it yet.
        self.assertEqual(self.get(people, self.reviewer).status_code, 404)
        before = self.state()
        for user, method, path, body in calls:
            with self.subTest(method=method, path=path, user=user.username):
                if method == "FILE":
                    data = {
                        k: SimpleUploadedFile(v[0], v[1]) if isinstance(v, tuple) else v
                        for k, v in body.items()
                    }
                    response = self.multipart(path, user, data)
                else:
                    response = self.send(method, path, user, body)
                self.assertEqual(response.status_code, 404, response.content)
        self.assertEqual(self.state(), before)

    def test_reading_is_404_for_an_outsider(self):
        proposal = self.draft()
        decision = self.decided(self.candidates[1:2])
        for path in [
            f"/proposals/{proposal.pk}",
            f"/decisions/{decision.pk}",
            f"/units/{self.province.pk}/years/{YEAR}/classification",
            f"/units/{self.province.pk}/years/{YEAR}/people-rollup",
            f"/units/{self.province.pk}/years/{YEAR}/quota",
            f"/units/{self.province.pk}/years/{YEAR}/streak",
            f"/people/{self.candidates[0].pk}",
        ]:
            with self.subTest(path=path):
                self.assertEqual(self.get(path, self.outsider).status_code, 404)


class CertificatePdfTests(CommendationApiTestCase):
    def setUp(self):
        super().setUp()
        reason = pdf_unavailable()
        if reason:
            if os.environ.get("THIDUA_REQUIRE_PDF") == "1":
                self.fail(f"THIDUA_REQUIRE_PDF=1 but the PDF cannot be made: {reason}")
            self.skipTest(reason)

    def test_the_batch_of_a_decision_has_one_page_per_award_still_standing(self):
        from pypdf import PdfReader

        decision = self.decided(self.candidates[:2], number=9)
        first, _second = decision.awards.order_by("pk")
        decision_services.revoke(first, reason="Sai sót", actor=None)

        response = self.client.get(
            f"{API}/decisions/{decision.pk}/certificates.pdf", **self.auth(self.officer)
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(PdfReader(io.BytesIO(response.content)).pages), 1)
        text = pages_text(response.content)
        self.assertIn("Trần Văn Bình", text)
        self.assertNotIn("Nguyễn Thị Hoa", text)

    def test_a_revoked_award_has_no_certificate(self):
        decision = self.decided(number=10)
        award = decision.awards.get()
        decision_services.revoke(award, reason="Sai sót", actor=None)

        response = self.client.get(
            f"{API}/decisions/{decision.pk}/awards/{award.pk}/certificate.pdf",
            **self.auth(self.officer),
        )

        self.assertEqual(response.status_code, 422)
        self.assertIn("đã bị thu hồi", response.json()["detail"])


class OpenApiTests(CommendationApiTestCase):
    def test_the_openapi_schema_lists_the_commendation_paths(self):
        schema = self.client.get("/api/v1/openapi.json").json()

        prefix = "/api/v1/commendation"
        expected = {
            "/rule-sets": {"get"},
            "/years/{year}/rule-set": {"get"},
            "/units/{unit_id}/years/{year}/classification": {"get", "put"},
            "/units/{unit_id}/years/{year}/people-rollup": {"get"},
            "/units/{unit_id}/years/{year}/units-rollup": {"get"},
            "/years/{year}/national-rollup": {"get"},
            "/units/{unit_id}/years/{year}/quota": {"get"},
            "/units/{unit_id}/years/{year}/quota/suggestion": {"get"},
            "/units/{unit_id}/years/{year}/streak": {"get"},
            "/units/{unit_id}/years/{year}/people-streaks": {"get"},
            "/people": {"get", "post"},
            "/people/{person_id}": {"get", "patch"},
            "/people/{person_id}/streak": {"get"},
            "/imports": {"get", "post"},
            "/imports/{batch_id}": {"get"},
            "/imports/{batch_id}/dismiss": {"post"},
            "/imports/{batch_id}/remove": {"post"},
            "/imports/{batch_id}/source": {"get"},
            "/forms": {"get"},
            "/eligibility": {"post"},
            "/proposals": {"get", "post"},
            "/proposals/{proposal_id}": {"get"},
            "/proposals/{proposal_id}/nominees": {"post"},
            "/proposals/{proposal_id}/nominees/{nominee_id}": {"delete", "patch"},
            "/proposals/{proposal_id}/attachments": {"post"},
            "/proposals/{proposal_id}/submit": {"post"},
            "/proposals/{proposal_id}/cluster-approve": {"post"},
            "/proposals/{proposal_id}/return": {"post"},
            "/proposals/{proposal_id}/withdraw": {"post"},
            "/councils": {"get"},
            "/sessions": {"get", "post"},
            "/sessions/{session_id}": {"get"},
            "/sessions/{session_id}/attendance": {"post"},
            "/sessions/{session_id}/tallies": {"post"},
            "/sessions/{session_id}/close": {"post"},
            "/sessions/{session_id}/minutes.docx": {"get"},
            "/decisions": {"get", "post"},
            "/decisions/{decision_id}": {"get"},
            "/decisions/{decision_id}/revoke": {"post"},
            "/decisions/{decision_id}/awards/{award_id}/revoke": {"post"},
            "/decisions/{decision_id}/awards/{award_id}/certificate.pdf": {"get"},
            "/decisions/{decision_id}/certificates.pdf": {"get"},
        }
        for path, methods in expected.items():
            with self.subTest(path=path):
                self.assertLessEqual(methods, set(schema["paths"].get(prefix + path, {})))
        result = schema["components"]["schemas"]["UnitResultOut"]
        self.assertEqual(result["properties"]["score"]["anyOf"][0]["type"], "string")

    def test_a_request_without_credentials_is_401(self):
        self.assertEqual(self.client.get(f"{API}/rule-sets").status_code, 401)
