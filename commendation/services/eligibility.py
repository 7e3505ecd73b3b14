"""Eligibility of a person or a unit for an emulation title or a commendation form (issue 4 §3).

Rules:
- a form's conditions are data (``Form.conditions``, a JSON list loaded by migration 0006 and
  editable); a year is judged by the version of the form in force on 31 December of that year
  (:func:`form_for`); each condition names its citation and its confidence (high, medium,
  unconfirmed — as RULES.md says), defaulting to the form's;
- every condition comes back as met, not met or data missing, with a Vietnamese sentence, the
  evidence it used and its citation. Never a bare yes/no, and missing data is never a pass:
  the verdict is "eligible" only when every condition is met, "not_eligible" when at least one
  is not met, and otherwise "incomplete". A form without any condition is "incomplete";
- condition types (``EVALUATORS``, keyed by ``"type"``):
  - ``classification``: rated ``level`` or better (lower is better) ``years`` consecutive
    years ending with the year, optionally "tiêu biểu" (``exemplary``). People and units use
    ``services.streaks``; a unit's years before a merge follow the streak policy
    (``policy``, default: a predecessor's year counts only when every predecessor had it),
    and the evidence names which years came from which unit. A year without a result is
    missing; a year below the level, anywhere in the window, is not met;
  - ``title``: holds a title or award (by form code, any version; revoked awards ignored;
    the subject's own awards, not its predecessors') in
    the year (``years`` = 1), ``years`` consecutive years, ``times`` times within ``within``
    years, or ``times`` times up to the year (no ``within``). A year without the award is
    "not met" when the subject's record covers that year (it has a quality classification
    for it) and "missing" when the record has nothing at all for that year;
  - ``initiative``: ``count`` initiatives of the person at ``scope`` or wider (cơ sở < cấp bộ,
    tỉnh < toàn quốc), recognized by the year and not yet used (each initiative counts once):
    used means held by an award (``Initiative.award``; a revoked one too: the award keeps it,
    as ``services.people`` records) or cited by a nominee of another live dossier
    (:data:`LIVE_PROPOSAL_STATUSES`; the evidence names the dossier). When the check is run
    for a dossier (``proposal`` or ``initiatives`` given) only the initiatives the nominee
    cites count, since the decision gives exactly those to the award: each must qualify and
    there must be ``count`` of them; the evidence says of each why it counts or not. Without
    a dossier the person's usable initiatives are counted, and the result says the dossier
    must cite them;
  - ``cluster_rank``: the unit leads (``rank`` 1) the year-end ranking of an emulation year it
    took part in that year (``emulation.services.ranking.rank``, read only). Sheets not yet
    final, no year-end period, or no participation make it missing; a shared first rank is
    missing too, since the cluster must decide between the tied units;
  - ``member_share``: at least ``min_percent`` % (above it when ``strict``) of the unit's
    people hold a title that year (``measure`` "title", ``form``) or are rated ``level`` or
    better (``measure`` "level"). The unit's people are the quality classifications of that
    year recorded in that unit; none at all is missing. People recorded as belonging to the
    unit now who have no result of that year anywhere are not left out silently: they are
    named, and when counting them as reaching or as missing the share would change the
    outcome, the condition is missing data (a member who joined after that year shows up
    here too, for a person to judge). Two aggregate queries;
  - ``member_title``: at least ``count`` of the unit's people of that year hold ``form``;
  - ``no_exclusion``: no exclusion (discipline review, investigation, discipline) of the
    person or unit active on any day of the year;
  - ``any_of`` / ``all_of``: OR / AND of ``conditions``. OR is met when one branch is met,
    otherwise missing when a branch is missing; AND is not met when one branch is not met;
  - ``confirmation``: a fact the system holds no data for (e.g. "tích cực tham gia phong trào
    thi đua", an accepted research topic): missing unless its code is in ``confirmed``;
  - ``uncatalogued``: a version whose conditions are not in the catalogue (before 2024):
    always missing.
  An unknown type is reported as missing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import translation

from commendation.models import (
    Award,
    Confidence,
    Exclusion,
    Form,
    Initiative,
    Level,
    Nominee,
    Person,
    PersonClassification,
    Proposal,
    ProposalStatus,
    RuleSet,
    Subject,
    UnitClassification,
)
from commendation.services.rules import level_name
from commendation.services.streaks import MergePolicy, Streak, person_streak, unit_streak
from core.exceptions import RuleViolation
from core.templatetags.vn import format_number, format_points, vn_percent
from emulation.models import Participant, Period, PeriodKind
from emulation.services.ranking import rank
from organizations.models import Unit

MET, NOT_MET, MISSING = "met", "not_met", "missing"
ELIGIBLE, NOT_ELIGIBLE, INCOMPLETE = "eligible", "not_eligible", "incomplete"
STATUS_LABELS = {MET: "Đạt", NOT_MET: "Không đạt", MISSING: "Thiếu dữ liệu"}
VERDICT_LABELS = {
    ELIGIBLE: "Đủ điều kiện",
    NOT_ELIGIBLE: "Không đủ điều kiện",
    INCOMPLETE: "Chưa đủ dữ liệu để kết luận",
}

# Form codes of the catalogue (migration 0006).
LAO_DONG_TIEN_TIEN = "lao-dong-tien-tien"
CHIEN_SI_THI_DUA_CO_SO = "chien-si-thi-dua-co-so"
CHIEN_SI_THI_DUA_TINH = "chien-si-thi-dua-tinh"
CHIEN_SI_THI_DUA_TOAN_QUOC = "chien-si-thi-dua-toan-quoc"
TAP_THE_LAO_DONG_TIEN_TIEN = "tap-the-lao-dong-tien-tien"
TAP_THE_LAO_DONG_XUAT_SAC = "tap-the-lao-dong-xuat-sac"
CO_THI_DUA_TINH = "co-thi-dua-tinh"
CO_THI_DUA_CHINH_PHU = "co-thi-dua-chinh-phu"
GIAY_KHEN_TAP_THE = "giay-khen-tap-the"
GIAY_KHEN_CA_NHAN = "giay-khen-ca-nhan"
BANG_KHEN_TINH_CA_NHAN = "bang-khen-tinh-ca-nhan"
BANG_KHEN_TINH_TAP_THE = "bang-khen-tinh-tap-the"
BANG_KHEN_THU_TUONG = "bang-khen-thu-tuong-ca-nhan"
PARTY_FORMS = (
    "dang-giay-khen-chi-bo",
    "dang-giay-khen-chi-bo-5-nam",
    "dang-bang-khen-chi-bo-5-nam",
    "dang-giay-khen-to-chuc-co-so",
    "dang-bang-khen-to-chuc-co-so-5-nam",
    "dang-co-to-chuc-co-so-5-nam",
    "dang-giay-khen-dang-vien",
    "dang-giay-khen-dang-vien-5-nam",
    "dang-bang-khen-dang-vien-5-nam",
)

INITIATIVE_SCOPES = ("unit", "province", "national")  # narrowest first
# A dossier holds the initiatives its nominees cite while it can still lead to an award: with
# the unit, at the cluster or the council, approved, or returned (the unit may resubmit it).
# A withdrawn dossier holds none; a decided one passed its initiatives to the awards (and a
# nominee the council did not pass gets no award, so the initiative is free again).
LIVE_PROPOSAL_STATUSES = (
    ProposalStatus.DRAFT,
    ProposalStatus.AT_CLUSTER,
    ProposalStatus.AT_COUNCIL,
    ProposalStatus.APPROVED,
    ProposalStatus.RETURNED,
)
SCOPE_NAMES = {"unit": "cơ sở", "province": "cấp bộ, tỉnh", "national": "toàn quốc"}
NAMES_SHOWN = 5  # people named in the evidence of a member condition


@dataclass
class ConditionResult:
    code: str
    text: str
    status: str  # "met" | "not_met" | "missing"
    evidence: list[str]
    citation: str
    confidence: str


@dataclass
class Eligibility:
    form: Form
    year: int
    subject: str
    results: list[ConditionResult]
    verdict: str  # "eligible" | "not_eligible" | "incomplete"
    summary: str


def _day(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _valid_on(form: Form, day: datetime.date) -> bool:
    return form.valid_from <= day and (form.valid_to is None or day <= form.valid_to)


def form_for(code: str, year: int) -> Form:
    """The version of form ``code`` in force on 31 December of ``year``; refuses when none."""
    day = _day(year)
    versions = list(Form.objects.filter(code=code).order_by("-valid_from"))
    for form in versions:
        if _valid_on(form, day):
            return form
    if not versions:
        raise RuleViolation(f"Không có danh hiệu, hình thức khen thưởng mã “{code}”.")
    periods = "; ".join(
        f"từ {f.valid_from:%d/%m/%Y}" + (f" đến {f.valid_to:%d/%m/%Y}" if f.valid_to else "")
        for f in reversed(versions)
    )
    raise RuleViolation(
        f"“{versions[0].name}” không có phiên bản nào có hiệu lực năm {year} (hiệu lực: "
        f"{periods}).",
        field="year",
    )


# --- evaluation context -------------------------------------------------------------------


@dataclass
class _Context:
    form: Form
    year: int
    person: Person | None
    unit: Unit | None
    initiatives: tuple[Initiative, ...] | None
    proposal: Proposal | None
    confirmed: frozenset[str]
    _rule_sets: list[RuleSet] | None = None
    _classified: set[int] | None = None
    _awards: dict[str, dict[int, Award]] = field(default_factory=dict)
    _form_names: dict[str, str] = field(default_factory=dict)

    def citation(self, condition: dict) -> str:
        return str(condition.get("citation") or self.form.citation)

    def confidence(self, condition: dict) -> str:
        return str(condition.get("confidence") or self.form.confidence)

    def rule_set_code(self, year: int) -> str:
        if self._rule_sets is None:
            self._rule_sets = list(RuleSet.objects.order_by("valid_from"))
        day = _day(year)
        for rule_set in self._rule_sets:
            if rule_set.valid_from <= day and (
                rule_set.valid_to is None or day <= rule_set.valid_to
            ):
                return f"Quy định {rule_set.code}"
        return "không có quy định xếp loại"

    def classified_years(self) -> set[int]:
        """The years the subject's record covers: those with a quality classification."""
        if self._classified is None:
            if self.person is not None:
                rows = PersonClassification.objects.filter(person=self.person)
            else:
                rows = UnitClassification.objects.filter(unit=self.unit)
            self._classified = set(rows.values_list("year", flat=True))
        return self._classified

    def awards(self, code: str) -> dict[int, Award]:
        """The subject's awards of form ``code`` (any version) up to the year, not revoked."""
        if code not in self._awards:
            found = Award.objects.filter(
                form__code=code, revoked_at__isnull=True, year__lte=self.year
            ).select_related("form", "decision")
            if self.person is not None:
                found = found.filter(person=self.person)
            else:
                found = found.filter(unit=self.unit)
            self._awards[code] = {a.year: a for a in found.order_by("-year", "pk")}
        return self._awards[code]

    def form_name(self, code: str) -> str:
        if code not in self._form_names:
            name = (
                Form.objects.filter(code=code)
                .order_by("-valid_from")
                .values_list("name", flat=True)
                .first()
            )
            self._form_names[code] = name or code
        return self._form_names[code]


