"""Shapes of the commendation API. Decimals (scores, percentages, thresholds, quorum) travel
as exact strings ("85.50", "20.00"); a score sent in may be a number or a string with a comma
or a point ("85,5"), checked by the service with a Vietnamese message; dates are ISO."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Schema

# ---------------------------------------------------------------- rule sets


class BandOut(Schema):
    level: int
    abbreviation: str
    level_name: str
    min_score: str
    below: str | None


class DisqualifierOut(Schema):
    code: str
    title: str
    best_level: int
    best_level_name: str
    applies_to: str


class RuleSetOut(Schema):
    """A rule set of quality classification (Quy định 132, 124, 366-QĐ/TW) as data."""

    id: int
    code: str
    citation: str
    title: str
    guidance: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    has_score_bands: bool
    quota_percent: str | None
    quota_percent_outstanding: str | None
    quota_confidence: str
    quota_confidence_label: str
    note: str
    bands: list[BandOut]
    disqualifiers: list[DisqualifierOut]


class YearRuleSetOut(Schema):
    year: int
    rule_set: RuleSetOut


# ---------------------------------------------------------------- a unit's classification


class UnitResultOut(Schema):
    level: int
    abbreviation: str
    level_name: str
    exemplary: bool
    score: str | None
    rule_set: str
    group: str
    disqualifiers: list[str]
    proposed_by: str
    decided_by: str
    decided_on: datetime.date | None


class UnitClassificationOut(Schema):
    """The unit's own result of the year (``result`` null when none is recorded), the rule
    set that judges the year (or why there is none) and whether the caller may record it."""

    unit_id: int
    name: str
    year: int
    rule_set: str | None
    rule_reason: str
    can_record: bool
    result: UnitResultOut | None


class UnitClassificationIn(Schema):
    """``level``: 1–4 or any common spelling ("HTXSNV", "Hoàn thành tốt nhiệm vụ", "Xuất
    sắc"). ``score``: on the 100-point scale, required under Quy định 366."""

    level: int | str
    score: Decimal | str | None = None
    exemplary: bool = False
    group: str = ""
    disqualifiers: list[str] = []
    proposed_by: str = ""
    decided_by: str = ""
    decided_on: datetime.date | None = None


# ---------------------------------------------------------------- roll-ups


class LevelCountOut(Schema):
    level: int
    abbreviation: str
    count: int
    percent: str


class TargetCheckOut(Schema):
    title: str
    threshold: str
    actual: str
    met: bool
    note: str


class RollupRowOut(Schema):
    """One unit with the results of its whole subtree (``unit_id`` null: the national total)."""

    unit_id: int | None
    parent_id: int | None
    name: str
    depth: int
    total: int
    direct_total: int
    levels: list[LevelCountOut]
    good_or_better_percent: str
    targets: list[TargetCheckOut]
    unclassified: int


class RollupOut(Schema):
    year: int
    unit_id: int | None
    rows: list[RollupRowOut]


# ---------------------------------------------------------------- quota


class GroupQuotaOut(Schema):
    group: str
    excellent: int
    good: int
    percent: str
    limit: int
    excess: int
    ok: bool
    outstanding: bool
    allowed_by: str  # the recorded permission for the higher percentage, "" when none
    confidence: str
    message: str


class QuotaOut(Schema):
    """``people``: the members under the unit; ``units``: its direct subordinates' results."""

    unit_id: int
    year: int
    rule_set: str
    people: list[GroupQuotaOut]
    units: list[GroupQuotaOut]
    subordinate_ids: list[int]


class CandidateOut(Schema):
    """A person (``subject`` people) or a unit (``subject`` units) rated HTXSNV."""

    id: int
    code: str
    name: str
    unit_id: int
    unit_name: str
    score: str | None


class SuggestionOut(Schema):
    """Read-only: who would keep HTXSNV under the quota, for a person to confirm."""

    subject: str
    group: str
    quota: GroupQuotaOut
    keep: list[CandidateOut]
    move: list[CandidateOut]
    tied: list[CandidateOut]
    needs_decision: bool
    message: str


# ---------------------------------------------------------------- streaks


class StreakYearOut(Schema):
    year: int
    level: int
    abbreviation: str
    exemplary: bool
    note: str
    source_unit_ids: list[int]


class StreakOut(Schema):
    subject_id: int
    subject: str
    level: int
    level_name: str
    exemplary_only: bool
    policy: str
    until_year: int
    length: int
    first_year: int | None
    last_year: int | None
    title: str
    explanation: str
    break_year: int | None
    break_reason: str
    data_missing: bool
    years: list[StreakYearOut]


class PersonStreakOut(Schema):
    person_id: int
    code: str
    full_name: str
    length: int
    first_year: int
    last_year: int
    unit_id: int | None
    unit_name: str


class PeopleStreaksOut(Schema):
    """People whose run at ``level`` or better ending in ``year`` is ``length`` years or
    more, sorted by given name; at most ``limit`` of the ``total`` are listed."""

    unit_id: int
    year: int
    level: int
    length: int
    exemplary_only: bool
    total: int
    limit: int
    people: list[PersonStreakOut]


# ---------------------------------------------------------------- people


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    gender: str
    birth_year: int | None
    unit_id: int | None
    unit_name: str


class PeopleSearchOut(Schema):
    """The people the caller may look up whose name has a word starting with each word of
    ``query`` (case and accents ignored) or whose code it is, in Vietnamese name order; at
    most ``limit``, ``more`` when there were more (narrow the search)."""

    query: str
    limit: int
    more: bool
    people: list[PersonOut]


class PersonIn(Schema):
    """A person added to the registry. The unit where they belong now by its code
    (``unit_code``, as the page asks) or by ``unit_id``, not both; the caller must be able to
    record for it (an officer of a unit above it, or sector-wide staff, who may leave it
    out)."""

    code: str
    full_name: str
    gender: str = ""  # "F" nữ, "M" nam, "" not recorded
    birth_year: int | None = None
    unit_code: str = ""
    unit_id: int | None = None


class PersonPatchIn(Schema):
    """The details to change; those left out stay. A unit given must be one the caller may
    record for (the person's present unit is always accepted); ``unit_code`` "" or
    ``unit_id`` null removes the unit (sector-wide staff only)."""

    code: str | None = None
    full_name: str | None = None
    gender: str | None = None
    birth_year: int | None = None
    unit_code: str | None = None
    unit_id: int | None = None


class PersonClassificationOut(Schema):
    year: int
    level: int
    level_name: str
    abbreviation: str
    exemplary: bool
    score: str | None
    unit_id: int
    unit_name: str
    rule_set: str


class PersonAwardOut(Schema):
    id: int
    form_code: str
    name: str
    year: int
    decision_id: int | None
    decision: str
    source: str
    initiative_ids: list[int]
    initiatives: list[str]
    revoked: bool
    revoked_at: datetime.datetime | None
    revoked_reason: str
    label: str


class InitiativeOut(Schema):
    """``award_id``/``used_for``: the award that used it (revoked or not); ``cited_in_id``/
    ``cited_in``: the live dossier that cites it meanwhile (each initiative counts once)."""

    id: int
    title: str
    year: int
    scope: str
    scope_name: str
    recognized_by: str
    award_id: int | None
    used_for: str
    cited_in_id: int | None
    cited_in: str


class ExclusionOut(Schema):
    kind: str
    kind_name: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    note: str


class DossierStreaksOut(Schema):
    excellent: StreakOut
    good: StreakOut


class DossierOut(Schema):
    """Hồ sơ thành tích: one record across the person's moves between units."""

    person: PersonOut
    classifications: list[PersonClassificationOut]
    awards: list[PersonAwardOut]
    initiatives: list[InitiativeOut]
    exclusions: list[ExclusionOut]
    streaks: DossierStreaksOut


# ---------------------------------------------------------------- import


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class LevelTotalOut(Schema):
    level: int
    abbreviation: str
    count: int


class BatchOut(Schema):
    """One imported file: ``done`` with every row saved, ``rejected`` with nothing saved and
    its first errors (``rejected_rows`` counts them all), ``running`` meanwhile."""

    id: int
    year: int
    scope_id: int | None
    file_name: str
    status: str
    status_label: str
    total_rows: int
    processed_rows: int
    rejected_rows: int
    errors: list[ImportErrorOut]
    counts: list[LevelTotalOut]
    started_at: datetime.datetime
    finished_at: datetime.datetime | None


class RemovedBatchOut(BatchOut):
    """The batch after "Xóa lần nhập" (status ``removed``) and how many results it deleted."""

    deleted_results: int


class ImportRejectedOut(Schema):
    detail: str
    batch_id: int
    rejected_rows: int
    errors: list[ImportErrorOut]


# ---------------------------------------------------------------- forms and eligibility


class FormOut(Schema):
    """A title or commendation form in force in the year, with its conditions as data."""

    id: int
    code: str
    name: str
    category: str
    category_label: str
    subject: str
    subject_label: str
    level: str
    citation: str
    confidence: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    council_vote: bool
    vote_threshold: str | None
    certificate_title: str
    conditions: list[dict]


class FormRefOut(Schema):
    id: int
    code: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    citation: str
    confidence: str


class ConditionOut(Schema):
    code: str
    text: str
    status: str
    status_label: str
    evidence: list[str]
    citation: str
    confidence: str


class EligibilityOut(Schema):
    """Every condition met, not met or data missing, never a bare yes/no; ``verdict`` is
    "eligible" only when all are met."""

    form: FormRefOut
    year: int
    subject: str
    verdict: str
    verdict_label: str
    summary: str
    results: list[ConditionOut]


class EligibilityIn(Schema):
    """One of ``person_id`` and ``unit_id``, as the form's subject asks. ``confirmed``:
    codes of the conditions the system holds no data for that the caller confirms from the
    dossier (e.g. "tich-cuc-thi-dua")."""

    form_code: str
    year: int
    person_id: int | None = None
    unit_id: int | None = None
    confirmed: list[str] = []


# ---------------------------------------------------------------- proposals


class ProposalRowOut(Schema):
    id: int
    title: str
    form_id: int
    form_code: str
    form_name: str
    year: int
    unit_id: int
    unit: str
    cluster_id: int | None
    cluster: str | None
    status: str
    status_label: str
    nominee_count: int
    created_at: datetime.datetime


class CitedInitiativeOut(Schema):
    """An initiative a dossier cites for a person (sáng kiến): counted once, it goes to the
    award the decision makes."""

    id: int
    title: str
    year: int
    scope: str
    scope_name: str
    recognized_by: str


class NomineeOut(Schema):
    id: int
    person_id: int | None
    unit_id: int | None
    code: str
    name: str
    achievement: str
    initiative_ids: list[int]
    initiatives: list[CitedInitiativeOut]
    withdrawn: bool
    verdict: str
    eligibility: EligibilityOut | None
    eligibility_checked_at: datetime.datetime | None


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    uploaded_by: str | None
    uploaded_at: datetime.datetime


class StepOut(Schema):
    from_status: str
    to_status: str
    to_label: str
    actor: str | None
    at: datetime.datetime
    reason: str


class ProposalAccessOut(Schema):
    """What the caller may do with the dossier where it is now."""

    edit: bool
    attach: bool
    submit: bool
    withdraw: bool
    review: bool
    return_proposal: bool


class ProposalOut(ProposalRowOut):
    summary: str
    nominees: list[NomineeOut]
    attachments: list[AttachmentOut]
    steps: list[StepOut]
    decision_ids: list[int]
    access: ProposalAccessOut


class ProposalIn(Schema):
    """The form by its code: the version in force for ``year`` is used. ``cluster_id``:
    the cluster that reviews it first (the unit must be its member that year)."""

    form_code: str
    year: int
    unit_id: int
    title: str
    summary: str = ""
    cluster_id: int | None = None


class NomineeIn(Schema):
    """One of ``person_id`` and ``unit_id``; ``initiative_ids``: the person's initiatives the
    dossier cites (only for a form with a condition on initiatives, at most as many as it
    asks for; each counts once)."""

    person_id: int | None = None
    unit_id: int | None = None
    achievement: str = ""
    initiative_ids: list[int] = []


class NomineeInitiativeIn(Schema):
    """The initiatives the dossier cites for the person (replacing those cited; empty: none)."""

    initiative_ids: list[int] = []


class ReasonIn(Schema):
    reason: str = ""


class ReviewIn(Schema):
    note: str = ""


# ---------------------------------------------------------------- council


class CouncilMemberOut(Schema):
    id: int
    full_name: str
    position: str
    unit_id: int | None
    person_id: int | None
    active: bool


class CouncilOut(Schema):
    id: int
    name: str
    unit_id: int
    quorum: str
    max_rounds: int
    members: list[CouncilMemberOut]


class SessionIn(Schema):
    council_id: int
    held_on: datetime.date
    place: str
    proposal_ids: list[int]
    chair: str = ""
    secretary: str = ""


class AttendanceIn(Schema):
    member_id: int
    present: bool
    written_vote: bool = False


class TallyIn(Schema):
    nominee_id: int
    round: int
    yes: int
    no: int
    blank: int = 0


class RecusedOut(Schema):
    member_id: int
    name: str
    reason: str


class TallyOut(Schema):
    """``members``: the denominator (active members less those recused); ``passed``: yes ×
    100 ≥ threshold × members."""

    id: int
    session_id: int
    nominee_id: int
    nominee: str
    round: int
    yes: int
    no: int
    blank: int
    members: int
    threshold: str
    recused: list[RecusedOut]
    passed: bool


class QuorumOut(Schema):
    met: bool
    present: int
    total: int
    required: int


class AttendanceOut(Schema):
    member_id: int
    name: str
    present: bool | None
    written_vote: bool


class SessionNomineeOut(Schema):
    id: int
    name: str
    tallies: list[TallyOut]


class SessionProposalOut(Schema):
    id: int
    title: str
    status: str
    form_code: str
    council_vote: bool
    nominees: list[SessionNomineeOut]


class SessionBase(Schema):
    id: int
    council_id: int
    council: str
    held_on: datetime.date
    place: str
    chair: str
    secretary: str
    status: str
    status_label: str


class SessionRowOut(SessionBase):
    proposal_ids: list[int]


class SessionOut(SessionBase):
    quorum: QuorumOut
    attendance: list[AttendanceOut]
    proposals: list[SessionProposalOut]


class CloseOut(Schema):
    """The session closed: dossiers approved, returned (nobody passed) and skipped (left the
    council meanwhile); the nominees passed and failed by proposal id."""

    session: SessionOut
    approved: list[int]
    returned: list[int]
    skipped: list[int]
    passed: dict[str, list[int]]
    failed: dict[str, list[int]]


# ---------------------------------------------------------------- decisions


class DecisionIn(Schema):
    """``number`` left out: the next free number of the issuer, kind and year."""

    proposal_ids: list[int]
    signed_on: datetime.date
    signer: str
    signer_title: str
    summary: str
    number: int | None = None
    place: str = "Hà Nội"
    signer_prefix: str = "K/T TRƯỞNG BAN"
    issuer: str = "BAN TỔ CHỨC TRUNG ƯƠNG"
    parent_issuer: str = "BAN CHẤP HÀNH TRUNG ƯƠNG"
    issuer_code: str = "BTCTW"
    kind: str = "QĐ"


class AwardOut(Schema):
    id: int
    decision_id: int | None
    form_code: str
    form_name: str
    year: int
    person_id: int | None
    unit_id: int | None
    code: str
    name: str
    nominee_id: int | None
    proposal_id: int | None
    initiative_ids: list[int]
    initiatives: list[str]
    revoked: bool
    revoked_at: datetime.datetime | None
    revoked_reason: str


class DecisionRowOut(Schema):
    id: int
    reference: str
    number: int
    kind: str
    issuer_code: str
    year: int
    signed_on: datetime.date
    summary: str


class DecisionOut(DecisionRowOut):
    """``reference``: "Số 123-QĐ/BTCTW"; ``citation``: "Quyết định số 123-QĐ/BTCTW ngày …"."""

    citation: str
    issuer: str
    parent_issuer: str
    place: str
    signer: str
    signer_title: str
    signer_prefix: str
    proposal_ids: list[int]
    awards: list[AwardOut]
    standing: int
