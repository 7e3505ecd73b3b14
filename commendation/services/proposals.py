"""Hồ sơ đề nghị khen thưởng and its route (issue 4 §4).

The route: the proposing unit draws up the dossier (DRAFT) → submits it to its emulation
cluster for bình xét (AT_CLUSTER) when it names one, else straight to the sector's council
(AT_COUNCIL) → the cluster passes it on with its biên bản bình xét (AT_COUNCIL) → the council
votes (services.council) → APPROVED → a decision (services.decisions) → DECIDED. Every step
can return the dossier to the unit with a reason (RETURNED); the unit completes it and
resubmits, or withdraws it. The allowed moves are ``PROPOSAL_TRANSITIONS`` on the model
(``Proposal.move_to`` refuses the others); each move writes a ``ProposalStep`` (who, when,
why) and an audit entry, in one transaction.

Rules enforced here (confidence: the route and returns with a reason are the issue's own
requirements; the checks below are ours, stated so they can be argued with):
- the form (danh hiệu, hình thức) must be in force for the year of the achievements;
- a unit that is a member of an emulation cluster in the year of the achievements sends its
  dossier through that cluster (bình xét): a dossier without a cluster is refused for it,
  naming the cluster; a unit in no cluster that year goes straight to the council;
- a nominee matches the form's subject (a person for an individual form, a unit for a
  collective one), appears once per dossier, and carries the eligibility check as it was run
  (every condition met / not met / data missing, services.eligibility) with its time;
  nominees change only while the dossier is with the unit (DRAFT, RETURNED);
- initiatives (sáng kiến) count once (Luật Thi đua, khen thưởng 2022): a person nominee may
  cite initiatives of their own, recognized by the year, for a form that has a condition on
  initiatives, up to the largest ``count`` any of its initiative conditions asks for (a cited
  initiative is used up by the award even if it was not needed, so no more than that).
  Refused: another person's initiative, an initiative for a unit nominee, one held by an
  award (revoked or not: the award keeps it), and one cited by a nominee of another live
  dossier (eligibility.LIVE_PROPOSAL_STATUSES: every state but withdrawn and decided). The
  decision gives every cited initiative to the award (services.decisions);
- submitting needs at least one nominee, a tờ trình attachment, and no nominee whose stored
  check says "not eligible" (the refusal names each one and the conditions not met); a
  nominee with missing data ("incomplete") may go on, and the step says so, so that the
  reviewers see it;
- a dossier naming a cluster must come from a member of that cluster in that year; the
  cluster passes it on only with a biên bản bình xét attached;
- who acts at each step: commendation.permissions (the unit's officers or those above; the
  cluster's managers; the council's secretariat). ``actor=None`` is the system itself
  (demo data, management commands) and is not checked.
Attachments: at most 10 MB each.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from commendation import permissions
from commendation.models import (
    Attachment,
    AttachmentKind,
    Award,
    Form,
    Initiative,
    Nominee,
    Person,
    Proposal,
    ProposalStatus,
    ProposalStep,
    Subject,
)
from commendation.services import eligibility
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.text import normalize
from organizations.models import Cluster, ClusterMembership, Unit

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
EDITABLE = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)

# Verdicts and condition statuses of services.eligibility, as as_json() stores them.
ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = (
    eligibility.ELIGIBLE,
    eligibility.NOT_ELIGIBLE,
    eligibility.INCOMPLETE,
)


# ---------------------------------------------------------------- access


def _forbidden() -> RuleViolation:
    return RuleViolation("Bạn không có quyền thực hiện thao tác này với hồ sơ.", code="forbidden")


def _check_unit_side(actor, proposal: Proposal) -> None:
    if actor is not None and not permissions.can_propose_for(actor, proposal.unit, proposal.year):
        raise _forbidden()


def _check_step_actor(actor, proposal: Proposal) -> None:
    """Who acts on a dossier where it is now: the cluster's managers at the cluster, the
    council's secretariat at the council and after it, the unit's side before."""
    if actor is None:
        return
    if proposal.status == ProposalStatus.AT_CLUSTER:
        allowed = permissions.can_review_at_cluster(actor, proposal)
    elif proposal.status in (ProposalStatus.AT_COUNCIL, ProposalStatus.APPROVED):
        allowed = permissions.can_act_for_council(actor)
    else:
        allowed = permissions.can_propose_for(actor, proposal.unit, proposal.year)
    if not allowed:
        raise _forbidden()


def _lock(proposal: Proposal) -> Proposal:
    """Re-read the dossier's state under a row lock (two officers clicking at once)."""
    current = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = current.status
    return proposal