@dataclass
class _Outcome:
    statement: str  # the condition, e.g. "Xếp loại Hoàn thành tốt nhiệm vụ trở lên năm 2024"
    status: str
    detail: str  # the short outcome, e.g. "thiếu dữ liệu năm 2023"
    evidence: list[str]


Evaluator = Callable[[_Context, dict], _Outcome]
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(kind: str) -> Callable[[Evaluator], Evaluator]:
    def register(function: Evaluator) -> Evaluator:
        EVALUATORS[kind] = function
        return function

    return register


def _evaluate(ctx: _Context, condition: dict) -> _Outcome:
    function = EVALUATORS.get(str(condition.get("type", "")))
    if function is None:
        return _Outcome(
            f"Điều kiện “{condition.get('code', '')}”",
            MISSING,
            f"loại điều kiện “{condition.get('type', '')}” chưa được hỗ trợ: cần kiểm tra thủ công",
            [],
        )
    return function(ctx, condition)


def _span(year: int, years: int) -> str:
    if years == 1:
        return f"năm {year}"
    return f"{years} năm liền ({year - years + 1}–{year})"


def _years_list(years: Iterable[int]) -> str:
    return ", ".join(str(y) for y in sorted(years))


def _unit_name(unit: Unit, year: int) -> str:
    version = unit.version_on(_day(year)) or unit.latest_version
    return version.name if version else unit.code


