"""/api/v1/commendation/ endpoints: quality classification (rule sets, a unit's result,
roll-ups, the quota and its suggestion, streaks), the person registry (search, add, edit)
and people's records, the import of members' results and its batches (list, dismiss, remove,
the file kept), the catalogue of titles and forms with the eligibility check, proposals and their
route, the council's sessions and votes, decisions, certificates and minutes.

Thin over the services, with the pages' permissions (commendation.permissions): what a user
may not see or change is 404, a refused rule is 422 with the Vietnamese message (handled in
thidua.api), decimals travel as exact strings and dates as ISO."""

from __future__ import annotations

import datetime
from collections import defaultdict
from pathlib import Path

from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from commendation import certificates, documents, permissions, uploads
from commendation.models import (
    LEVEL_ABBREVIATIONS,
    Award,
    Confidence,
    CouncilMember,
    CouncilSession,
    Decision,
    ImportBatch,
    Initiative,
    Level,
    Nominee,
    Person,
    PersonClassification,
    Proposal,
    ProposalStatus,
    RuleSet,
    Tally,
    UnitClassification,
)
from commendation.models import Form as CommendationForm
from commendation.schemas import (
    AttachmentOut,
    AttendanceIn,
    AwardOut,
    BatchOut,
    CloseOut,
    CouncilOut,
    DecisionIn,
    DecisionOut,
    DecisionRowOut,
    DossierOut,
    EligibilityIn,
    EligibilityOut,
    FormOut,
    ImportRejectedOut,
    NomineeIn,
    NomineeInitiativeIn,
    NomineeOut,
    PeopleSearchOut,
    PeopleStreaksOut,
    PersonIn,
    PersonOut,
    PersonPatchIn,
    ProposalIn,
    ProposalOut,
    ProposalRowOut,
    QuotaOut,
    ReasonIn,
    RemovedBatchOut,
    ReviewIn,
    RollupOut,
    RuleSetOut,
    SessionIn,
    SessionOut,
    SessionRowOut,
    StreakOut,
    SuggestionOut,
    TallyIn,
    TallyOut,
    UnitClassificationIn,
    UnitClassificationOut,
    YearRuleSetOut,
)
from commendation.services import batches as batch_services
from commendation.services import council as council_services
from commendation.services import decisions as decision_services
from commendation.services import eligibility, imports, people, quota, rollups, rules
from commendation.services import proposals as proposal_services
from commendation.services import streaks as streak_services
from core.exceptions import RuleViolation
from core.http import attachment as _file
from core.http import exact_decimal as dec
from core.text import normalize, person_sort_key, sort_key
from organizations import permissions as org_permissions
from organizations.models import Cluster, Unit, UnitVersion
from organizations.models.units import covering
from organizations.schemas import ErrorOut