def _check_editable(proposal: Proposal) -> None:
    if proposal.status not in EDITABLE:
        raise RuleViolation(
            f"Hồ sơ đang ở bước “{proposal.get_status_display()}”: chỉ sửa được khi đơn vị "
            "đang lập hoặc hồ sơ bị trả lại.",
            code="state",
        )


# ---------------------------------------------------------------- moves


def record_move(proposal: Proposal, to_status: str, *, actor, reason: str = "") -> ProposalStep:
    """One step along the route: the model refuses an invalid move before anything is
    written; then the row, its step and its audit entry. For the services of this app that
    move a dossier (council, decisions), inside their own transaction and checks."""
    from_status = proposal.status
    proposal.move_to(to_status)
    proposal.save(update_fields=["status"])
    step = ProposalStep.objects.create(
        proposal=proposal,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )
    audit.record(
        actor,
        AuditEntry.Action.TRANSITION,
        proposal,
        before={"status": from_status},
        after={"status": to_status},
        reason=reason,
    )
    return step


def _check_move(proposal: Proposal, to_status: str) -> None:
    """Refuse an invalid move before the other checks, without changing the instance."""
    current = proposal.status
    proposal.move_to(to_status)
    proposal.status = current


def _text(value: str) -> str:
    return normalize((value or "").strip())


# ---------------------------------------------------------------- the dossier


@transaction.atomic
def create_proposal(
    *,
    form: Form,
    year: int,
    unit: Unit,
    actor,
    title: str,
    summary: str = "",
    cluster: Cluster | None = None,
) -> Proposal:
    """A new dossier (DRAFT) of ``unit`` for ``form`` and the achievements of ``year``."""
    if actor is not None and not permissions.can_propose_for(actor, unit, year):
        raise _forbidden()
    if not _text(title):
        raise RuleViolation("Nhập trích yếu của hồ sơ.", field="title")
    in_force = eligibility.form_for(form.code, year)  # refuses when no version applies
    if in_force.pk != form.pk:
        raise RuleViolation(
            f"Thành tích năm {year} xét theo “{in_force.name}” có hiệu lực từ ngày "
            f"{in_force.valid_from:%d/%m/%Y} ({in_force.citation}), không theo phiên bản "
            f"có hiệu lực từ ngày {form.valid_from:%d/%m/%Y}.",
            field="form",
        )
    if (
        cluster is not None
        and not ClusterMembership.objects.filter(cluster=cluster, unit=unit, year=year).exists()
    ):
        raise RuleViolation(
            f"{unit} không là thành viên {cluster.name} năm {year}: không gửi cụm bình xét được.",
            field="cluster",
        )
    if cluster is None:
        clusters = [
            m.cluster.name
            for m in ClusterMembership.objects.filter(unit=unit, year=year)
            .select_related("cluster")
            .order_by("cluster__number", "cluster__pk")
        ]
        if clusters:
            raise RuleViolation(
                f"{unit} là thành viên {' và '.join(clusters)} năm {year}: hồ sơ phải gửi "
                f"{clusters[0]} bình xét trước khi trình Hội đồng. Chọn cụm bình xét.",
                field="cluster",
            )
    proposal = Proposal.objects.create(
        form=form,
        year=year,
        unit=unit,
        cluster=cluster,
        title=_text(title),
        summary=_text(summary),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, AuditEntry.Action.CREATE, proposal)
    return proposal