def _level_phrase(level: int, exemplary: bool = False) -> str:
    text = level_name(level)
    if exemplary:
        text += " tiêu biểu"
    if level > Level.EXCELLENT:
        text += " trở lên"
    return text


# --- classification ----------------------------------------------------------------------


@evaluator("classification")
def _classification(ctx: _Context, condition: dict) -> _Outcome:
    level = int(condition.get("level", Level.GOOD))
    years = max(1, int(condition.get("years", 1)))
    exemplary = bool(condition.get("exemplary", False))
    policy = MergePolicy(condition.get("policy", MergePolicy.ALL_PREDECESSORS))
    first = ctx.year - years + 1
    statement = f"Xếp loại {_level_phrase(level, exemplary)} {_span(ctx.year, years)}"

    def streak(until: int) -> Streak:
        if ctx.person is not None:
            return person_streak(
                ctx.person, level=level, until_year=until, exemplary_only=exemplary
            )
        return unit_streak(
            ctx.unit, level=level, until_year=until, policy=policy, exemplary_only=exemplary
        )

    counted = []
    breaks: list[tuple[int, str, bool]] = []
    until = ctx.year
    # Scan the whole window: a year below the level anywhere in it is "not met" even when a
    # later year is missing.
    while until >= first:
        found = streak(until)
        counted.extend(y for y in found.years if y.year >= first)
        if found.length >= until - first + 1:
            break
        breaks.append((found.break_year, found.break_reason, found.data_missing))
        until = found.break_year - 1
    lines: list[tuple[int, str]] = []
    for item in counted:
        shown = level_name(item.level) + (" tiêu biểu" if item.exemplary else "")
        lines.append(
            (item.year, f"{item.year}: {shown} ({ctx.rule_set_code(item.year)}) — {item.note}")
        )
    for year, reason, missing in breaks:
        prefix = "thiếu dữ liệu — " if missing else ""
        lines.append((year, f"{year}: {prefix}{reason}"))
    evidence = [text for _, text in sorted(lines)]
    if ctx.unit is not None and any(
        any(source.pk != ctx.unit.pk for source in item.sources) for item in counted
    ):
        evidence.append(f"Cách tính năm trước sáp nhập: {policy.label}.")
    below = [year for year, _, missing in breaks if not missing]
    absent = [year for year, _, missing in breaks if missing]
    if below:
        return _Outcome(statement, NOT_MET, f"không đạt năm {_years_list(below)}", evidence)
    if absent:
        return _Outcome(statement, MISSING, f"thiếu dữ liệu năm {_years_list(absent)}", evidence)
    return _Outcome(statement, MET, "đạt", evidence)


# --- titles held ---------------------------------------------------------------------------


def _award_text(award: Award) -> str:
    text = f"{award.year}: {award.form.name}"
    if award.decision_id:
        text += f" — {award.decision.reference}"
    elif award.source:
        text += f" — nguồn: {award.source}"
    return text


@evaluator("title")
def _title(ctx: _Context, condition: dict) -> _Outcome:
    code = str(condition["form"])
    name = ctx.form_name(code)
    years = max(1, int(condition.get("years", 1)))
    times = condition.get("times")
    within = condition.get("within")
    held = ctx.awards(code)
    covered = ctx.classified_years()
    if times is None:
        statement = (
            f"Đạt “{name}” năm {ctx.year}"
            if years == 1
            else f"Đạt “{name}” {_span(ctx.year, years)}"
        )
        window = range(ctx.year - years + 1, ctx.year + 1)
        evidence = [_award_text(held[y]) for y in window if y in held]
        lacking = [y for y in window if y not in held and y in covered]
        unknown = [y for y in window if y not in held and y not in covered]
        for y in lacking:
            evidence.append(f"{y}: chưa có “{name}” trong hồ sơ thành tích")
        for y in unknown:
            evidence.append(f"{y}: hồ sơ chưa có dữ liệu năm này (không có kết quả xếp loại)")
        evidence.sort()
        if lacking:
            return _Outcome(statement, NOT_MET, f"chưa có năm {_years_list(lacking)}", evidence)
        if unknown:
            return _Outcome(
                statement, MISSING, f"thiếu dữ liệu năm {_years_list(unknown)}", evidence
            )
        return _Outcome(statement, MET, "đạt", evidence)

    times = int(times)
    if within is None:
        statement = f"Đã được tặng “{name}” ít nhất {times} lần (đến năm {ctx.year})"
        evidence = [_award_text(a) for _, a in sorted(held.items())]
        if len(held) >= times:
            return _Outcome(statement, MET, "đạt", evidence)
        evidence.append(f"Hồ sơ thành tích có {len(held)} lần “{name}”.")
        return _Outcome(statement, NOT_MET, f"mới có {len(held)} lần", evidence)

    within = int(within)
    first = ctx.year - within + 1
    statement = f"Đạt “{name}” ít nhất {times} lần trong {within} năm ({first}–{ctx.year})"
    count = [y for y in range(first, ctx.year + 1) if y in held]
    unknown = [y for y in range(first, ctx.year + 1) if y not in held and y not in covered]
    evidence = [_award_text(held[y]) for y in count]
    evidence.append(f"Có {len(count)} lần trong {within} năm.")
    if len(count) >= times:
        return _Outcome(statement, MET, "đạt", evidence)
    if unknown and len(count) + len(unknown) >= times:
        evidence.append(f"Hồ sơ chưa có dữ liệu các năm {_years_list(unknown)}.")
        return _Outcome(statement, MISSING, f"thiếu dữ liệu năm {_years_list(unknown)}", evidence)
    return _Outcome(statement, NOT_MET, f"chỉ có {len(count)} lần", evidence)


