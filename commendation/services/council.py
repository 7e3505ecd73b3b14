"""Hội đồng Thi đua - Khen thưởng Ngành: sessions, attendance, secret-ballot tallies,
recusal, and the outcome of each dossier (issue 4 §4).

The rules, with how sure we are of each (RULES.md, "Council votes"):
- Which forms are voted on, and the share required, are data on the form
  (``Form.council_vote``, ``Form.vote_threshold``): ≥ 90 % for Chiến sĩ thi đua cấp bộ/tỉnh
  and toàn quốc, ≥ 80 % for Chiến sĩ thi đua cơ sở and the flags (high for Nghị định 98;
  whether 152 kept them is unconfirmed). The share is counted on ALL members of the council
  (high): yes ÷ all members ≥ threshold, compared exactly (yes × 100 ≥ threshold × members,
  in Decimal), so with 10 members and 90 %, 9 yes pass and 8 fail — an absent member who
  sends no written vote counts as not agreeing.
- "All members" are the council's active members, recused ones included: a member recused
  for a nominee (below) does not vote, and the share is still counted on every member (10
  members, one recused, 90 % → 9 yes needed from the 9 who vote). The texts say "all
  members" and nothing of recusal, so we keep their letter; recusal can only make a vote
  harder to pass, never easier.
- Recusal (the issue's requirement): a member is recused for a nominee when the member is
  that person, or works (``CouncilMember.unit``) in the nominated unit or in the proposing
  unit. The tally keeps who was recused and why; the minutes name them.
- Absent members vote in writing (high): the ballots expected for a nominee are the present
  non-recused members plus the written votes of absent non-recused members; yes + no +
  blank must equal that number.
- Quorum (medium, a sibling sector's rule; ``Council.quorum``, default 2/3): the members
  present (written votes do not count) must reach ⌈quorum × all active members⌉. The
  stored 4-decimal fraction is read as the nearest fraction with a denominator up to 100
  (0,6667 → 2/3), since four decimals cannot hold 2/3 exactly (9 members need 6, not 7).
  No tally is recorded and no session is closed without it.
- At most ``Council.max_rounds`` rounds (medium: two): round n + 1 only for a nominee who
  failed round n in the same session; a round beyond the maximum is refused.
- Forms without a council vote need no tally: their nominees pass on the council's
  general approval of the dossier when the session closes (with its quorum met).
- Closing a session: every voted nominee must have a tally; a dossier with at least one
  passing nominee is APPROVED (the decision helper awards only ``passed_nominees``; the
  others stay in the dossier with their tallies as the record), a dossier with none is
  RETURNED with the reason. Tallies are per session: a returned dossier that comes back is
  voted afresh in a later session.
Only the council's secretariat acts here (commendation.permissions.can_act_for_council);
``actor=None`` is the system itself.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import transaction

from commendation import permissions
from commendation.models import (
    Attendance,
    Council,
    CouncilMember,
    CouncilSession,
    Nominee,
    Proposal,
    ProposalStatus,
    Tally,
)
from commendation.services import proposals as proposal_services
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.templatetags.vn import format_points
from core.text import normalize

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Recusal:
    member: CouncilMember
    reason: str


def _check_actor(actor, council: Council) -> None:
    if actor is not None and not permissions.can_act_for_council(actor, council):
        raise RuleViolation(
            "Bạn không có quyền thực hiện thao tác này của Hội đồng.", code="forbidden"
        )


def _check_open(session: CouncilSession) -> None:
    current = CouncilSession.objects.select_for_update().get(pk=session.pk)
    session.status = current.status
    if session.status != CouncilSession.Status.OPEN:
        raise RuleViolation("Phiên họp đã kết thúc: không thay đổi được.", code="state")


def _active_members(council: Council) -> list[CouncilMember]:
    return list(council.members.filter(active=True).select_related("unit", "person"))


def quorum_fraction(council: Council) -> Fraction:
    """0,6667 → 2/3: the stored decimal as the nearest fraction with a denominator ≤ 100."""
    return Fraction(str(council.quorum)).limit_denominator(100)


def required_present(council: Council, total: int) -> int:
    return math.ceil(quorum_fraction(council) * total)


# ---------------------------------------------------------------- session and attendance


@transaction.atomic
def open_session(
    council: Council,
    *,
    held_on: datetime.date,
    place: str,
    proposals: list[Proposal],
    actor,
    chair: str = "",
    secretary: str = "",
) -> CouncilSession:
    """A meeting of the council to consider ``proposals`` (each at the council)."""
    _check_actor(actor, council)
    if not normalize(place.strip()):
        raise RuleViolation("Nhập địa điểm họp.", field="place")
    proposals = list(proposals)
    if not proposals:
        raise RuleViolation("Chọn ít nhất một hồ sơ để Hội đồng xem xét.", field="proposals")
    if not council.members.filter(active=True).exists():
        raise RuleViolation("Hội đồng chưa có thành viên.")
    locked = Proposal.objects.select_for_update().filter(pk__in=[p.pk for p in proposals])
    not_ready = [p for p in locked if p.status != ProposalStatus.AT_COUNCIL]
    if not_ready:
        raise RuleViolation(
            "Hồ sơ chưa trình Hội đồng: "
            + "; ".join(f"{p.title} ({p.get_status_display()})" for p in not_ready)
            + ".",
            field="proposals",
        )
    busy = CouncilSession.objects.filter(
        status=CouncilSession.Status.OPEN, proposals__in=proposals
    ).distinct()
    if busy.exists():
        raise RuleViolation(
            "Có hồ sơ đang được xem xét ở một phiên họp chưa kết thúc ("
            + ", ".join(str(s) for s in busy)
            + ").",
            field="proposals",
        )
    session = CouncilSession.objects.create(
        council=council,
        held_on=held_on,
        place=normalize(place.strip()),
        chair=normalize(chair.strip()),
        secretary=normalize(secretary.strip()),
    )
    session.proposals.set(proposals)
    after = audit.snapshot(session)
    after["proposals"] = sorted(p.pk for p in proposals)
    audit.record(actor, AuditEntry.Action.CREATE, session, after=after)
    return session


@transaction.atomic
def record_attendance(
    session: CouncilSession,
    member: CouncilMember,
    *,
    present: bool,
    written_vote: bool = False,
    actor,
) -> Attendance:
    """Present, or absent (with a written vote or not). Fixed once ballots are counted."""
    _check_actor(actor, session.council)
    _check_open(session)
    if member.council_id != session.council_id or not member.active:
        raise RuleViolation(f"{member} không là thành viên của Hội đồng.", field="member")
    if present and written_vote:
        raise RuleViolation(
            "Phiếu bằng văn bản chỉ dành cho thành viên vắng mặt.", field="written_vote"
        )
    if session.tallies.exists():
        raise RuleViolation(
            "Đã kiểm phiếu trong phiên họp: không sửa được điểm danh.", code="state"
        )
    attendance = Attendance.objects.filter(session=session, member=member).first()
    if attendance is None:
        attendance = Attendance.objects.create(
            session=session, member=member, present=present, written_vote=written_vote
        )
        audit.record(actor, AuditEntry.Action.CREATE, attendance)
    else:
        before = audit.snapshot(attendance)
        attendance.present, attendance.written_vote = present, written_vote
        attendance.save(update_fields=["present", "written_vote"])
        audit.record(actor, AuditEntry.Action.UPDATE, attendance, before=before)
    return attendance


def _attendance(session: CouncilSession) -> dict[int, Attendance]:
    return {a.member_id: a for a in session.attendance.all()}


def quorum_met(session: CouncilSession) -> tuple[bool, int, int, int]:
    """(met, present, total, required): members present against ⌈quorum × active members⌉."""
    members = _active_members(session.council)
    attendance = _attendance(session)
    total = len(members)
    present = sum(1 for m in members if m.pk in attendance and attendance[m.pk].present)
    required = required_present(session.council, total)
    return (total > 0 and present >= required, present, total, required)


# ---------------------------------------------------------------- recusal and tallies


def recusals(session: CouncilSession, nominee: Nominee) -> list[Recusal]:
    """The active members who may not vote on ``nominee``, each with the reason."""
    found = []
    proposing_unit = nominee.proposal.unit_id
    for member in _active_members(session.council):
        if nominee.person_id and member.person_id == nominee.person_id:
            reason = "là người được đề nghị"
        elif nominee.unit_id and member.unit_id == nominee.unit_id:
            reason = "công tác tại tập thể được đề nghị"
        elif member.unit_id and member.unit_id == proposing_unit:
            reason = "công tác tại đơn vị đề nghị"
        else:
            continue
        found.append(Recusal(member, reason))
    return found


def recused_members(session: CouncilSession, nominee: Nominee) -> list[CouncilMember]:
    return [r.member for r in recusals(session, nominee)]


def _share_met(yes: int, members: int, threshold: Decimal) -> bool:
    """yes ÷ members ≥ threshold %, exactly: yes × 100 ≥ threshold × members."""
    return Decimal(yes) * HUNDRED >= Decimal(threshold) * Decimal(members)


@transaction.atomic
def record_tally(
    session: CouncilSession,
    nominee: Nominee,
    *,
    round: int,  # noqa: A002 — the council's own word (vòng), and the model field's name
    yes: int,
    no: int,
    blank: int = 0,
    actor,
) -> Tally:
    """Record the counted secret ballots for one nominee in one round."""
    council = session.council
    _check_actor(actor, council)
    _check_open(session)
    proposal = nominee.proposal
    if not session.proposals.filter(pk=proposal.pk).exists():
        raise RuleViolation(f"Hồ sơ của {nominee} không thuộc phiên họp này.", field="nominee")
    if proposal.status != ProposalStatus.AT_COUNCIL:
        raise RuleViolation(
            f"Hồ sơ “{proposal.title}” không còn ở bước Hội đồng xét "
            f"({proposal.get_status_display()}).",
            code="state",
        )
    if nominee.withdrawn:
        raise RuleViolation(f"{nominee} đã rút khỏi hồ sơ.", field="nominee")
    form = proposal.form
    if not form.council_vote:
        raise RuleViolation(
            f"“{form.name}” không phải bỏ phiếu: Hội đồng thông qua chung khi kết thúc phiên.",
            field="nominee",
        )
    if form.vote_threshold is None:
        raise RuleViolation(f"“{form.name}” chưa có tỷ lệ phiếu đồng ý tối thiểu.")
    if min(yes, no, blank) < 0:
        raise RuleViolation("Số phiếu không được âm.", field="yes")
    if not 1 <= round <= council.max_rounds:
        raise RuleViolation(
            f"Hội đồng bỏ phiếu tối đa {council.max_rounds} vòng: không có vòng {round}.",
            field="round",
        )
    earlier = {t.round: t for t in Tally.objects.filter(session=session, nominee=nominee)}
    if round in earlier:
        raise RuleViolation(f"Đã có kết quả vòng {round} cho {nominee}.", field="round")
    if any(t.passed for t in earlier.values()):
        raise RuleViolation(f"{nominee} đã đạt ở vòng trước: không bỏ phiếu lại.", field="round")
    if round > 1 and round - 1 not in earlier:
        raise RuleViolation(
            f"Chỉ bỏ phiếu vòng {round} cho người, tập thể không đạt ở vòng {round - 1}.",
            field="round",
        )
    met, present, total, required = quorum_met(session)
    if not met:
        raise RuleViolation(
            f"Không đủ số thành viên có mặt: {present}/{total}, cần ít nhất {required}.",
            code="quorum",
        )
    recused = recusals(session, nominee)
    recused_ids = {r.member.pk for r in recused}
    attendance = _attendance(session)
    ballots = 0
    for member in _active_members(council):
        row = attendance.get(member.pk)
        if member.pk in recused_ids or row is None:
            continue
        if row.present or row.written_vote:
            ballots += 1
    if yes + no + blank != ballots:
        raise RuleViolation(
            f"Tổng số phiếu ({yes + no + blank}) phải bằng số phiếu phát ra: {ballots} "
            "(thành viên có mặt và phiếu bằng văn bản, trừ thành viên không tham gia biểu "
            "quyết).",
            field="yes",
        )
    # The share is of ALL the council's members (RULES.md, high): a recused member does not
    # vote, and is not taken out of the count.
    members = total
    if members - len(recused) <= 0:
        raise RuleViolation(f"Mọi thành viên đều không được biểu quyết về {nominee}.")
    tally = Tally.objects.create(
        session=session,
        nominee=nominee,
        round=round,
        yes=yes,
        no=no,
        blank=blank,
        members=members,
        recused=[
            {"member": r.member.pk, "name": r.member.full_name, "reason": r.reason} for r in recused
        ],
        threshold=form.vote_threshold,
        passed=_share_met(yes, members, form.vote_threshold),
    )
    audit.record(actor, AuditEntry.Action.CREATE, tally)
    return tally


# ---------------------------------------------------------------- outcomes


def _outcomes(session: CouncilSession, proposal: Proposal) -> dict[int, bool | None]:
    """nominee pk → passed in this session (True/False), None when a vote is still due."""
    nominees = list(proposal.nominees.filter(withdrawn=False))
    if not proposal.form.council_vote:
        return {n.pk: True for n in nominees}
    tallies: dict[int, list[Tally]] = {}
    for tally in Tally.objects.filter(session=session, nominee__in=nominees):
        tallies.setdefault(tally.nominee_id, []).append(tally)
    return {
        n.pk: (any(t.passed for t in tallies[n.pk]) if n.pk in tallies else None) for n in nominees
    }


def _summary(tally: Tally) -> str:
    return f"vòng {tally.round}: {tally.yes}/{tally.members} đồng ý"


@transaction.atomic
def close_session(session: CouncilSession, *, actor) -> dict:
    """End the meeting: each dossier still at the council is APPROVED when at least one of
    its nominees passed (or its form needs no vote), RETURNED with the reason otherwise.

    Returns {"approved": [Proposal], "returned": [Proposal], "skipped": [Proposal],
    "passed": {proposal pk: [Nominee]}, "failed": {proposal pk: [Nominee]}}; "skipped"
    are dossiers that left the council during the session (returned meanwhile)."""
    _check_actor(actor, session.council)
    _check_open(session)
    met, present, total, required = quorum_met(session)
    if not met:
        raise RuleViolation(
            f"Không đủ số thành viên có mặt: {present}/{total}, cần ít nhất {required}.",
            code="quorum",
        )
    result: dict = {"approved": [], "returned": [], "skipped": [], "passed": {}, "failed": {}}
    pending: list[str] = []
    plans = []
    for proposal in session.proposals.select_for_update().select_related("form").order_by("pk"):
        if proposal.status != ProposalStatus.AT_COUNCIL:
            result["skipped"].append(proposal)
            continue
        outcomes = _outcomes(session, proposal)
        nominees = {n.pk: n for n in proposal.nominees.filter(withdrawn=False)}
        pending.extend(str(nominees[pk]) for pk, ok in outcomes.items() if ok is None)
        plans.append((proposal, nominees, outcomes))
    if pending:
        raise RuleViolation("Chưa có kết quả bỏ phiếu cho: " + "; ".join(pending) + ".")
    meeting = f"phiên họp ngày {session.held_on:%d/%m/%Y}"
    for proposal, nominees, outcomes in plans:
        passed = [nominees[pk] for pk, ok in outcomes.items() if ok]
        failed = [nominees[pk] for pk, ok in outcomes.items() if not ok]
        result["passed"][proposal.pk], result["failed"][proposal.pk] = passed, failed
        failed_text = ""
        if failed:
            last = {}
            for tally in Tally.objects.filter(session=session, nominee__in=failed).order_by(
                "round"
            ):
                last[tally.nominee_id] = tally
            failed_text = "; ".join(
                f"{n} ({_summary(last[n.pk])}, cần {_threshold_text(last[n.pk].threshold)})"
                if n.pk in last
                else str(n)
                for n in failed
            )
        if passed:
            reason = f"Hội đồng thông qua ({meeting}): " + "; ".join(str(n) for n in passed) + "."
            if failed_text:
                reason += f" Không đạt: {failed_text}."
            proposal_services.record_move(
                proposal, ProposalStatus.APPROVED, actor=actor, reason=reason
            )
            result["approved"].append(proposal)
        else:
            reason = (
                f"Không có người, tập thể nào đạt tỷ lệ phiếu đồng ý ({meeting}): {failed_text}."
                if failed_text
                else f"Hồ sơ không còn người, tập thể được đề nghị ({meeting})."
            )
            proposal_services.record_move(
                proposal, ProposalStatus.RETURNED, actor=actor, reason=reason
            )
            result["returned"].append(proposal)
    before = {"status": session.status}
    session.status = CouncilSession.Status.CLOSED
    session.save(update_fields=["status"])
    audit.record(
        actor,
        AuditEntry.Action.TRANSITION,
        session,
        before=before,
        after={"status": session.status},
    )
    return result


def _threshold_text(threshold: Decimal) -> str:
    return f"{format_points(threshold)}%"


def passed_nominees(proposal: Proposal) -> list[Nominee]:
    """The nominees the council passed, for the decision: those of an APPROVED (or DECIDED)
    dossier that passed the vote in the last closed session that considered it — every
    nominee still in the dossier when its form needs no vote. Empty for other states."""
    if proposal.status not in (ProposalStatus.APPROVED, ProposalStatus.DECIDED):
        return []
    session = (
        proposal.sessions.filter(status=CouncilSession.Status.CLOSED)
        .order_by("-held_on", "-pk")
        .first()
    )
    nominees = proposal.nominees.filter(withdrawn=False).select_related("person", "unit")
    if session is None:
        return []
    if proposal.form.council_vote:
        nominees = nominees.filter(tallies__session=session, tallies__passed=True).distinct()
    return list(nominees.order_by("pk"))