router = Router(tags=["commendation"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
REFUSED = {404: ErrorOut, 422: ErrorOut}
FIRST_YEAR = 1900
# A suggestion lists every HTXSNV candidate of the group and a streak list every person: past
# these many the caller is asked to look at a lower unit (as the pages do).
SUGGESTION_LIMIT = 500
PEOPLE_STREAK_LIMIT = 500
PROPOSAL_LIMIT = 500
SESSION_LIMIT = 500


# ---------------------------------------------------------------- helpers


def _this_year() -> int:
    return timezone.localdate().year


def _path_year(year: int) -> int:
    """A year in an address: one far outside the records is "not found" (as the pages)."""
    if not FIRST_YEAR <= year <= _this_year() + 1:
        raise Http404("Không có năm này.")
    return year


def _body_year(year: int) -> int:
    if not FIRST_YEAR <= year <= _this_year() + 1:
        raise RuleViolation(f"Năm {year} không hợp lệ.", field="year")
    return year


def _last_day(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _name_on(unit: Unit, day: datetime.date) -> str:
    version = unit.version_on(day) or unit.latest_version
    return version.name if version else unit.code


def _level(level: int) -> int:
    if level not in Level.values:
        raise RuleViolation(f"Mức xếp loại “{level}” không hợp lệ (1 đến 4).", field="level")
    return level


def _person_name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# ---------------------------------------------------------------- rule sets


def _rule_set_out(rule_set: RuleSet) -> dict:
    return {
        "id": rule_set.pk,
        "code": rule_set.code,
        "citation": str(rule_set),
        "title": rule_set.title,
        "guidance": rule_set.guidance,
        "valid_from": rule_set.valid_from,
        "valid_to": rule_set.valid_to,
        "has_score_bands": rule_set.has_score_bands,
        "quota_percent": dec(rule_set.quota_percent),
        "quota_percent_outstanding": dec(rule_set.quota_percent_outstanding),
        "quota_confidence": rule_set.quota_confidence,
        "quota_confidence_label": str(Confidence(rule_set.quota_confidence).label),
        "note": rule_set.note,
        "bands": [
            {
                "level": band.level,
                "abbreviation": LEVEL_ABBREVIATIONS[Level(band.level)],
                "level_name": rules.level_name(band.level),
                "min_score": dec(band.min_score),
                "below": dec(band.below),
            }
            for band in rule_set.bands.all()
        ],
        "disqualifiers": [
            {
                "code": item.code,
                "title": item.title,
                "best_level": item.best_level,
                "best_level_name": rules.level_name(item.best_level),
                "applies_to": item.applies_to,
            }
            for item in sorted(rule_set.disqualifiers.all(), key=lambda d: d.code)
        ],
    }


@router.get("/rule-sets", response=list[RuleSetOut])
def list_rule_sets(request):
    """Quy định 132, 124, 366-QĐ/TW…: validity, citation, score bands, disqualifiers, the
    quota and how sure we are of it."""
    return [_rule_set_out(r) for r in RuleSet.objects.prefetch_related("bands", "disqualifiers")]


@router.get("/years/{year}/rule-set", response={200: YearRuleSetOut, 404: ErrorOut})
def year_rule_set(request, year: int):
    """The rule set in force on 31 December of the year (2024 → 124, 2025 → 366)."""
    try:
        rule_set = rules.rule_set_for(_path_year(year))
    except RuleViolation as exc:
        raise HttpError(404, exc.message) from None
    return {"year": year, "rule_set": _rule_set_out(rule_set)}


# ---------------------------------------------------------------- a unit's classification


def _classification_out(user, unit: Unit, year: int) -> dict:
    result = (
        UnitClassification.objects.filter(unit=unit, year=year).select_related("rule_set").first()
    )
    try:
        rule_set, reason = rules.rule_set_for(year), ""
    except RuleViolation as exc:
        rule_set, reason = None, exc.message
    return {
        "unit_id": unit.pk,
        "name": _name_on(unit, _last_day(year)),
        "year": year,
        "rule_set": str(rule_set) if rule_set else None,
        "rule_reason": reason,
        "can_record": permissions.can_record_for(user, unit, year),
        "result": None
        if result is None
        else {
            "level": result.level,
            "abbreviation": LEVEL_ABBREVIATIONS[Level(result.level)],
            "level_name": rules.level_name(result.level),
            "exemplary": result.exemplary,
            "score": dec(result.score),
            "rule_set": str(result.rule_set),
            "group": result.group,
            "disqualifiers": list(result.disqualifiers or []),
            "proposed_by": result.proposed_by,
            "decided_by": result.decided_by,
            "decided_on": result.decided_on,
        },
    }


@router.get("/units/{unit_id}/years/{year}/classification", response=UnitClassificationOut)
def unit_classification(request, unit_id: int, year: int):
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    return _classification_out(request.user, unit, year)


@router.put(
    "/units/{unit_id}/years/{year}/classification",
    response={200: UnitClassificationOut, **REFUSED},
)
def record_unit_classification(request, unit_id: int, year: int, payload: UnitClassificationIn):
    """Ghi nhận (or correct) the unit's result: the competent level only (a unit above it, or
    sector-wide staff). Refused with every reason at once, e.g. a level better than the score's
    band under Quy định 366."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year), write=True)
    level = payload.level
    if isinstance(level, str):
        level = rules.parse_level(level)
    rules.record_unit_classification(
        unit,
        year,
        level=level,
        actor=request.user,
        score=payload.score,
        exemplary=payload.exemplary,
        group=payload.group,
        disqualifiers=payload.disqualifiers,
        proposed_by=payload.proposed_by,
        decided_by=payload.decided_by,
        decided_on=payload.decided_on,
    )
    return _classification_out(request.user, unit, year)


# ---------------------------------------------------------------- roll-ups


def _rollup_row(row: rollups.RollupRow) -> dict:
    return {
        "unit_id": row.unit.pk if row.unit is not None else None,
        "parent_id": row.parent_id,
        "name": row.name,
        "depth": row.depth,
        "total": row.total,
        "direct_total": row.direct_total,
        "levels": [
            {
                "level": level,
                "abbreviation": LEVEL_ABBREVIATIONS[Level(level)],
                "count": row.counts[level],
                "percent": dec(row.percents[level]),
            }
            for level in Level.values
        ],
        "good_or_better_percent": dec(row.good_or_better_percent),
        "targets": [
            {
                "title": t.title,
                "threshold": dec(t.threshold),
                "actual": dec(t.actual),
                "met": t.met,
                "note": t.note,
            }
            for t in row.targets
        ],
        "unclassified": row.unclassified,
    }


def _rollup(rows, year: int, unit: Unit | None, depth: int | None) -> dict:
    return {
        "year": year,
        "unit_id": unit.pk if unit is not None else None,
        "rows": [_rollup_row(r) for r in rows if depth is None or r.depth <= depth],
    }


@router.get("/units/{unit_id}/years/{year}/people-rollup", response=RollupOut)
def people_rollup(request, unit_id: int, year: int, depth: int | None = None):
    """Members' levels at the unit and every unit under it (each row its whole subtree), with
    the target "trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên". ``depth``: only the rows
    that many levels down (1: the unit and the units right under it)."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    return _rollup(rollups.people_rollup(year, unit), year, unit, depth)


@router.get("/units/{unit_id}/years/{year}/units-rollup", response=RollupOut)
def units_rollup(request, unit_id: int, year: int, depth: int | None = None):
    """Grassroots party organizations' levels at the unit and under it, with the target
    "trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên"."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    return _rollup(rollups.units_rollup(year, unit), year, unit, depth)


@router.get("/years/{year}/national-rollup", response=RollupOut)
def national_rollup(request, year: int):
    """Members' levels per province and the national total (last row): sector-wide staff."""
    if not org_permissions.is_sector_wide(request.user):
        raise Http404("Không tìm thấy trang.")
    return _rollup(rollups.national_people_rollup(_path_year(year)), year, None, None)


# ---------------------------------------------------------------- quota


def _children_ids(unit: Unit, year: int) -> list[int]:
    """The units directly under ``unit`` on 31 December of ``year``."""
    return list(
        UnitVersion.objects.filter(covering(_last_day(year)), parent=unit)
        .order_by("unit_id")
        .values_list("unit_id", flat=True)
        .distinct()
    )


def _group_out(group: quota.GroupQuota) -> dict:
    return {
        "group": group.group,
        "excellent": group.excellent,
        "good": group.good,
        "percent": dec(group.percent),
        "limit": group.limit,
        "excess": group.excess,
        "ok": group.ok,
        "outstanding": group.outstanding,
        "allowed_by": quota.allowance_text(group.allowance) if group.allowance else "",
        "confidence": group.confidence,
        "message": group.message,
    }


@router.get("/units/{unit_id}/years/{year}/quota", response={200: QuotaOut, **REFUSED})
def quota_check(
    request,
    unit_id: int,
    year: int,
    outstanding_people: list[str] = Query([]),  # noqa: B008
    outstanding_units: list[str] = Query([]),  # noqa: B008
):
    """The HTXSNV quota (≤ 20 % of the number rated HTTNV, per comparison group) of the people
    under the unit and of its direct subordinates; groups named in ``outstanding_*`` get the
    higher percentage the competent level may allow (25 % under 366). Read-only."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    rule_set = rules.rule_set_for(year)
    children = _children_ids(unit, year)
    return {
        "unit_id": unit.pk,
        "year": year,
        "rule_set": str(rule_set),
        "people": [
            _group_out(g)
            for g in quota.check_people(year, within=unit, outstanding_groups=outstanding_people)
        ],
        "units": [
            _group_out(g)
            for g in quota.check_units(
                year, children, within=unit, outstanding_groups=outstanding_units
            )
        ],
        "subordinate_ids": children,
    }


def _in_group(name: str) -> Q:
    if name == quota.DEFAULT_GROUP:
        return Q(group="") | Q(group=quota.DEFAULT_GROUP)
    return Q(group=name)


@router.get(
    "/units/{unit_id}/years/{year}/quota/suggestion", response={200: SuggestionOut, **REFUSED}
)
def quota_suggestion(
    request,
    unit_id: int,
    year: int,
    group: str = "",
    subject: str = "people",
    outstanding: bool = False,
):
    """For one comparison group (``group``, empty for "Chung") of the people under the unit
    (``subject`` "people") or of its direct subordinates ("units"): which HTXSNV candidates
    keep the level under the quota, best scores first, ties at the boundary kept together.
    A proposal for a person to confirm; nothing is written."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    if subject not in ("people", "units"):
        raise RuleViolation(
            f"Đối tượng “{subject}” không hợp lệ: chọn people (cá nhân) hoặc units (tập thể).",
            field="subject",
        )
    name = normalize(group) or quota.DEFAULT_GROUP
    extra = [name] if outstanding else []
    rule_set = rules.rule_set_for(year)
    day = _last_day(year)
    if subject == "people":
        groups = quota.check_people(year, within=unit, outstanding_groups=extra)
        rows = (
            PersonClassification.objects.filter(
                _in_group(name),
                year=year,
                level=Level.EXCELLENT,
                unit_id__in=quota.subtree_ids(unit, day),
            )
            .select_related("person", "unit")
            .prefetch_related("unit__versions")
            .order_by("person__full_name", "pk")
        )
    else:
        children = _children_ids(unit, year)
        groups = quota.check_units(year, children, within=unit, outstanding_groups=extra)
        rows = (
            UnitClassification.objects.filter(
                _in_group(name), year=year, level=Level.EXCELLENT, unit_id__in=children
            )
            .select_related("unit")
            .prefetch_related("unit__versions")
            .order_by("unit_id")
        )
    found = next((g for g in groups if g.group == name), None)
    if found is None:
        raise HttpError(404, f"Không có nhóm “{name}” trong kết quả xếp loại năm {year}.")
    candidates = list(rows[: SUGGESTION_LIMIT + 1])
    if len(candidates) > SUGGESTION_LIMIT:
        raise RuleViolation(
            f"Nhóm “{name}” có hơn {SUGGESTION_LIMIT} trường hợp HTXSNV: xem gợi ý ở từng đơn "
            "vị cấp dưới.",
            field="group",
        )
    suggestion = quota.suggest(
        [(c, c.score) for c in candidates],
        good=found.good,
        percent=found.percent,
        group=found.group,
        rule_set=rule_set,
        outstanding=found.outstanding,
        allowance=found.allowance,
    )

    def candidate(row) -> dict:
        unit_name = _name_on(row.unit, day)
        if subject == "people":
            return {
                "id": row.person_id,
                "code": row.person.code,
                "name": row.person.full_name,
                "unit_id": row.unit_id,
                "unit_name": unit_name,
                "score": dec(row.score),
            }
        return {
            "id": row.unit_id,
            "code": row.unit.code,
            "name": unit_name,
            "unit_id": row.unit_id,
            "unit_name": unit_name,
            "score": dec(row.score),
        }

    return {
        "subject": subject,
        "group": suggestion.group,
        "quota": _group_out(suggestion.quota),
        "keep": [candidate(c) for c in suggestion.keep],
        "move": [candidate(c) for c in suggestion.move],
        "tied": [candidate(c) for c in suggestion.tied],
        "needs_decision": suggestion.needs_decision,
        "message": suggestion.message,
    }


# ---------------------------------------------------------------- streaks


def _streak_out(streak: streak_services.Streak) -> dict:
    subject = streak.subject
    if isinstance(subject, Person):
        name = subject.full_name
    else:
        name = _name_on(subject, _last_day(streak.until_year))
    return {
        "subject_id": subject.pk,
        "subject": name,
        "level": streak.level,
        "level_name": rules.level_name(streak.level),
        "exemplary_only": streak.exemplary_only,
        "policy": streak.policy,
        "until_year": streak.until_year,
        "length": streak.length,
        "first_year": streak.first_year,
        "last_year": streak.last_year,
        "title": streak.title,
        "explanation": streak.explanation,
        "break_year": streak.break_year,
        "break_reason": streak.break_reason,
        "data_missing": streak.data_missing,
        "years": [
            {
                "year": item.year,
                "level": item.level,
                "abbreviation": LEVEL_ABBREVIATIONS[Level(item.level)],
                "exemplary": item.exemplary,
                "note": item.note,
                "source_unit_ids": [u.pk for u in item.sources],
            }
            for item in streak.years
        ],
    }


@router.get("/units/{unit_id}/years/{year}/streak", response={200: StreakOut, **REFUSED})
def unit_streak(
    request,
    unit_id: int,
    year: int,
    level: int = Level.EXCELLENT,
    exemplary_only: bool = False,
    policy: str = streak_services.MergePolicy.ALL_PREDECESSORS,
):
    """The unit's run of years ("n năm liền") at ``level`` or better ending in ``year``,
    across its lineage per ``policy`` (own_only, all_predecessors — the default —,
    any_predecessor), each year with where it came from."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    if policy not in streak_services.MergePolicy.values:
        raise RuleViolation(
            f"Chính sách “{policy}” không hợp lệ; chọn một trong: "
            + ", ".join(streak_services.MergePolicy.values)
            + ".",
            field="policy",
        )
    streak = streak_services.unit_streak(
        unit,
        level=_level(level),
        until_year=year,
        policy=policy,
        exemplary_only=exemplary_only,
    )
    return _streak_out(streak)


@router.get(
    "/units/{unit_id}/years/{year}/people-streaks", response={200: PeopleStreaksOut, **REFUSED}
)
def people_streaks(
    request,
    unit_id: int,
    year: int,
    level: int = Level.EXCELLENT,
    length: int = 5,
    exemplary_only: bool = False,
):
    """Everyone rated in the unit or under it in ``year`` whose run at ``level`` or better
    ending in ``year`` is at least ``length`` years (one window query)."""
    unit = permissions.get_unit_for_user(request.user, unit_id, _path_year(year))
    if length < 1:
        raise RuleViolation("Số năm liền phải từ 1 trở lên.", field="length")
    found = streak_services.people_streaks(
        level=_level(level),
        length=length,
        until_year=year,
        within=unit,
        exemplary_only=exemplary_only,
    )
    shown = found[:PEOPLE_STREAK_LIMIT]
    persons = Person.objects.in_bulk([pid for pid, _n in shown])
    where = {
        r.person_id: r.unit
        for r in PersonClassification.objects.filter(year=year, person_id__in=list(persons))
        .select_related("unit")
        .prefetch_related("unit__versions")
    }
    rows = [
        {
            "person_id": pid,
            "code": persons[pid].code,
            "full_name": persons[pid].full_name,
            "length": n,
            "first_year": year - n + 1,
            "last_year": year,
            "unit_id": where[pid].pk if pid in where else None,
            "unit_name": _name_on(where[pid], _last_day(year)) if pid in where else "",
        }
        for pid, n in shown
        if pid in persons
    ]
    rows.sort(key=lambda r: person_sort_key(r["full_name"]))
    return {
        "unit_id": unit.pk,
        "year": year,
        "level": level,
        "length": length,
        "exemplary_only": exemplary_only,
        "total": len(found),
        "limit": PEOPLE_STREAK_LIMIT,
        "people": rows,
    }


# ---------------------------------------------------------------- people


def _person_out(person: Person) -> dict:
    unit_name = ""
    if person.unit_id is not None:
        unit_name = _name_on(person.unit, timezone.localdate())
    return {
        "id": person.pk,
        "code": person.code,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_year": person.birth_year,
        "unit_id": person.unit_id,
        "unit_name": unit_name,
    }


# As the registry pages (commendation.views): a search lists this many by default, a caller
# may ask for up to PEOPLE_SEARCH_LIMIT.
PEOPLE_SHOWN = 100
PEOPLE_SEARCH_LIMIT = 500


@router.get("/people", response=PeopleSearchOut)
def search_people(
    request,
    q: str = "",
    limit: int = Query(PEOPLE_SHOWN, ge=1, le=PEOPLE_SEARCH_LIMIT),  # noqa: B008
):
    """Tìm cá nhân among the people the caller may look up: each word of ``q`` must start a
    word of the name, ignoring case and accents ("nguyen van an" finds "Nguyễn Văn An"), or
    ``q`` is the person's code. An empty ``q`` finds nobody. As the page: at most ``limit``
    (taken in the order they were added), listed by given name."""
    found, more = people.find_people(permissions.get_people_for_user(request.user), q, limit)
    return {
        "query": normalize(q),
        "limit": limit,
        "more": more,
        "people": [_person_out(p) for p in found],
    }


def _unit_to_record_for(
    user, *, unit_code: str, unit_id: int | None, person: Person | None = None
) -> Unit | None:
    """The unit named by its code or id, when the caller may record for it this year (the
    person's present unit always: the edit right was checked on the person); missing and
    forbidden are both 404. None named: only sector-wide staff may leave a person unitless."""
    code = normalize(unit_code)
    if code and unit_id is not None:
        raise RuleViolation("Chỉ ghi một trong mã đơn vị và mã số đơn vị.", field="unit_id")
    if not code and unit_id is None:
        if not permissions.unit_to_record_for(user, None):
            raise RuleViolation("Nhập mã đơn vị nơi người này sinh hoạt.", field="unit_code")
        return None
    units = Unit.objects.prefetch_related("versions")
    unit = (units.filter(code=code) if code else units.filter(pk=unit_id)).first()
    if unit is None or not permissions.unit_to_record_for(user, unit, person):
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def _save_person(save, details: dict, *, unit_field: str) -> Person:
    """Call the service; its refusal about the unit names the field the caller used."""
    try:
        return save(**details)
    except RuleViolation as exc:
        if exc.field != "unit":
            raise
        raise RuleViolation(exc.message, field=unit_field, code=exc.code) from None


@router.post("/people", response={201: PersonOut, **REFUSED})
def create_person(request, payload: PersonIn):
    """Thêm cá nhân vào hồ sơ: officers who may record for the person's unit (a unit above
    it), sector-wide staff. A code already taken (ignoring case) is refused; audited."""
    user = request.user
    if not permissions.can_add_people(user):
        raise Http404("Không tìm thấy trang.")
    unit = _unit_to_record_for(user, unit_code=payload.unit_code, unit_id=payload.unit_id)
    person = _save_person(
        people.create_person,
        {
            "code": payload.code,
            "full_name": payload.full_name,
            "gender": payload.gender,
            "birth_year": payload.birth_year,
            "unit": unit,
            "actor": user,
        },
        unit_field="unit_id" if payload.unit_id is not None else "unit_code",
    )
    return Status(201, _person_out(person))


@router.patch("/people/{person_id}", response={200: PersonOut, **REFUSED})
def update_person(request, person_id: int, payload: PersonPatchIn):
    """Sửa thông tin cá nhân: whoever may record for the person's present unit (sector-wide
    staff always), moving them only to a unit they may record for. Audited; nothing changed,
    nothing written."""
    user = request.user
    person = permissions.get_person_for_user(user, person_id)
    if not permissions.can_edit_person(user, person):
        raise Http404("Không tìm thấy cá nhân.")
    given = payload.model_fields_set
    unit, unit_field = person.unit, "unit_code"
    if "unit_code" in given or "unit_id" in given:
        unit_field = "unit_id" if "unit_id" in given else "unit_code"
        unit = _unit_to_record_for(
            user, unit_code=payload.unit_code or "", unit_id=payload.unit_id, person=person
        )

    def value(name: str):
        return getattr(payload, name) if name in given else getattr(person, name)

    saved = _save_person(
        people.update_person,
        {
            "person": person,
            "code": value("code") or "",
            "full_name": value("full_name") or "",
            "gender": value("gender") or "",
            "birth_year": value("birth_year"),
            "unit": unit,
            "actor": user,
        },
        unit_field=unit_field,
    )
    return _person_out(saved)


@router.get("/people/{person_id}", response=DossierOut)
def person_dossier(request, person_id: int):
    """Hồ sơ thành tích: classifications (with the unit of each year), awards (revoked ones
    marked), initiatives and what they were used for, exclusions, and the streaks."""
    person = permissions.get_person_for_user(request.user, person_id)
    record = people.dossier(person)
    return {
        "person": _person_out(person),
        "classifications": [
            {
                "year": row["year"],
                "level": row["level"],
                "level_name": row["level_name"],
                "abbreviation": row["abbreviation"],
                "exemplary": row["exemplary"],
                "score": dec(row["score"]),
                "unit_id": row["unit"].pk,
                "unit_name": row["unit_name"],
                "rule_set": row["rule_set"],
            }
            for row in record["classifications"]
        ],
        "awards": [
            {
                "id": row["award"].pk,
                "form_code": row["code"],
                "name": row["name"],
                "year": row["year"],
                "decision_id": row["award"].decision_id,
                "decision": row["decision"],
                "source": row["source"],
                "initiative_ids": row["initiative_ids"],
                "initiatives": row["initiatives"],
                "revoked": row["revoked"],
                "revoked_at": row["revoked_at"],
                "revoked_reason": row["revoked_reason"],
                "label": row["label"],
            }
            for row in record["awards"]
        ],
        "initiatives": [
            {
                "id": row["initiative"].pk,
                "title": row["title"],
                "year": row["year"],
                "scope": row["scope"],
                "scope_name": row["scope_name"],
                "recognized_by": row["recognized_by"],
                "award_id": row["initiative"].award_id,
                "used_for": row["used_for"],
                "cited_in_id": row["cited_in"].pk if row["cited_in"] else None,
                "cited_in": row["cited_text"],
            }
            for row in record["initiatives"]
        ],
        "exclusions": [
            {
                "kind": row["kind"],
                "kind_name": str(row["kind_name"]),
                "starts_on": row["starts_on"],
                "ends_on": row["ends_on"],
                "note": row["note"],
            }
            for row in record["exclusions"]
        ],
        "streaks": {key: _streak_out(value) for key, value in record["streaks"].items()},
    }


@router.get("/people/{person_id}/streak", response={200: StreakOut, **REFUSED})
def person_streak(
    request,
    person_id: int,
    level: int = Level.EXCELLENT,
    until_year: int | None = None,
    exemplary_only: bool = False,
):
    """The person's run at ``level`` or better ending in ``until_year`` (default: the last
    year they were rated), whatever unit each year was recorded in."""
    person = permissions.get_person_for_user(request.user, person_id)
    if until_year is None:
        last = (
            PersonClassification.objects.filter(person=person)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        until_year = last or _this_year()
    streak = streak_services.person_streak(
        person,
        level=_level(level),
        until_year=_path_year(until_year),
        exemplary_only=exemplary_only,
    )
    return _streak_out(streak)


# ---------------------------------------------------------------- import

RECENT_BATCHES = 20  # as the import page lists
BATCH_LIMIT = 200


def _batch_out(batch: ImportBatch, found: dict[int, int] | None = None) -> dict:
    """``found``: the batch's results by level when the caller counted them already."""
    counts = []
    if batch.status == ImportBatch.Status.DONE:
        if found is None:
            found = dict(
                PersonClassification.objects.filter(batch=batch)
                .order_by()
                .values_list("level")
                .annotate(n=Count("pk"))
            )
        counts = [
            {
                "level": level,
                "abbreviation": LEVEL_ABBREVIATIONS[Level(level)],
                "count": found.get(level, 0),
            }
            for level in Level.values
        ]
    return {
        "id": batch.pk,
        "year": batch.year,
        "scope_id": batch.scope_id,
        "file_name": batch.file_name,
        "status": batch.status,
        "status_label": str(ImportBatch.Status(batch.status).label),
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "rejected_rows": batch.rejected_rows,
        "errors": batch.errors or [],
        "counts": counts,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
    }


@router.post("/imports", response={201: BatchOut, 404: ErrorOut, 422: ImportRejectedOut | ErrorOut})
def import_results(
    request,
    year: int = Form(...),  # noqa: B008
    scope_id: int | None = Form(None),  # noqa: B008
    file: UploadedFile = File(...),  # noqa: B008
):
    """Nhập kết quả xếp loại đảng viên (CSV in UTF-8 or .xlsx) for one year, within the scope
    unit's subtree (its own officers or those above; without a scope, sector-wide staff).
    All or nothing: a refused file saves no result and lists every problem with its row and
    column. Runs within the request."""
    user = request.user
    year = _body_year(year)
    scope = None
    if scope_id is not None:
        scope = permissions.get_unit_for_user(user, scope_id, year)
        if not permissions.can_import_within(user, scope, year):
            raise Http404("Không tìm thấy đơn vị.")
    elif not org_permissions.is_sector_wide(user):
        raise Http404("Không tìm thấy đơn vị.")
    path = uploads.keep_upload(file)
    try:
        batch = imports.import_person_results(
            path,
            year=year,
            scope=scope,
            actor=user,
            file_name=file.name or "tep",
            stored_as=uploads.stored_name(path),
        )
    except RuleViolation:
        uploads.discard(path)  # no batch holds it
        raise
    if batch.status != ImportBatch.Status.DONE:
        return Status(
            422,
            {
                "detail": (
                    f"Tệp bị từ chối: {batch.rejected_rows} dòng lỗi, không lưu kết quả nào."
                ),
                "batch_id": batch.pk,
                "rejected_rows": batch.rejected_rows,
                "errors": batch.errors or [],
            },
        )
    return Status(201, _batch_out(batch))


@router.get("/imports", response=list[BatchOut])
def list_batches(
    request,
    limit: int = Query(RECENT_BATCHES, ge=1, le=BATCH_LIMIT),  # noqa: B008
    offset: int = Query(0, ge=0),  # noqa: B008
):
    """The import batches the caller started or whose scope they see (every batch for
    sector-wide staff), newest first, without the dismissed ones (as the import page)."""
    found = list(
        batch_services.batches_for_user(request.user).order_by("-started_at", "-pk")[
            offset : offset + limit
        ]
    )
    done = [b for b in found if b.status == ImportBatch.Status.DONE]
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if done:
        rows = (
            PersonClassification.objects.filter(
                year__in={b.year for b in done}, batch__in=[b.pk for b in done]
            )
            .order_by()
            .values_list("batch", "level")
            .annotate(n=Count("pk"))
        )
        for batch_id, level, n in rows:
            counts[batch_id][level] = n
    return [_batch_out(b, counts[b.pk]) for b in found]


@router.get("/imports/{batch_id}", response=BatchOut)
def import_batch(request, batch_id: int):
    return _batch_out(permissions.get_batch_for_user(request.user, batch_id))


@router.post("/imports/{batch_id}/dismiss", response={200: BatchOut, **REFUSED})
def dismiss_batch(request, batch_id: int):
    """Bỏ a rejected batch (it saved nothing) from the lists; the row stays with its errors.
    Whoever sees the batch; another status is 422."""
    batch = permissions.get_batch_for_user(request.user, batch_id)
    return _batch_out(batch_services.dismiss_batch(batch, actor=request.user))


@router.post("/imports/{batch_id}/remove", response={200: RemovedBatchOut, **REFUSED})
def remove_batch(request, batch_id: int):
    """Xóa lần nhập: delete the results a finished batch saved, to import the file again.
    Whoever may import into its scope (404 for one who only sees the batch, as the page);
    refused (422) while a person of the batch holds an award of that year."""
    batch = permissions.get_batch_for_user(request.user, batch_id)
    if not batch_services.can_remove_batch(request.user, batch):
        raise Http404("Không tìm thấy lần nhập.")
    count = batch_services.remove_batch(batch, actor=request.user)
    batch.refresh_from_db()
    return {**_batch_out(batch), "deleted_results": count}


@router.get("/imports/{batch_id}/source", response={404: ErrorOut})
def batch_source(request, batch_id: int):
    """The file the batch imported, as uploaded (404 when it was not kept)."""
    batch = permissions.get_batch_for_user(request.user, batch_id)
    return uploads.source_response(batch)


# ---------------------------------------------------------------- forms and eligibility


@router.get("/forms", response=list[FormOut])
def forms_catalogue(request, year: int | None = None):
    """Danh hiệu thi đua and hình thức khen thưởng in force on 31 December of ``year``
    (default: this year), each with its conditions as data, citation and confidence."""
    day = _last_day(_path_year(year if year is not None else _this_year()))
    found = (
        CommendationForm.objects.filter(valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("subject", "category", "name")
    )
    return [
        {
            "id": form.pk,
            "code": form.code,
            "name": form.name,
            "category": form.category,
            "category_label": str(form.get_category_display()),
            "subject": form.subject,
            "subject_label": str(form.get_subject_display()),
            "level": form.level,
            "citation": form.citation,
            "confidence": form.confidence,
            "valid_from": form.valid_from,
            "valid_to": form.valid_to,
            "council_vote": form.council_vote,
            "vote_threshold": dec(form.vote_threshold),
            "certificate_title": form.certificate_title,
            "conditions": list(form.conditions or []),
        }
        for form in found
    ]


def _eligibility_out(data: dict | None) -> dict | None:
    """A check as services.eligibility.as_json stores it, with the Vietnamese labels."""
    if not data or "results" not in data:
        return None
    return {
        **data,
        "verdict_label": eligibility.VERDICT_LABELS.get(data["verdict"], data["verdict"]),
        "results": [
            {**r, "status_label": eligibility.STATUS_LABELS.get(r["status"], r["status"])}
            for r in data["results"]
        ],
    }


@router.post("/eligibility", response={200: EligibilityOut, **REFUSED})
def eligibility_check(request, payload: EligibilityIn):
    """Kiểm tra điều kiện: every condition of the form's version in force for the year, met,
    not met or data missing, with its evidence and citation, and the verdict. Writes nothing."""
    year = _body_year(payload.year)
    form = eligibility.form_for(payload.form_code, year)
    person = unit = None
    if payload.person_id is not None:
        person = permissions.get_person_for_user(request.user, payload.person_id)
    if payload.unit_id is not None:
        unit = permissions.get_unit_for_user(request.user, payload.unit_id, year)
    result = eligibility.check(
        form, year=year, person=person, unit=unit, confirmed=payload.confirmed
    )
    return _eligibility_out(eligibility.as_json(result))


# ---------------------------------------------------------------- proposals


def _proposal_row(proposal: Proposal, nominee_count: int) -> dict:
    return {
        "id": proposal.pk,
        "title": proposal.title,
        "form_id": proposal.form_id,
        "form_code": proposal.form.code,
        "form_name": proposal.form.name,
        "year": proposal.year,
        "unit_id": proposal.unit_id,
        "unit": _name_on(proposal.unit, _last_day(proposal.year)),
        "cluster_id": proposal.cluster_id,
        "cluster": proposal.cluster.name if proposal.cluster_id else None,
        "status": proposal.status,
        "status_label": str(proposal.get_status_display()),
        "nominee_count": nominee_count,
        "created_at": proposal.created_at,
    }


def _nominee_out(nominee: Nominee, day: datetime.date) -> dict:
    if nominee.person_id:
        code, name = nominee.person.code, nominee.person.full_name
    else:
        code, name = nominee.unit.code, _name_on(nominee.unit, day)
    initiatives = sorted(nominee.initiatives.all(), key=lambda i: (i.year, i.pk))
    return {
        "id": nominee.pk,
        "person_id": nominee.person_id,
        "unit_id": nominee.unit_id,
        "code": code,
        "name": name,
        "achievement": nominee.achievement,
        "initiative_ids": [i.pk for i in initiatives],
        "initiatives": [
            {
                "id": i.pk,
                "title": i.title,
                "year": i.year,
                "scope": i.scope,
                "scope_name": eligibility.SCOPE_NAMES.get(i.scope, i.scope),
                "recognized_by": i.recognized_by,
            }
            for i in initiatives
        ],
        "withdrawn": nominee.withdrawn,
        "verdict": proposal_services.verdict(nominee),
        "eligibility": _eligibility_out(nominee.eligibility),
        "eligibility_checked_at": nominee.eligibility_checked_at,
    }


def _proposal_out(user, proposal: Proposal) -> dict:
    proposal = (
        Proposal.objects.select_related("form", "unit", "cluster")
        .prefetch_related("unit__versions")
        .get(pk=proposal.pk)
    )
    day = _last_day(proposal.year)
    nominees = list(
        proposal.nominees.select_related("person", "unit")
        .prefetch_related("unit__versions", "initiatives")
        .order_by("pk")
    )
    acts = permissions.can_act_on_proposal(user, proposal)
    editable = acts and proposal.status in proposal_services.EDITABLE
    at_cluster = acts and proposal.status == ProposalStatus.AT_CLUSTER
    at_council = acts and proposal.status in (ProposalStatus.AT_COUNCIL, ProposalStatus.APPROVED)
    return {
        **_proposal_row(proposal, sum(1 for n in nominees if not n.withdrawn)),
        "summary": proposal.summary,
        "nominees": [_nominee_out(n, day) for n in nominees],
        "attachments": [
            {
                "id": a.pk,
                "kind": a.kind,
                "kind_label": str(a.get_kind_display()),
                "name": a.name,
                "uploaded_by": _person_name(a.uploaded_by),
                "uploaded_at": a.uploaded_at,
            }
            for a in proposal.attachments.select_related("uploaded_by").order_by("pk")
        ],
        "steps": [
            {
                "from_status": s.from_status,
                "to_status": s.to_status,
                "to_label": str(ProposalStatus(s.to_status).label),
                "actor": _person_name(s.actor),
                "at": s.at,
                "reason": s.reason,
            }
            for s in proposal_services.history(proposal)
        ],
        "decision_ids": list(proposal.decisions.order_by("pk").values_list("pk", flat=True)),
        "access": {
            "edit": editable,
            "attach": editable or at_cluster,
            "submit": editable,
            "withdraw": editable,
            "review": at_cluster,
            "return_proposal": at_cluster or at_council,
        },
    }


@router.get("/proposals", response=list[ProposalRowOut])
def list_proposals(
    request,
    status: str = "",
    year: int | None = None,
    limit: int = Query(200, le=PROPOSAL_LIMIT),  # noqa: B008
    offset: int = 0,
):
    """The dossiers the caller sees, newest year first."""
    found = (
        permissions.get_proposals_for_user(request.user)
        .select_related("form", "cluster", "unit")
        .prefetch_related("unit__versions")
        .annotate(active_nominees=Count("nominees", filter=Q(nominees__withdrawn=False)))
        .order_by("-year", "-created_at", "-pk")
    )
    if status:
        found = found.filter(status=status)
    if year is not None:
        found = found.filter(year=year)
    return [_proposal_row(p, p.active_nominees) for p in found[offset : offset + limit]]


@router.post("/proposals", response={201: ProposalOut, **REFUSED})
def create_proposal(request, payload: ProposalIn):
    """Lập hồ sơ đề nghị khen thưởng for a unit the caller proposes for (its officers or those
    above), for the version of the form in force for the year of the achievements."""
    user = request.user
    year = _body_year(payload.year)
    unit = permissions.get_unit_for_user(user, payload.unit_id, year)
    if not permissions.can_propose_for(user, unit, year):
        raise Http404("Không tìm thấy đơn vị.")
    form = eligibility.form_for(payload.form_code, year)
    cluster = None
    if payload.cluster_id is not None:
        cluster = Cluster.objects.filter(pk=payload.cluster_id).first()
        if cluster is None:
            raise RuleViolation(
                f"Không có cụm thi đua mã số {payload.cluster_id}.", field="cluster_id"
            )
    proposal = proposal_services.create_proposal(
        form=form,
        year=year,
        unit=unit,
        actor=user,
        title=payload.title,
        summary=payload.summary,
        cluster=cluster,
    )
    return Status(201, _proposal_out(user, proposal))


@router.get("/proposals/{proposal_id}", response=ProposalOut)
def proposal_detail(request, proposal_id: int):
    """The dossier: nominees with their stored eligibility check, files, and every step."""
    return _proposal_out(request.user, permissions.get_proposal_for_user(request.user, proposal_id))


def _step(user, proposal_id: int) -> Proposal:
    """The dossier, for whoever acts at its current step (as the pages)."""
    return permissions.get_proposal_step_for_user(user, proposal_id)


def _initiatives_of(user, initiative_ids: list[int]) -> list[Initiative]:
    """Initiatives of people the caller may look up, or 404 when one is not (the service
    judges whether the dossier may cite them)."""
    ids = set(initiative_ids)
    if not ids:
        return []
    found = list(
        Initiative.objects.filter(pk__in=ids, person__in=permissions.get_people_for_user(user))
    )
    if len(found) != len(ids):
        raise Http404("Không tìm thấy sáng kiến.")
    return found


@router.post("/proposals/{proposal_id}/nominees", response={201: NomineeOut, **REFUSED})
def add_nominee(request, proposal_id: int, payload: NomineeIn):
    """Add a person or a unit the caller may look up, with the person's initiatives the
    dossier cites (``initiative_ids``: their own, unused, for a form with a condition on
    initiatives, at most as many as it asks for); the eligibility check is run now and kept
    with the nominee."""
    user = request.user
    proposal = _step(user, proposal_id)
    person = unit = None
    if payload.person_id is not None:
        person = permissions.get_people_for_user(user).filter(pk=payload.person_id).first()
        if person is None:
            raise Http404("Không tìm thấy cá nhân.")
    if payload.unit_id is not None:
        unit = permissions.get_units_for_user(user).filter(pk=payload.unit_id).first()
        if unit is None:
            raise Http404("Không tìm thấy đơn vị.")
    nominee = proposal_services.add_nominee(
        proposal,
        actor=user,
        person=person,
        unit=unit,
        achievement=payload.achievement,
        initiatives=_initiatives_of(user, payload.initiative_ids),
    )
    return Status(201, _nominee_out(nominee, _last_day(proposal.year)))


def _nominee_of(proposal: Proposal, nominee_id: int) -> Nominee:
    nominee = (
        proposal.nominees.filter(pk=nominee_id)
        .select_related("person", "unit")
        .prefetch_related("initiatives")
        .first()
    )
    if nominee is None:
        raise Http404("Không tìm thấy người, tập thể được đề nghị.")
    nominee.proposal = proposal
    return nominee


@router.delete(
    "/proposals/{proposal_id}/nominees/{nominee_id}", response={200: ProposalOut, **REFUSED}
)
def remove_nominee(request, proposal_id: int, nominee_id: int):
    """Take a nominee out (kept, marked withdrawn, when a council already voted on them)."""
    proposal = _step(request.user, proposal_id)
    proposal_services.remove_nominee(_nominee_of(proposal, nominee_id), actor=request.user)
    return _proposal_out(request.user, proposal)


@router.patch(
    "/proposals/{proposal_id}/nominees/{nominee_id}", response={200: NomineeOut, **REFUSED}
)
def set_nominee_initiative(
    request, proposal_id: int, nominee_id: int, payload: NomineeInitiativeIn
):
    """Replace the initiatives the dossier cites for the person (empty: none) while the
    dossier is with the unit; the eligibility check is run again with them."""
    proposal = _step(request.user, proposal_id)
    nominee = proposal_services.set_initiatives(
        _nominee_of(proposal, nominee_id),
        initiatives=_initiatives_of(request.user, payload.initiative_ids),
        actor=request.user,
    )
    return _nominee_out(nominee, _last_day(proposal.year))


@router.post(
    "/proposals/{proposal_id}/nominees/{nominee_id}/recheck",
    response={200: NomineeOut, **REFUSED},
)
def recheck_nominee(request, proposal_id: int, nominee_id: int):
    """Run the eligibility check again (new data); the previous result stays in the audit."""
    proposal = _step(request.user, proposal_id)
    nominee = proposal_services.recheck_eligibility(_nominee_of(proposal, nominee_id), request.user)
    return _nominee_out(nominee, _last_day(proposal.year))


@router.post("/proposals/{proposal_id}/attachments", response={201: AttachmentOut, **REFUSED})
def attach(
    request,
    proposal_id: int,
    kind: str = Form(...),  # noqa: B008
    file: UploadedFile = File(...),  # noqa: B008
):
    """Attach a file (kind: submission = tờ trình, report = báo cáo thành tích, minutes =
    biên bản bình xét, other), at most 10 MB: the unit's side while the dossier is with it,
    the cluster's managers (their biên bản) while it is at the cluster."""
    proposal = _step(request.user, proposal_id)
    attachment = proposal_services.attach(proposal, kind=kind, upload=file, actor=request.user)
    return Status(
        201,
        {
            "id": attachment.pk,
            "kind": attachment.kind,
            "kind_label": str(attachment.get_kind_display()),
            "name": attachment.name,
            "uploaded_by": _person_name(attachment.uploaded_by),
            "uploaded_at": attachment.uploaded_at,
        },
    )


@router.get("/attachments/{attachment_id}")
def download_attachment(request, attachment_id: int):
    attachment = permissions.get_attachment_for_user(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp.") from None
    return FileResponse(handle, as_attachment=True, filename=Path(attachment.name).name)


@router.post("/proposals/{proposal_id}/submit", response={200: ProposalOut, **REFUSED})
def submit(request, proposal_id: int):
    """Gửi hồ sơ: to its cluster when it names one, else to the council. Needs a nominee, a
    tờ trình and no nominee found not eligible."""
    proposal = _step(request.user, proposal_id)
    proposal_services.submit(proposal, actor=request.user)
    return _proposal_out(request.user, proposal)


@router.post("/proposals/{proposal_id}/cluster-approve", response={200: ProposalOut, **REFUSED})
def cluster_approve(request, proposal_id: int, payload: ReviewIn):
    """The cluster has reviewed it (its biên bản bình xét attached) and passes it on."""
    proposal = _step(request.user, proposal_id)
    proposal_services.cluster_approve(proposal, actor=request.user, minutes_note=payload.note)
    return _proposal_out(request.user, proposal)


@router.post("/proposals/{proposal_id}/return", response={200: ProposalOut, **REFUSED})
def return_proposal(request, proposal_id: int, payload: ReasonIn):
    """Trả lại hồ sơ to the unit, with the reason, from the cluster or the council."""
    proposal = _step(request.user, proposal_id)
    proposal_services.return_proposal(proposal, actor=request.user, reason=payload.reason)
    return _proposal_out(request.user, proposal)


@router.post("/proposals/{proposal_id}/withdraw", response={200: ProposalOut, **REFUSED})
def withdraw(request, proposal_id: int, payload: ReasonIn):
    """Rút hồ sơ, with the reason, while it is with the unit."""
    proposal = _step(request.user, proposal_id)
    proposal_services.withdraw(proposal, actor=request.user, reason=payload.reason)
    return _proposal_out(request.user, proposal)


# ---------------------------------------------------------------- council


@router.get("/councils", response=list[CouncilOut])
def list_councils(request):
    """The councils whose secretariat the caller is part of, with their members."""
    return [
        {
            "id": council.pk,
            "name": council.name,
            "unit_id": council.unit_id,
            "quorum": dec(council.quorum),
            "max_rounds": council.max_rounds,
            "members": [
                {
                    "id": m.pk,
                    "full_name": m.full_name,
                    "position": m.position,
                    "unit_id": m.unit_id,
                    "person_id": m.person_id,
                    "active": m.active,
                }
                for m in council.members.order_by("pk")
            ],
        }
        for council in permissions.get_councils_for_user(request.user).order_by("pk")
    ]


def _nominee_name(nominee: Nominee, day: datetime.date) -> str:
    if nominee.person_id:
        return nominee.person.full_name
    return _name_on(nominee.unit, day)


def _tally_out(tally: Tally, name: str) -> dict:
    return {
        "id": tally.pk,
        "session_id": tally.session_id,
        "nominee_id": tally.nominee_id,
        "nominee": name,
        "round": tally.round,
        "yes": tally.yes,
        "no": tally.no,
        "blank": tally.blank,
        "members": tally.members,
        "threshold": dec(tally.threshold),
        "recused": [
            {"member_id": r["member"], "name": r["name"], "reason": r["reason"]}
            for r in tally.recused or []
        ],
        "passed": tally.passed,
    }


def _session_out(session: CouncilSession) -> dict:
    session = CouncilSession.objects.select_related("council").get(pk=session.pk)
    day = session.held_on
    met, present, total, required = council_services.quorum_met(session)
    attendance = {a.member_id: a for a in session.attendance.all()}
    tallies: dict[int, list[Tally]] = defaultdict(list)
    for tally in session.tallies.order_by("round", "pk"):
        tallies[tally.nominee_id].append(tally)
    blocks = []
    for proposal in session.proposals.select_related("form").order_by("pk"):
        rows = []
        for nominee in (
            proposal.nominees.filter(withdrawn=False)
            .select_related("person", "unit")
            .prefetch_related("unit__versions")
            .order_by("pk")
        ):
            name = _nominee_name(nominee, day)
            rows.append(
                {
                    "id": nominee.pk,
                    "name": name,
                    "tallies": [_tally_out(t, name) for t in tallies.get(nominee.pk, [])],
                }
            )
        blocks.append(
            {
                "id": proposal.pk,
                "title": proposal.title,
                "status": proposal.status,
                "form_code": proposal.form.code,
                "council_vote": proposal.form.council_vote,
                "nominees": rows,
            }
        )
    return {
        **_session_fields(session),
        "quorum": {"met": met, "present": present, "total": total, "required": required},
        "attendance": [
            {
                "member_id": m.pk,
                "name": m.full_name,
                "present": attendance[m.pk].present if m.pk in attendance else None,
                "written_vote": attendance[m.pk].written_vote if m.pk in attendance else False,
            }
            for m in session.council.members.filter(active=True).order_by("pk")
        ],
        "proposals": blocks,
    }


@router.get("/sessions", response=list[SessionRowOut])
def list_sessions(
    request,
    council_id: int | None = None,
    year: int | None = None,
    limit: int = Query(200, le=SESSION_LIMIT),  # noqa: B008
    offset: int = 0,
):
    """The sessions of the councils the caller acts for (as the pages: the council's side
    only; nobody else sees any), newest first; ``council_id`` one council (404 when the
    caller does not act for it), ``year`` the year the session was held."""
    user = request.user
    councils = permissions.get_councils_for_user(user)
    if council_id is not None:
        councils = councils.filter(pk=permissions.get_council_for_user(user, council_id).pk)
    found = (
        CouncilSession.objects.filter(council__in=councils)
        .select_related("council")
        .prefetch_related("proposals")
        .order_by("-held_on", "-pk")
    )
    if year is not None:
        found = found.filter(held_on__year=year)
    return [
        {
            **_session_fields(session),
            "proposal_ids": sorted(p.pk for p in session.proposals.all()),
        }
        for session in found[offset : offset + limit]
    ]


def _session_fields(session: CouncilSession) -> dict:
    """What a session's row and its full view share (SessionBase)."""
    return {
        "id": session.pk,
        "council_id": session.council_id,
        "council": session.council.name,
        "held_on": session.held_on,
        "place": session.place,
        "chair": session.chair,
        "secretary": session.secretary,
        "status": session.status,
        "status_label": str(session.get_status_display()),
    }


@router.post("/sessions", response={201: SessionOut, **REFUSED})
def open_session(request, payload: SessionIn):
    """Mở phiên họp of a council the caller acts for, on dossiers at the council."""
    user = request.user
    council = permissions.get_council_for_user(user, payload.council_id)
    chosen = [
        permissions.get_proposal_for_user(user, pk) for pk in dict.fromkeys(payload.proposal_ids)
    ]
    session = council_services.open_session(
        council,
        held_on=payload.held_on,
        place=payload.place,
        proposals=chosen,
        actor=user,
        chair=payload.chair,
        secretary=payload.secretary,
    )
    return Status(201, _session_out(session))


@router.get("/sessions/{session_id}", response=SessionOut)
def session_detail(request, session_id: int):
    """Attendance, quorum, and each nominee's tallies: the council's side only."""
    return _session_out(permissions.get_session_for_user(request.user, session_id))


@router.post("/sessions/{session_id}/attendance", response={200: SessionOut, **REFUSED})
def record_attendance(request, session_id: int, payload: AttendanceIn):
    """Điểm danh: present, or absent with or without a written vote."""
    session = permissions.get_session_for_user(request.user, session_id, write=True)
    member = CouncilMember.objects.filter(pk=payload.member_id, council=session.council).first()
    if member is None:
        raise Http404("Không tìm thấy thành viên.")
    council_services.record_attendance(
        session,
        member,
        present=payload.present,
        written_vote=payload.written_vote,
        actor=request.user,
    )
    return _session_out(session)


@router.post("/sessions/{session_id}/tallies", response={201: TallyOut, **REFUSED})
def record_tally(request, session_id: int, payload: TallyIn):
    """Kết quả kiểm phiếu of one nominee in one round (at most the council's maximum, two):
    the share is counted on all members less those recused, against the form's threshold."""
    session = permissions.get_session_for_user(request.user, session_id, write=True)
    nominee = (
        Nominee.objects.filter(pk=payload.nominee_id, proposal__sessions=session)
        .select_related("proposal__form", "person", "unit")
        .prefetch_related("unit__versions")
        .first()
    )
    if nominee is None:
        raise Http404("Không tìm thấy người, tập thể được đề nghị.")
    tally = council_services.record_tally(
        session,
        nominee,
        round=payload.round,
        yes=payload.yes,
        no=payload.no,
        blank=payload.blank,
        actor=request.user,
    )
    return Status(201, _tally_out(tally, _nominee_name(nominee, session.held_on)))


@router.post("/sessions/{session_id}/close", response={200: CloseOut, **REFUSED})
def close_session(request, session_id: int):
    """Kết thúc phiên họp: a dossier with a nominee who passed is approved, one with none is
    returned with the reason."""
    session = permissions.get_session_for_user(request.user, session_id, write=True)
    result = council_services.close_session(session, actor=request.user)
    return {
        "session": _session_out(session),
        "approved": [p.pk for p in result["approved"]],
        "returned": [p.pk for p in result["returned"]],
        "skipped": [p.pk for p in result["skipped"]],
        "passed": {str(k): [n.pk for n in v] for k, v in result["passed"].items()},
        "failed": {str(k): [n.pk for n in v] for k, v in result["failed"].items()},
    }


@router.get("/sessions/{session_id}/minutes.docx")
def session_minutes(request, session_id: int):
    """Biên bản họp Hội đồng as a Word document in the Party's format."""
    session = permissions.get_session_for_user(request.user, session_id)
    return _file(
        documents.minutes_docx(session),
        DOCX,
        f"bien-ban-hoi-dong-{session.held_on:%Y-%m-%d}.docx",
    )


# ---------------------------------------------------------------- decisions


def _decision_row(decision: Decision) -> dict:
    return {
        "id": decision.pk,
        "reference": decision.reference,
        "number": decision.number,
        "kind": decision.kind,
        "issuer_code": decision.issuer_code,
        "year": decision.year,
        "signed_on": decision.signed_on,
        "summary": decision.summary,
    }


def _award_out(award: Award, day: datetime.date) -> dict:
    if award.person_id:
        code, name = award.person.code, award.person.full_name
    else:
        code, name = award.unit.code, _name_on(award.unit, day)
    initiatives = sorted(award.initiatives.all(), key=lambda i: (i.year, i.pk))
    return {
        "id": award.pk,
        "decision_id": award.decision_id,
        "form_code": award.form.code,
        "form_name": award.form.name,
        "year": award.year,
        "person_id": award.person_id,
        "unit_id": award.unit_id,
        "code": code,
        "name": name,
        "nominee_id": award.nominee_id,
        "proposal_id": award.nominee.proposal_id if award.nominee_id else None,
        "initiative_ids": [i.pk for i in initiatives],
        "initiatives": [i.title for i in initiatives],
        "revoked": award.is_revoked,
        "revoked_at": award.revoked_at,
        "revoked_reason": award.revoked_reason,
    }


def _decision_out(decision: Decision) -> dict:
    decision = Decision.objects.get(pk=decision.pk)
    day = decision.signed_on
    awards = [
        _award_out(a, day)
        for a in decision.awards.select_related("form", "person", "unit", "nominee")
        .prefetch_related("unit__versions", "initiatives")
        .order_by("pk")
    ]
    # Collectives first, then people by given name (as the decision's list of awardees).
    awards.sort(
        key=lambda a: (
            (1, person_sort_key(a["name"]))
            if a["person_id"]
            else (0, (sort_key(a["name"]), sort_key("")))
        )
    )
    return {
        **_decision_row(decision),
        "citation": decision_services.decision_citation(decision),
        "issuer": decision.issuer,
        "parent_issuer": decision.parent_issuer,
        "place": decision.place,
        "signer": decision.signer,
        "signer_title": decision.signer_title,
        "signer_prefix": decision.signer_prefix,
        "proposal_ids": list(decision.proposals.order_by("pk").values_list("pk", flat=True)),
        "awards": awards,
        "standing": sum(1 for a in awards if not a["revoked"]),
    }


@router.get("/decisions", response=list[DecisionRowOut])
def list_decisions(request):
    """Every decision for the council's side; else those of the dossiers the caller sees."""
    user = request.user
    if permissions.can_act_for_council(user):
        found = Decision.objects.all()
    else:
        found = Decision.objects.filter(
            proposals__in=permissions.get_proposals_for_user(user)
        ).distinct()
    return [_decision_row(d) for d in found.order_by("-signed_on", "-number")]


@router.post("/decisions", response={201: DecisionOut, **REFUSED})
def issue_decision(request, payload: DecisionIn):
    """Ban hành quyết định khen thưởng for dossiers the council approved: one award per
    nominee who passed; the number is the next free one unless given."""
    user = request.user
    if not permissions.can_act_for_council(user):
        raise Http404("Không tìm thấy trang.")
    chosen = [
        permissions.get_proposal_for_user(user, pk) for pk in dict.fromkeys(payload.proposal_ids)
    ]
    decision = decision_services.issue_decision(
        chosen,
        actor=user,
        signed_on=payload.signed_on,
        signer=payload.signer,
        signer_title=payload.signer_title,
        summary=payload.summary,
        issuer=payload.issuer,
        parent_issuer=payload.parent_issuer,
        issuer_code=payload.issuer_code,
        place=payload.place,
        number=payload.number,
        signer_prefix=payload.signer_prefix,
        kind=payload.kind,
    )
    return Status(201, _decision_out(decision))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def decision_detail(request, decision_id: int):
    """The decision ("Số 123-QĐ/BTCTW") and its awardees, revoked ones marked."""
    return _decision_out(permissions.get_decision_for_user(request.user, decision_id))


@router.post("/decisions/{decision_id}/revoke", response={200: DecisionOut, **REFUSED})
def revoke_decision(request, decision_id: int, payload: ReasonIn):
    """Thu hồi the whole decision: every award still standing is marked, nothing deleted."""
    decision = permissions.get_decision_for_user(request.user, decision_id, write=True)
    decision_services.revoke_decision(decision, reason=payload.reason, actor=request.user)
    return _decision_out(decision)


@router.post(
    "/decisions/{decision_id}/awards/{award_id}/revoke", response={200: AwardOut, **REFUSED}
)
def revoke_award(request, decision_id: int, award_id: int, payload: ReasonIn):
    """Thu hồi one award, with the reason; the row stays, marked."""
    award = permissions.get_award_for_user(request.user, decision_id, award_id, write=True)
    decision_services.revoke(award, reason=payload.reason, actor=request.user)
    award = (
        Award.objects.select_related("form", "person", "unit", "nominee", "decision")
        .prefetch_related("unit__versions", "initiatives")
        .get(pk=award.pk)
    )
    return _award_out(award, award.decision.signed_on)


def _pdf_available() -> None:
    problem = certificates.pdf_unavailable()
    if problem:
        raise HttpError(503, problem)


@router.get(
    "/decisions/{decision_id}/awards/{award_id}/certificate.pdf",
    response={200: None, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
)
def award_certificate(request, decision_id: int, award_id: int):
    """The certificate (Giấy khen, Bằng khen…) of one award as PDF; none for a revoked one."""
    award = permissions.get_award_for_user(request.user, decision_id, award_id)
    _pdf_available()
    content = certificates.certificate_pdf(award)
    decision = award.decision
    return _file(content, PDF, f"bang-{decision.number}-{decision.year}-{award.pk}.pdf")


@router.get(
    "/decisions/{decision_id}/certificates.pdf",
    response={200: None, 404: ErrorOut, 422: ErrorOut, 503: ErrorOut},
)
def decision_certificates(request, decision_id: int):
    """Every certificate of the decision still standing, one page each."""
    decision = permissions.get_decision_for_user(request.user, decision_id)
    _pdf_available()
    content = certificates.decision_certificates_pdf(decision)
    return _file(content, PDF, f"bang-quyet-dinh-{decision.number}-{decision.year}.pdf")


__all__ = ["router"]
