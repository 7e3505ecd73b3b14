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
        """A draft of the province with one nominee (``person``, ``initiatives``...)."""
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
        proposal = self.dossier(person=self.hoa, initiatives=[self.sang_kien])
        nominee = proposal.nominees.get()
        self.assertEqual(list(nominee.initiatives.all()), [self.sang_kien])
        self.assertEqual(nominee.eligibility["verdict"], eligibility.ELIGIBLE)
        (result,) = nominee.eligibility["results"]
        self.assertEqual(
            result["evidence"],
            [
                "Sáng kiến đề nghị xét: Sáng kiến “Số hóa hồ sơ đảng viên” (phạm vi cơ sở, công "
                "nhận năm 2024): được tính."
            ],
        )
        created = audit.history(nominee).get()
        self.assertEqual(created.after["initiative_ids"], [self.sang_kien.pk])

    def test_another_persons_initiative_is_refused_and_nothing_is_saved(self):
        proposal = self.dossier()
        with self.assertRefused(
            "Sáng kiến “Số hóa hồ sơ đảng viên” không phải của Đảng viên 2.", Nominee
        ):
            proposals.add_nominee(
                proposal, actor=self.officer, person=self.binh, initiatives=[self.sang_kien]
            )

    def test_a_unit_nominee_cites_no_initiative(self):
        collective = make_form(Subject.UNIT, code="bang-khen-tap-the", name="Bằng khen tập thể")
        proposal = self.dossier(collective)
        with self.assertRefused("Sáng kiến chỉ nêu cho cá nhân được đề nghị", Nominee):
            proposals.add_nominee(
                proposal, actor=self.officer, unit=self.party.orgs[0], initiatives=[self.sang_kien]
            )

    def test_a_form_without_a_condition_on_initiatives_takes_none(self):
        """Citing it would use it up for nothing."""
        plain = make_form(code="giay-khen", name="Giấy khen")
        self.assertFalse(proposals.takes_initiative(plain))
        self.assertTrue(proposals.takes_initiative(self.form))
        proposal = self.dossier(plain)
        with self.assertRefused("“Giấy khen” không có điều kiện về sáng kiến", Nominee):
            proposals.add_nominee(
                proposal, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien]
            )

    def test_an_initiative_recognized_after_the_year_is_refused(self):
        later = Initiative.objects.create(person=self.hoa, title="Sổ tay", year=2026, scope="unit")
        proposal = self.dossier()
        with self.assertRefused("được công nhận năm 2026, sau năm thành tích 2025", Nominee):
            proposals.add_nominee(
                proposal, actor=self.officer, person=self.hoa, initiatives=[later]
            )

    def test_an_initiative_cited_by_another_live_dossier_is_refused_until_it_is_withdrawn(self):
        """Live: with the unit, at the cluster or the council, approved, or returned (the unit
        may resubmit it). A withdrawn dossier holds nothing."""
        first = self.dossier(person=self.hoa, initiatives=[self.sang_kien], title="Hồ sơ thứ nhất")
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
                    second, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien]
                )

        refused("Đang lập hồ sơ")
        self.submit(first)
        refused("Hội đồng đang xét")
        proposals.return_proposal(first, actor=None, reason="Bổ sung tờ trình.")
        refused("Trả lại để hoàn thiện")
        proposals.withdraw(first, actor=self.officer, reason="Đơn vị rút hồ sơ.")
        nominee = proposals.add_nominee(
            second, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien]
        )
        self.assertEqual(list(nominee.initiatives.all()), [self.sang_kien])

    def test_a_nominee_taken_out_of_the_dossier_frees_the_initiative(self):
        first = self.dossier(person=self.hoa, initiatives=[self.sang_kien])
        proposals.remove_nominee(first.nominees.get(), actor=self.officer)
        second = self.dossier(self.other_form, person=self.hoa, initiatives=[self.sang_kien])
        self.assertEqual(list(second.nominees.get().initiatives.all()), [self.sang_kien])

    def test_only_unused_initiatives_of_the_year_are_offered(self):
        Initiative.objects.create(person=self.hoa, title="Sau năm xét", year=2026, scope="unit")
        cited = Initiative.objects.create(
            person=self.hoa, title="Đã nêu ở hồ sơ khác", year=2025, scope="province"
        )
        self.dossier(person=self.hoa, initiatives=[cited])
        used = Initiative.objects.create(person=self.hoa, title="Đã dùng", year=2023, scope="unit")
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="QĐ 1 (thử)",
            initiatives=[used],
        )
        proposal = self.dossier(self.other_form)
        self.assertEqual(proposals.available_initiatives(self.hoa, proposal), [self.sang_kien])


