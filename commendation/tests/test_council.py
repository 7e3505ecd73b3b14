"""The council's vote: attendance and written votes, quorum, thresholds counted on all
members, recusal, at most two rounds, the outcome of each dossier, and the minutes.

A province (commendation.testing.make_party: Hưng Yên → 2 communes → 4 grassroots
organizations with 5 members each) sends its 2024 dossiers straight to the sector's council
of ten members, all working at the central commission unless a test says otherwise. The forms
and their thresholds are the catalogue's (migration 0006, Nghị định 98): Chiến sĩ thi đua
cơ sở ≥ 80 %, cấp bộ, tỉnh ≥ 90 %, Cờ thi đua cấp bộ, tỉnh ≥ 80 %, Giấy khen without a vote."""

from __future__ import annotations

import datetime
import io

from docx import Document

from commendation.documents import TITLE, minutes_docx
from commendation.models import (
    AttachmentKind,
    Attendance,
    CouncilSession,
    Initiative,
    Proposal,
    ProposalStatus,
    ProposalStep,
    Tally,
)
from commendation.services import council as council_services
from commendation.services import eligibility, proposals
from commendation.testing import make_party
from commendation.tests.test_proposals import (
    make_council,
    upload,
    use_temporary_media,
)
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.testing import UserFactory, give_role, make_unit

YEAR = 2024
HELD_ON = datetime.date(2025, 3, 15)


class CouncilTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commission = make_unit(
            "Ban Tổ chức Trung ương",
            name="Ban Tổ chức Trung ương",
            kind_code="central_commission",
            code="BTCTW",
        )
        cls.secretariat = give_role(
            UserFactory(username="thuky"), Role.CENTRAL_STAFF, cls.commission
        )
        cls.outsider = UserFactory(username="ngoai")
        cls.party = make_party()
        cls.province = cls.party.province
        cls.csttd_co_so = eligibility.form_for(eligibility.CHIEN_SI_THI_DUA_CO_SO, YEAR)
        cls.csttd_tinh = eligibility.form_for(eligibility.CHIEN_SI_THI_DUA_TINH, YEAR)
        cls.flag = eligibility.form_for(eligibility.CO_THI_DUA_TINH, YEAR)
        cls.giay_khen = eligibility.form_for(eligibility.GIAY_KHEN_TAP_THE, YEAR)
        cls.council = make_council(cls.commission, members=10)
        cls.members = list(cls.council.members.order_by("pk"))

    def setUp(self):
        use_temporary_media(self)

    def at_council(self, form, *, people=(), units=(), unit=None, title="") -> Proposal:
        """A dossier submitted to the council. Each person brings a provincial initiative,
        cited by the dossier: Chiến sĩ thi đua cấp bộ, tỉnh requires one, and without it the
        check says "not eligible" and the dossier cannot be submitted (the other conditions
        stay missing)."""
        proposal = proposals.create_proposal(
            form=form,
            year=YEAR,
            unit=unit or self.province,
            actor=self.secretariat,
            title=title or f"Đề nghị {form.name} năm {YEAR}",
        )
        for person in people:
            initiative, _ = Initiative.objects.get_or_create(
                person=person, title=f"Sáng kiến của {person}", year=YEAR, scope="province"
            )
            proposals.add_nominee(
                proposal, actor=self.secretariat, person=person, initiatives=[initiative]
            )
        for nominated in units:
            proposals.add_nominee(proposal, actor=self.secretariat, unit=nominated)
        proposals.attach(
            proposal, kind=AttachmentKind.SUBMISSION, upload=upload(), actor=self.secretariat
        )
        proposals.submit(proposal, actor=self.secretariat)
        proposal.refresh_from_db()
        return proposal

    def session(self, *dossiers, present=10, written=0) -> CouncilSession:
        """The first ``present`` members attend, the next ``written`` send a written vote,
        the rest are absent."""
        session = council_services.open_session(
            self.council,
            held_on=HELD_ON,
            place="Phòng họp số 1, trụ sở Ban Tổ chức Trung ương",
            proposals=list(dossiers),
            actor=self.secretariat,
            chair="Ủy viên 01",
            secretary="Nguyễn Văn Thư",
        )
        for index, member in enumerate(self.members):
            council_services.record_attendance(
                session,
                member,
                present=index < present,
                written_vote=present <= index < present + written,
                actor=self.secretariat,
            )
        return session

    def tally(self, session, nominee, yes, no, blank=0, round=1):  # noqa: A002
        return council_services.record_tally(
            session, nominee, round=round, yes=yes, no=no, blank=blank, actor=self.secretariat
        )

    def person(self, index=0):
        return self.party.people[index]


