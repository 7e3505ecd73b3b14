"""The person registry (hồ sơ thành tích): one record per person with their classifications,
titles and awards, initiatives and exclusions over the years, linked rather than copied.

Rules:
- an award received in the past is recorded with its source (decision number, date...),
  against the version of the form in force that year; the subject (person or unit) must be
  the form's; an award of the same form (any version), year and subject that is not revoked
  is refused as a duplicate (a revoked one may be recorded again);
- an initiative counts for one title or award only: an initiative already used is refused,
  and so is another person's initiative or one recognized after the award's year;
- an award is revoked with a reason, never deleted: the row stays, marked, and keeps its
  initiatives (``Initiative.award``: a revoked award does not give them back);
- a person is created and their details (code, name, gender, birth year, unit) are changed
  by one function each (:func:`create_person`, :func:`update_person`); the code is the key
  imports match on, so a code already taken — ignoring case, "hy000001" = "HY000001" — is
  refused, as are a blank name, an unknown gender, a birth year outside 1900..this year and
  a unit that no longer exists today. Who may do it is the pages' check
  (commendation.permissions.can_record_for on the unit);
- search (:func:`search_people`) ignores case and diacritics ("nguyen van an" finds
  "Nguyễn Văn An"; each word typed must start a word of the name) and matches a code; it
  runs in SQL on a key computed per row (no stored key column yet: a sequential scan on a
  national table);
- every write is one transaction with its audit entry; a refusal changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone, translation

from commendation.models import (
    LEVEL_ABBREVIATIONS,
    Award,
    Exclusion,
    Form,
    Gender,
    Initiative,
    Level,
    Person,
    PersonClassification,
    Subject,
)
from commendation.services.eligibility import (
    INITIATIVE_SCOPES,
    SCOPE_NAMES,
    citation_text,
    citations,
)
from commendation.services.rules import level_name
from commendation.services.streaks import person_streak
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.text import name_key, normalize, person_sort_key, search_key
from organizations.models import Unit

FIRST_YEAR = 1945
FIRST_BIRTH_YEAR = 1900
CODE_MAX = Person._meta.get_field("code").max_length
NAME_MAX = Person._meta.get_field("full_name").max_length
PERSON_FIELDS = ["code", "full_name", "gender", "birth_year", "unit"]
SOURCE_MAX = Award._meta.get_field("source").max_length
TITLE_MAX = Initiative._meta.get_field("title").max_length
RECOGNIZED_BY_MAX = Initiative._meta.get_field("recognized_by").max_length


def _this_year() -> int:
    return timezone.localdate().year


def _check_year(year: int, what: str) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise RuleViolation(f"Năm {what} không hợp lệ.", field="year") from None
    if not FIRST_YEAR <= year <= _this_year():
        raise RuleViolation(
            f"Năm {what} phải từ {FIRST_YEAR} đến năm hiện tại ({_this_year()}), không phải "
            f"{year}.",
            field="year",
        )
    return year


def _use_text(award: Award) -> str:
    return f"“{award.form.name}” năm {award.year}"


def record_award(
    form: Form,
    year: int,
    *,
    person: Person | None = None,
    unit: Unit | None = None,
    actor,
    source: str = "",
    initiatives: Iterable[Initiative] = (),
) -> Award:
    """Record a title or award received in the past (from outside this system's decisions),
    with its ``source`` and the initiatives it used (each then held by it). Refuses (with
    nothing saved) a missing source, a subject that is not the form's, a form version not in
    force that year, a duplicate, and an initiative that is not the person's, is later than
    the year, or was already used."""
    source = normalize(source)
    if not source:
        raise RuleViolation(
            "Ghi rõ nguồn (số, ngày quyết định khen thưởng hoặc văn bản) khi ghi nhận khen "
            "thưởng từ trước.",
            field="source",
        )
    if len(source) > SOURCE_MAX:
        raise RuleViolation(f"Nguồn dài quá {SOURCE_MAX} ký tự.", field="source")
    if (person is None) == (unit is None):
        raise RuleViolation("Chọn đúng một cá nhân hoặc một tập thể được khen thưởng.")
    if form.subject == Subject.PERSON and person is None:
        raise RuleViolation(f"“{form.name}” chỉ tặng cho cá nhân.", field="person")
    if form.subject == Subject.UNIT and unit is None:
        raise RuleViolation(f"“{form.name}” chỉ tặng cho tập thể.", field="unit")
    year = _check_year(year, "khen thưởng")
    day = datetime.date(year, 12, 31)
    if form.valid_from > day or (form.valid_to is not None and form.valid_to < day):
        raise RuleViolation(
            f"Phiên bản “{form.name}” ({form.citation}) không có hiệu lực năm {year}: chọn "
            "phiên bản của năm đó.",
            field="form",
        )
    if unit is not None and not (
        Unit.objects.filter(pk=unit.pk).existing_during(datetime.date(year, 1, 1), day).exists()
    ):
        raise RuleViolation(f"Đơn vị “{unit}” không tồn tại trong năm {year}.", field="unit")
    ids = list(dict.fromkeys(i.pk for i in initiatives))
    if ids and person is None:
        raise RuleViolation("Sáng kiến chỉ gắn với khen thưởng cá nhân.", field="initiatives")
    with transaction.atomic():
        same = Award.objects.filter(form__code=form.code, year=year, revoked_at__isnull=True)
        same = same.filter(person=person) if person is not None else same.filter(unit=unit)
        if same.exists():
            who = person.full_name if person is not None else str(unit)
            raise RuleViolation(
                f"{who} đã có “{form.name}” năm {year} trong hồ sơ thành tích.", field="year"
            )
        locked = list(
            Initiative.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .select_related("award__form")
            .order_by("pk")
        )
        if len(locked) != len(ids):
            raise RuleViolation("Không tìm thấy sáng kiến.", field="initiatives")
        for initiative in locked:
            if initiative.person_id != person.pk:
                raise RuleViolation(
                    f"Sáng kiến “{initiative.title}” không phải của {person.full_name}.",
                    field="initiatives",
                )
            if initiative.year > year:
                raise RuleViolation(
                    f"Sáng kiến “{initiative.title}” được công nhận năm {initiative.year}, sau "
                    f"năm khen thưởng {year}.",
                    field="initiatives",
                )
            if initiative.award_id is not None:
                raise RuleViolation(
                    f"Sáng kiến “{initiative.title}” đã được dùng cho "
                    f"{_use_text(initiative.award)}: mỗi sáng kiến chỉ dùng cho một danh hiệu "
                    "hoặc hình thức khen thưởng.",
                    field="initiatives",
                )
        award = Award.objects.create(form=form, year=year, person=person, unit=unit, source=source)
        # Only an initiative no award holds is taken (the rows are locked above).
        if Initiative.objects.filter(pk__in=ids, award__isnull=True).update(award=award) != len(
            ids
        ):
            raise RuleViolation(
                "Sáng kiến vừa được dùng cho khen thưởng khác: mỗi sáng kiến chỉ dùng một lần.",
                field="initiatives",
            )
        audit.record(
            actor,
            AuditEntry.Action.CREATE,
            award,
            after={**audit.snapshot(award), "initiative_ids": ids},
            reason=f"Ghi nhận khen thưởng từ trước: {source}",
        )
        for initiative in locked:
            before = audit.snapshot(initiative, ["award"])
            initiative.award = award
            audit.record(
                actor,
                AuditEntry.Action.UPDATE,
                initiative,
                before=before,
                after=audit.snapshot(initiative, ["award"]),
                reason=f"Dùng cho {_use_text(award)}: {source}",
            )
    return award


def record_initiative(
    person: Person,
    *,
    title: str,
    year: int,
    scope: str,
    actor,
    recognized_by: str = "",
) -> Initiative:
    """Record a person's recognized initiative (sáng kiến) at a scope: "unit" (cơ sở),
    "province" (cấp bộ, tỉnh) or "national" (toàn quốc). The same title twice in one year for
    one person is refused."""
    title = normalize(title)
    recognized_by = normalize(recognized_by)
    if not title:
        raise RuleViolation("Nhập tên sáng kiến.", field="title")
    if len(title) > TITLE_MAX:
        raise RuleViolation(f"Tên sáng kiến dài quá {TITLE_MAX} ký tự.", field="title")
    if len(recognized_by) > RECOGNIZED_BY_MAX:
        raise RuleViolation(
            f"Tên cơ quan công nhận dài quá {RECOGNIZED_BY_MAX} ký tự.", field="recognized_by"
        )
    if scope not in INITIATIVE_SCOPES:
        names = ", ".join(f"{SCOPE_NAMES[s]} ({s})" for s in INITIATIVE_SCOPES)
        raise RuleViolation(
            f"Phạm vi ảnh hưởng “{scope}” không hợp lệ; chọn một trong: {names}.", field="scope"
        )
    year = _check_year(year, "công nhận sáng kiến")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        key = name_key(title)
        for existing in Initiative.objects.filter(person=person, year=year).only("title"):
            if name_key(existing.title) == key:
                raise RuleViolation(
                    f"{person.full_name} đã có sáng kiến “{existing.title}” năm {year}.",
                    field="title",
                )
        initiative = Initiative.objects.create(
            person=person, title=title, year=year, scope=scope, recognized_by=recognized_by
        )
        audit.record(actor, AuditEntry.Action.CREATE, initiative)
    return initiative


def revoke_award(award: Award, *, reason: str, actor) -> Award:
    """Revoke an award (thu hồi) with a reason. The row stays, marked; nothing is deleted."""
    reason = normalize(reason)
    if not reason:
        raise RuleViolation("Ghi rõ lý do thu hồi.", field="reason")
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("form").get(pk=award.pk)
        if award.revoked_at is not None:
            raise RuleViolation(
                f"“{award.form.name}” năm {award.year} đã bị thu hồi ngày "
                f"{timezone.localtime(award.revoked_at):%d/%m/%Y}.",
            )
        fields = ["revoked_at", "revoked_reason", "revoked_by"]
        before = audit.snapshot(award, fields)
        award.revoked_at = timezone.now()
        award.revoked_reason = reason
        award.revoked_by = actor if getattr(actor, "pk", None) else None
        award.save(update_fields=fields)
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            award,
            before=before,
            after=audit.snapshot(award, fields),
            reason=f"Thu hồi: {reason}",
        )
    return award


def _unit_name(unit: Unit, year: int) -> str:
    version = unit.version_on(datetime.date(year, 12, 31)) or unit.latest_version
    return version.name if version else unit.code


def dossier(person: Person) -> dict[str, Any]:
    """The person's hồ sơ thành tích: classifications (year, level, the unit at the time, the
    rule set), awards (revoked ones included and marked, with the initiatives each used),
    initiatives (the award that used each, or the live dossier that cites it), exclusions,
    and the streaks at HTXSNV and at HTTNV or better up to the last year classified. Plain
    data for pages, documents and the API."""
    with translation.override("vi"):
        classifications = []
        rows = (
            PersonClassification.objects.filter(person=person)
            .select_related("unit", "rule_set", "decided_by")
            .prefetch_related("unit__versions", "decided_by__versions", "rule_set__disqualifiers")
            .order_by("year")
        )
        for row in rows:
            titles = {d.code: d.title for d in row.rule_set.disqualifiers.all()}
            classifications.append(
                {
                    "year": row.year,
                    "level": row.level,
                    "level_name": level_name(row.level),
                    "abbreviation": LEVEL_ABBREVIATIONS[Level(row.level)],
                    "exemplary": row.exemplary,
                    "score": row.score,
                    "unit": row.unit,
                    "unit_name": _unit_name(row.unit, row.year),
                    "rule_set": f"Quy định {row.rule_set.code}",
                    "disqualifiers": [
                        titles.get(code, code) for code in row.disqualifiers.split(";") if code
                    ],
                    "decided_by": (_unit_name(row.decided_by, row.year) if row.decided_by else ""),
                    "decided_on": row.decided_on,
                }
            )
        awards = []
        for award in (
            Award.objects.filter(person=person)
            .select_related("form", "decision", "revoked_by")
            .prefetch_related(
                Prefetch("initiatives", queryset=Initiative.objects.order_by("year", "pk"))
            )
            .order_by("year", "form__name", "pk")
        ):
            label = f"{award.form.name} năm {award.year}"
            if award.is_revoked:
                label += f" (đã thu hồi ngày {timezone.localtime(award.revoked_at):%d/%m/%Y})"
            used = list(award.initiatives.all())
            awards.append(
                {
                    "award": award,
                    "form": award.form,
                    "code": award.form.code,
                    "name": award.form.name,
                    "year": award.year,
                    "decision": award.decision.reference if award.decision_id else "",
                    "source": award.source,
                    "initiatives": [i.title for i in used],
                    "initiative_ids": [i.pk for i in used],
                    "revoked": award.is_revoked,
                    "revoked_at": award.revoked_at,
                    "revoked_reason": award.revoked_reason,
                    "label": label,
                }
            )
        initiatives = []
        found = list(
            Initiative.objects.filter(person=person)
            .select_related("award__form")
            .order_by("year", "pk")
        )
        cited = citations(i.pk for i in found if i.award_id is None)
        for item in found:
            used = item.award
            nominee = cited.get(item.pk)
            initiatives.append(
                {
                    "initiative": item,
                    "title": item.title,
                    "year": item.year,
                    "scope": item.scope,
                    "scope_name": SCOPE_NAMES.get(item.scope, item.scope),
                    "recognized_by": item.recognized_by,
                    "used_award": used,
                    "used_for": f"{used.form.name} năm {used.year}" if used else "",
                    "cited_in": nominee.proposal if nominee else None,
                    "cited_text": citation_text(nominee) if nominee else "",
                }
            )
        exclusions = [
            {
                "exclusion": item,
                "kind": item.kind,
                "kind_name": item.get_kind_display(),
                "starts_on": item.starts_on,
                "ends_on": item.ends_on,
                "note": item.note,
            }
            for item in Exclusion.objects.filter(person=person).order_by("starts_on", "pk")
        ]
        until = classifications[-1]["year"] if classifications else _this_year()
        streaks = {
            "excellent": person_streak(person, level=Level.EXCELLENT, until_year=until),
            "good": person_streak(person, level=Level.GOOD, until_year=until),
        }
    return {
        "person": person,
        "classifications": classifications,
        "awards": awards,
        "initiatives": initiatives,
        "exclusions": exclusions,
        "streaks": streaks,
    }


# --- the registry: search, create, edit --------------------------------------------------------


def search_people(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """``people`` whose name has a word starting with each word of ``query``, ignoring case
    and diacritics ("nguyen van an" finds "Nguyễn Văn An"; "an nguyen" and "nguy an" too;
    "an" does not find "Văn"), or whose code is ``query`` (as typed or in capitals). An empty
    query finds nobody. Filtered in SQL on the stored ``Person.name_search`` (a trigram index
    on PostgreSQL serves it, and the code's unique index the code), unordered."""
    query = normalize(query)
    words = search_key(query).split()
    if not words:
        return people.none()
    by_name = Q()
    for word in words:  # the start of a word: "an" finds "An", "Anh", not "Văn"
        by_name &= Q(name_search__contains=f" {word}")
    codes = {query, query.upper()}
    return people.filter(by_name | Q(code__in=codes))


def find_people(people: QuerySet[Person], query: str, limit: int) -> tuple[list[Person], bool]:
    """At most ``limit`` of ``people`` matching ``query`` (:func:`search_people`), taken in
    the order they were added and listed by given name, and whether more matched (the pages
    and the API then ask for a narrower search)."""
    if not normalize(query):
        return [], False
    rows = list(
        search_people(people, query)
        .select_related("unit")
        .prefetch_related("unit__versions")
        .order_by("pk")[: limit + 1]
    )
    return sorted(rows[:limit], key=lambda p: person_sort_key(p.full_name)), len(rows) > limit


def _check_details(
    *, code: str, full_name: str, gender: str, birth_year: int | None, unit: Unit | None
) -> tuple[str, str, str, int | None]:
    code, full_name, gender = normalize(code), normalize(full_name), gender or ""
    if not code:
        raise RuleViolation("Nhập mã đảng viên / cán bộ.", field="code")
    if " " in code:
        raise RuleViolation(f"Mã “{code}” không được có dấu cách.", field="code")
    if len(code) > CODE_MAX:
        raise RuleViolation(f"Mã dài quá {CODE_MAX} ký tự.", field="code")
    if not full_name:
        raise RuleViolation("Nhập họ và tên.", field="full_name")
    if len(full_name) > NAME_MAX:
        raise RuleViolation(f"Họ và tên dài quá {NAME_MAX} ký tự.", field="full_name")
    if gender not in ("", *Gender.values):
        raise RuleViolation(f"Giới tính “{gender}” không hợp lệ.", field="gender")
    if birth_year is not None:
        try:
            birth_year = int(birth_year)
        except (TypeError, ValueError):
            raise RuleViolation("Năm sinh không hợp lệ.", field="birth_year") from None
        if not FIRST_BIRTH_YEAR <= birth_year <= _this_year():
            raise RuleViolation(
                f"Năm sinh phải từ {FIRST_BIRTH_YEAR} đến năm hiện tại ({_this_year()}), "
                f"không phải {birth_year}.",
                field="birth_year",
            )
    if (
        unit is not None
        and not Unit.objects.filter(pk=unit.pk).as_of(timezone.localdate()).exists()
    ):
        raise RuleViolation(
            f"Đơn vị “{unit}” không còn tồn tại: chọn đơn vị hiện nay (sau sáp nhập, chia tách).",
            field="unit",
        )
    return code, full_name, gender, birth_year


def refuse_taken_code(code: str, *, other_than: Person | None = None) -> None:
    # iexact is ASCII-only on SQLite (and in a C locale on PostgreSQL): the whole code in
    # capitals or in small letters is compared as well ("hư1" = "HƯ1").
    same = {code, code.upper(), code.lower()}
    taken = Person.objects.filter(Q(code__iexact=code) | Q(code__in=same))
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    holder = taken.select_related("unit").first()
    if holder is not None:
        where = f", sinh hoạt tại {holder.unit}" if holder.unit_id else ""
        raise RuleViolation(
            f"Mã “{code}” đã được dùng cho {holder.full_name} (mã {holder.code}{where}): "
            "mỗi người chỉ có một hồ sơ.",
            field="code",
        )


def create_person(
    *,
    code: str,
    full_name: str,
    unit: Unit | None,
    actor,
    gender: str = "",
    birth_year: int | None = None,
) -> Person:
    """Add a person to the registry (one record for their whole history)."""
    code, full_name, gender, birth_year = _check_details(
        code=code, full_name=full_name, gender=gender, birth_year=birth_year, unit=unit
    )
    with transaction.atomic():
        refuse_taken_code(code)
        try:
            with transaction.atomic():
                person = Person.objects.create(
                    code=code,
                    full_name=full_name,
                    gender=gender,
                    birth_year=birth_year,
                    unit=unit,
                )
        except IntegrityError:  # the same code saved meanwhile by someone else
            raise RuleViolation(
                f"Mã “{code}” vừa được dùng cho người khác.", field="code"
            ) from None
        audit.record(actor, AuditEntry.Action.CREATE, person, reason="Thêm cá nhân vào hồ sơ.")
    return person


def update_person(
    person: Person,
    *,
    code: str,
    full_name: str,
    unit: Unit | None,
    actor,
    gender: str = "",
    birth_year: int | None = None,
) -> Person:
    """Change a person's details. Their classifications keep the unit of their year; the
    unit here is where they belong now (a unit that no longer exists is refused only as a new
    unit, so a person of a merged unit can still be corrected). Nothing changed: nothing
    written."""
    moved = unit is not None and unit.pk != person.unit_id
    code, full_name, gender, birth_year = _check_details(
        code=code,
        full_name=full_name,
        gender=gender,
        birth_year=birth_year,
        unit=unit if moved else None,
    )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        before = audit.snapshot(person, PERSON_FIELDS)
        if code != person.code:
            refuse_taken_code(code, other_than=person)
        person.code, person.full_name, person.gender = code, full_name, gender
        person.birth_year, person.unit = birth_year, unit
        after = audit.snapshot(person, PERSON_FIELDS)
        if after == before:
            return person
        try:
            with transaction.atomic():
                person.save(update_fields=PERSON_FIELDS)
        except IntegrityError:
            raise RuleViolation(
                f"Mã “{code}” vừa được dùng cho người khác.", field="code"
            ) from None
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            person,
            before=before,
            after=after,
            reason="Sửa thông tin cá nhân.",
        )
    return person
