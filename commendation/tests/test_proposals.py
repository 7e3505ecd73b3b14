"""Hồ sơ đề nghị khen thưởng: the dossier, its route unit → cluster → council → approved,
returns with a reason at every step, and the checks on submission.

The small world of organizations.testing, with Cụm thi đua số 2's members and head carried
into 2024: Thái Bình (an ordinary member) proposes its people for Chiến sĩ thi đua cơ sở
2024 (the catalogue of migration 0006: Luật 2022 with Nghị định 98, a council vote at 80 %)
through the cluster, as every member must; Quảng Ninh heads the cluster and reviews; Cà Mau,
in no cluster, sends its dossiers straight to the council; central staff act for the
sector's council."""

from __future__ import annotations

import datetime
import shutil
import tempfile

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings

from commendation import permissions
from commendation.models import (
    Attachment,
    AttachmentKind,
    Award,
    Council,
    CouncilMember,
    Form,
    Level,
    Nominee,
    Person,
    Proposal,
    ProposalStatus,
    ProposalStep,
)
from commendation.services import council as council_services
from commendation.services import eligibility, proposals
from commendation.testing import classify
from core import audit
from core.models import AuditEntry
from core.test import ThiDuaTestCase
from organizations.models import ClusterLeadership, Position
from organizations.testing import add_members, make_cast

YEAR = 2024
S = ProposalStatus


def make_council(unit, members: int = 10) -> Council:
    """A council of ``members`` people working in ``unit``, the first one its chair."""
    council = Council.objects.create(
        name="Hội đồng Thi đua - Khen thưởng Ngành Tổ chức xây dựng Đảng", unit=unit
    )
    CouncilMember.objects.bulk_create(
        CouncilMember(
            council=council,
            full_name=f"Ủy viên {i:02d}",
            position="Chủ tịch" if i == 1 else "Ủy viên",
            unit=unit,
        )
        for i in range(1, members + 1)
    )
    return council


def upload(name: str = "to-trinh.pdf", size: int = 100) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%" * size, content_type="application/pdf")


def use_temporary_media(testcase) -> None:
    """Uploaded files go to a directory removed after the test."""
    media = tempfile.mkdtemp(prefix="thidua-media-")
    testcase.addCleanup(shutil.rmtree, media, ignore_errors=True)
    settings = override_settings(MEDIA_ROOT=media)
    settings.enable()
    testcase.addCleanup(settings.disable)


def texts(nominee: Nominee, status: str) -> list[str]:
    """The stored check's conditions with ``status``, in its own words."""
    return [r["text"] for r in nominee.eligibility["results"] if r["status"] == status]


class ProposalTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        add_members(cls.cast.cluster, cls.cast.members, [YEAR])
        ClusterLeadership.objects.create(
            cluster=cls.cast.cluster, year=YEAR, unit=cls.cast.head_unit, position=Position.HEAD
        )
        cls.unit = cls.cast.member_unit  # Thái Bình
        cls.officer = cls.cast.member_officer
        cls.reviewer = cls.cast.head_officer  # Quảng Ninh heads the cluster
        cls.secretariat = cls.cast.central
        cls.form = eligibility.form_for(eligibility.CHIEN_SI_THI_DUA_CO_SO, YEAR)
        cls.people = [
            Person.objects.create(code=f"TB{i:04d}", full_name=name, unit=cls.unit)
            for i, name in enumerate(["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Văn Cường"])
        ]
        cls.direct_unit = cls.cast.outsider_unit  # Cà Mau: in no cluster
        cls.direct_officer = cls.cast.outsider
        cls.direct_people = [
            Person.objects.create(code=f"CM{i:04d}", full_name=name, unit=cls.direct_unit)
            for i, name in enumerate(["Phạm Thị Dung", "Võ Văn Em"])
        ]

    def setUp(self):
        use_temporary_media(self)

    def draft(self, *, cluster=True, nominees=1, submission=True) -> Proposal:
        """Thái Bình's dossier through Cụm 2; with ``cluster=False``, Cà Mau's (in no
        cluster) straight to the council, drawn up by ``self.direct_officer``."""
        unit, officer, people = (
            (self.unit, self.officer, self.people)
            if cluster
            else (self.direct_unit, self.direct_officer, self.direct_people)
        )
        proposal = proposals.create_proposal(
            form=self.form,
            year=YEAR,
            unit=unit,
            actor=officer,
            title=f"Đề nghị tặng danh hiệu Chiến sĩ thi đua cơ sở năm {YEAR}",
            cluster=self.cast.cluster if cluster else None,
        )
        for person in people[:nominees]:
            proposals.add_nominee(proposal, actor=officer, person=person)
        if submission:
            proposals.attach(
                proposal, kind=AttachmentKind.SUBMISSION, upload=upload(), actor=officer
            )
        return proposal

    def cluster_minutes(self, proposal: Proposal) -> None:
        proposals.attach(
            proposal,
            kind=AttachmentKind.REVIEW_MINUTES,
            upload=upload("bien-ban-binh-xet.pdf"),
            actor=self.reviewer,
        )

    def status(self, proposal: Proposal) -> str:
        return Proposal.objects.get(pk=proposal.pk).status