# --- initiatives ---------------------------------------------------------------------------


def citations(
    initiative_ids: Iterable[int], *, proposal: Proposal | None = None
) -> dict[int, Nominee]:
    """For each of the initiatives a nominee of a live dossier (other than ``proposal``)
    cites, that nominee (with its dossier): it holds the initiative until the dossier is
    decided or withdrawn, or the nominee leaves it. One query."""
    ids = list(initiative_ids)
    if not ids:
        return {}
    rows = Nominee.initiatives.through.objects.filter(
        initiative_id__in=ids,
        nominee__withdrawn=False,
        nominee__proposal__status__in=LIVE_PROPOSAL_STATUSES,
    ).select_related("nominee__proposal")
    if proposal is not None and proposal.pk is not None:
        rows = rows.exclude(nominee__proposal_id=proposal.pk)
    found: dict[int, Nominee] = {}
    for row in rows.order_by("nominee_id", "pk"):
        found.setdefault(row.initiative_id, row.nominee)
    return found


def citation_text(nominee: Nominee) -> str:
    """ "đang được nêu trong hồ sơ “…” (số 12, năm 2024, Cụm đang bình xét)"."""
    proposal = nominee.proposal
    with translation.override("vi"):
        status = str(proposal.get_status_display())
    return (
        f"đang được nêu trong hồ sơ đề nghị “{proposal.title}” (số {proposal.pk}, năm "
        f"{proposal.year}, {status})"
    )


def initiative_text(initiative: Initiative) -> str:
    text = (
        f"Sáng kiến “{initiative.title}” (phạm vi {SCOPE_NAMES.get(initiative.scope, '')}, "
        f"công nhận năm {initiative.year}"
    )
    if initiative.recognized_by:
        text += f", {initiative.recognized_by}"
    return text + ")"


def use_text(award: Award) -> str:
    text = f"đã dùng cho “{award.form.name}” năm {award.year}"
    if award.is_revoked:
        text += " (khen thưởng đã bị thu hồi, sáng kiến không dùng lại)"
    return text


ONCE = "mỗi sáng kiến chỉ dùng cho một danh hiệu hoặc hình thức khen thưởng"


