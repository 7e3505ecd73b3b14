"""Initiatives count once (Luật Thi đua, khen thưởng 2022; RULES.md: "An initiative counts for
one title or award only"): a dossier cites one of the person's own initiatives, no other live
dossier may cite it meanwhile, the eligibility check counts it as used, and the decision gives
it to the award, which keeps it even when revoked.

The world: a province (commendation.testing.make_party; in no cluster, so its dossiers go
straight to the council) and two forms of the catalogue made for these tests, each with one
condition, an initiative at cơ sở scope or wider, and no council vote: the council's general
approval passes every nominee when the session closes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine

from commendation.models import (
    Award,
    Decision,
    Initiative,
    Nominee,
    Proposal,
    ProposalStatus,
    Subject,
)
from commendation.services import council as council_services
from commendation.services import eligibility, people, proposals
from commendation.services.decisions import issue_decision, revoke
from commendation.testing import make_party
from commendation.tests.test_decisions import make_council, make_form
from commendation.tests.test_proposals import upload, use_temporary_media
from core import audit
from core.models import AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.testing import UserFactory, give_role

YEAR = 2025
NOW = datetime.datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SIGNED_ON = datetime.date(2026, 1, 15)
S = ProposalStatus


def initiative_condition() -> list[dict]:
    return [
        {
            "code": "sang-kien",
            "type": "initiative",
            "scope": "unit",
            "citation": "Luật Thi đua, khen thưởng 2022: mỗi sáng kiến chỉ dùng một lần",
        }
    ]


@time_machine.travel(NOW, tick=False)
class InitiativeTestCase(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=1, members_per_org=3)
        cls.province = cls.party.province
        cls.hoa, cls.binh, cls.cuong = cls.party.people
        cls.officer = give_role(UserFactory(username="hungyen"), Role.UNIT_OFFICER, cls.province)
        cls.outsider = UserFactory(username="ngoai")
        cls.form = make_form(code="bang-khen-sang-kien", name="Bằng khen có sáng kiến")
        cls.form.conditions = initiative_condition()
        cls.form.save(update_fields=["conditions"])
        cls.other_form = make_form(code="giay-khen-sang-kien", name="Giấy khen có sáng kiến")
        cls.other_form.conditions = initiative_condition()
        cls.other_form.save(update_fields=["conditions"])
        cls.council = make_council(cls.province)
        cls.sang_kien = Initiative.objects.create(
            person=cls.hoa, title="Số hóa hồ sơ đảng viên", year=2024, scope="unit"
        )

    def setUp(self):
        use_temporary_media(self)

    def dossier(self, form=None, *, title="", **nominee) -> Proposal:
        """A draft of the province with one nominee (``person``, ``initiative``...)."""
        form = form or self.form
        proposal = proposals.create_proposal(
            form=form,
            year=YEAR,
            unit=self.province,
            actor=self.officer,
            title=title or f"Đề nghị {form.name} năm {YEAR}",
        )
        if nominee:
            proposals.add_nominee(proposal, actor=self.officer, **nominee)
        return proposal

    def attach(self, proposal: Proposal) -> Proposal:
        """Its tờ trình."""
        proposals.attach(proposal, kind="submission", upload=upload(), actor=self.officer)
        return proposal

    def submit(self, proposal: Proposal) -> Proposal:
        if not proposal.attachments.exists():
            self.attach(proposal)
        proposals.submit(proposal, actor=self.officer)
        proposal.refresh_from_db()
        return proposal

    def approve(self, proposal: Proposal) -> Proposal:
        """At the council: approved by the council's general approval (no vote)."""
        session = council_services.open_session(
            self.council,
            held_on=datetime.date(2026, 1, 8),
            place="Hà Nội",
            proposals=[proposal],
            actor=None,
        )
        for member in self.council.members.all():
            council_services.record_attendance(session, member, present=True, actor=None)
        council_services.close_session(session, actor=None)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, S.APPROVED)
        return proposal

    def issue(self, *dossiers) -> Decision:
        return issue_decision(
            list(dossiers),
            actor=None,
            signed_on=SIGNED_ON,
            signer="Hoàng Đăng Quang",
            signer_title="Phó Trưởng Ban",
            summary="Về việc tặng Bằng khen năm 2025",
        )


