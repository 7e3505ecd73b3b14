"""Quyết định khen thưởng: numbers in the Party's format, issuing from approved proposals,
awards for the nominees who passed, revocation that keeps the record (issue 4 §4)."""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
import unicodedata
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings

from commendation.models import (
    AttachmentKind,
    Award,
    Council,
    CouncilMember,
    Decision,
    Form,
    FormCategory,
    Proposal,
    ProposalStatus,
    ProposalStep,
    Subject,
)
from commendation.services import council as council_services
from commendation.services import proposals as proposal_services
from commendation.services.decisions import (
    format_reference,
    issue_decision,
    next_number,
    parse_reference,
    revoke,
    revoke_decision,
)
from commendation.testing import make_party
from core.audit import history
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.roles import Role
from core.test import ThiDuaTestCase
from organizations.models import Unit
from organizations.testing import UserFactory, give_role

NOW = datetime.datetime(2026, 1, 20, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
SIGNED_ON = datetime.date(2026, 1, 15)
# Attachments of the dossiers built here go to a directory the storage creates on the first
# write and the module removes afterwards.
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"thidua-test-decisions-{os.getpid()}")


def tearDownModule():
    shutil.rmtree(MEDIA_ROOT, ignore_errors=True)


# ---------------------------------------------------------------- test data


def make_form(
    subject: str = Subject.PERSON,
    *,
    code: str = "bang-khen-btctw",
    name: str = "Bằng khen của Ban Tổ chức Trung ương",
    certificate_title: str = "BẰNG KHEN",
    vote_threshold: int | None = None,
) -> Form:
    """A commendation form of the catalogue (forms are data; no service writes them). With
    ``vote_threshold`` the council votes on each nominee."""
    return Form.objects.create(
        code=code,
        name=name,
        category=FormCategory.AWARD,
        subject=subject,
        level="Ban Tổ chức Trung ương",
        citation="Hướng dẫn 06-HD/TW §19",
        valid_from=datetime.date(2025, 6, 9),
        certificate_title=certificate_title,
        council_vote=vote_threshold is not None,
        vote_threshold=vote_threshold,
    )


def make_council(unit: Unit, members: int = 5) -> Council:
    """The sector's council (its rows are set up by an administrator; no service writes
    them), every member working outside the units nominated, so nobody is recused."""
    council = Council.objects.create(name="Hội đồng Thi đua - Khen thưởng Ngành", unit=unit)
    for number in range(1, members + 1):
        CouncilMember.objects.create(
            council=council, full_name=f"Thành viên {number}", position="Ủy viên"
        )
    return council


def secretariat(council: Council):
    """An officer of the council's own unit: its secretariat (thư ký hội đồng)."""
    user = UserFactory(username=f"thu-ky-{council.pk}")
    return give_role(user, Role.UNIT_OFFICER, council.unit)


def upload(name: str = "to-trinh.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 to trinh", content_type="application/pdf")


def draft(form: Form, unit: Unit, *, year=2025, people=(), units=(), achievement="") -> Proposal:
    """A dossier drawn up by ``unit`` through the proposal service, with its tờ trình."""
    proposal = proposal_services.create_proposal(
        form=form, year=year, unit=unit, actor=None, title=f"Đề nghị {form.name} năm {year}"
    )
    for person in people:
        proposal_services.add_nominee(proposal, actor=None, person=person, achievement=achievement)
    for nominated in units:
        proposal_services.add_nominee(proposal, actor=None, unit=nominated, achievement=achievement)
    proposal_services.attach(proposal, kind=AttachmentKind.SUBMISSION, upload=upload(), actor=None)
    return proposal