def _check_json(
    proposal: Proposal,
    *,
    person: Person | None,
    unit: Unit | None,
    initiatives: list[Initiative] | None = None,
) -> dict:
    result = eligibility.check(
        proposal.form,
        year=proposal.year,
        person=person,
        unit=unit,
        initiatives=initiatives or [],
        proposal=proposal,
    )
    return eligibility.as_json(result)


def _initiative_counts(conditions) -> list[int]:
    found = []
    for condition in conditions or []:
        if condition.get("type") == "initiative":
            found.append(max(1, int(condition.get("count", 1))))
        found.extend(_initiative_counts(condition.get("conditions")))
    return found


def initiative_limit(form: Form) -> int:
    """How many initiatives a dossier for ``form`` may cite for a person: the largest
    ``count`` of the form's initiative conditions, at any depth (0: none; a unit form: 0)."""
    if form.subject != Subject.PERSON:
        return 0
    return max(_initiative_counts(form.conditions), default=0)


def takes_initiative(form: Form) -> bool:
    """Whether a dossier for ``form`` may cite initiatives: the form is for people and has
    a condition on initiatives, at any depth."""
    return initiative_limit(form) > 0


def initiative_problem(initiative: Initiative, *, person: Person, proposal: Proposal) -> str:
    """Why ``initiative`` cannot be cited for ``person`` in ``proposal`` (Vietnamese), or ""."""
    if initiative.person_id != person.pk:
        return f"Sáng kiến “{initiative.title}” không phải của {person.full_name}."
    if initiative.year > proposal.year:
        return (
            f"Sáng kiến “{initiative.title}” được công nhận năm {initiative.year}, sau năm "
            f"thành tích {proposal.year}."
        )
    if initiative.award_id is not None:
        used = Award.objects.select_related("form").get(pk=initiative.award_id)
        return f"Sáng kiến “{initiative.title}” {eligibility.use_text(used)}: {eligibility.ONCE}."
    other = eligibility.citations([initiative.pk], proposal=proposal).get(initiative.pk)
    if other is not None:
        return (
            f"Sáng kiến “{initiative.title}” {eligibility.citation_text(other)}: "
            f"{eligibility.ONCE}."
        )
    return ""