class CitingTests(InitiativeTestCase):
    def test_a_dossier_cites_the_persons_own_unused_initiative_and_the_check_uses_it(self):
        proposal = self.dossier(person=self.hoa, initiative=self.sang_kien)
        nominee = proposal.nominees.get()
        self.assertEqual(nominee.initiative, self.sang_kien)
        self.assertEqual(nominee.eligibility["verdict"], eligibility.ELIGIBLE)
        (result,) = nominee.eligibility["results"]
        self.assertEqual(result["evidence"][0], "Sáng kiến đề nghị xét: “Số hóa hồ sơ đảng viên”.")
        created = audit.history(nominee).get()
        self.assertEqual(created.after["initiative_id"], self.sang_kien.pk)

    def test_another_persons_initiative_is_refused_and_nothing_is_saved(self):
        proposal = self.dossier()
        with self.assertRefused(
            "Sáng kiến “Số hóa hồ sơ đảng viên” không phải của Đảng viên 2.", Nominee
        ):
            proposals.add_nominee(
                proposal, actor=self.officer, person=self.binh, initiative=self.sang_kien
            )

    def test_a_unit_nominee_cites_no_initiative(self):
        collective = make_form(Subject.UNIT, code="bang-khen-tap-the", name="Bằng khen tập thể")
        proposal = self.dossier(collective)
        with self.assertRefused("Sáng kiến chỉ nêu cho cá nhân được đề nghị", Nominee):
            proposals.add_nominee(
                proposal, actor=self.officer, unit=self.party.orgs[0], initiative=self.sang_kien
            )

    def test_a_form_without_a_condition_on_initiatives_takes_none(self):
        """Citing it would use it up for nothing."""
        plain = make_form(code="giay-khen", name="Giấy khen")
        self.assertFalse(proposals.takes_initiative(plain))
        self.assertTrue(proposals.takes_initiative(self.form))
        proposal = self.dossier(plain)
        with self.assertRefused("“Giấy khen” không có điều kiện về sáng kiến", Nominee):
            proposals.add_nominee(
                proposal, actor=self.officer, person=self.hoa, initiative=self.sang_kien
            )

    def test_an_initiative_recognized_after_the_year_is_refused(self):
        later = Initiative.objects.create(person=self.hoa, title="Sổ tay", year=2026, scope="unit")
        proposal = self.dossier()
        with self.assertRefused("được công nhận năm 2026, sau năm thành tích 2025", Nominee):
            proposals.add_nominee(proposal, actor=self.officer, person=self.hoa, initiative=later)

    def test_an_initiative_cited_by_another_live_dossier_is_refused_until_it_is_withdrawn(self):
        """Live: with the unit, at the cluster or the council, approved, or returned (the unit
        may resubmit it). A withdrawn dossier holds nothing."""
        first = self.dossier(person=self.hoa, initiative=self.sang_kien, title="Hồ sơ thứ nhất")
        second = self.dossier(self.other_form, title="Hồ sơ thứ hai")

        def refused(status: str) -> None:
            with (
                self.subTest(status=status),
                self.assertRefused(
                    f"đang được nêu trong hồ sơ đề nghị “Hồ sơ thứ nhất” (số {first.pk}, năm "
                    f"2025, {status})",
                    Nominee,
                ),
            ):
                proposals.add_nominee(
                    second, actor=self.officer, person=self.hoa, initiative=self.sang_kien
                )

        refused("Đang lập hồ sơ")
        self.submit(first)
        refused("Hội đồng đang xét")
        proposals.return_proposal(first, actor=None, reason="Bổ sung tờ trình.")
        refused("Trả lại để hoàn thiện")
        proposals.withdraw(first, actor=self.officer, reason="Đơn vị rút hồ sơ.")
        nominee = proposals.add_nominee(
            second, actor=self.officer, person=self.hoa, initiative=self.sang_kien
        )
        self.assertEqual(nominee.initiative, self.sang_kien)

    def test_a_nominee_taken_out_of_the_dossier_frees_the_initiative(self):
        first = self.dossier(person=self.hoa, initiative=self.sang_kien)
        proposals.remove_nominee(first.nominees.get(), actor=self.officer)
        second = self.dossier(self.other_form, person=self.hoa, initiative=self.sang_kien)
        self.assertEqual(second.nominees.get().initiative, self.sang_kien)

    def test_only_unused_initiatives_of_the_year_are_offered(self):
        Initiative.objects.create(person=self.hoa, title="Sau năm xét", year=2026, scope="unit")
        cited = Initiative.objects.create(
            person=self.hoa, title="Đã nêu ở hồ sơ khác", year=2025, scope="province"
        )
        self.dossier(person=self.hoa, initiative=cited)
        used = Initiative.objects.create(person=self.hoa, title="Đã dùng", year=2023, scope="unit")
        people.record_award(
            self.other_form, 2025, person=self.hoa, actor=None, source="QĐ 1 (thử)", initiative=used
        )
        proposal = self.dossier(self.other_form)
        self.assertEqual(proposals.available_initiatives(self.hoa, proposal), [self.sang_kien])