class RouteTests(ProposalTestCase):
    def test_a_dossier_goes_from_the_unit_through_the_cluster_and_the_council_to_approval(self):
        """Every move is a step (who, from, to, why) and an audit entry."""
        proposal = self.draft()
        self.assertEqual(proposal.status, S.DRAFT)
        proposals.submit(proposal, actor=self.officer)
        self.assertEqual(self.status(proposal), S.AT_CLUSTER)
        self.cluster_minutes(proposal)
        proposals.cluster_approve(
            proposal, actor=self.reviewer, minutes_note="13/14 đơn vị nhất trí."
        )
        self.assertEqual(self.status(proposal), S.AT_COUNCIL)

        council = make_council(self.cast.commission, members=3)
        session = council_services.open_session(
            council,
            held_on=datetime.date(2025, 3, 15),
            place="Trụ sở Ban Tổ chức Trung ương",
            proposals=[proposal],
            actor=self.secretariat,
        )
        for member in council.members.all():
            council_services.record_attendance(
                session, member, present=True, actor=self.secretariat
            )
        nominee = proposal.nominees.get()
        council_services.record_tally(
            session, nominee, round=1, yes=3, no=0, actor=self.secretariat
        )
        council_services.close_session(session, actor=self.secretariat)
        self.assertEqual(self.status(proposal), S.APPROVED)

        steps = proposals.history(proposal)
        self.assertEqual(
            [(s.from_status, s.to_status, s.actor) for s in steps],
            [
                (S.DRAFT, S.AT_CLUSTER, self.officer),
                (S.AT_CLUSTER, S.AT_COUNCIL, self.reviewer),
                (S.AT_COUNCIL, S.APPROVED, self.secretariat),
            ],
        )
        self.assertIn("Cụm thi đua số 2 đã bình xét", steps[1].reason)
        self.assertIn("13/14 đơn vị nhất trí.", steps[1].reason)
        self.assertIn("Nguyễn Thị Hoa", steps[2].reason)
        transitions = [
            (e.before["status"], e.after["status"])
            for e in audit.history(proposal).filter(action=AuditEntry.Action.TRANSITION)
        ]
        self.assertEqual(
            sorted(transitions),
            sorted((s.from_status, s.to_status) for s in steps),
        )

    def test_without_a_cluster_the_unit_submits_straight_to_the_council(self):
        proposal = self.draft(cluster=False)
        proposals.submit(proposal, actor=self.direct_officer)
        self.assertEqual(self.status(proposal), S.AT_COUNCIL)

    def test_the_cluster_returns_it_with_a_reason_and_the_unit_resubmits(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        proposals.return_proposal(
            proposal, actor=self.reviewer, reason="Bổ sung báo cáo thành tích có xác nhận."
        )
        self.assertEqual(self.status(proposal), S.RETURNED)
        proposals.attach(
            proposal,
            kind=AttachmentKind.ACHIEVEMENT_REPORT,
            upload=upload("bao-cao.pdf"),
            actor=self.officer,
        )
        proposals.submit(proposal, actor=self.officer)
        self.assertEqual(self.status(proposal), S.AT_CLUSTER)
        steps = proposals.history(proposal)
        self.assertEqual([s.to_status for s in steps], [S.AT_CLUSTER, S.RETURNED, S.AT_CLUSTER])
        self.assertEqual(steps[1].reason, "Bổ sung báo cáo thành tích có xác nhận.")
        self.assertEqual(steps[1].actor, self.reviewer)

    def test_the_council_returns_it_with_a_reason_and_it_comes_back_through_the_cluster(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        self.cluster_minutes(proposal)
        proposals.cluster_approve(proposal, actor=self.reviewer)
        proposals.return_proposal(
            proposal, actor=self.secretariat, reason="Thiếu ý kiến của cấp ủy."
        )
        self.assertEqual(self.status(proposal), S.RETURNED)
        proposals.submit(proposal, actor=self.officer)
        self.assertEqual(self.status(proposal), S.AT_CLUSTER)
        self.assertEqual(
            [s.to_status for s in proposals.history(proposal)],
            [S.AT_CLUSTER, S.AT_COUNCIL, S.RETURNED, S.AT_CLUSTER],
        )
        self.assertEqual(proposals.history(proposal)[2].actor, self.secretariat)

    def test_an_approved_dossier_can_still_be_returned_before_the_decision(self):
        proposal = self.draft(cluster=False)
        proposals.submit(proposal, actor=self.direct_officer)
        proposal.refresh_from_db()
        proposals.record_move(proposal, S.APPROVED, actor=self.secretariat)
        proposals.return_proposal(
            proposal, actor=self.secretariat, reason="Trùng với hồ sơ đã có quyết định."
        )
        self.assertEqual(self.status(proposal), S.RETURNED)

    def test_a_return_needs_a_reason(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        with self.assertRefused("lý do", ProposalStep):
            proposals.return_proposal(proposal, actor=self.reviewer, reason="  ")
        self.assertEqual(self.status(proposal), S.AT_CLUSTER)

    def test_the_unit_withdraws_its_dossier_with_a_reason(self):
        proposal = self.draft()
        with self.assertRefused("lý do", ProposalStep):
            proposals.withdraw(proposal, actor=self.officer, reason="")
        proposals.withdraw(proposal, actor=self.officer, reason="Cá nhân xin rút.")
        self.assertEqual(self.status(proposal), S.WITHDRAWN)
        with self.assertRefused("Đã rút", ProposalStep):
            proposals.submit(proposal, actor=self.officer)


class InvalidMoveTests(ProposalTestCase):
    """The model's route refuses moves it does not list, and nothing is written."""

    def test_a_draft_cannot_be_passed_on_by_the_cluster_or_returned(self):
        proposal = self.draft()
        self.cluster_minutes_attached_by_unit(proposal)
        with self.assertRefused("không ở bước cụm bình xét", ProposalStep, Proposal):
            proposals.cluster_approve(proposal, actor=self.reviewer)
        with self.assertRefused("không thể chuyển sang", ProposalStep):
            proposals.return_proposal(proposal, actor=self.officer, reason="Thử")
        self.assertEqual(self.status(proposal), S.DRAFT)

    def cluster_minutes_attached_by_unit(self, proposal):
        proposals.attach(
            proposal,
            kind=AttachmentKind.REVIEW_MINUTES,
            upload=upload("bien-ban.pdf"),
            actor=self.officer,
        )

    def test_a_dossier_at_the_council_cannot_be_submitted_again_or_withdrawn(self):
        proposal = self.draft(cluster=False)
        proposals.submit(proposal, actor=self.direct_officer)
        with self.assertRefused("không thể chuyển sang", ProposalStep):
            proposals.submit(proposal, actor=self.direct_officer)
        with self.assertRefused("không thể chuyển sang", ProposalStep):
            proposals.withdraw(proposal, actor=self.direct_officer, reason="Rút")
        self.assertEqual(self.status(proposal), S.AT_COUNCIL)

    def test_a_withdrawn_dossier_goes_nowhere(self):
        proposal = self.draft()
        proposals.withdraw(proposal, actor=self.officer, reason="Rút")
        with self.assertRefused("không thể chuyển sang", ProposalStep):
            proposals.return_proposal(proposal, actor=self.secretariat, reason="Trả")
        self.assertEqual(self.status(proposal), S.WITHDRAWN)

    def test_nominees_change_only_while_the_dossier_is_with_the_unit(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        with self.assertRefused("chỉ sửa được", Nominee):
            proposals.add_nominee(proposal, actor=self.officer, person=self.people[1])
        with self.assertRefused("chỉ sửa được", Nominee):
            proposals.remove_nominee(proposal.nominees.get(), actor=self.officer)


class SubmitTests(ProposalTestCase):
    def test_submit_is_refused_without_nominees(self):
        proposal = self.draft(nominees=0)
        with self.assertRefused("chưa có người hoặc tập thể", ProposalStep, Proposal):
            proposals.submit(proposal, actor=self.officer)
        self.assertEqual(self.status(proposal), S.DRAFT)

    def test_submit_is_refused_without_a_to_trinh(self):
        proposal = self.draft(submission=False)
        proposals.attach(
            proposal,
            kind=AttachmentKind.ACHIEVEMENT_REPORT,
            upload=upload("bao-cao.pdf"),
            actor=self.officer,
        )
        with self.assertRefused("thiếu tờ trình", ProposalStep):
            proposals.submit(proposal, actor=self.officer)
        self.assertEqual(self.status(proposal), S.DRAFT)

    def test_submit_is_refused_with_a_nominee_not_eligible_and_says_who_and_why(self):
        """Hoa holds Lao động tiên tiến and is rated HTXSNV: eligible. Bình is rated HTNV
        and does not hold Lao động tiên tiến although his 2024 record exists: not eligible."""
        hoa, binh = self.people[:2]
        classify(hoa, YEAR, Level.EXCELLENT)
        ldtt = eligibility.form_for(eligibility.LAO_DONG_TIEN_TIEN, YEAR)
        Award.objects.create(form=ldtt, year=YEAR, person=hoa, source="Quyết định thử")
        classify(binh, YEAR, Level.COMPLETED)
        proposal = self.draft(nominees=2)
        first, second = proposal.nominees.order_by("pk")
        self.assertEqual(
            (first.eligibility["verdict"], second.eligibility["verdict"]),
            (proposals.ELIGIBLE, proposals.NOT_ELIGIBLE),
        )
        with self.assertRefused("Trần Văn Bình (không đạt: ", ProposalStep) as caught:
            proposals.submit(proposal, actor=self.officer)
        message = caught.exception.message
        unmet = texts(second, eligibility.NOT_MET)
        self.assertTrue(unmet)
        for text in unmet:
            self.assertIn(text, message)
        self.assertNotIn("Nguyễn Thị Hoa", message)
        self.assertEqual(self.status(proposal), S.DRAFT)

    def test_a_nominee_with_missing_data_may_go_on_and_the_step_says_so(self):
        """Cường has no 2024 record at all: the check cannot conclude (incomplete)."""
        proposal = self.draft(nominees=0)
        cuong = proposals.add_nominee(proposal, actor=self.officer, person=self.people[2])
        self.assertEqual(cuong.eligibility["verdict"], proposals.INCOMPLETE)
        proposals.submit(proposal, actor=self.officer)
        step = proposals.history(proposal)[-1]
        self.assertEqual(step.to_status, S.AT_CLUSTER)
        self.assertIn("Lưu ý, còn thiếu dữ liệu", step.reason)
        missing = texts(cuong, eligibility.MISSING)
        self.assertIn(f"Lê Văn Cường ({'; '.join(missing)})", step.reason)

    def test_the_cluster_passes_it_on_only_with_its_review_minutes(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        with self.assertRefused("biên bản bình xét", ProposalStep):
            proposals.cluster_approve(proposal, actor=self.reviewer)
        self.assertEqual(self.status(proposal), S.AT_CLUSTER)


class DossierTests(ProposalTestCase):
    def test_the_eligibility_check_is_stored_with_its_time(self):
        proposal = self.draft(nominees=0)
        at = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=datetime.UTC)
        with time_machine.travel(at, tick=False):
            nominee = proposals.add_nominee(
                proposal, actor=self.officer, person=self.people[0], achievement="Sáng kiến A"
            )
        nominee.refresh_from_db()
        self.assertEqual(nominee.eligibility_checked_at, at)
        self.assertEqual(nominee.eligibility["verdict"], proposals.INCOMPLETE)
        self.assertEqual(
            (nominee.eligibility["form"]["id"], nominee.eligibility["year"]), (self.form.pk, YEAR)
        )
        # her result arrives; the check is run again and the old one stays in the audit
        classify(self.people[0], YEAR, Level.COMPLETED)
        later = datetime.datetime(2025, 1, 20, 9, 0, tzinfo=datetime.UTC)
        with time_machine.travel(later, tick=False):
            proposals.recheck_eligibility(nominee, self.officer)
        nominee.refresh_from_db()
        self.assertEqual(nominee.eligibility_checked_at, later)
        self.assertEqual(nominee.eligibility["verdict"], proposals.NOT_ELIGIBLE)
        update = audit.history(nominee).filter(action=AuditEntry.Action.UPDATE).get()
        self.assertEqual(update.before["eligibility_checked_at"], at.isoformat())
        self.assertEqual(update.before["eligibility"]["verdict"], proposals.INCOMPLETE)

    def test_a_nominee_must_match_the_forms_subject_and_appear_once(self):
        proposal = self.draft()
        with self.assertRefused("dành cho cá nhân", Nominee):
            proposals.add_nominee(proposal, actor=self.officer, unit=self.unit)
        with self.assertRefused("đã có trong hồ sơ", Nominee):
            proposals.add_nominee(proposal, actor=self.officer, person=self.people[0])
        collective = eligibility.form_for(eligibility.BANG_KHEN_TINH_TAP_THE, YEAR)
        other = proposals.create_proposal(
            form=collective,
            year=YEAR,
            unit=self.unit,
            actor=self.officer,
            title="Bằng khen",
            cluster=self.cast.cluster,
        )
        with self.assertRefused("dành cho tập thể", Nominee):
            proposals.add_nominee(other, actor=self.officer, person=self.people[0])
        proposals.add_nominee(other, actor=self.officer, unit=self.unit)

    def test_a_nominee_is_removed_while_the_dossier_is_a_draft(self):
        proposal = self.draft(nominees=2)
        nominee = proposal.nominees.order_by("pk").last()
        proposals.remove_nominee(nominee, actor=self.officer)
        self.assertEqual([n.person for n in proposal.nominees.all()], [self.people[0]])
        deleted = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
        self.assertEqual(deleted.before["person_id"], self.people[1].pk)

    def test_the_form_must_be_the_version_in_force_for_the_year(self):
        """2024 is judged by the version of Luật 2022 with Nghị định 98, not by the version
        of Luật 2003; a Party form of Hướng dẫn 06-HD/TW (from 09/06/2025) has no 2024."""
        before_2024 = Form.objects.get(code=self.form.code, valid_to=datetime.date(2023, 12, 31))
        with self.assertRefused(
            "xét theo “Chiến sĩ thi đua cơ sở” có hiệu lực từ ngày 01/01/2024", Proposal
        ):
            proposals.create_proposal(
                form=before_2024, year=YEAR, unit=self.unit, actor=self.officer, title="Đề nghị"
            )
        party_form = Form.objects.get(code="dang-giay-khen-dang-vien")
        with self.assertRefused(party_form.name, Proposal) as caught:
            proposals.create_proposal(
                form=party_form, year=YEAR, unit=self.unit, actor=self.officer, title="Đề nghị"
            )
        self.assertIn("2024", caught.exception.message)

    def test_a_dossier_for_a_cluster_comes_from_one_of_its_members_that_year(self):
        with self.assertRefused("không là thành viên Cụm thi đua số 2 năm 2025", Proposal):
            proposals.create_proposal(
                form=eligibility.form_for(self.form.code, 2025),
                year=2025,  # the cluster's memberships are for 2021, 2022 and 2024
                unit=self.unit,
                actor=self.officer,
                title="Đề nghị",
                cluster=self.cast.cluster,
            )

    def test_an_attachment_is_at_most_ten_megabytes(self):
        proposal = self.draft(submission=False)
        with self.assertRefused("tối đa 10 MB", Attachment):
            proposals.attach(
                proposal,
                kind=AttachmentKind.SUBMISSION,
                upload=upload(size=10 * 1024 * 1024 + 1),
                actor=self.officer,
            )
        attachment = proposals.attach(
            proposal,
            kind=AttachmentKind.SUBMISSION,
            upload=upload("Tờ trình số 12.pdf", size=10 * 1024 * 1024),
            actor=self.officer,
        )
        self.assertEqual(attachment.name, "Tờ trình số 12.pdf")
        self.assertEqual(attachment.file.size, 10 * 1024 * 1024)

    def test_at_the_cluster_only_its_managers_attach_and_only_minutes(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        with self.assertRefused("không có quyền", Attachment):
            proposals.attach(
                proposal,
                kind=AttachmentKind.REVIEW_MINUTES,
                upload=upload("bien-ban.pdf"),
                actor=self.officer,
            )
        with self.assertRefused("biên bản bình xét hoặc tài liệu khác", Attachment):
            proposals.attach(
                proposal,
                kind=AttachmentKind.SUBMISSION,
                upload=upload(),
                actor=self.reviewer,
            )


class AccessTests(ProposalTestCase):
    def test_only_the_units_officers_or_those_above_draw_up_its_dossier(self):
        with self.assertRefused("không có quyền", Proposal):
            proposals.create_proposal(
                form=self.form,
                year=YEAR,
                unit=self.unit,
                actor=self.cast.outsider,
                title="Đề nghị",
            )
        proposal = self.draft()
        with self.assertRefused("không có quyền", Nominee):
            proposals.add_nominee(proposal, actor=self.cast.outsider, person=self.people[1])
        with self.assertRefused("không có quyền", ProposalStep):
            proposals.submit(proposal, actor=self.cast.outsider)
        # central staff are above every unit
        proposals.add_nominee(proposal, actor=self.secretariat, person=self.people[1])

    def test_only_the_clusters_managers_review_it_and_only_the_council_returns_it_there(self):
        proposal = self.draft()
        proposals.submit(proposal, actor=self.officer)
        self.cluster_minutes(proposal)
        with self.assertRefused("không có quyền", ProposalStep):
            proposals.cluster_approve(proposal, actor=self.officer)
        with self.assertRefused("không có quyền", ProposalStep):
            proposals.return_proposal(proposal, actor=self.cast.outsider, reason="Trả")
        proposals.cluster_approve(proposal, actor=self.cast.department_officer)
        with self.assertRefused("không có quyền", ProposalStep):
            proposals.return_proposal(proposal, actor=self.reviewer, reason="Trả")
        self.assertEqual(self.status(proposal), S.AT_COUNCIL)

    def test_the_access_function_shows_a_dossier_to_its_route_and_hides_it_from_others(self):
        """Missing and forbidden look the same (404); only the unit's side may edit it."""
        proposal = self.draft()
        get = permissions.get_proposal_for_user
        self.assertEqual(get(self.officer, proposal.pk, write=True), proposal)
        with self.assertRaises(Http404):  # the cluster's head: not while it is a draft
            get(self.reviewer, proposal.pk)
        self.assertEqual(get(self.secretariat, proposal.pk, write=True), proposal)
        with self.assertRaises(Http404):
            get(self.reviewer, proposal.pk, write=True)
        with self.assertRaises(Http404):
            get(self.cast.outsider, proposal.pk)
        with self.assertRaises(Http404):
            get(self.officer, proposal.pk + 1000)

    def test_a_council_session_is_seen_by_the_councils_side_only(self):
        proposal = self.draft(cluster=False)
        proposals.submit(proposal, actor=self.direct_officer)
        council = make_council(self.cast.commission, members=3)
        session = council_services.open_session(
            council,
            held_on=datetime.date(2025, 3, 15),
            place="Phòng họp",
            proposals=[proposal],
            actor=self.secretariat,
        )
        self.assertEqual(permissions.get_session_for_user(self.secretariat, session.pk), session)
        for user in (
            self.direct_officer,
            self.officer,
            self.reviewer,
            self.cast.department_officer,
        ):
            with self.assertRaises(Http404):
                permissions.get_session_for_user(user, session.pk)