def approved(
    form: Form,
    unit: Unit,
    council: Council,
    *,
    people=(),
    units=(),
    withdrawn=(),
    votes: dict | None = None,
    achievement: str = "",
    year: int = 2025,
) -> Proposal:
    """A dossier carried to APPROVED through the proposal and council services.

    ``withdrawn`` nominees are marked withdrawn before submission (no service withdraws a
    single nominee yet); ``votes`` gives the yes votes of a nominee (person or unit) when the
    form is voted on, every member voting yes otherwise."""
    proposal = draft(
        form, unit, year=year, people=[*people, *withdrawn], units=units, achievement=achievement
    )
    proposal.nominees.filter(person__in=withdrawn).update(withdrawn=True)
    proposal_services.submit(proposal, actor=None)
    session = council_services.open_session(
        council,
        held_on=datetime.date(2026, 1, 8),
        place="Hà Nội",
        proposals=[proposal],
        actor=None,
    )
    members = list(council.members.all())
    for member in members:
        council_services.record_attendance(session, member, present=True, actor=None)
    if form.council_vote:
        for nominee in proposal.nominees.filter(withdrawn=False):
            yes = (votes or {}).get(nominee.person or nominee.unit, len(members))
            council_services.record_tally(
                session, nominee, round=1, yes=yes, no=len(members) - yes, actor=None
            )
    council_services.close_session(session, actor=None)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED, proposal.status  # noqa: S101
    return proposal


def issue(proposals, actor=None, **options) -> Decision:
    values = {
        "actor": actor,
        "signed_on": SIGNED_ON,
        "signer": "Hoàng Đăng Quang",
        "signer_title": "Phó Trưởng Ban",
        "summary": "Về việc tặng Bằng khen năm 2025",
        **options,
    }
    return issue_decision(proposals, **values)


def statuses(*proposals) -> list[str]:
    return [Proposal.objects.get(pk=p.pk).status for p in proposals]


# ---------------------------------------------------------------- numbers


class DecisionNumberTests(TestCase):
    def test_numbers_run_from_one_for_each_issuing_body_kind_and_year(self):
        def decision(number, *, year=2026, code="BTCTW", kind="QĐ"):
            Decision.objects.create(
                number=number,
                year=year,
                kind=kind,
                issuer_code=code,
                issuer="BAN TỔ CHỨC",
                signed_on=datetime.date(year, 3, 1),
                signer="A",
                signer_title="B",
                summary="C",
            )

        decision(1)
        decision(7)  # numbers may be entered by hand; the next follows the highest
        decision(4, code="BTCTU")
        decision(12, year=2025)
        decision(2, kind="TB")
        self.assertEqual(next_number("BTCTW", 2026), 8)
        self.assertEqual(next_number("BTCTU", 2026), 5)
        self.assertEqual(next_number("BTCTW", 2025), 13)
        self.assertEqual(next_number("BTCTW", 2027), 1)
        self.assertEqual(next_number("BTCTW", 2026, kind="TB"), 3)
        # the code and kind are read the way parse_reference reads them
        self.assertEqual(next_number("btctw", 2026, kind="qđ"), 8)

    def test_the_reference_has_the_party_format(self):
        """Hướng dẫn 36-HD/VPTW: "Số", the number, a hyphen, the kind, a slash, the issuer's
        code; no colon after "Số"."""
        self.assertEqual(format_reference(123, "QĐ", "BTCTW"), "Số 123-QĐ/BTCTW")
        decision = Decision(number=123, kind="QĐ", issuer_code="BTCTW")
        self.assertEqual(decision.reference, "Số 123-QĐ/BTCTW")
        self.assertEqual(str(decision), "Số 123-QĐ/BTCTW")