def _check_initiatives(
    proposal: Proposal, initiatives: Iterable[Initiative], *, person: Person | None
) -> list[Initiative]:
    """The initiatives re-read under a row lock (two dossiers citing one at once), oldest
    first, or refused with every problem named."""
    ids = list(dict.fromkeys(i.pk for i in initiatives))
    if not ids:
        return []
    if person is None:
        raise RuleViolation(
            "Sáng kiến chỉ nêu cho cá nhân được đề nghị, không cho tập thể.", field="initiatives"
        )
    form = proposal.form
    limit = initiative_limit(form)
    if not limit:
        raise RuleViolation(
            f"“{form.name}” không có điều kiện về sáng kiến: không nêu sáng kiến cho "
            f"đề nghị này ({eligibility.ONCE}).",
            field="initiatives",
        )
    if len(ids) > limit:
        raise RuleViolation(
            f"“{form.name}” cần tối đa {limit} sáng kiến: hồ sơ chỉ nêu tối đa {limit} sáng "
            f"kiến cho mỗi người, không phải {len(ids)} (sáng kiến đã nêu đều được ghi cho "
            f"khen thưởng; {eligibility.ONCE}).",
            field="initiatives",
        )
    locked = list(Initiative.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise RuleViolation("Không tìm thấy sáng kiến.", field="initiatives")
    problems = [
        problem
        for item in locked
        if (problem := initiative_problem(item, person=person, proposal=proposal))
    ]
    if problems:
        raise RuleViolation(" ".join(problems), field="initiatives")
    return sorted(locked, key=lambda i: (i.year, i.pk))


def available_initiatives(person: Person, proposal: Proposal) -> list[Initiative]:
    """The person's initiatives a nominee of ``proposal`` may cite: recognized by its year,
    held by no award and cited by no other live dossier (oldest first)."""
    found = list(
        Initiative.objects.filter(
            person=person, year__lte=proposal.year, award__isnull=True
        ).order_by("year", "pk")
    )
    taken = eligibility.citations([i.pk for i in found], proposal=proposal)
    return [i for i in found if i.pk not in taken]


def _snapshot(nominee: Nominee, fields: list[str] | None = None) -> dict:
    """The audit snapshot of a nominee with the ids of the initiatives it cites (a
    many-to-many relation, which a row snapshot leaves out)."""
    return {
        **audit.snapshot(nominee, fields),
        "initiative_ids": sorted(nominee.initiatives.values_list("pk", flat=True)),
    }


@transaction.atomic
def add_nominee(
    proposal: Proposal,
    *,
    actor,
    person: Person | None = None,
    unit: Unit | None = None,
    achievement: str = "",
    initiatives: Iterable[Initiative] = (),
) -> Nominee:
    """Add a person or a unit, with the initiatives the dossier cites for a person (if any),
    and the eligibility check run now and kept as it was."""
    _check_unit_side(actor, proposal)
    _lock(proposal)
    _check_editable(proposal)
    form = proposal.form
    if (person is None) == (unit is None):
        raise RuleViolation("Chọn một cá nhân hoặc một tập thể.", field="person")
    if form.subject == Subject.PERSON and person is None:
        raise RuleViolation(f"“{form.name}” dành cho cá nhân, không cho tập thể.", field="unit")
    if form.subject == Subject.UNIT and unit is None:
        raise RuleViolation(f"“{form.name}” dành cho tập thể, không cho cá nhân.", field="person")
    subject = person or unit
    duplicate = (
        proposal.nominees.filter(person=person) if person else proposal.nominees.filter(unit=unit)
    )
    if duplicate.exists():
        raise RuleViolation(f"{subject} đã có trong hồ sơ.", field="person" if person else "unit")
    cited = _check_initiatives(proposal, initiatives, person=person)
    nominee = Nominee.objects.create(
        proposal=proposal,
        person=person,
        unit=unit,
        achievement=_text(achievement),
        eligibility=_check_json(proposal, person=person, unit=unit, initiatives=cited),
        eligibility_checked_at=timezone.now(),
    )
    nominee.initiatives.set(cited)
    audit.record(actor, AuditEntry.Action.CREATE, nominee, after=_snapshot(nominee))
    return nominee


_CHECKED = ["eligibility", "eligibility_checked_at"]


@transaction.atomic
def set_initiatives(nominee: Nominee, *, initiatives: Iterable[Initiative], actor) -> Nominee:
    """Replace the initiatives the dossier cites for a person nominee (none: cite none) while
    the dossier is with the unit; the eligibility check is run again with them."""
    proposal = nominee.proposal
    _check_unit_side(actor, proposal)
    _lock(proposal)
    _check_editable(proposal)
    if nominee.withdrawn:
        raise RuleViolation(f"{nominee} đã rút khỏi hồ sơ.", field="initiatives")
    cited = _check_initiatives(proposal, initiatives, person=nominee.person)
    before = _snapshot(nominee, _CHECKED)
    nominee.initiatives.set(cited)
    nominee.eligibility = _check_json(
        proposal, person=nominee.person, unit=nominee.unit, initiatives=cited
    )
    nominee.eligibility_checked_at = timezone.now()
    nominee.save(update_fields=_CHECKED)
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        nominee,
        before=before,
        after=_snapshot(nominee, _CHECKED),
    )
    return nominee