@evaluator("initiative")
def _initiative(ctx: _Context, condition: dict) -> _Outcome:
    scope = str(condition.get("scope", "unit"))
    count = max(1, int(condition.get("count", 1)))
    need = INITIATIVE_SCOPES.index(scope)
    wider = "" if scope == INITIATIVE_SCOPES[-1] else " trở lên"
    statement = (
        f"Có {count} sáng kiến phạm vi {SCOPE_NAMES[scope]}{wider}, công nhận đến năm "
        f"{ctx.year}, chưa dùng cho danh hiệu, hình thức khen thưởng khác"
    )
    if ctx.person is None:
        return _Outcome(statement, MISSING, "điều kiện về sáng kiến chỉ áp dụng cho cá nhân", [])
    person = ctx.person
    found = list(
        Initiative.objects.filter(person=person, year__lte=ctx.year)
        .select_related("award__form")
        .order_by("year", "pk")
    )
    # For a dossier only what it cites counts: the decision gives exactly those to the award,
    # so an initiative merely held would stay free and could count again.
    for_dossier = ctx.initiatives is not None or ctx.proposal is not None
    chosen_ids = list(dict.fromkeys(i.pk for i in ctx.initiatives or ()))
    chosen = sorted(
        Initiative.objects.filter(pk__in=chosen_ids).select_related("award__form"),
        key=lambda i: (i.year, i.pk),
    )
    cited = citations({i.pk for i in found} | set(chosen_ids), proposal=ctx.proposal)

    def problem(item: Initiative) -> str:
        """Why ``item`` does not count for this condition ("" when it does)."""
        if item.person_id != person.pk:
            return f"không phải của {person.full_name}"
        if item.year > ctx.year:
            return f"công nhận năm {item.year}, sau năm xét"
        if item.award_id is not None:
            return use_text(item.award)
        if item.pk in cited:
            return citation_text(cited[item.pk])
        if INITIATIVE_SCOPES.index(item.scope) < need:
            return "phạm vi hẹp hơn yêu cầu"
        return ""

    evidence: list[str] = []
    if not for_dossier:
        usable = []
        for item in found:
            reason = problem(item)
            evidence.append(f"{initiative_text(item)}: {reason or 'chưa dùng'}.")
            if not reason:
                usable.append(item)
        if not found:
            evidence.append("Hồ sơ thành tích không có sáng kiến nào đến năm xét.")
        if len(usable) >= count:
            evidence.append(
                f"Hồ sơ đề nghị phải nêu {count} sáng kiến dùng để xét: chỉ sáng kiến được nêu "
                f"mới được tính và được ghi cho khen thưởng ({ONCE})."
            )
            return _Outcome(
                statement,
                MET,
                f"đạt (có {len(usable)} sáng kiến chưa dùng; hồ sơ đề nghị phải nêu {count} "
                "sáng kiến dùng để xét)",
                evidence,
            )
        found_text = f"chỉ có {len(usable)}" if usable else "không có"
        return _Outcome(statement, NOT_MET, f"{found_text} sáng kiến phù hợp chưa dùng", evidence)

    counted, refused = [], []
    for item in chosen:
        reason = problem(item)
        if reason:
            refused.append((item, reason))
            evidence.append(
                f"Sáng kiến đề nghị xét: {initiative_text(item)}: không được tính — {reason}."
            )
        else:
            counted.append(item)
            evidence.append(f"Sáng kiến đề nghị xét: {initiative_text(item)}: được tính.")
    spare = []
    for item in found:
        if item.pk in chosen_ids:
            continue
        reason = problem(item)
        if reason:
            evidence.append(f"{initiative_text(item)}: {reason}.")
        else:
            spare.append(item)
            evidence.append(f"{initiative_text(item)}: chưa dùng, hồ sơ không nêu nên không tính.")
    if not found and not chosen:
        evidence.append("Hồ sơ thành tích không có sáng kiến nào đến năm xét.")
    if refused:
        detail = "; ".join(f"sáng kiến “{item.title}” {reason}" for item, reason in refused)
        if any(item.award_id is not None or item.pk in cited for item, _ in refused):
            detail += f" ({ONCE})"
        return _Outcome(statement, NOT_MET, detail, evidence)
    if len(counted) >= count:
        return _Outcome(statement, MET, f"đạt ({len(counted)} sáng kiến hồ sơ nêu)", evidence)
    if counted:
        detail = f"hồ sơ đề nghị chỉ nêu {len(counted)} sáng kiến, cần {count}"
    else:
        detail = "hồ sơ đề nghị chưa nêu sáng kiến dùng để xét"
    other, more = (" khác", "thêm ") if counted else ("", "")
    if spare:
        detail += (
            f" (có {len(spare)} sáng kiến chưa dùng{other}: chọn {more}cho người được đề nghị; "
            f"{ONCE})"
        )
    else:
        detail += f" ({person.full_name} không có sáng kiến phù hợp chưa dùng{other})"
    return _Outcome(statement, NOT_MET, detail, evidence)


# --- cluster rank --------------------------------------------------------------------------


@evaluator("cluster_rank")
def _cluster_rank(ctx: _Context, condition: dict) -> _Outcome:
    wanted = max(1, int(condition.get("rank", 1)))
    place = "dẫn đầu" if wanted == 1 else f"trong {wanted} đơn vị dẫn đầu"
    statement = f"Đơn vị {place} cụm, khối thi đua năm {ctx.year}"
    if condition.get("note"):
        statement += f" ({condition['note']})"
    if ctx.unit is None:
        return _Outcome(statement, MISSING, "điều kiện chỉ áp dụng cho tập thể", [])
    participations = list(
        Participant.objects.filter(unit=ctx.unit, emulation_year__year=ctx.year)
        .select_related("emulation_year")
        .order_by("emulation_year__pk")
    )
    if not participations:
        return _Outcome(
            statement,
            MISSING,
            f"không có kết quả thi đua năm {ctx.year} của cụm, khối nào có đơn vị tham gia",
            [],
        )
    statuses: list[str] = []
    details: list[str] = []
    evidence: list[str] = []
    for participation in participations:
        emulation_year = participation.emulation_year
        period = Period.objects.filter(
            emulation_year=emulation_year, kind=PeriodKind.YEAREND
        ).first()
        if period is None:
            statuses.append(MISSING)
            details.append(f"{emulation_year.title}: chưa có kỳ tổng kết năm")
            continue
        ranking = rank(period)
        mine = next((r for r in ranking.rows if r.sheet.unit_id == ctx.unit.pk), None)
        if mine is not None:
            evidence.append(
                f"{emulation_year.title} ({period.get_kind_display()}): hạng {mine.rank}/"
                f"{len(ranking.rows) + len(ranking.pending)}, {vn_percent(mine.percent)} số "
                f"điểm tối đa áp dụng ({format_points(mine.total)}/"
                f"{format_points(mine.maximum)} điểm)"
            )
        if mine is None or ranking.pending:
            statuses.append(MISSING)
            if ranking.pending:
                details.append(
                    f"{emulation_year.title}: còn {len(ranking.pending)} bảng điểm chưa chốt, "
                    "thứ hạng chưa cuối cùng"
                )
            else:
                details.append(f"{emulation_year.title}: không có bảng điểm của đơn vị")
            continue
        leaders = [r for r in ranking.rows if r.rank <= wanted]
        if mine.rank > wanted:
            statuses.append(NOT_MET)
            names = ", ".join(r.name for r in ranking.rows if r.rank == 1)
            details.append(f"{emulation_year.title}: xếp thứ {mine.rank}; dẫn đầu: {names}")
        elif len(leaders) > wanted:
            statuses.append(MISSING)
            others = ", ".join(r.name for r in leaders if r is not mine)
            details.append(
                f"{emulation_year.title}: đồng hạng {mine.rank} với {others} — cụm cần bình "
                "xét, quyết định đơn vị dẫn đầu"
            )
        else:
            statuses.append(MET)
            details.append(f"{emulation_year.title}: xếp thứ {mine.rank}")
    evidence.extend(f"{d}." for d in details)
    if MET in statuses:
        return _Outcome(statement, MET, "đạt", evidence)
    if MISSING in statuses:
        return _Outcome(statement, MISSING, "; ".join(details), evidence)
    return _Outcome(statement, NOT_MET, "; ".join(details), evidence)