class ThresholdTests(CouncilTestCase):
    def test_at_90_percent_9_of_10_pass_and_8_of_10_fail(self):
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0), self.person(1)])
        first, second = dossier.nominees.order_by("pk")
        session = self.session(dossier)
        passed = self.tally(session, first, 9, 1)
        failed = self.tally(session, second, 8, 1, blank=1)
        self.assertEqual((passed.members, passed.threshold, passed.passed), (10, 90, True))
        self.assertEqual((failed.members, failed.passed), (10, False))

    def test_at_80_percent_8_of_10_pass_and_7_of_10_fail(self):
        dossier = self.at_council(self.csttd_co_so, people=[self.person(0), self.person(1)])
        first, second = dossier.nominees.order_by("pk")
        session = self.session(dossier)
        self.assertTrue(self.tally(session, first, 8, 2).passed)
        self.assertFalse(self.tally(session, second, 7, 3).passed)

    def test_the_share_is_counted_on_all_members_not_on_those_who_voted(self):
        """9 present, 1 absent without a written vote: 9 ballots, but the share is of 10, so
        8 yes of 9 ballots (88,9 % of the votes cast) is 80 % of the council and fails at 90 %."""
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0), self.person(1)])
        first, second = dossier.nominees.order_by("pk")
        session = self.session(dossier, present=9)
        tally = self.tally(session, first, 8, 1)
        self.assertEqual((tally.members, tally.passed), (10, False))
        self.assertTrue(self.tally(session, second, 9, 0).passed)

    def test_written_votes_of_absent_members_are_counted(self):
        """8 present and 2 written votes: 10 ballots to account for."""
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        nominee = dossier.nominees.get()
        session = self.session(dossier, present=8, written=2)
        with self.assertRefused("phải bằng số phiếu phát ra: 10", Tally):
            self.tally(session, nominee, 8, 0)
        self.assertTrue(self.tally(session, nominee, 9, 1).passed)

    def test_a_written_vote_is_only_for_an_absent_member(self):
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        session = council_services.open_session(
            self.council,
            held_on=HELD_ON,
            place="Phòng họp số 1",
            proposals=[dossier],
            actor=self.secretariat,
        )
        with self.assertRefused("chỉ dành cho thành viên vắng mặt", Attendance):
            council_services.record_attendance(
                session, self.members[0], present=True, written_vote=True, actor=self.secretariat
            )

    def test_without_quorum_no_tally_is_recorded_and_the_session_does_not_close(self):
        """Quorum 2/3 of 10 members: 7 present are needed, 6 are not enough (written votes
        do not make the quorum)."""
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        session = self.session(dossier, present=6, written=4)
        self.assertEqual(council_services.quorum_met(session), (False, 6, 10, 7))
        with self.assertRefused("Không đủ số thành viên có mặt: 6/10, cần ít nhất 7", Tally):
            self.tally(session, dossier.nominees.get(), 10, 0)
        with self.assertRefused("Không đủ số thành viên có mặt", ProposalStep):
            council_services.close_session(session, actor=self.secretariat)
        self.assertEqual(CouncilSession.objects.get(pk=session.pk).status, "open")

    def test_the_stored_quorum_reads_as_two_thirds(self):
        """0,6667 of 9 members is 6,0003: read as 2/3 it needs 6, not 7."""
        self.assertEqual(council_services.required_present(self.council, 9), 6)
        self.assertEqual(council_services.required_present(self.council, 10), 7)
        self.assertEqual(council_services.required_present(self.council, 12), 8)