class ChangingTests(InitiativeTestCase):
    def test_the_initiative_changes_while_the_dossier_is_with_the_unit_and_the_check_follows(self):
        proposal = self.dossier(person=self.hoa)
        nominee = proposal.nominees.get()
        # In a dossier only the initiatives cited go to the award: one merely held does not
        # meet the condition, and the check says what to do.
        self.assertEqual(nominee.eligibility["verdict"], eligibility.NOT_ELIGIBLE)
        (result,) = nominee.eligibility["results"]
        self.assertIn("hồ sơ đề nghị chưa nêu sáng kiến dùng để xét", result["text"])
        self.attach(proposal)
        with self.assertRefused("Không đủ điều kiện “Bằng khen có sáng kiến”"):
            proposals.submit(proposal, actor=self.officer)

        proposals.set_initiatives(nominee, initiatives=[self.sang_kien], actor=self.officer)
        nominee.refresh_from_db()
        self.assertEqual(
            (list(nominee.initiatives.all()), nominee.eligibility["verdict"]),
            ([self.sang_kien], eligibility.ELIGIBLE),
        )
        change = audit.history(nominee).filter(action=AuditEntry.Action.UPDATE).get()
        self.assertEqual(
            (change.before["initiative_ids"], change.after["initiative_ids"]),
            ([], [self.sang_kien.pk]),
        )
        self.assertEqual(change.before["eligibility"]["verdict"], eligibility.NOT_ELIGIBLE)

        self.submit(proposal)
        with self.assertRefused("chỉ sửa được khi đơn vị đang lập", Nominee):
            proposals.set_initiatives(nominee, initiatives=[], actor=self.officer)
        self.assertEqual(list(nominee.initiatives.all()), [self.sang_kien])

    def test_clearing_the_initiative_frees_it(self):
        proposal = self.dossier(person=self.hoa, initiatives=[self.sang_kien])
        proposals.set_initiatives(proposal.nominees.get(), initiatives=[], actor=self.officer)
        self.assertFalse(proposal.nominees.get().initiatives.exists())
        self.assertEqual(proposals.available_initiatives(self.hoa, proposal), [self.sang_kien])

    def test_only_the_units_side_changes_it(self):
        nominee = self.dossier(person=self.hoa).nominees.get()
        with self.assertRefused("không có quyền", Nominee):
            proposals.set_initiatives(nominee, initiatives=[self.sang_kien], actor=self.outsider)
        self.assertFalse(nominee.initiatives.exists())

    def test_a_used_initiative_is_refused_when_changing_too(self):
        taken = self.dossier(person=self.hoa, initiatives=[self.sang_kien], title="Hồ sơ trước")
        nominee = self.dossier(self.other_form, person=self.hoa).nominees.get()
        with self.assertRefused(f"hồ sơ đề nghị “Hồ sơ trước” (số {taken.pk}", Nominee):
            proposals.set_initiatives(nominee, initiatives=[self.sang_kien], actor=self.officer)


class CheckTests(InitiativeTestCase):
    def test_an_initiative_cited_by_a_live_dossier_counts_as_used_and_the_evidence_says_where(
        self,
    ):
        first = self.dossier(person=self.hoa, initiatives=[self.sang_kien], title="Hồ sơ A")
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
            self.other_form, year=YEAR, person=self.hoa, initiatives=[self.sang_kien]
        )
        self.assertIn("Hồ sơ A", chosen.results[0].text)
        self.assertEqual(chosen.verdict, eligibility.NOT_ELIGIBLE)
        # For its own dossier the citation is no use: the check passes.
        own = eligibility.check(
            self.form, year=YEAR, person=self.hoa, initiatives=[self.sang_kien], proposal=first
        )
        self.assertEqual(own.verdict, eligibility.ELIGIBLE)

    def test_a_withdrawn_dossier_no_longer_holds_it(self):
        first = self.dossier(person=self.hoa, initiatives=[self.sang_kien])
        proposals.withdraw(first, actor=self.officer, reason="Rút.")
        result = eligibility.check(self.other_form, year=YEAR, person=self.hoa)
        self.assertEqual(result.verdict, eligibility.ELIGIBLE)