class ParseReferenceTests(TestCase):
    def test_a_reference_round_trips(self):
        for number, kind, code in [
            (123, "QĐ", "BTCTW"),
            (1, "TB", "BTCTU"),
            (45, "TTr", "BTCTU"),
            (2024, "HD", "VPTW"),
            (9, "QĐ", "ĐUK"),
        ]:
            with self.subTest(number=number, kind=kind, code=code):
                text = format_reference(number, kind, code)
                self.assertEqual(parse_reference(text), (number, kind, code))
                self.assertEqual(format_reference(*parse_reference(text)), text)

    def test_it_reads_references_as_people_type_them(self):
        nfd = unicodedata.normalize("NFD", "Số 123-QĐ/BTCTW")
        self.assertNotEqual(nfd, "Số 123-QĐ/BTCTW")
        for text in [
            "123-QĐ/BTCTW",
            "Số 123-QĐ/BTCTW",
            "  Số   123 - QĐ / BTCTW  ",
            "số: 123-qđ/btctw",
            "SỐ 123–QĐ/BTCTW",  # an en dash typed for the hyphen
            "Số 0123-QĐ/BTCTW",
            nfd,
        ]:
            with self.subTest(text=text):
                self.assertEqual(parse_reference(text), (123, "QĐ", "BTCTW"))
        self.assertEqual(parse_reference("số 7-ttr/btctu"), (7, "TTr", "BTCTU"))

    def test_malformed_references_are_refused_in_vietnamese(self):
        for text in [
            "",
            "QĐ/BTCTW",
            "Số 123/QĐ-BTCTW",
            "Số 123-QĐ",
            "Số 123-QĐ/",
            "Số -QĐ/BTCTW",
            "Số 12.5-QĐ/BTCTW",
            "Số 12-Q1/BTCTW",
            "Số 12-QĐ/BTC TW",
            "Quyết định 12",
        ]:
            with self.subTest(text=text), self.assertRaises(RuleViolation) as caught:
                parse_reference(text)
            self.assertIn("không đúng mẫu “Số 123-QĐ/BTCTW”", caught.exception.message)
        with self.assertRaises(RuleViolation) as caught:
            parse_reference("Số 0-QĐ/BTCTW")
        self.assertIn("từ 1 trở lên", caught.exception.message)