class ChangingTests(InitiativeTestCase):
    def test_the_initiative_changes_while_the_dossier_is_with_the_unit_and_the_check_follows(self):
        proposal = self.dossier(person=self.hoa)
        nominee = proposal.nominees.get()
        # In a dossier only the initiative cited goes to the award: one merely held does not
        # meet the condition, and the check says what to do.
        self.assertEqual(nominee.eligibility["verdict"], eligibility.NOT_ELIGIBLE)
        (result,) = nominee.eligibility["results"]
        self.assertIn("hồ sơ đề nghị chưa nêu sáng kiến dùng để xét", result["text"])
        self.attach(proposal)
        with self.assertRefused("Không đủ điều kiện “Bằng khen có sáng kiến”"):
            proposals.submit(proposal, actor=self.officer)

        proposals.set_initiative(nominee, initiative=self.sang_kien, actor=self.officer)
        nominee.refresh_from_db()
        self.assertEqual(
            (nominee.initiative, nominee.eligibility["verdict"]),
            (self.sang_kien, eligibility.ELIGIBLE),
        )
        change = audit.history(nominee).filter(action=AuditEntry.Action.UPDATE).get()
        self.assertEqual(
            (change.before["initiative_id"], change.after["initiative_id"]),
            (None, self.sang_kien.pk),
        )
        self.assertEqual(change.before["eligibility"]["verdict"], eligibility.NOT_ELIGIBLE)

        self.submit(proposal)
        with self.assertRefused("chỉ sửa được khi đơn vị đang lập", Nominee):
            proposals.set_initiative(nominee, initiative=None, actor=self.officer)
        self.assertEqual(Nominee.objects.get(pk=nominee.pk).initiative, self.sang_kien)

    def test_clearing_the_initiative_frees_it(self):
        proposal = self.dossier(person=self.hoa, initiative=self.sang_kien)
        proposals.set_initiative(proposal.nominees.get(), initiative=None, actor=self.officer)
        self.assertIsNone(proposal.nominees.get().initiative)
        self.assertEqual(proposals.available_initiatives(self.hoa, proposal), [self.sang_kien])

    def test_only_the_units_side_changes_it(self):
        nominee = self.dossier(person=self.hoa).nominees.get()
        with self.assertRefused("không có quyền", Nominee):
            proposals.set_initiative(nominee, initiative=self.sang_kien, actor=self.outsider)
        self.assertIsNone(Nominee.objects.get(pk=nominee.pk).initiative)

    def test_a_used_initiative_is_refused_when_changing_too(self):
        taken = self.dossier(person=self.hoa, initiative=self.sang_kien, title="Hồ sơ trước")
        nominee = self.dossier(self.other_form, person=self.hoa).nominees.get()
        with self.assertRefused(f"hồ sơ đề nghị “Hồ sơ trước” (số {taken.pk}", Nominee):
            proposals.set_initiative(nominee, initiative=self.sang_kien, actor=self.officer)