class DecisionTests(InitiativeTestCase):
    def test_the_decision_gives_the_initiative_to_the_award_and_it_never_counts_again(self):
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiatives=[self.sang_kien]))
        )
        decision = self.issue(proposal)
        award = decision.awards.get()
        self.assertEqual(list(award.initiatives.all()), [self.sang_kien])
        created = audit.history(decision).get()
        self.assertEqual(created.after["awards"], [award.pk])
        used = audit.history(self.sang_kien).get(action=AuditEntry.Action.UPDATE)
        self.assertEqual(
            (used.after["award_id"], used.reason), (award.pk, decision.reference)
        )  # the initiative's own audit entry says which award took it
        # No other dossier may cite it, and the check counts it as used.
        later = self.dossier(self.other_form)
        with self.assertRefused("đã dùng cho “Bằng khen có sáng kiến” năm 2025", Nominee):
            proposals.add_nominee(
                later, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien]
            )
        result = eligibility.check(self.other_form, year=YEAR, person=self.hoa)
        self.assertEqual(result.verdict, eligibility.NOT_ELIGIBLE)
        self.assertEqual(proposals.available_initiatives(self.hoa, later), [])

    def test_a_revoked_award_keeps_its_initiative(self):
        """The revoked award stays, marked, with what it was given for (services.people)."""
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiatives=[self.sang_kien]))
        )
        award = self.issue(proposal).awards.get()
        revoke(award, reason="Hồ sơ không trung thực.", actor=None)
        later = self.dossier(self.other_form)
        with self.assertRefused("khen thưởng đã bị thu hồi, sáng kiến không dùng lại", Nominee):
            proposals.add_nominee(
                later, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien]
            )

    def test_signing_is_refused_when_the_initiative_was_used_meanwhile(self):
        """Recorded from the past after the council approved (services.people does not know
        of dossiers): checked again at signing, and nothing is written."""
        proposal = self.approve(
            self.submit(self.dossier(person=self.hoa, initiatives=[self.sang_kien]))
        )
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="Quyết định 9/QĐ-UBND (thử)",
            initiatives=[self.sang_kien],
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
        proposal = self.dossier(person=self.hoa, initiatives=[self.sang_kien])
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="Quyết định 9/QĐ-UBND (thử)",
            initiatives=[self.sang_kien],
        )
        self.attach(proposal)
        with self.assertRefused("đã dùng cho “Giấy khen có sáng kiến” năm 2025"):
            proposals.submit(proposal, actor=self.officer)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, S.DRAFT)

    def test_a_person_without_an_initiative_gets_an_award_without_one(self):
        plain = make_form(code="giay-khen", name="Giấy khen")
        proposal = self.approve(self.submit(self.dossier(plain, person=self.binh)))
        award = self.issue(proposal).awards.get()
        self.assertFalse(award.initiatives.exists())


def two_initiatives() -> list[dict]:
    return [
        {
            "code": "hai-sang-kien",
            "type": "initiative",
            "scope": "unit",
            "count": 2,
            "citation": "Nghị định 98/2023/NĐ-CP: 02 sáng kiến; mỗi sáng kiến chỉ dùng một lần",
        }
    ]