# --- the unit's members --------------------------------------------------------------------


def _members(ctx: _Context):
    return PersonClassification.objects.filter(unit=ctx.unit, year=ctx.year)


def _holds(code: str, year: int) -> Exists:
    return Exists(
        Award.objects.filter(
            person=OuterRef("person"), year=year, form__code=code, revoked_at__isnull=True
        )
    )


def _names(rows) -> str:
    people = [f"{r.person.full_name} ({r.person.code})" for r in rows[:NAMES_SHOWN]]
    return ", ".join(people)


@evaluator("member_share")
def _member_share(ctx: _Context, condition: dict) -> _Outcome:
    minimum = Decimal(str(condition.get("min_percent", "100")))
    strict = bool(condition.get("strict", False))
    measure = str(condition.get("measure", "level"))
    if measure == "title":
        what = f"đạt danh hiệu “{ctx.form_name(str(condition['form']))}”"
    else:
        what = f"xếp loại {_level_phrase(int(condition.get('level', Level.COMPLETED)))}"
    if strict:
        bound = f"Trên {format_points(minimum)}%"
    elif minimum == 100:
        bound = "100%"
    else:
        bound = f"Từ {format_points(minimum)}%"
    statement = f"{bound} cá nhân trong tập thể {what} năm {ctx.year}"
    if ctx.unit is None:
        return _Outcome(statement, MISSING, "điều kiện chỉ áp dụng cho tập thể", [])
    name = _unit_name(ctx.unit, ctx.year)
    rows = _members(ctx)
    if measure == "title":
        rows = rows.alias(ok=_holds(str(condition["form"]), ctx.year))
        good = Q(ok=True)
    else:
        good = Q(level__lte=int(condition.get("level", Level.COMPLETED)))
    counts = rows.aggregate(total=Count("pk"), good=Count("pk", filter=good))
    total, ok = counts["total"], counts["good"]
    # NOT EXISTS against the (person, year) unique index: "NOT IN (subquery)" would read a
    # national year's 5.6 million results for each member.
    unrated = Person.objects.filter(unit=ctx.unit).exclude(
        Exists(PersonClassification.objects.filter(person=OuterRef("pk"), year=ctx.year))
    )
    missing = unrated.count()
    if not total and not missing:
        return _Outcome(
            statement,
            MISSING,
            f"chưa có kết quả xếp loại cá nhân nào của {name} năm {ctx.year}",
            [f"Cá nhân trong tập thể: người được xếp loại năm {ctx.year} tại {name}: không có."],
        )

    def reaches(good_count: int, count: int) -> bool:
        if strict:
            return good_count * 100 > minimum * count
        return good_count * 100 >= minimum * count

    if missing:
        # Met even if none of them reaches it; not met even if all of them do; else unknown.
        if reaches(ok, total + missing):
            passed = True
        elif not reaches(ok + missing, total + missing):
            passed = False
        else:
            people = unrated.order_by("full_name", "code")[:NAMES_SHOWN]
            return _Outcome(
                statement,
                MISSING,
                f"{format_number(missing)} người đang sinh hoạt tại {name} chưa có kết quả "
                f"xếp loại năm {ctx.year}",
                [
                    f"Năm {ctx.year}: {format_number(ok)}/{format_number(total)} cá nhân được "
                    f"xếp loại tại {name} {what}.",
                    f"Chưa có kết quả xếp loại năm {ctx.year}: "
                    + ", ".join(f"{p.full_name} ({p.code})" for p in people)
                    + (" …" if missing > NAMES_SHOWN else "")
                    + ". Tính hay không tính những người này làm thay đổi kết quả.",
                ],
            )
    else:
        passed = reaches(ok, total)
    share = Decimal(ok) * 100 / Decimal(total) if total else Decimal(0)
    evidence = [
        f"Năm {ctx.year}: {format_number(ok)}/{format_number(total)} cá nhân được xếp loại "
        f"tại {name} {what} ({format_number(share, 2)}%); yêu cầu {bound.lower()}"
        + ("" if strict or minimum == 100 else " trở lên")
        + "."
    ]
    if missing:
        evidence.append(
            f"{format_number(missing)} người đang sinh hoạt tại {name} chưa có kết quả xếp "
            f"loại năm {ctx.year}; tính hay không tính họ, kết quả vẫn như vậy."
        )
    if not passed and measure == "level":
        below = (
            _members(ctx)
            .exclude(good)
            .select_related("person")
            .order_by("person__full_name", "person__code")
        )
        evidence.append(f"Chưa đạt: {_names(list(below[:NAMES_SHOWN]))}.")
    if passed:
        return _Outcome(statement, MET, f"đạt {format_number(share, 2)}%", evidence)
    return _Outcome(statement, NOT_MET, f"chỉ đạt {format_number(share, 2)}%", evidence)