class RecusalTests(CouncilTestCase):
    def test_a_member_of_the_nominated_unit_is_recused_does_not_vote_and_still_counts(self):
        """Member 10 works in the nominated organization: 9 ballots (the 9 others, all
        present), but the share is of all 10 members. 80 % × 10 = 8, so 7 yes (70 %) fail
        and 8 yes (80 %) pass."""
        org = self.party.orgs[0]
        member = self.members[9]
        member.unit = org
        member.save(update_fields=["unit"])
        dossier = self.at_council(self.flag, units=[org], unit=self.party.communes[0])
        nominee = dossier.nominees.get()
        session = self.session(dossier)
        self.assertEqual(council_services.recused_members(session, nominee), [member])
        with self.assertRefused("phải bằng số phiếu phát ra: 9", Tally):
            self.tally(session, nominee, 8, 2)
        tally = self.tally(session, nominee, 7, 2)
        self.assertEqual((tally.members, tally.passed), (10, False))
        self.assertEqual(
            tally.recused,
            [
                {
                    "member": member.pk,
                    "name": "Ủy viên 10",
                    "reason": "công tác tại tập thể được đề nghị",
                }
            ],
        )
        second = self.tally(session, nominee, 8, 1, round=2)
        self.assertEqual((second.members, second.passed), (10, True))

    def test_at_90_percent_with_one_recused_every_one_of_the_9_voters_must_agree(self):
        """Member 10 works at the proposing province, so is recused for both its nominees:
        9 ballots each, the share still of all 10 members. 90 % × 10 = 9: 9 yes of the 9
        voters (90 %) pass, 8 yes (80 %) fail."""
        self.members[9].unit = self.province
        self.members[9].save(update_fields=["unit"])
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0), self.person(1)])
        first, second = dossier.nominees.order_by("pk")
        session = self.session(dossier)
        self.assertEqual(council_services.recused_members(session, first), [self.members[9]])
        passed = self.tally(session, first, 9, 0)
        failed = self.tally(session, second, 8, 1)
        self.assertEqual((passed.members, passed.threshold, passed.passed), (10, 90, True))
        self.assertEqual((failed.members, failed.passed), (10, False))

    def test_a_share_that_passes_among_the_voters_fails_when_counted_on_all_members(self):
        """Two of ten recused for Person 1 (the nominee, and a member at the proposing
        province): 8 ballots. 7 yes would be 87,5 % of the voters (≥ 80 % had the recused
        left the count), but it is 70 % of the 10 members and fails; 80 % × 10 = 8, so only
        all 8 voters agreeing (80 %) pass."""
        nominated = self.person(0)
        self.members[8].unit = self.province
        self.members[8].save(update_fields=["unit"])
        self.members[9].person = nominated
        self.members[9].save(update_fields=["person"])
        dossier = self.at_council(self.csttd_co_so, people=[nominated])
        nominee = dossier.nominees.get()
        session = self.session(dossier)
        self.assertCountEqual(
            council_services.recused_members(session, nominee), self.members[8:10]
        )
        with self.assertRefused("phải bằng số phiếu phát ra: 8", Tally):
            self.tally(session, nominee, 8, 1)
        first = self.tally(session, nominee, 7, 1)
        self.assertEqual((first.members, first.passed), (10, False))
        second = self.tally(session, nominee, 8, 0, round=2)
        self.assertEqual((second.members, second.passed), (10, True))

    def test_the_nominee_and_members_of_the_proposing_unit_are_recused(self):
        nominated = self.person(0)
        self.members[0].person = nominated
        self.members[0].save(update_fields=["person"])
        self.members[1].unit = self.province
        self.members[1].save(update_fields=["unit"])
        dossier = self.at_council(self.csttd_co_so, people=[nominated, self.person(1)])
        first, second = dossier.nominees.order_by("pk")
        session = self.session(dossier)
        reasons = {r.member.full_name: r.reason for r in council_services.recusals(session, first)}
        self.assertEqual(
            reasons,
            {"Ủy viên 01": "là người được đề nghị", "Ủy viên 02": "công tác tại đơn vị đề nghị"},
        )
        self.assertEqual(council_services.recused_members(session, second), [self.members[1]])


