"""The awards demo (commendation.demo_awards): Ban Tổ chức Tỉnh ủy Hưng Yên's two dossiers
for 2025 carried through Cụm thi đua số 2 and the sector's council to a decision.

The council: nine members, eight present and one absent with a written vote; the Hưng Yên
member (present) is recused for Hưng Yên's nominees: he does not vote, so each nominee receives
7 + 1 = 8 ballots, but the share is of all 9 members. At 80 %, 0,8 × 9 = 7,2, so 8 yes votes
(every ballot, 8/9 = 88,88 %) pass and 6 (6/9 = 66,66 %) fail.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import tempfile
from zoneinfo import ZoneInfo

import time_machine
from django.test import override_settings
from django.urls import reverse

from commendation import demo, demo_awards
from commendation.certificates import pdf_unavailable
from commendation.models import (
    Attachment,
    AttachmentKind,
    Award,
    Council,
    CouncilSession,
    Decision,
    Nominee,
    Proposal,
    ProposalStatus,
    ProposalStep,
    Tally,
    UnitClassification,
)
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations import demo as organizations_demo

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"thidua-test-demo-awards-{os.getpid()}")
S = ProposalStatus


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


def clean(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class AwardsDemoTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        organizations_demo.load_registry()
        organizations_demo.load_clusters()
        organizations_demo.load_users()
        cls.result = demo.load_all()["awards"]
        cls.proposals = list(
            Proposal.objects.filter(unit__code=demo.PROVINCE_CODE, year=2025).order_by("pk")
        )
        cls.unit_proposal, cls.person_proposal = cls.proposals
        cls.session = CouncilSession.objects.get(council__name=demo_awards.COUNCIL_NAME)
        cls.decision = Decision.objects.get(proposals=cls.person_proposal)

    def counts(self) -> list[int]:
        models = (Council, Proposal, ProposalStep, Nominee, Attachment, Tally, Decision, Award)
        return [m.objects.count() for m in (*models, AuditEntry)]

    def test_loading_twice_changes_nothing(self):
        before = self.counts()
        again = demo_awards.load_all()
        self.assertTrue(self.result["loaded"])
        self.assertFalse(again["loaded"])
        self.assertEqual({**again, "loaded": True}, self.result)
        self.assertEqual(self.counts(), before)

    def test_each_dossier_went_from_the_unit_through_the_cluster_and_council_to_the_decision(self):
        for proposal in self.proposals:
            steps = [
                (s.from_status, s.to_status, s.actor.username if s.actor else None)
                for s in proposal.steps.select_related("actor").order_by("at", "pk")
            ]
            self.assertEqual(
                steps,
                [
                    (S.DRAFT, S.AT_CLUSTER, "hungyen"),
                    (S.AT_CLUSTER, S.AT_COUNCIL, "vudp1"),
                    (S.AT_COUNCIL, S.APPROVED, "trunguong"),
                    (S.APPROVED, S.DECIDED, "trunguong"),
                ],
            )
            self.assertEqual(proposal.cluster.name, "Cụm thi đua số 2")
            kinds = dict(proposal.attachments.values_list("kind", "uploaded_by__username"))
            self.assertEqual(
                kinds,
                {
                    AttachmentKind.SUBMISSION: "hungyen",
                    AttachmentKind.ACHIEVEMENT_REPORT: "hungyen",
                    AttachmentKind.REVIEW_MINUTES: "vudp1",
                },
            )
            minutes = proposal.attachments.get(kind=AttachmentKind.REVIEW_MINUTES)
            with minutes.file.open("rb") as handle:
                self.assertIn("BIÊN BẢN BÌNH XÉT", handle.read().decode("utf-8"))

    def test_every_nominee_carries_an_eligibility_check_that_passed(self):
        nominees = Nominee.objects.filter(proposal__in=self.proposals)
        self.assertEqual(nominees.count(), 3)
        self.assertEqual({n.eligibility["verdict"] for n in nominees}, {"eligible"})
        # the organization: HTXSNV in 2025, recorded "tiêu biểu" by the competent level
        org = self.unit_proposal.nominees.get().unit
        result = UnitClassification.objects.get(unit=org, year=2025)
        self.assertEqual((result.level, result.exemplary), (1, True))

    def test_the_initiative_cited_for_the_second_member_goes_to_the_award(self):
        """Each initiative counts once: the dossier cites it, the award holds it."""
        star, second = self.person_proposal.nominees.order_by("pk")
        self.assertFalse(star.initiatives.exists())
        (cited,) = second.initiatives.all()
        self.assertEqual(cited.title, demo_awards.INITIATIVE)
        self.assertEqual(list(second.award.initiatives.all()), [cited])
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        page = clean(self.client.get(self.person_proposal.get_absolute_url()).content.decode())
        self.assertIn(f"Sáng kiến dùng cho đề nghị: {demo_awards.INITIATIVE}", page)

    def test_the_council_counts_on_all_members_the_recused_hung_yen_member_included(self):
        attendance = list(self.session.attendance.values_list("present", "written_vote"))
        self.assertEqual(attendance.count((True, False)), 8)
        self.assertEqual(attendance.count((False, True)), 1)
        first, second = self.person_proposal.nominees.order_by("pk")
        rows = {
            (t.nominee_id, t.round): (t.yes, t.no, t.members, t.passed)
            for t in Tally.objects.filter(session=self.session)
        }
        self.assertEqual(
            rows,
            {
                (first.pk, 1): (8, 0, 9, True),  # 8/9 = 88,88 % ≥ 80 %
                (second.pk, 1): (6, 2, 9, False),  # 6/9 = 66,66 % < 80 %
                (second.pk, 2): (8, 0, 9, True),  # 8/9 again
            },
        )
        recused = Tally.objects.filter(session=self.session).values_list("recused", flat=True)
        self.assertEqual(
            {(r["name"], r["reason"]) for rows in recused for r in rows},
            {("Vũ Đức Thắng", "công tác tại đơn vị đề nghị")},
        )
        self.assertEqual(self.session.status, CouncilSession.Status.CLOSED)

    def test_the_decision_of_january_2026_awards_all_three_in_party_format(self):
        self.assertEqual(self.decision.reference, f"Số {self.decision.number}-QĐ/BTCTW")
        self.assertEqual(self.result["decision"], self.decision.reference)
        self.assertEqual(self.decision.signed_on, datetime.date(2026, 1, 15))
        awarded = {
            (a.form.code, a.unit_id is not None)
            for a in self.decision.awards.select_related("form")
        }
        self.assertEqual(
            awarded,
            {(demo_awards.UNIT_FORM, True), (demo_awards.PERSON_FORM, False)},
        )
        self.assertEqual(self.decision.awards.count(), 3)
        self.assertEqual(self.result["awards"], 3)

    def test_the_pages_show_the_route_the_recusal_and_the_decision(self):
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        page = clean(self.client.get(self.person_proposal.get_absolute_url()).content.decode())
        self.assertIn("Đang lập hồ sơ → Cụm đang bình xét · Vũ Thị Hoa", page)
        self.assertIn(f"Quyết định số {self.decision.number}-QĐ/BTCTW", page)
        self.client.login(username="trunguong", password=organizations_demo.DEMO_PASSWORD)
        page = clean(self.client.get(self.session.get_absolute_url()).content.decode())
        self.assertIn(
            "Thành viên không tham gia biểu quyết: Vũ Đức Thắng (công tác tại đơn vị đề nghị)",
            page,
        )
        self.assertIn("1 6 2 0 6/9 (66,66%) từ 80% Không đạt", page)
        self.assertIn("2 8 0 0 8/9 (88,88%) từ 80% Đạt", page)
        page = clean(self.client.get(self.decision.get_absolute_url()).content.decode())
        self.assertIn(self.decision.reference, page)
        self.assertIn("Hà Nội, ngày 15 tháng 01 năm 2026", page)

    def test_a_certificate_of_the_decision_downloads_as_a_pdf(self):
        problem = pdf_unavailable()
        if problem and os.environ.get("THIDUA_REQUIRE_PDF") != "1":
            self.skipTest(problem)
        from pypdf import PdfReader

        award = self.decision.awards.filter(person__isnull=False).order_by("pk").first()
        self.client.login(username="hungyen", password=organizations_demo.DEMO_PASSWORD)
        response = self.client.get(
            reverse("commendation:award_certificate", args=[self.decision.pk, award.pk])
        )
        self.assertEqual(response["Content-Type"], "application/pdf")
        (page,) = PdfReader(io.BytesIO(response.content)).pages
        text = re.sub(r"\s+", " ", page.extract_text())
        self.assertIn(award.person.full_name, text)
        self.assertIn("CHIẾN SĨ THI ĐUA CƠ SỞ", text)