@evaluator("member_title")
def _member_title(ctx: _Context, condition: dict) -> _Outcome:
    code = str(condition["form"])
    count = max(1, int(condition.get("count", 1)))
    title = ctx.form_name(code)
    statement = f"Có ít nhất {count} cá nhân trong tập thể đạt “{title}” năm {ctx.year}"
    if ctx.unit is None:
        return _Outcome(statement, MISSING, "điều kiện chỉ áp dụng cho tập thể", [])
    name = _unit_name(ctx.unit, ctx.year)
    rows = _members(ctx)
    if not rows.exists():
        return _Outcome(
            statement,
            MISSING,
            f"chưa có kết quả xếp loại cá nhân nào của {name} năm {ctx.year}",
            [f"Cá nhân trong tập thể: người được xếp loại năm {ctx.year} tại {name}: không có."],
        )
    holders = list(
        rows.filter(_holds(code, ctx.year))
        .select_related("person")
        .order_by("person__full_name", "person__code")
    )
    evidence = [f"Năm {ctx.year}: {len(holders)} cá nhân được xếp loại tại {name} đạt “{title}”."]
    if holders:
        evidence.append(f"Gồm: {_names(holders)}.")
    if len(holders) >= count:
        return _Outcome(statement, MET, "đạt", evidence)
    return _Outcome(statement, NOT_MET, f"có {len(holders)} cá nhân", evidence)


# --- exclusions ----------------------------------------------------------------------------


@evaluator("no_exclusion")
def _no_exclusion(ctx: _Context, condition: dict) -> _Outcome:
    first, last = datetime.date(ctx.year, 1, 1), _day(ctx.year)
    statement = f"Không đang bị xem xét kỷ luật, điều tra hoặc bị kỷ luật trong năm {ctx.year}"
    found = Exclusion.objects.filter(starts_on__lte=last).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first)
    )
    if ctx.person is not None:
        found = found.filter(person=ctx.person)
    else:
        found = found.filter(unit=ctx.unit)
    evidence = []
    for item in found.order_by("starts_on", "pk"):
        until = f"đến ngày {item.ends_on:%d/%m/%Y}" if item.ends_on else "đến nay"
        text = f"{item.get_kind_display()} từ ngày {item.starts_on:%d/%m/%Y} {until}"
        if item.note:
            text += f": {item.note}"
        evidence.append(text + ".")
    if evidence:
        return _Outcome(statement, NOT_MET, f"có {len(evidence)} trường hợp trong năm", evidence)
    return _Outcome(
        statement,
        MET,
        "đạt",
        [f"Hồ sơ không có trường hợp loại trừ nào trong năm {ctx.year}."],
    )


# --- combinations and facts without data ---------------------------------------------------


def _branches(outcomes: list[_Outcome]) -> list[str]:
    lines = []
    for outcome in outcomes:
        lines.append(f"{STATUS_LABELS[outcome.status]} — {outcome.statement}: {outcome.detail}")
        lines.extend(f"    {line}" for line in outcome.evidence)
    return lines


@evaluator("any_of")
def _any_of(ctx: _Context, condition: dict) -> _Outcome:
    outcomes = [_evaluate(ctx, c) for c in condition.get("conditions", [])]
    statement = "Một trong các điều kiện: " + "; hoặc ".join(o.statement for o in outcomes)
    evidence = _branches(outcomes)
    met = [o for o in outcomes if o.status == MET]
    if met:
        return _Outcome(statement, MET, f"đạt ({met[0].statement})", evidence)
    missing = [o for o in outcomes if o.status == MISSING]
    if missing:
        return _Outcome(
            statement,
            MISSING,
            f"chưa nhánh nào đạt; thiếu dữ liệu ở {len(missing)} nhánh",
            evidence,
        )
    return _Outcome(statement, NOT_MET, "không nhánh nào đạt", evidence)


@evaluator("all_of")
def _all_of(ctx: _Context, condition: dict) -> _Outcome:
    outcomes = [_evaluate(ctx, c) for c in condition.get("conditions", [])]
    statement = "Đồng thời: " + "; và ".join(o.statement for o in outcomes)
    evidence = _branches(outcomes)
    failing = [o for o in outcomes if o.status == NOT_MET]
    if failing:
        return _Outcome(
            statement, NOT_MET, "không đạt: " + "; ".join(o.statement for o in failing), evidence
        )
    missing = [o for o in outcomes if o.status == MISSING]
    if missing or not outcomes:
        return _Outcome(
            statement,
            MISSING,
            "thiếu dữ liệu: " + "; ".join(o.statement for o in missing),
            evidence,
        )
    return _Outcome(statement, MET, "đạt", evidence)


@evaluator("confirmation")
def _confirmation(ctx: _Context, condition: dict) -> _Outcome:
    statement = str(condition.get("label") or condition.get("code", ""))
    if condition.get("code") in ctx.confirmed:
        return _Outcome(
            statement,
            MET,
            "được xác nhận khi kiểm tra",
            ["Xác nhận của người kiểm tra; hệ thống không có dữ liệu để đối chiếu."],
        )
    return _Outcome(
        statement,
        MISSING,
        "cần xác nhận: hệ thống không có dữ liệu này",
        ["Hệ thống không quản lý dữ liệu này; cần kiểm tra hồ sơ và xác nhận."],
    )


@evaluator("uncatalogued")
def _uncatalogued(ctx: _Context, condition: dict) -> _Outcome:
    return _Outcome(
        f"Điều kiện của “{ctx.form.name}” theo {ctx.citation(condition)}",
        MISSING,
        "chưa đưa vào danh mục: cần kiểm tra theo văn bản",
        [
            f"Phiên bản hiệu lực từ {ctx.form.valid_from:%d/%m/%Y} chỉ dùng để ghi nhận khen "
            "thưởng đã nhận."
        ],
    )


# --- the check -----------------------------------------------------------------------------


def _result(ctx: _Context, condition: dict, outcome: _Outcome) -> ConditionResult:
    return ConditionResult(
        code=str(condition.get("code", "")),
        text=f"{outcome.statement} — {outcome.detail}",
        status=outcome.status,
        evidence=outcome.evidence,
        citation=ctx.citation(condition),
        confidence=ctx.confidence(condition),
    )