class RoundTests(CouncilTestCase):
    def setUp(self):
        super().setUp()
        self.dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        self.nominee = self.dossier.nominees.get()
        self.meeting = self.session(self.dossier)

    def test_two_rounds_then_a_third_is_refused(self):
        self.assertFalse(self.tally(self.meeting, self.nominee, 8, 2).passed)
        self.assertFalse(self.tally(self.meeting, self.nominee, 8, 2, round=2).passed)
        with self.assertRefused("tối đa 2 vòng", Tally):
            self.tally(self.meeting, self.nominee, 9, 1, round=3)

    def test_round_two_only_after_a_failed_round_one(self):
        with self.assertRefused("không đạt ở vòng 1", Tally):
            self.tally(self.meeting, self.nominee, 9, 1, round=2)
        self.tally(self.meeting, self.nominee, 10, 0)
        with self.assertRefused("đã đạt ở vòng trước", Tally):
            self.tally(self.meeting, self.nominee, 9, 1, round=2)
        with self.assertRefused("Đã có kết quả vòng 1", Tally):
            self.tally(self.meeting, self.nominee, 9, 1)

    def test_attendance_is_fixed_once_ballots_are_counted(self):
        self.tally(self.meeting, self.nominee, 9, 1)
        with self.assertRefused("không sửa được điểm danh"):
            council_services.record_attendance(
                self.meeting, self.members[9], present=False, actor=self.secretariat
            )

    def test_a_form_without_a_council_vote_takes_no_tally(self):
        dossier = self.at_council(self.giay_khen, units=[self.party.orgs[1]])
        session = self.session(dossier)
        with self.assertRefused("không phải bỏ phiếu", Tally):
            self.tally(session, dossier.nominees.get(), 10, 0)