@transaction.atomic
def recheck_eligibility(nominee: Nominee, actor) -> Nominee:
    """Run the check again (new data, a corrected rule); the old result stays in the audit."""
    proposal = nominee.proposal
    _check_unit_side(actor, proposal)
    _lock(proposal)
    _check_editable(proposal)
    before = audit.snapshot(nominee, ["eligibility", "eligibility_checked_at"])
    nominee.eligibility = _check_json(
        proposal,
        person=nominee.person,
        unit=nominee.unit,
        initiatives=list(nominee.initiatives.all()),
    )
    nominee.eligibility_checked_at = timezone.now()
    nominee.save(update_fields=["eligibility", "eligibility_checked_at"])
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        nominee,
        before=before,
        after=audit.snapshot(nominee, ["eligibility", "eligibility_checked_at"]),
    )
    return nominee


@transaction.atomic
def remove_nominee(nominee: Nominee, *, actor) -> None:
    """Take a nominee out of the dossier: deleted when no council ever voted on them,
    otherwise kept and marked withdrawn (the tallies of an earlier session are a record)."""
    proposal = nominee.proposal
    _check_unit_side(actor, proposal)
    _lock(proposal)
    _check_editable(proposal)
    if nominee.tallies.exists():
        before = audit.snapshot(nominee, ["withdrawn"])
        nominee.withdrawn = True
        nominee.save(update_fields=["withdrawn"])
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            nominee,
            before=before,
            after=audit.snapshot(nominee, ["withdrawn"]),
        )
        return
    audit.record(actor, AuditEntry.Action.DELETE, nominee, before=audit.snapshot(nominee))
    nominee.delete()


@transaction.atomic
def attach(proposal: Proposal, *, kind: str, upload, actor) -> Attachment:
    """Attach a file (tờ trình, báo cáo thành tích, biên bản bình xét…), at most 10 MB.

    The unit's side attaches while the dossier is with it; the cluster's managers attach
    their biên bản bình xét (or another document) while it is at the cluster."""
    if kind not in AttachmentKind.values:
        raise RuleViolation("Chọn loại tài liệu.", field="kind")
    _lock(proposal)
    if proposal.status == ProposalStatus.AT_CLUSTER:
        if actor is not None and not permissions.can_review_at_cluster(actor, proposal):
            raise _forbidden()
        if kind not in (AttachmentKind.REVIEW_MINUTES, AttachmentKind.OTHER):
            raise RuleViolation(
                "Khi hồ sơ ở cụm chỉ bổ sung được biên bản bình xét hoặc tài liệu khác.",
                field="kind",
            )
    else:
        _check_unit_side(actor, proposal)
        _check_editable(proposal)
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise RuleViolation("Tệp rỗng.", field="upload")
    if size > MAX_ATTACHMENT_BYTES:
        raise RuleViolation(
            f"Tệp {upload.name} quá lớn: tối đa {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB.",
            field="upload",
        )
    name = _text(upload.name.rsplit("/", 1)[-1])[:255]
    attachment = Attachment.objects.create(
        proposal=proposal,
        kind=kind,
        file=upload,
        name=name,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, AuditEntry.Action.CREATE, attachment)
    return attachment


# ---------------------------------------------------------------- the route


def verdict(nominee: Nominee) -> str:
    """The stored check's verdict: "eligible", "not_eligible" or "incomplete" (a nominee
    without a stored check counts as incomplete, never as eligible)."""
    return (nominee.eligibility or {}).get("verdict", INCOMPLETE)


def _conditions(nominee: Nominee, status: str) -> str:
    """The stored conditions whose status is ``status``, in the check's own words."""
    results = (nominee.eligibility or {}).get("results", [])
    return "; ".join(r["text"] for r in results if r.get("status") == status and r.get("text"))