class TwoInitiativesTests(InitiativeTestCase):
    """A form asking for two initiatives (as the catalogue's "Bằng khen cấp bộ, tỉnh (cá
    nhân)"): the dossier cites two, the award takes both, and nothing uncited counts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.two = make_form(code="bang-khen-hai-sang-kien", name="Bằng khen hai sáng kiến")
        cls.two.conditions = two_initiatives()
        cls.two.save(update_fields=["conditions"])
        cls.b = Initiative.objects.create(
            person=cls.hoa, title="Sổ tay chi bộ", year=2024, scope="unit"
        )
        cls.c = Initiative.objects.create(
            person=cls.hoa, title="Phần mềm đảng phí", year=2025, scope="province"
        )

    def test_an_uncited_unused_initiative_no_longer_counts_for_a_dossier(self):
        """Hoa has A, B, C; the first dossier cites A and is decided (the award takes A); a
        second dossier citing only C is not eligible: B, held but not cited, does not count
        (it would never be marked used and could count again). Citing B and C, it is; the
        decision's award then holds both, and nothing is left to count."""
        first = self.approve(
            self.submit(self.dossier(person=self.hoa, initiatives=[self.sang_kien]))
        )
        self.issue(first)
        second = self.dossier(self.two, person=self.hoa, initiatives=[self.c], title="Hồ sơ hai")
        nominee = second.nominees.get()
        self.assertEqual(nominee.eligibility["verdict"], eligibility.NOT_ELIGIBLE)
        (result,) = nominee.eligibility["results"]
        self.assertEqual(
            result["text"],
            "Có 2 sáng kiến phạm vi cơ sở trở lên, công nhận đến năm 2025, chưa dùng cho danh "
            "hiệu, hình thức khen thưởng khác — hồ sơ đề nghị chỉ nêu 1 sáng kiến, cần 2 (có 1 "
            "sáng kiến chưa dùng khác: chọn thêm cho người được đề nghị; mỗi sáng kiến chỉ dùng "
            "cho một danh hiệu hoặc hình thức khen thưởng)",
        )
        self.assertEqual(
            result["evidence"],
            [
                "Sáng kiến đề nghị xét: Sáng kiến “Phần mềm đảng phí” (phạm vi cấp bộ, tỉnh, "
                "công nhận năm 2025): được tính.",
                "Sáng kiến “Số hóa hồ sơ đảng viên” (phạm vi cơ sở, công nhận năm 2024): đã "
                "dùng cho “Bằng khen có sáng kiến” năm 2025.",
                "Sáng kiến “Sổ tay chi bộ” (phạm vi cơ sở, công nhận năm 2024): chưa dùng, hồ sơ "
                "không nêu nên không tính.",
            ],
        )
        self.attach(second)
        with self.assertRefused("Không đủ điều kiện “Bằng khen hai sáng kiến”"):
            proposals.submit(second, actor=self.officer)
        # Re-running the check (the same as at signing) agrees.
        self.assertEqual(
            eligibility.check(
                self.two, year=YEAR, person=self.hoa, initiatives=[self.c], proposal=second
            ).verdict,
            eligibility.NOT_ELIGIBLE,
        )

        proposals.set_initiatives(nominee, initiatives=[self.c, self.b], actor=self.officer)
        nominee.refresh_from_db()
        self.assertEqual(nominee.eligibility["verdict"], eligibility.ELIGIBLE)
        self.assertEqual(
            nominee.eligibility["results"][0]["text"].rsplit(" — ", 1)[1],
            "đạt (2 sáng kiến hồ sơ nêu)",
        )
        decision = self.issue(self.approve(self.submit(second)))
        award = decision.awards.get()
        self.assertEqual(list(award.initiatives.order_by("pk")), [self.b, self.c])
        self.assertEqual(
            sorted(
                e.object_id
                for e in AuditEntry.objects.filter(
                    action=AuditEntry.Action.UPDATE, reason=decision.reference
                )
            ),
            sorted([str(self.b.pk), str(self.c.pk)]),
        )
        # Nothing left: no dossier may cite them, the standalone check finds none.
        standalone = eligibility.check(self.two, year=YEAR, person=self.hoa)
        self.assertEqual(standalone.results[0].status, eligibility.NOT_MET)
        self.assertIn("không có sáng kiến phù hợp chưa dùng", standalone.results[0].text)
        self.assertEqual(proposals.available_initiatives(self.hoa, self.dossier(self.two)), [])

    def test_without_a_dossier_the_check_counts_unused_ones_and_says_the_dossier_must_cite_them(
        self,
    ):
        result = eligibility.check(self.two, year=YEAR, person=self.hoa)
        (condition,) = result.results
        self.assertEqual(condition.status, eligibility.MET)
        self.assertIn("đạt (có 3 sáng kiến chưa dùng; hồ sơ đề nghị phải nêu 2", condition.text)
        self.assertIn(
            "Hồ sơ đề nghị phải nêu 2 sáng kiến dùng để xét: chỉ sáng kiến được nêu mới được "
            "tính và được ghi cho khen thưởng",
            condition.evidence[-1],
        )
        # A dossier that cites none meets nothing.
        empty = eligibility.check(self.two, year=YEAR, person=self.hoa, initiatives=[])
        self.assertIn(
            "hồ sơ đề nghị chưa nêu sáng kiến dùng để xét (có 3 sáng kiến chưa dùng: chọn cho",
            empty.results[0].text,
        )

    def test_every_cited_initiative_must_qualify(self):
        """One that does not count is used up by the award all the same: refused by the
        check, naming it."""
        narrow_form = make_form(code="bang-khen-cap-tinh", name="Bằng khen sáng kiến cấp tỉnh")
        narrow_form.conditions = [{**two_initiatives()[0], "scope": "province", "count": 1}]
        narrow_form.save(update_fields=["conditions"])
        result = eligibility.check(
            narrow_form, year=YEAR, person=self.hoa, initiatives=[self.c, self.b]
        )
        (condition,) = result.results
        self.assertEqual(condition.status, eligibility.NOT_MET)
        self.assertTrue(
            condition.text.endswith("— sáng kiến “Sổ tay chi bộ” phạm vi hẹp hơn yêu cầu")
        )
        self.assertIn(
            "Sáng kiến đề nghị xét: Sáng kiến “Sổ tay chi bộ” (phạm vi cơ sở, công nhận năm "
            "2024): không được tính — phạm vi hẹp hơn yêu cầu.",
            condition.evidence,
        )

    def test_a_dossier_cites_no_more_than_the_form_asks_for(self):
        third = Initiative.objects.create(
            person=self.hoa, title="Mô hình bốn tốt", year=2023, scope="unit"
        )
        proposal = self.dossier(self.two)
        with self.assertRefused(
            "“Bằng khen hai sáng kiến” cần tối đa 2 sáng kiến: hồ sơ chỉ nêu tối đa 2 sáng kiến "
            "cho mỗi người, không phải 3",
            Nominee,
        ):
            proposals.add_nominee(
                proposal,
                actor=self.officer,
                person=self.hoa,
                initiatives=[self.sang_kien, self.b, third],
            )
        nominee = proposals.add_nominee(
            proposal, actor=self.officer, person=self.hoa, initiatives=[self.b, third]
        )
        with self.assertRefused("cần tối đa 2 sáng kiến"):
            proposals.set_initiatives(
                nominee, initiatives=[self.sang_kien, self.b, third], actor=self.officer
            )
        self.assertEqual(list(nominee.initiatives.order_by("pk")), [self.b, third])
        # A form asking for one takes one.
        single = self.dossier()
        with self.assertRefused("cần tối đa 1 sáng kiến", Nominee):
            proposals.add_nominee(
                single, actor=self.officer, person=self.hoa, initiatives=[self.sang_kien, self.c]
            )

    def test_the_limit_is_the_largest_count_of_the_forms_initiative_conditions(self):
        self.assertEqual(proposals.initiative_limit(self.two), 2)
        self.assertEqual(proposals.initiative_limit(self.form), 1)
        self.assertEqual(proposals.initiative_limit(make_form(code="giay-khen", name="GK")), 0)
        catalogue = {
            code: proposals.initiative_limit(eligibility.form_for(code, YEAR))
            for code in (
                eligibility.BANG_KHEN_TINH_CA_NHAN,  # inside any_of / all_of
                eligibility.CHIEN_SI_THI_DUA_CO_SO,
                eligibility.LAO_DONG_TIEN_TIEN,
                eligibility.BANG_KHEN_TINH_TAP_THE,
            )
        }
        self.assertEqual(
            catalogue,
            {
                eligibility.BANG_KHEN_TINH_CA_NHAN: 2,
                eligibility.CHIEN_SI_THI_DUA_CO_SO: 1,
                eligibility.LAO_DONG_TIEN_TIEN: 0,
                eligibility.BANG_KHEN_TINH_TAP_THE: 0,
            },
        )

    def test_signing_is_refused_when_one_of_the_cited_initiatives_was_used_meanwhile(self):
        proposal = self.approve(
            self.submit(self.dossier(self.two, person=self.hoa, initiatives=[self.b, self.c]))
        )
        people.record_award(
            self.other_form,
            2025,
            person=self.hoa,
            actor=None,
            source="Quyết định 9/QĐ-UBND (thử)",
            initiatives=[self.c],
        )
        with self.assertRefused(
            "Đảng viên 1: Sáng kiến “Phần mềm đảng phí” đã dùng cho “Giấy khen có sáng kiến” năm "
            "2025",
            Award,
            Decision,
        ):
            self.issue(proposal)
        self.b.refresh_from_db()
        self.assertIsNone(self.b.award)  # the other one stays free