# ---------------------------------------------------------------- issuing


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class IssueDecisionTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.party = make_party(communes=1, orgs_per_commune=2, members_per_org=3)
        cls.people = cls.party.people
        cls.council = make_council(cls.party.province)
        cls.actor = secretariat(cls.council)
        cls.person_form = make_form()
        cls.unit_form = make_form(Subject.UNIT, code="bang-khen-tap-the", name="Bằng khen tập thể")

    def approved(self, *, people=(), units=(), form=None, **options) -> Proposal:
        form = form or (self.unit_form if units else self.person_form)
        unit = self.party.communes[0] if units else self.party.orgs[0]
        return approved(form, unit, self.council, people=people, units=units, **options)

    def test_each_nominee_who_passed_gets_an_award_and_the_proposals_are_decided(self):
        a, b, c = self.people[:3]
        cell = self.party.orgs[1]
        people = self.approved(people=[a, b], withdrawn=[c])
        units = self.approved(units=[cell])
        steps_before = {p.pk: p.steps.count() for p in (people, units)}
        decision = issue([people, units], self.actor)

        self.assertEqual(decision.reference, "Số 1-QĐ/BTCTW")
        self.assertEqual((decision.year, decision.signed_on), (2026, SIGNED_ON))
        self.assertEqual(
            (decision.issuer, decision.parent_issuer, decision.signer_prefix),
            ("BAN TỔ CHỨC TRUNG ƯƠNG", "BAN CHẤP HÀNH TRUNG ƯƠNG", "K/T TRƯỞNG BAN"),
        )
        self.assertEqual(set(decision.proposals.all()), {people, units})
        awards = {(w.person_id, w.unit_id): w for w in decision.awards.all()}
        # the withdrawn nominee (c) gets nothing
        self.assertEqual(set(awards), {(a.pk, None), (b.pk, None), (None, cell.pk)})
        for award in awards.values():
            proposal = award.nominee.proposal
            self.assertEqual((award.form, award.year), (proposal.form, proposal.year))
            self.assertEqual(
                (award.nominee.person_id, award.nominee.unit_id), (award.person_id, award.unit_id)
            )
            self.assertFalse(award.is_revoked)

        self.assertEqual(statuses(people, units), [ProposalStatus.DECIDED] * 2)
        for proposal in (people, units):
            self.assertEqual(proposal.steps.count(), steps_before[proposal.pk] + 1)
            step = proposal.steps.order_by("at", "pk").last()
            self.assertEqual(
                (step.from_status, step.to_status, step.actor),
                (ProposalStatus.APPROVED, ProposalStatus.DECIDED, self.actor),
            )
            self.assertEqual(step.reason, "Quyết định số 1-QĐ/BTCTW ngày 15 tháng 01 năm 2026")
            entry = history(proposal).first()
            self.assertEqual(
                (entry.action, entry.actor, entry.after["status"]),
                (AuditEntry.Action.TRANSITION, self.actor, ProposalStatus.DECIDED),
            )
        created = history(decision).get()
        self.assertEqual((created.action, created.actor), (AuditEntry.Action.CREATE, self.actor))
        self.assertEqual(sorted(created.after["awards"]), sorted(w.pk for w in awards.values()))
        self.assertEqual(sorted(created.after["proposals"]), sorted([people.pk, units.pk]))
        for award in awards.values():
            self.assertEqual([e.action for e in history(award)], [AuditEntry.Action.CREATE])

    def test_a_nominee_who_failed_the_council_vote_gets_no_award(self):
        """With 5 members and 80 %, 4 yes pass and 3 fail (the share is of all members)."""
        voted = make_form(code="co-thi-dua", name="Cờ thi đua", vote_threshold=80)
        a, b = self.people[:2]
        proposal = self.approved(form=voted, people=[a, b], votes={a: 4, b: 3})
        decision = issue([proposal], self.actor)
        self.assertEqual([w.person for w in decision.awards.all()], [a])
        self.assertFalse(Award.objects.filter(person=b).exists())

    def test_numbers_follow_on_within_the_year_and_restart_the_next(self):
        first = issue([self.approved(people=self.people[:1])])
        second = issue([self.approved(people=self.people[1:2])])
        self.assertEqual((first.number, second.number), (1, 2))
        third = self.approved(people=self.people[2:3])
        with time_machine.travel(datetime.datetime(2027, 1, 10, tzinfo=NOW.tzinfo), tick=False):
            later = issue([third], signed_on=datetime.date(2027, 1, 5))
        self.assertEqual((later.number, later.year, later.reference), (1, 2027, "Số 1-QĐ/BTCTW"))

    def test_the_number_follows_the_year_of_the_signing_date_not_of_today(self):
        """Signed on 30/12/2025 and entered on 20/01/2026, after the first decision of 2026:
        it is the first of 2025, and the numbers of 2026 go on from theirs."""
        of_2026 = issue([self.approved(people=self.people[:1])], signed_on=SIGNED_ON)
        self.assertEqual((of_2026.number, of_2026.year), (1, 2026))
        self.assertEqual(next_number("BTCTW", 2025), 1)
        late = issue(
            [self.approved(people=self.people[1:2])], signed_on=datetime.date(2025, 12, 30)
        )
        self.assertEqual((late.number, late.year, late.reference), (1, 2025, "Số 1-QĐ/BTCTW"))
        self.assertEqual((next_number("BTCTW", 2025), next_number("BTCTW", 2026)), (2, 2))
        new_year = issue(
            [self.approved(people=self.people[2:3])], signed_on=datetime.date(2026, 1, 2)
        )
        self.assertEqual((new_year.number, new_year.year), (2, 2026))

    def test_only_approved_proposals_can_be_decided_and_nothing_changes_otherwise(self):
        ready = self.approved(people=self.people[:1])
        in_draft = draft(self.person_form, self.party.orgs[1], people=self.people[3:4])
        at_council = draft(self.person_form, self.party.orgs[1], people=self.people[4:5])
        proposal_services.submit(at_council, actor=None)
        returned = draft(self.person_form, self.party.orgs[1], people=self.people[5:6])
        proposal_services.submit(returned, actor=None)
        proposal_services.return_proposal(returned, actor=None, reason="Thiếu báo cáo thành tích")
        withdrawn = draft(self.person_form, self.party.orgs[1], people=self.people[3:4])
        proposal_services.withdraw(withdrawn, actor=None, reason="Đơn vị rút hồ sơ")
        for pending, status in [
            (in_draft, ProposalStatus.DRAFT),
            (at_council, ProposalStatus.AT_COUNCIL),
            (returned, ProposalStatus.RETURNED),
            (withdrawn, ProposalStatus.WITHDRAWN),
        ]:
            with self.subTest(status=status):
                with self.assertRefused(
                    "Chỉ ra quyết định cho hồ sơ Hội đồng đã thông qua",
                    Decision,
                    Award,
                    ProposalStep,
                ) as caught:
                    issue([ready, pending], self.actor)
                self.assertIn(
                    f"“{pending.title}” ({ProposalStatus(status).label})", caught.exception.message
                )
                self.assertEqual(statuses(ready, pending), [ProposalStatus.APPROVED, status])

    def test_a_decided_proposal_cannot_be_decided_again(self):
        proposal = self.approved(people=self.people[:1])
        issue([proposal], self.actor)
        with self.assertRefused("Chưa thông qua", Decision, Award, ProposalStep):
            issue([proposal], self.actor)

    def test_a_nominee_awarded_meanwhile_undoes_the_whole_decision(self):
        """The awards are written after the decision row: when they fail (a concurrent
        decision took a nominee), the decision and its steps must go too (one transaction)."""
        proposal = self.approved(people=self.people[:1])
        with (
            mock.patch.object(Award.objects, "bulk_create", side_effect=IntegrityError),
            self.assertRefused("vừa được khen thưởng theo một quyết định khác", Decision, Award),
        ):
            issue([proposal], self.actor)
        self.assertEqual(statuses(proposal), [ProposalStatus.APPROVED])
        self.assertFalse(Decision.objects.exists())

    def test_a_taken_number_is_refused_with_nothing_changed(self):
        issue([self.approved(people=self.people[:1])], number=5)
        proposal = self.approved(people=self.people[3:4])
        with self.assertRefused(
            "Số 5-QĐ/BTCTW năm 2026 đã được dùng (quyết định ngày 15/01/2026)",
            Decision,
            Award,
            ProposalStep,
        ) as caught:
            issue([proposal], self.actor, number=5)
        self.assertIn("Số tiếp theo còn trống là 6", caught.exception.message)
        self.assertEqual(statuses(proposal), [ProposalStatus.APPROVED])
        # the same number is free for another issuing body
        other = issue(
            [proposal], self.actor, number=5, issuer_code="BTCTU", issuer="Ban Tổ chức Tỉnh ủy"
        )
        self.assertEqual((other.reference, other.issuer), ("Số 5-QĐ/BTCTU", "BAN TỔ CHỨC TỈNH ỦY"))

    def test_the_database_refuses_a_number_used_twice(self):
        """The constraint backs the service's check (two requests at the same moment)."""
        values = {
            "number": 3,
            "year": 2026,
            "kind": "QĐ",
            "issuer_code": "BTCTW",
            "issuer": "BAN TỔ CHỨC TRUNG ƯƠNG",
            "signed_on": SIGNED_ON,
            "signer": "A",
            "signer_title": "B",
            "summary": "C",
        }
        Decision.objects.create(**values)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Decision.objects.create(**values)

    def test_an_approved_proposal_without_a_council_outcome_is_refused(self):
        """passed_nominees finds nobody without a closed council session; the row is set to
        APPROVED directly here, since no service leaves a dossier in that state."""
        proposal = draft(self.person_form, self.party.orgs[0], people=self.people[:2])
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.APPROVED)
        with self.assertRefused(
            "không có ai được Hội đồng thông qua", Decision, Award, ProposalStep
        ):
            issue([proposal], self.actor)

    def test_a_decision_dated_in_the_future_or_before_the_achievements_is_refused(self):
        proposal = self.approved(people=self.people[:1])
        with self.assertRefused("chưa đến", Decision, Award, ProposalStep):
            issue([proposal], self.actor, signed_on=datetime.date(2026, 1, 21))
        with self.assertRefused("trước năm thành tích", Decision, Award, ProposalStep):
            issue([proposal], self.actor, signed_on=datetime.date(2024, 12, 30))
        self.assertEqual(issue([proposal], signed_on=NOW.date()).signed_on, NOW.date())

    def test_only_the_council_secretariat_issues_a_decision(self):
        proposal = self.approved(people=self.people[:1])
        cell_officer = give_role(
            UserFactory(username="can-bo-chi-bo"), Role.UNIT_OFFICER, self.party.orgs[0]
        )
        with self.assertRefused("không có quyền", Decision, Award, ProposalStep):
            issue([proposal], cell_officer)
        self.assertEqual(statuses(proposal), [ProposalStatus.APPROVED])

    def test_a_missing_signer_or_no_proposal_is_refused(self):
        proposal = self.approved(people=self.people[:1])
        with self.assertRefused("Chưa nhập người ký", Decision, Award, ProposalStep):
            issue([proposal], self.actor, signer="  ")
        with self.assertRefused("Chưa chọn hồ sơ", Decision, Award, ProposalStep):
            issue([], self.actor)