def _subject_name(person: Person | None, unit: Unit | None, year: int) -> str:
    if person is not None:
        return f"{person.full_name} (mã {person.code})"
    return _unit_name(unit, year)


def _summary(form: Form, year: int, subject: str, results, verdict: str) -> str:
    what = f"“{form.name}” năm {year}"
    if verdict == ELIGIBLE:
        text = f"{subject} đủ điều kiện {what}: đạt cả {len(results)} điều kiện."
    elif verdict == NOT_ELIGIBLE:
        failing = [r for r in results if r.status == NOT_MET]
        text = (
            f"{subject} không đủ điều kiện {what}: {len(failing)} điều kiện không đạt ("
            + "; ".join(r.text for r in failing)
            + ")."
        )
    else:
        missing = [r for r in results if r.status == MISSING]
        text = (
            f"Chưa đủ dữ liệu để kết luận {subject} có đủ điều kiện {what}: thiếu dữ liệu ở "
            f"{len(missing)} điều kiện (" + "; ".join(r.text for r in missing) + ")."
        )
    confidences = {r.confidence for r in results} | {form.confidence}
    if Confidence.UNCONFIRMED in confidences:
        text += (
            " Có quy định chưa xác nhận (giá trị mặc định, sửa được trong danh mục): cần đối "
            "chiếu văn bản."
        )
    elif Confidence.MEDIUM in confidences:
        text += " Có điều kiện chỉ dựa trên một nguồn thứ cấp."
    if form.council_vote and form.vote_threshold is not None:
        text += (
            " Phải được Hội đồng Thi đua - Khen thưởng bỏ phiếu kín, đạt từ "
            f"{format_points(form.vote_threshold)}% tổng số thành viên."
        )
    return text


def check(
    form: Form,
    *,
    year: int,
    person: Person | None = None,
    unit: Unit | None = None,
    initiatives: Iterable[Initiative] | None = None,
    proposal: Proposal | None = None,
    confirmed: Iterable[str] = (),
) -> Eligibility:
    """Every condition of ``form`` for ``person`` or ``unit`` (as the form's subject says) in
    ``year``, each met, not met or missing with its evidence and citation, and the verdict.

    ``initiatives`` are the initiatives the nominee's dossier cites, ``proposal`` that
    dossier when the check is run for one: then only the cited initiatives count for an
    initiative condition (each must be the person's and unused; the dossier's own citations
    are no use), since only they go to the award. Without either, the person's unused
    initiatives are counted and the result says the dossier must cite them. ``confirmed``
    holds the codes of ``confirmation`` conditions the person running the check confirms from
    the dossier (e.g. "tich-cuc-thi-dua", "de-tai-khoa-hoc")."""
    if (person is None) == (unit is None):
        raise RuleViolation("Chọn đúng một cá nhân hoặc một tập thể để kiểm tra điều kiện.")
    if form.subject == Subject.PERSON and person is None:
        raise RuleViolation(f"“{form.name}” chỉ xét cho cá nhân.")
    if form.subject == Subject.UNIT and unit is None:
        raise RuleViolation(f"“{form.name}” chỉ xét cho tập thể.")
    if not _valid_on(form, _day(year)):
        until = f" đến ngày {form.valid_to:%d/%m/%Y}" if form.valid_to else ""
        raise RuleViolation(
            f"Phiên bản “{form.name}” ({form.citation}) có hiệu lực từ ngày "
            f"{form.valid_from:%d/%m/%Y}{until}: không áp dụng cho năm {year}.",
            field="year",
        )
    ctx = _Context(
        form=form,
        year=year,
        person=person,
        unit=unit,
        initiatives=None if initiatives is None else tuple(initiatives),
        proposal=proposal,
        confirmed=frozenset(confirmed),
    )
    with translation.override("vi"):
        conditions = list(form.conditions or [])
        results = [_result(ctx, c, _evaluate(ctx, c)) for c in conditions]
        if not results:
            results.append(
                ConditionResult(
                    code="khong-co-dieu-kien",
                    text=f"Danh mục chưa có điều kiện nào cho “{form.name}” — thiếu dữ liệu",
                    status=MISSING,
                    evidence=[],
                    citation=form.citation,
                    confidence=form.confidence,
                )
            )
        statuses = {r.status for r in results}
        if NOT_MET in statuses:
            verdict = NOT_ELIGIBLE
        elif MISSING in statuses:
            verdict = INCOMPLETE
        else:
            verdict = ELIGIBLE
        subject = _subject_name(person, unit, year)
        summary = _summary(form, year, subject, results, verdict)
    return Eligibility(
        form=form, year=year, subject=subject, results=results, verdict=verdict, summary=summary
    )


def as_json(result: Eligibility) -> dict:
    """JSON-ready data (for ``Nominee.eligibility``); :func:`from_json` reads it back."""
    form = result.form
    return {
        "form": {
            "id": form.pk,
            "code": form.code,
            "name": form.name,
            "valid_from": form.valid_from.isoformat(),
            "valid_to": form.valid_to.isoformat() if form.valid_to else None,
            "citation": form.citation,
            "confidence": form.confidence,
        },
        "year": result.year,
        "subject": result.subject,
        "results": [asdict(r) for r in result.results],
        "verdict": result.verdict,
        "summary": result.summary,
    }


def from_json(data: dict) -> Eligibility:
    """The result stored by :func:`as_json` (the form read back by its id)."""
    return Eligibility(
        form=Form.objects.get(pk=data["form"]["id"]),
        year=int(data["year"]),
        subject=data["subject"],
        results=[ConditionResult(**r) for r in data["results"]],
        verdict=data["verdict"],
        summary=data["summary"],
    )