class CloseSessionTests(CouncilTestCase):
    def test_closing_approves_dossiers_with_a_passing_nominee_and_returns_the_others(self):
        mixed = self.at_council(self.csttd_tinh, people=[self.person(0), self.person(1)])
        failing = self.at_council(self.csttd_tinh, people=[self.person(2)], title="Hồ sơ B")
        no_vote = self.at_council(self.giay_khen, units=self.party.orgs[:2], title="Hồ sơ C")
        session = self.session(mixed, failing, no_vote)
        winner, loser = mixed.nominees.order_by("pk")
        self.tally(session, winner, 9, 1)
        self.tally(session, loser, 7, 3)
        self.tally(session, loser, 8, 2, round=2)
        self.tally(session, failing.nominees.get(), 6, 4)

        result = council_services.close_session(session, actor=self.secretariat)

        self.assertEqual(result["approved"], [mixed, no_vote])
        self.assertEqual(result["returned"], [failing])
        self.assertEqual(result["passed"][mixed.pk], [winner])
        self.assertEqual(result["failed"][mixed.pk], [loser])
        for dossier in (mixed, failing, no_vote):
            dossier.refresh_from_db()
        self.assertEqual(mixed.status, ProposalStatus.APPROVED)
        self.assertEqual(failing.status, ProposalStatus.RETURNED)
        self.assertEqual(no_vote.status, ProposalStatus.APPROVED)
        self.assertEqual(council_services.passed_nominees(mixed), [winner])
        self.assertEqual(
            council_services.passed_nominees(no_vote), list(no_vote.nominees.order_by("pk"))
        )
        self.assertEqual(council_services.passed_nominees(failing), [])
        returned = proposals.history(failing)[-1]
        self.assertIn(str(self.person(2)), returned.reason)
        self.assertIn("vòng 1: 6/10 đồng ý, cần 90%", returned.reason)
        approved = proposals.history(mixed)[-1]
        self.assertIn(f"Không đạt: {self.person(1)} (vòng 2: 8/10 đồng ý", approved.reason)
        self.assertFalse(loser.withdrawn)  # kept in the dossier, with its tallies
        self.assertEqual(CouncilSession.objects.get(pk=session.pk).status, "closed")
        with self.assertRefused("Phiên họp đã kết thúc", Tally):
            self.tally(session, winner, 10, 0, round=2)

    def test_a_nominee_voted_on_is_kept_as_withdrawn_when_the_unit_removes_them(self):
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        session = self.session(dossier)
        nominee = dossier.nominees.get()
        self.tally(session, nominee, 5, 5)
        council_services.close_session(session, actor=self.secretariat)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, ProposalStatus.RETURNED)
        proposals.remove_nominee(nominee, actor=self.secretariat)
        nominee.refresh_from_db()
        self.assertTrue(nominee.withdrawn)
        self.assertEqual(nominee.tallies.count(), 1)
        with self.assertRefused("chưa có người hoặc tập thể", ProposalStep):
            proposals.submit(dossier, actor=self.secretariat)

    def test_closing_is_refused_while_a_voted_nominee_has_no_tally(self):
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0), self.person(1)])
        session = self.session(dossier)
        self.tally(session, dossier.nominees.order_by("pk").first(), 10, 0)
        with self.assertRefused(f"Chưa có kết quả bỏ phiếu cho: {self.person(1)}", ProposalStep):
            council_services.close_session(session, actor=self.secretariat)
        dossier.refresh_from_db()
        self.assertEqual(dossier.status, ProposalStatus.AT_COUNCIL)

    def test_a_dossier_returned_during_the_session_is_left_alone(self):
        kept = self.at_council(self.giay_khen, units=[self.party.orgs[0]])
        gone = self.at_council(self.giay_khen, units=[self.party.orgs[1]], title="Hồ sơ rút")
        session = self.session(kept, gone)
        proposals.return_proposal(gone, actor=self.secretariat, reason="Thiếu tờ trình gốc.")
        result = council_services.close_session(session, actor=self.secretariat)
        self.assertEqual((result["approved"], result["skipped"]), ([kept], [gone]))
        self.assertEqual(
            [s.to_status for s in proposals.history(gone)],
            [ProposalStatus.AT_COUNCIL, ProposalStatus.RETURNED],
        )

    def test_a_session_takes_only_dossiers_at_the_council_and_each_in_one_open_session(self):
        draft = proposals.create_proposal(
            form=self.csttd_tinh,
            year=YEAR,
            unit=self.province,
            actor=self.secretariat,
            title="Chưa trình",
        )
        with self.assertRefused("chưa trình Hội đồng: Chưa trình", CouncilSession):
            council_services.open_session(
                self.council,
                held_on=HELD_ON,
                place="Phòng họp",
                proposals=[draft],
                actor=self.secretariat,
            )
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        self.session(dossier)
        with self.assertRefused("phiên họp chưa kết thúc", CouncilSession):
            self.session(dossier)

    def test_only_the_councils_secretariat_acts(self):
        dossier = self.at_council(self.csttd_tinh, people=[self.person(0)])
        with self.assertRefused("không có quyền", CouncilSession):
            council_services.open_session(
                self.council,
                held_on=HELD_ON,
                place="Phòng họp",
                proposals=[dossier],
                actor=self.outsider,
            )
        session = self.session(dossier)
        with self.assertRefused("không có quyền", Tally):
            council_services.record_tally(
                session, dossier.nominees.get(), round=1, yes=10, no=0, actor=self.outsider
            )