# ---------------------------------------------------------------- revocation


@time_machine.travel(NOW, tick=False)
@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class RevocationTests(ThiDuaTestCase):
    @classmethod
    def setUpTestData(cls):
        party = make_party(communes=1, orgs_per_commune=1, members_per_org=3)
        council = make_council(party.province)
        cls.actor = secretariat(council)
        cls.outsider = give_role(UserFactory(username="chi-bo"), Role.UNIT_OFFICER, party.orgs[0])
        proposal = approved(make_form(), party.orgs[0], council, people=party.people)
        cls.decision = issue([proposal], cls.actor)
        cls.awards = list(cls.decision.awards.order_by("pk"))

    def test_revoking_an_award_keeps_the_row_and_marks_it(self):
        award = self.awards[0]
        revoke(award, reason="Kê khai thành tích không trung thực", actor=self.actor)
        award = Award.objects.get(pk=award.pk)
        self.assertEqual(Award.objects.count(), 3)
        self.assertTrue(award.is_revoked)
        self.assertEqual(
            (award.revoked_at, award.revoked_reason, award.revoked_by),
            (NOW, "Kê khai thành tích không trung thực", self.actor),
        )
        entry = history(award).first()
        self.assertEqual(
            (entry.action, entry.reason, entry.before["revoked_at"]),
            (AuditEntry.Action.UPDATE, "Kê khai thành tích không trung thực", None),
        )
        self.assertEqual(Award.objects.filter(revoked_at__isnull=True).count(), 2)
        with self.assertRefused("đã bị thu hồi ngày 20/01/2026", Award):
            revoke(award, reason="Lần nữa", actor=self.actor)

    def test_only_the_council_secretariat_revokes(self):
        with self.assertRefused("không có quyền", Award):
            revoke(self.awards[0], reason="Sai đối tượng", actor=self.outsider)
        with self.assertRefused("không có quyền", Award):
            revoke_decision(self.decision, reason="Sai thẩm quyền", actor=self.outsider)
        self.assertFalse(Award.objects.filter(revoked_at__isnull=False).exists())

    def test_a_revocation_needs_a_reason(self):
        with self.assertRefused("Chưa nhập lý do thu hồi", Award):
            revoke(self.awards[0], reason=" ", actor=self.actor)
        with self.assertRefused("Chưa nhập lý do thu hồi", Award):
            revoke_decision(self.decision, reason="", actor=self.actor)
        self.assertFalse(Award.objects.filter(revoked_at__isnull=False).exists())

    def test_revoking_a_decision_marks_every_award_it_made_and_deletes_nothing(self):
        first = self.awards[0]
        yesterday = NOW - datetime.timedelta(days=1)
        with time_machine.travel(yesterday, tick=False):
            revoke(first, reason="Sai đối tượng", actor=self.actor)
        revoked = revoke_decision(
            self.decision, reason="Quyết định ban hành sai thẩm quyền", actor=self.actor
        )
        self.assertEqual({a.pk for a in revoked}, {a.pk for a in self.awards[1:]})
        self.assertTrue(Decision.objects.filter(pk=self.decision.pk).exists())
        rows = {a.pk: a for a in Award.objects.filter(decision=self.decision)}
        self.assertEqual(set(rows), {a.pk for a in self.awards})
        # the award revoked before keeps its own date and reason
        self.assertEqual(
            (rows[first.pk].revoked_at, rows[first.pk].revoked_reason),
            (yesterday, "Sai đối tượng"),
        )
        for award in self.awards[1:]:
            row = rows[award.pk]
            self.assertEqual(
                (row.revoked_at, row.revoked_reason, row.revoked_by),
                (NOW, "Quyết định ban hành sai thẩm quyền", self.actor),
            )
            self.assertEqual(history(row).first().reason, "Quyết định ban hành sai thẩm quyền")
        self.assertEqual(
            history(self.decision).first().after["revoked_awards"],
            [a.pk for a in self.awards[1:]],
        )
        with self.assertRefused("đã bị thu hồi", Award):
            revoke_decision(self.decision, reason="Lần nữa", actor=self.actor)