class CheckTests(InitiativeTestCase):
    def test_an_initiative_cited_by_a_live_dossier_counts_as_used_and_the_evidence_says_where(
        self,
    ):
        first = self.dossier(person=self.hoa, initiative=self.sang_kien, title="Hồ sơ A")
        result = eligibility.check(self.other_form, year=YEAR, person=self.hoa)
        (condition,) = result.results
        self.assertEqual(condition.status, eligibility.NOT_MET)
        self.assertIn(
            f"Sáng kiến “Số hóa hồ sơ đảng viên” (phạm vi cơ sở, công nhận năm 2024): đang "
            f"được nêu trong hồ sơ đề nghị “Hồ sơ A” (số {first.pk}, năm 2025, Đang lập hồ "
            "sơ).",
            condition.evidence,
        )
        # Chosen by name, it is refused with the dossier named.
        chosen = eligibility.check(
            self.other_form, year=YEAR, person=self.hoa, initiative=self.sang_kien
        )
        self.assertIn("Hồ sơ A", chosen.results[0].text)
        self.assertEqual(chosen.verdict, eligibility.NOT_ELIGIBLE)
        # For its own dossier the citation is no use: the check passes.
        own = eligibility.check(
            self.form, year=YEAR, person=self.hoa, initiative=self.sang_kien, proposal=first
        )
        self.assertEqual(own.verdict, eligibility.ELIGIBLE)

    def test_a_withdrawn_dossier_no_longer_holds_it(self):
        first = self.dossier(person=self.hoa, initiative=self.sang_kien)
        proposals.withdraw(first, actor=self.officer, reason="Rút.")
        result = eligibility.check(self.other_form, year=YEAR, person=self.hoa)
        self.assertEqual(result.verdict, eligibility.ELIGIBLE)


class DecisionTests(InitiativeTestCase):
    def test_the_decision_gives_the_initiative_to_the_award_and_it_never_counts_again(self):
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiative=self.sang_kien))
        )
        decision = self.issue(proposal)
        award = decision.awards.get()
        self.assertEqual(award.initiative, self.sang_kien)
        created = audit.history(decision).get()
        self.assertEqual(created.after["awards"], [award.pk])
        self.assertEqual(
            audit.history(award).get().after["initiative_id"], self.sang_kien.pk
        )  # the award's own audit entry keeps it
        # No other dossier may cite it, and the check counts it as used.
        later = self.dossier(self.other_form)
        with self.assertRefused("đã dùng cho “Bằng khen có sáng kiến” năm 2025", Nominee):
            proposals.add_nominee(
                later, actor=self.officer, person=self.hoa, initiative=self.sang_kien
            )
        result = eligibility.check(self.other_form, year=YEAR, person=self.hoa)
        self.assertEqual(result.verdict, eligibility.NOT_ELIGIBLE)
        self.assertEqual(proposals.available_initiatives(self.hoa, later), [])

    def test_a_revoked_award_keeps_its_initiative(self):
        """The revoked award stays, marked, with what it was given for (services.people)."""
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiative=self.sang_kien))
        )
        award = self.issue(proposal).awards.get()
        revoke(award, reason="Hồ sơ không trung thực.", actor=None)
        later = self.dossier(self.other_form)
        with self.assertRefused("khen thưởng đã bị thu hồi, sáng kiến không dùng lại", Nominee):
            proposals.add_nominee(
                later, actor=self.officer, person=self.hoa, initiative=self.sang_kien
            )

    def test_signing_is_refused_when_the_initiative_was_used_meanwhile(self):
        """Recorded from the past after the council approved (services.people does not know
        of dossiers): checked again at signing, and nothing is written."""
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiative=self.sang_kien))
        )
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="Quyết định 9/QĐ-UBND (thử)",
            initiative=self.sang_kien,
        )
        with self.assertRefused(
            "Đảng viên 1: Sáng kiến “Số hóa hồ sơ đảng viên” đã dùng cho “Giấy khen có sáng "
            "kiến” năm 2025",
            Award,
            Decision,
        ):
            self.issue(proposal)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, S.APPROVED)

    def test_submitting_is_refused_when_the_initiative_was_used_meanwhile(self):
        proposal = self.dossier(person=self.hoa, initiative=self.sang_kien)
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="Quyết định 9/QĐ-UBND (thử)",
            initiative=self.sang_kien,
        )
        self.attach(proposal)
        with self.assertRefused("đã dùng cho “Giấy khen có sáng kiến” năm 2025"):
            proposals.submit(proposal, actor=self.officer)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, S.DRAFT)

    def test_a_person_without_an_initiative_gets_an_award_without_one(self):
        plain = make_form(code="giay-khen", name="Giấy khen")
        proposal = self.approve(self.submit(self.dossier(plain, person=self.binh)))
        award = self.issue(proposal).awards.get()
        self.assertIsNone(award.initiative)