class MinutesTests(CouncilTestCase):
    def test_the_minutes_give_attendance_tallies_recusals_and_outcomes(self):
        org = self.party.orgs[0]
        recused = self.members[9]
        recused.unit = org
        recused.save(update_fields=["unit"])
        flag = self.at_council(self.flag, units=[org], unit=self.party.communes[0])
        people = self.at_council(self.csttd_tinh, people=[self.person(5), self.person(6)])
        session = self.session(flag, people, present=8, written=1)  # member 10 absent
        # 8 present + 1 written vote = 9 ballots; member 10 (absent) is recused anyway
        # but still counted: 8 yes of 10 members = 80 % ≥ 80 %
        self.tally(session, flag.nominees.get(), 8, 1)
        winner, loser = people.nominees.order_by("pk")
        self.tally(session, winner, 9, 0)
        self.tally(session, loser, 7, 2)
        self.tally(session, loser, 8, 1, round=2)
        council_services.close_session(session, actor=self.secretariat)
        session.refresh_from_db()

        document = Document(io.BytesIO(minutes_docx(session)))
        text = "\n".join(p.text for p in document.paragraphs)
        header = document.tables[0].rows[0].cells
        self.assertIn("BAN TỔ CHỨC TRUNG ƯƠNG", header[0].text)
        self.assertIn("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG NGÀNH", header[0].text)
        self.assertIn("ĐẢNG CỘNG SẢN VIỆT NAM", header[1].text)
        self.assertIn("Hà Nội, ngày 15 tháng 3 năm 2025", header[1].text)
        self.assertIn(TITLE, text)
        self.assertIn("Thời gian: ngày 15/03/2025", text)
        self.assertIn("Chủ trì: Ủy viên 01", text)
        self.assertIn("Thư ký: Nguyễn Văn Thư", text)
        self.assertIn(
            "Tổng số thành viên Hội đồng: 10; có mặt: 8; vắng, có phiếu bằng văn bản: 1; vắng: 1",
            text,
        )
        # ⌈2/3 × 10⌉ = 7 must attend
        self.assertIn("phải có mặt ít nhất là 7: phiên họp đủ điều kiện tiến hành", text)

        attendance = [[c.text for c in row.cells] for row in document.tables[1].rows[1:]]
        self.assertEqual(attendance[0], ["1", "Ủy viên 01", "Chủ tịch", "Có mặt"])
        self.assertEqual(attendance[8][3], "Vắng, có phiếu bằng văn bản")
        self.assertEqual(attendance[9][3], "Vắng")

        flag_rows = [[c.text for c in row.cells] for row in document.tables[2].rows[1:]]
        # member 10 works in the organization and is recused, yet all 10 are counted:
        # 8 yes × 100 ÷ 10 = 80,00 % ≥ 80 %
        self.assertEqual(
            flag_rows,
            [[org.latest_version.name, "1", "8", "1", "0", "10", "80,00%", "80%", "Đạt"]],
        )
        self.assertIn(
            "Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng, kể cả thành viên không "
            "tham gia biểu quyết",
            text,
        )
        self.assertIn(
            f"Không tham gia biểu quyết về {org.latest_version.name}: Ủy viên 10 "
            "(công tác tại tập thể được đề nghị).",
            text,
        )
        people_rows = [[c.text for c in row.cells] for row in document.tables[3].rows[1:]]
        self.assertEqual(
            people_rows,
            [
                [str(self.person(5)), "1", "9", "0", "0", "10", "90,00%", "90%", "Đạt"],
                [str(self.person(6)), "1", "7", "2", "0", "10", "70,00%", "90%", "Không đạt"],
                [str(self.person(6)), "2", "8", "1", "0", "10", "80,00%", "90%", "Không đạt"],
            ],
        )
        self.assertIn(f"Kết luận: Hội đồng thông qua, đề nghị khen thưởng: {self.person(5)}.", text)
        signatures = [c.text for c in document.tables[-1].rows[0].cells]
        self.assertIn("THƯ KÝ", signatures[0])
        self.assertIn("Nguyễn Văn Thư", signatures[0])
        self.assertIn("CHỦ TỊCH HỘI ĐỒNG", signatures[1])