@transaction.atomic
def submit(proposal: Proposal, *, actor) -> Proposal:
    """Send the dossier on: to its cluster when it names one, else to the council."""
    _check_unit_side(actor, proposal)
    _lock(proposal)
    target = ProposalStatus.AT_CLUSTER if proposal.cluster_id else ProposalStatus.AT_COUNCIL
    _check_move(proposal, target)
    nominees = list(
        proposal.nominees.filter(withdrawn=False)
        .select_related("person", "unit")
        .prefetch_related("initiatives")
    )
    if not nominees:
        raise RuleViolation("Hồ sơ chưa có người hoặc tập thể nào được đề nghị.")
    if not proposal.attachments.filter(kind=AttachmentKind.SUBMISSION).exists():
        raise RuleViolation("Hồ sơ thiếu tờ trình.", field="kind")
    # An initiative may have been used meanwhile (an award recorded from the past).
    taken = [
        problem
        for n in nominees
        for item in n.initiatives.all()
        if (problem := initiative_problem(item, person=n.person, proposal=proposal))
    ]
    if taken:
        raise RuleViolation(" ".join(taken), field="initiatives")
    refused = [n for n in nominees if verdict(n) == NOT_ELIGIBLE]
    if refused:
        details = "; ".join(
            f"{n} (không đạt: {_conditions(n, eligibility.NOT_MET) or 'xem kết quả kiểm tra'})"
            for n in refused
        )
        raise RuleViolation(f"Không đủ điều kiện “{proposal.form.name}”: {details}.")
    flagged = [n for n in nominees if verdict(n) == INCOMPLETE]
    reason = ""
    if flagged:
        reason = (
            "Lưu ý, còn thiếu dữ liệu để kết luận điều kiện: "
            + "; ".join(
                f"{n} ({_conditions(n, eligibility.MISSING) or 'chưa kiểm tra'})" for n in flagged
            )
            + "."
        )
    record_move(proposal, target, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def cluster_approve(proposal: Proposal, *, actor, minutes_note: str = "") -> Proposal:
    """The cluster has reviewed (bình xét) the dossier and passes it to the council; its
    biên bản bình xét must be attached first. The step keeps the cluster's review."""
    _lock(proposal)
    _check_move(proposal, ProposalStatus.AT_COUNCIL)
    if proposal.status != ProposalStatus.AT_CLUSTER:
        raise RuleViolation("Hồ sơ không ở bước cụm bình xét.", code="state")
    _check_step_actor(actor, proposal)
    if not proposal.attachments.filter(kind=AttachmentKind.REVIEW_MINUTES).exists():
        raise RuleViolation("Cụm chưa đính kèm biên bản bình xét.", field="kind")
    note = _text(minutes_note)
    reason = f"{proposal.cluster.name} đã bình xét, đề nghị Hội đồng xem xét."
    if note:
        reason = f"{reason} {note}"
    record_move(proposal, ProposalStatus.AT_COUNCIL, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def return_proposal(proposal: Proposal, *, actor, reason: str) -> Proposal:
    """Return the dossier to the unit from the cluster, the council or the decision stage."""
    _lock(proposal)
    _check_move(proposal, ProposalStatus.RETURNED)
    _check_step_actor(actor, proposal)
    reason = _text(reason)
    if not reason:
        raise RuleViolation("Nhập lý do trả lại hồ sơ.", field="reason")
    record_move(proposal, ProposalStatus.RETURNED, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def withdraw(proposal: Proposal, *, actor, reason: str) -> Proposal:
    """The unit withdraws its dossier (while it is still with the unit)."""
    _check_unit_side(actor, proposal)
    _lock(proposal)
    _check_move(proposal, ProposalStatus.WITHDRAWN)
    reason = _text(reason)
    if not reason:
        raise RuleViolation("Nhập lý do rút hồ sơ.", field="reason")
    record_move(proposal, ProposalStatus.WITHDRAWN, actor=actor, reason=reason)
    return proposal


def history(proposal: Proposal) -> list[ProposalStep]:
    """Every move of the dossier, oldest first, with who and why."""
    return list(proposal.steps.select_related("actor").order_by("at", "pk"))
