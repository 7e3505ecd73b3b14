"""Quyết định khen thưởng: numbering in the Party's format, issuing, revocation.

Rules:
- a decision's reference is "Số 123-QĐ/BTCTW" (Hướng dẫn 36-HD/VPTW: the number, a hyphen,
  the kind of document, a slash, the issuing body's code; no colon after "Số"). Numbers run
  from 1 for each issuing body, kind of document and year, and a number is used once (the
  database constraint ``decision_number_once`` backs the friendly refusal here);
- a decision is issued for proposals the council has approved (APPROVED) and for no other:
  each nominee that passed the council gets one award (the proposal's form and year, the
  decision, the nominee), which takes every initiative the dossier cites for the person
  (``Initiative.award``), so that none can ever count twice; and each proposal moves to
  DECIDED with a step naming the decision. All of it happens, or none of it;
- at signing, each awardee is checked again (see ``_check_awardees``), including that no
  initiative the dossier cites has been used meanwhile;
- the number follows the year of the signing date, not the year it is typed in;
- only the council's secretariat issues and revokes (commendation.permissions.
  can_act_for_council); ``actor=None`` is the system itself (demo data, commands);
- awards are never deleted: revoking one (or a whole decision) records when, why and by whom,
  and the award stays in the person's or unit's record, marked as revoked.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from commendation import permissions
from commendation.models import Award, Decision, Initiative, Nominee, Proposal, ProposalStatus
from commendation.services.council import passed_nominees
from commendation.services.proposals import record_move
from core import audit
from core.docx import party_date
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.text import normalize

DEFAULT_KIND = "QĐ"
# The kinds of Party documents seen in real numbers (RULES.md), in their usual spelling.
KNOWN_KINDS = ("NQ", "QĐ", "HD", "KL", "QC", "KH", "CV", "BS", "BC", "TB", "TTr", "CTr")
_KIND_SPELLING = {kind.casefold(): kind for kind in KNOWN_KINDS}

_LETTERS = "A-Za-zĐđ"
_CODE_RE = re.compile(rf"^[{_LETTERS}0-9]+(?:-[{_LETTERS}0-9]+)*$")
_KIND_RE = re.compile(rf"^[{_LETTERS}]+$")
_REFERENCE_RE = re.compile(
    rf"""^(?:s[ốô]\s*:?\s*)?          # "Số", optionally with the colon people add
    (?P<number>\d+)\s*[-‐‑–]\s*        # the number and a hyphen (or a dash typed for it)
    (?P<kind>[{_LETTERS}]+)\s*/\s*      # the kind of document
    (?P<issuer>[{_LETTERS}0-9]+(?:\s*-\s*[{_LETTERS}0-9]+)*)$""",
    re.IGNORECASE | re.VERBOSE,
)
EXAMPLE_REFERENCE = "Số 123-QĐ/BTCTW"


# ---------------------------------------------------------------- numbers


def _kind(kind: str) -> str:
    text = normalize(kind)
    if not _KIND_RE.match(text):
        raise RuleViolation(
            f"Loại văn bản “{kind}” không hợp lệ (ví dụ: QĐ, NQ, HD).", field="kind"
        )
    return _KIND_SPELLING.get(text.casefold(), text.upper())


def _issuer_code(issuer_code: str) -> str:
    text = re.sub(r"\s*-\s*", "-", normalize(issuer_code)).upper()
    if not _CODE_RE.match(text):
        raise RuleViolation(
            f"Ký hiệu cơ quan ban hành “{issuer_code}” không hợp lệ (ví dụ: BTCTW).",
            field="issuer_code",
        )
    return text


def format_reference(number: int, kind: str, issuer_code: str) -> str:
    """(123, "QĐ", "BTCTW") → "Số 123-QĐ/BTCTW", as Decision.reference writes it."""
    return f"Số {number}-{kind}/{issuer_code}"


def parse_reference(text: str) -> tuple[int, str, str]:
    """ "Số 123-QĐ/BTCTW" → (123, "QĐ", "BTCTW").

    Tolerates what people type: no "Số", a colon after it, spaces around the hyphen and the
    slash, a dash for the hyphen, lower case, decomposed (NFD) diacritics. Refuses anything
    else with a Vietnamese message, and a number below 1.
    """
    cleaned = normalize(text)
    found = _REFERENCE_RE.match(cleaned)
    if not found:
        raise RuleViolation(
            f"Số hiệu “{cleaned}” không đúng mẫu “{EXAMPLE_REFERENCE}” "
            "(số, gạch nối, loại văn bản, gạch chéo, ký hiệu cơ quan ban hành).",
            field="reference",
        )
    number = int(found["number"])
    if number < 1:
        raise RuleViolation(
            f"Số hiệu “{cleaned}”: số văn bản phải từ 1 trở lên.", field="reference"
        )
    return number, _kind(found["kind"]), _issuer_code(found["issuer"])


def decision_citation(decision: Decision) -> str:
    """ "Quyết định số 123-QĐ/BTCTW ngày 15 tháng 01 năm 2026"."""
    reference = decision.reference
    return f"Quyết định {reference[0].lower()}{reference[1:]} {party_date(decision.signed_on)}"


def next_number(issuer_code: str, year: int, kind: str = DEFAULT_KIND) -> int:
    """The next free number of ``kind`` for the issuing body in ``year`` (1 for the first)."""
    last = Decision.objects.filter(
        issuer_code=_issuer_code(issuer_code), kind=_kind(kind), year=year
    ).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _taken(number: int, kind: str, issuer_code: str, year: int) -> RuleViolation:
    existing = Decision.objects.filter(
        issuer_code=issuer_code, kind=kind, year=year, number=number
    ).first()
    when = f" (quyết định ngày {existing.signed_on:%d/%m/%Y})" if existing else ""
    return RuleViolation(
        f"{format_reference(number, kind, issuer_code)} năm {year} đã được dùng{when}. "
        f"Số tiếp theo còn trống là {next_number(issuer_code, year, kind)}.",
        field="number",
        code="taken",
    )


# ---------------------------------------------------------------- issuing


def _check_actor(actor) -> None:
    if actor is not None and not permissions.can_act_for_council(actor):
        raise RuleViolation(
            "Bạn không có quyền ban hành hoặc thu hồi quyết định khen thưởng.", code="forbidden"
        )


def _required(value: str, label: str, field: str) -> str:
    text = normalize(value)
    if not text:
        raise RuleViolation(f"Chưa nhập {label}.", field=field)
    return text


def _confirmation_codes(conditions) -> set[str]:
    """The codes of the form's "confirmation" conditions (facts the system holds no data on,
    e.g. "tích cực tham gia phong trào thi đua"), at any depth."""
    found: set[str] = set()
    for condition in conditions or []:
        if condition.get("type") == "confirmation" and condition.get("code"):
            found.add(condition["code"])
        found |= _confirmation_codes(condition.get("conditions"))
    return found


def _check_awardees(
    proposals, passing: dict[int, list[Nominee]], signed_on
) -> dict[int, list[int]]:
    """Checked again when the decision is signed, whatever the dossier said when it was
    filed: no condition found not met (the council's approval stands as the confirmation of
    the facts the system cannot know; data still missing was flagged in the dossier's route
    when it was submitted and went to the council knowingly), no exclusion running on the
    signing day, no second award of the same form for the same year, and every initiative the
    dossier cites still the person's to use (no award holds it, no other live dossier cites
    it, no other awardee of this decision cites it). Returns the ids of the initiatives each
    nominee cites, read under a row lock, for the awards to take."""
    from commendation.models import Exclusion
    from commendation.services import eligibility
    from commendation.services.proposals import initiative_problem

    problems: list[str] = []
    Cited = Nominee.initiatives.through
    nominee_ids = [n.pk for ns in passing.values() for n in ns]
    cites: dict[int, list[int]] = {}
    for nominee_id, initiative_id in (
        Cited.objects.filter(nominee_id__in=nominee_ids)
        .order_by("nominee_id", "initiative_id")
        .values_list("nominee_id", "initiative_id")
    ):
        cites.setdefault(nominee_id, []).append(initiative_id)
    # Under a row lock: a dossier or an award taking an initiative now waits for this one.
    locked = {
        i.pk: i
        for i in Initiative.objects.select_for_update()
        .filter(pk__in=[pk for ids in cites.values() for pk in ids])
        .order_by("pk")
    }
    seen: dict[int, str] = {}
    for proposal in proposals:
        form = proposal.form
        confirmed = _confirmation_codes(form.conditions)
        for nominee in passing[proposal.pk]:
            subject = {"person": nominee.person, "unit": nominee.unit}
            name = str(nominee.person or nominee.unit)
            initiatives = [locked[pk] for pk in cites.get(nominee.pk, []) if pk in locked]
            for item in initiatives:
                problem = initiative_problem(item, person=nominee.person, proposal=proposal)
                if problem:
                    problems.append(f"{name}: {problem.rstrip('.')}")
                elif item.pk in seen:
                    problems.append(
                        f"{name}: sáng kiến “{item.title}” cũng được nêu cho {seen[item.pk]} "
                        f"({eligibility.ONCE})"
                    )
                seen.setdefault(item.pk, name)
            result = eligibility.check(
                form,
                year=proposal.year,
                confirmed=confirmed,
                initiatives=initiatives,
                proposal=proposal,
                **subject,
            )
            if result.verdict == eligibility.NOT_ELIGIBLE:
                unmet = [r.text for r in result.results if r.status == eligibility.NOT_MET]
                problems.append(f"{name}: không đạt " + "; ".join(unmet[:3]))
            excluded = Exclusion.objects.filter(
                starts_on__lte=signed_on, **{k: v for k, v in subject.items() if v is not None}
            ).exclude(ends_on__lt=signed_on)
            if excluded.exists():
                problems.append(f"{name}: {excluded.first().get_kind_display()} vào ngày ký")
            twice = Award.objects.filter(
                form__code=form.code,
                year=proposal.year,
                revoked_at__isnull=True,
                **{k: v for k, v in subject.items() if v is not None},
            )
            if twice.exists():
                problems.append(f"{name}: đã được {form.name} năm {proposal.year}")
    if problems:
        raise RuleViolation(
            "Chưa thể ban hành quyết định: " + " | ".join(problems), field="proposals"
        )
    return cites


@transaction.atomic
def issue_decision(
    proposals: Iterable[Proposal],
    *,
    actor,
    signed_on: datetime.date,
    signer: str,
    signer_title: str,
    summary: str,
    issuer: str = "BAN TỔ CHỨC TRUNG ƯƠNG",
    parent_issuer: str = "BAN CHẤP HÀNH TRUNG ƯƠNG",
    issuer_code: str = "BTCTW",
    place: str = "Hà Nội",
    number: int | None = None,
    signer_prefix: str = "K/T TRƯỞNG BAN",
    kind: str = DEFAULT_KIND,
) -> Decision:
    """Ban hành quyết định khen thưởng for approved proposals: one award per nominee who
    passed the council, each proposal moved to DECIDED. Refused, with nothing written, when
    a proposal is not approved, has nobody who passed, or the number is taken."""
    _check_actor(actor)
    kind = _kind(kind)
    issuer_code = _issuer_code(issuer_code)
    signer = _required(signer, "người ký", "signer")
    signer_title = _required(signer_title, "chức vụ người ký", "signer_title")
    summary = _required(summary, "trích yếu", "summary")
    issuer = _required(issuer, "cơ quan ban hành", "issuer").upper()
    parent_issuer = normalize(parent_issuer).upper()
    place = _required(place, "địa danh", "place")
    signer_prefix = normalize(signer_prefix).upper()
    if signed_on > timezone.localdate():
        raise RuleViolation(
            f"Ngày ký {signed_on:%d/%m/%Y} chưa đến: chỉ ghi quyết định đã ký.", field="signed_on"
        )

    ids = list(dict.fromkeys(p.pk for p in proposals))
    if not ids:
        raise RuleViolation("Chưa chọn hồ sơ đề nghị nào.", field="proposals")
    # Under a row lock (PostgreSQL) so two people cannot decide the same proposal twice.
    locked = list(
        Proposal.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("form")
        .order_by("pk")
    )
    if len(locked) != len(ids):
        raise RuleViolation("Có hồ sơ đề nghị không còn tồn tại.", field="proposals")
    not_approved = [p for p in locked if p.status != ProposalStatus.APPROVED]
    if not_approved:
        raise RuleViolation(
            "Chỉ ra quyết định cho hồ sơ Hội đồng đã thông qua. Chưa thông qua: "
            + "; ".join(f"“{p.title}” ({p.get_status_display()})" for p in not_approved)
            + ".",
            field="proposals",
            code="state",
        )
    early = [p for p in locked if p.year > signed_on.year]
    if early:
        raise RuleViolation(
            f"Ngày ký {signed_on:%d/%m/%Y} trước năm thành tích của hồ sơ "
            + "; ".join(f"“{p.title}” ({p.year})" for p in early)
            + ".",
            field="signed_on",
        )

    passing: dict[int, list[Nominee]] = {p.pk: passed_nominees(p) for p in locked}
    empty = [p for p in locked if not passing[p.pk]]
    if empty:
        raise RuleViolation(
            "Hồ sơ không có ai được Hội đồng thông qua, cần trả lại thay vì ra quyết định: "
            + "; ".join(f"“{p.title}”" for p in empty)
            + ".",
            field="proposals",
        )
    nominee_ids = [n.pk for nominees in passing.values() for n in nominees]
    if Award.objects.filter(nominee_id__in=nominee_ids).exists():
        raise RuleViolation(
            "Có người, tập thể trong hồ sơ đã được khen thưởng theo một quyết định khác.",
            field="proposals",
        )
    cites = _check_awardees(locked, passing, signed_on)

    year = signed_on.year
    if number is None:
        number = next_number(issuer_code, year, kind)
    elif number < 1:
        raise RuleViolation("Số quyết định phải từ 1 trở lên.", field="number")
    elif Decision.objects.filter(
        issuer_code=issuer_code, kind=kind, year=year, number=number
    ).exists():
        raise _taken(number, kind, issuer_code, year)

    try:
        # A savepoint: a number taken by a concurrent request fails here, cleanly.
        with transaction.atomic():
            decision = Decision.objects.create(
                number=number,
                year=year,
                kind=kind,
                issuer_code=issuer_code,
                issuer=issuer,
                parent_issuer=parent_issuer,
                place=place,
                signed_on=signed_on,
                signer=signer,
                signer_title=signer_title,
                signer_prefix=signer_prefix,
                summary=summary,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise _taken(number, kind, issuer_code, year) from None
    decision.proposals.set(locked)

    try:
        with transaction.atomic():
            awards = Award.objects.bulk_create(
                Award(
                    form_id=proposal.form_id,
                    year=proposal.year,
                    person_id=nominee.person_id,
                    unit_id=nominee.unit_id,
                    decision=decision,
                    nominee=nominee,
                )
                for proposal in locked
                for nominee in passing[proposal.pk]
            )
    except IntegrityError:
        # The nominee (one award each) was taken by a concurrent request.
        raise RuleViolation(
            "Có người, tập thể trong hồ sơ vừa được khen thưởng theo một quyết định khác. "
            "Kiểm tra lại hồ sơ.",
            field="proposals",
        ) from None
    if awards and awards[0].pk is None:  # backends that do not return ids from bulk_create
        awards = list(decision.awards.order_by("pk"))
    used = _give_initiatives(awards, cites)

    citation = decision_citation(decision)
    for proposal in locked:
        record_move(proposal, ProposalStatus.DECIDED, actor=actor, reason=citation)

    audit.record(
        actor,
        AuditEntry.Action.CREATE,
        decision,
        after={
            **audit.snapshot(decision),
            "proposals": [p.pk for p in locked],
            "awards": [a.pk for a in awards],
        },
    )
    audit.record_many(actor, AuditEntry.Action.CREATE, awards, reason=decision.reference)
    audit.record_many(actor, AuditEntry.Action.UPDATE, used, reason=decision.reference)
    return decision


def _give_initiatives(awards: list[Award], cites: dict[int, list[int]]) -> list[Initiative]:
    """Each award takes every initiative its nominee cites (locked by ``_check_awardees``);
    the update only takes an initiative no award holds, so a second use cannot slip in."""
    taken: list[int] = []
    for award in awards:
        ids = cites.get(award.nominee_id, [])
        if not ids:
            continue
        if Initiative.objects.filter(pk__in=ids, award__isnull=True).update(award=award) != len(
            ids
        ):
            raise RuleViolation(
                "Có sáng kiến vừa được dùng cho khen thưởng khác: mỗi sáng kiến chỉ dùng cho "
                "một danh hiệu hoặc hình thức khen thưởng. Kiểm tra lại hồ sơ.",
                field="proposals",
            )
        taken.extend(ids)
    return list(Initiative.objects.filter(pk__in=taken).order_by("pk"))


# ---------------------------------------------------------------- revocation

_REVOKED_FIELDS = ["revoked_at", "revoked_reason", "revoked_by"]


@transaction.atomic
def revoke(award: Award, *, reason: str, actor) -> Award:
    """Thu hồi one award: marked with when, why and by whom; the row stays."""
    _check_actor(actor)
    reason = _required(reason, "lý do thu hồi", "reason")
    current = Award.objects.select_for_update().get(pk=award.pk)
    if current.is_revoked:
        when = timezone.localtime(current.revoked_at)
        raise RuleViolation(
            f"Khen thưởng này đã bị thu hồi ngày {when:%d/%m/%Y}.",
            code="state",
        )
    before = audit.snapshot(current, _REVOKED_FIELDS)
    current.revoked_at = timezone.now()
    current.revoked_reason = reason
    current.revoked_by = actor if getattr(actor, "pk", None) else None
    current.save(update_fields=_REVOKED_FIELDS)
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        current,
        before=before,
        after=audit.snapshot(current, _REVOKED_FIELDS),
        reason=reason,
    )
    for name in _REVOKED_FIELDS:
        setattr(award, name, getattr(current, name))
    return award


@transaction.atomic
def revoke_decision(decision: Decision, *, reason: str, actor) -> list[Award]:
    """Thu hồi a whole decision: every award it made that is not revoked yet is marked, with
    the reason; nothing is deleted. Returns the awards revoked now."""
    _check_actor(actor)
    reason = _required(reason, "lý do thu hồi", "reason")
    awards = list(
        Award.objects.select_for_update()
        .filter(decision=decision, revoked_at__isnull=True)
        .order_by("pk")
    )
    if not awards:
        raise RuleViolation(
            f"Mọi khen thưởng theo quyết định {decision.reference} đã bị thu hồi.", code="state"
        )
    now = timezone.now()
    by = actor if getattr(actor, "pk", None) else None
    Award.objects.filter(pk__in=[a.pk for a in awards]).update(
        revoked_at=now, revoked_reason=reason, revoked_by=by
    )
    for award in awards:
        award.revoked_at, award.revoked_reason, award.revoked_by = now, reason, by
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        decision,
        after={"revoked_awards": [a.pk for a in awards]},
        reason=reason,
    )
    audit.record_many(actor, AuditEntry.Action.UPDATE, awards, reason=reason)
    return awards


__all__ = [
    "DEFAULT_KIND",
    "KNOWN_KINDS",
    "decision_citation",
    "format_reference",
    "issue_decision",
    "next_number",
    "parse_reference",
    "party_date",
    "revoke",
    "revoke_decision",
]
