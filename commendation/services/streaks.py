"""Streaks ("n năm liền") of quality classification, for units and people (issue 4 §2).

Rules:
- a streak at ``level`` ending at ``until_year`` is the run of consecutive years, counted
  back from ``until_year``, each with a result at ``level`` or better (lower is better);
  ``exemplary_only`` also requires the result to be "tiêu biểu";
- a year without a result breaks the streak and the explanation says that data is missing
  (never a silent pass); a year before a unit existed (and with no predecessor) ends it too;
- a person keeps one history across moves between units: ``PersonClassification`` rows are
  keyed on the person, the unit of each year is only shown;
- across lineage (merge, split): a unit's own result for a year always counts for itself.
  For a year in which the unit had no result and did not yet exist on 1 January, its direct
  predecessors that still existed that year (their link took effect after 1 January) are
  consulted, recursively, according to ``MergePolicy``:
  - ``ALL_PREDECESSORS`` (default): the year counts only when EVERY such predecessor has
    it at the level or better; one below breaks it; one without data makes it missing;
  - ``ANY_PREDECESSOR``: the year counts when at least one predecessor has it;
  - ``OWN_ONLY``: predecessors never count; the streak stops at the unit's first year.
  A unit that absorbed others and continues (Hải Phòng absorbing Hải Dương) existed in
  every earlier year, so its own history decides and the absorbed units neither extend
  nor break its streak. The year a predecessor contributes is recorded with its level (the
  worst of the predecessors for ALL, the best qualifying one for ANY) and a note naming the
  units ("từ Đảng bộ tỉnh Hải Dương và Đảng bộ thành phố Hải Phòng trước hợp nhất").

``people_streaks`` finds everyone's streak in one set-based window query (gaps and islands:
``year − row_number() over (partition by person order by year)`` is constant along a run).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models import Case, When
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from commendation.models import (
    LEVEL_ABBREVIATIONS,
    Level,
    Person,
    PersonClassification,
    UnitClassification,
)
from commendation.services.rollups import subtree_cte
from organizations.models import LineageEvent, LineageLink, Unit, UnitVersion
from organizations.services import registry


class MergePolicy(models.TextChoices):
    OWN_ONLY = "own_only", _("Chỉ tính các năm của chính đơn vị")
    ALL_PREDECESSORS = (
        "all_predecessors",
        _("Năm trước khi hợp nhất chỉ tính khi mọi đơn vị tiền thân đều đạt (mặc định)"),
    )
    ANY_PREDECESSOR = (
        "any_predecessor",
        _("Năm trước khi hợp nhất được tính khi có một đơn vị tiền thân đạt"),
    )


OWN_NOTE = "của chính đơn vị"
MAX_LINEAGE_DEPTH = 20
MISSING = "thiếu dữ liệu"


@dataclass
class StreakYear:
    year: int
    level: int
    source: Unit | Person  # the unit whose result it is (the first, when several)
    note: str  # "của chính đơn vị", "từ A và B trước hợp nhất", "tại Chi bộ ..."
    sources: list[Unit] = field(default_factory=list)  # every unit whose result made the year
    exemplary: bool = False


@dataclass
class Streak:
    subject: Unit | Person
    level: int
    length: int
    first_year: int | None  # None when length is 0
    last_year: int | None
    years: list[StreakYear]  # oldest first
    policy: str  # a MergePolicy value; "" for a person
    explanation: str
    exemplary_only: bool = False
    until_year: int = 0
    break_year: int | None = None  # the year that ended the run
    break_reason: str = ""
    data_missing: bool = False  # the run ended on a year without data

    @property
    def title(self) -> str:
        """ "Hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền (2017–2021)", or "" if none."""
        if not self.length:
            return ""
        return f"{level_title(self.level, self.exemplary_only)} {_span(self)}"


def level_title(level: int, exemplary_only: bool = False) -> str:
    from commendation.services.rules import level_name

    text = level_name(level)  # explanations are Vietnamese sentences, whatever the UI language
    if exemplary_only:
        text += " tiêu biểu"
    if level > Level.EXCELLENT:
        text += " trở lên"
    return text


def _span(streak: Streak) -> str:
    if streak.length == 1:
        return f"năm {streak.first_year}"
    return f"{streak.length} năm liền ({streak.first_year}–{streak.last_year})"


def _years_text(years: list[int]) -> str:
    return f"năm {years[0]}" if len(years) == 1 else f"các năm {years[0]}–{years[-1]}"


def _explain(streak: Streak) -> str:
    """Headline, then which years came from where, then why the run stopped."""
    parts: list[str] = []
    if streak.length:
        parts.append(f"{streak.title}.")
        groups: list[tuple[str, list[int]]] = []
        for item in streak.years:
            if groups and groups[-1][0] == item.note:
                groups[-1][1].append(item.year)
            else:
                groups.append((item.note, [item.year]))
        sources = "; ".join(f"{_years_text(years)}: {note}" for note, years in groups)
        parts.append(f"{sources[0].upper()}{sources[1:]}.")
        lead = "Chuỗi dừng ở năm"
    else:
        title = level_title(streak.level, streak.exemplary_only)
        parts.append(f"Không có chuỗi năm liền {title} tính đến năm {streak.until_year}.")
        lead = "Năm"
    if streak.break_year is not None:
        prefix = f"{MISSING} — " if streak.data_missing else ""
        parts.append(f"{lead} {streak.break_year}: {prefix}{streak.break_reason}.")
    return " ".join(parts)


# --- units -------------------------------------------------------------------------------

OK, BELOW, MISSING_DATA, EXCLUDED, NOT_YET = "ok", "below", "missing", "excluded", "not_yet"


@dataclass
class _Outcome:
    status: str
    level: int | None = None
    exemplary: bool = False
    sources: list[Unit] = field(default_factory=list)
    note: str = ""  # OK: where the year came from; otherwise: why it does not count


class _Lineage:
    """A unit, every predecessor (transitively), their links, versions and results: loaded
    with a handful of queries, then evaluated year by year in memory."""

    def __init__(self, unit: Unit, *, level: int, until_year: int, policy: str, exemplary_only):
        self.unit = unit
        self.level = level
        self.policy = policy
        self.exemplary_only = exemplary_only
        # loaded under OWN_ONLY too, so that the explanation can name what is not counted
        found = registry.predecessors(unit)
        self.units: dict[int, Unit] = {unit.pk: unit}
        self.units.update({u.pk: u for u, _link in found})
        ids = list(self.units)
        # every link into the lineage (a unit may reach the subject along two paths)
        self.links: dict[int, list[LineageLink]] = defaultdict(list)
        if found:
            for link in (
                LineageLink.objects.filter(successor__in=ids, predecessor__in=ids)
                .select_related("event")
                .order_by("event__effective_date", "id")
            ):
                self.links[link.successor_id].append(link)
        self.versions: dict[int, list[UnitVersion]] = defaultdict(list)
        for version in UnitVersion.objects.filter(unit__in=ids).order_by("valid_from"):
            self.versions[version.unit_id].append(version)
        self.results = {
            (r.unit_id, r.year): r
            for r in UnitClassification.objects.filter(unit__in=ids, year__lte=until_year).only(
                "unit_id", "year", "level", "exemplary"
            )
        }

    def name(self, unit_id: int, year: int) -> str:
        """The unit's full name in ``year`` (the latest version begun by 31 December, else the
        first): ``registry.name_on``'s rule, read from the versions loaded for
        :meth:`existed_on` rather than one query per year and unit."""
        versions = self.versions.get(unit_id, [])
        day = datetime.date(year, 12, 31)
        begun = [v for v in versions if v.valid_from <= day]
        chosen = begun[-1] if begun else (versions[0] if versions else None)
        return chosen.name if chosen else self.units[unit_id].code

    def existed_on(self, unit_id: int, day: datetime.date) -> bool:
        return any(v.covers(day) for v in self.versions.get(unit_id, []))

    def first_day(self, unit_id: int) -> datetime.date | None:
        versions = self.versions.get(unit_id, [])
        return versions[0].valid_from if versions else None

    def evaluate(self, unit_id: int, year: int, *, depth: int = 0) -> _Outcome:
        unit = self.units[unit_id]
        name = self.name(unit_id, year)
        row = self.results.get((unit_id, year))
        if row is not None:
            abbreviation = LEVEL_ABBREVIATIONS[Level(row.level)]
            if row.level > self.level:
                return _Outcome(BELOW, row.level, row.exemplary, [unit], f"{name}: {abbreviation}")
            if self.exemplary_only and not row.exemplary:
                return _Outcome(
                    BELOW,
                    row.level,
                    row.exemplary,
                    [unit],
                    f"{name}: {abbreviation} nhưng không tiêu biểu",
                )
            return _Outcome(OK, row.level, row.exemplary, [unit], OWN_NOTE)
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        missing = _Outcome(
            MISSING_DATA, sources=[unit], note=f"chưa có kết quả xếp loại của {name}"
        )
        if self.existed_on(unit_id, start):
            return missing
        links = [link for link in self.links.get(unit_id, []) if link.event.effective_date > start]
        first = self.first_day(unit_id)
        existed_that_year = first is not None and first <= end
        if not links:
            if existed_that_year:
                return missing
            when = f" (thành lập ngày {first:%d/%m/%Y})" if first else ""
            return _Outcome(NOT_YET, sources=[unit], note=f"{name} chưa thành lập{when}")
        names = _join([self.name(link.predecessor_id, year) for link in links])
        if self.policy == MergePolicy.OWN_ONLY:
            if existed_that_year:
                return missing
            return _Outcome(EXCLUDED, sources=[unit], note=f"năm {year} là năm của {names}")
        if depth > MAX_LINEAGE_DEPTH:  # the registry refuses cycles; stay finite anyway
            return missing
        evaluated = [self.evaluate(link.predecessor_id, year, depth=depth + 1) for link in links]
        # a predecessor that did not exist yet that year takes no part in it
        parts = [p for p in evaluated if p.status != NOT_YET]
        if not parts:
            return _Outcome(NOT_YET, sources=[unit], note=f"{names} chưa thành lập")
        when = _when(links[0], first)
        if self.policy == MergePolicy.ANY_PREDECESSOR:
            good = [p for p in parts if p.status == OK]
            if good:
                sources = list({u.pk: u for p in good for u in p.sources}.values())
                origin = _join([self.name(u.pk, year) for u in sources])
                note = f"từ {origin} {when}"
                others = [p.note for p in parts if p.status != OK]
                if others:
                    note += f" (một đơn vị tiền thân đạt là đủ; {'; '.join(others)})"
                return _Outcome(
                    OK,
                    min(p.level for p in good),
                    any(p.exemplary for p in good),
                    sources,
                    note,
                )
            status = MISSING_DATA if any(p.status == MISSING_DATA for p in parts) else BELOW
            detail = "; ".join(p.note for p in parts)
            return _Outcome(
                status,
                note=f"không đơn vị tiền thân nào đạt mức ({detail})",
                sources=[s for p in parts for s in p.sources],
            )
        # ALL_PREDECESSORS
        if all(p.status == OK for p in parts):
            sources = list({u.pk: u for p in parts for u in p.sources}.values())
            origin = _join([self.name(u.pk, year) for u in sources])
            return _Outcome(
                OK,
                max(p.level for p in parts),
                all(p.exemplary for p in parts),
                sources,
                f"từ {origin} {when}",
            )
        failing = [p for p in parts if p.status != OK]
        status = BELOW if any(p.status == BELOW for p in failing) else MISSING_DATA
        detail = "; ".join(p.note for p in failing)
        if depth == 0:  # the rule is stated once, for the subject's direct predecessors
            detail += (
                " — theo chính sách mặc định, năm của các đơn vị tiền thân chỉ được tính khi "
                f"mọi đơn vị ({names}) đều đạt"
            )
        return _Outcome(
            status,
            note=detail,
            sources=[s for p in failing for s in p.sources],
        )


def _join(names: list[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} và {names[-1]}"


def _when(link: LineageLink, successor_first_day: datetime.date | None) -> str:
    kind = link.event.kind
    if kind == LineageEvent.Kind.MERGE:
        created = successor_first_day == link.event.effective_date
        return "trước hợp nhất" if created else "trước sáp nhập"
    if kind == LineageEvent.Kind.SPLIT:
        return "trước chia tách"
    return "trước khi tổ chức lại"


def unit_streak(
    unit: Unit,
    *,
    level: int,
    until_year: int,
    policy: str = MergePolicy.ALL_PREDECESSORS,
    exemplary_only: bool = False,
) -> Streak:
    """The unit's run of years at ``level`` or better ending at ``until_year``, crossing its
    lineage per ``policy`` (see the module docstring), explained year by year."""
    policy = MergePolicy(policy)
    lineage = _Lineage(
        unit, level=level, until_year=until_year, policy=policy, exemplary_only=exemplary_only
    )
    years: list[StreakYear] = []
    year = until_year
    stop: _Outcome | None = None
    while True:
        outcome = lineage.evaluate(unit.pk, year)
        if outcome.status != OK:
            stop = outcome
            break
        years.append(
            StreakYear(
                year=year,
                level=outcome.level,
                source=outcome.sources[0],
                note=outcome.note,
                sources=outcome.sources,
                exemplary=outcome.exemplary,
            )
        )
        year -= 1
    years.reverse()
    streak = Streak(
        subject=unit,
        level=level,
        length=len(years),
        first_year=years[0].year if years else None,
        last_year=years[-1].year if years else None,
        years=years,
        policy=policy.value,
        explanation="",
        exemplary_only=exemplary_only,
        until_year=until_year,
        break_year=year,
        break_reason=_stop_reason(stop, policy),
        data_missing=stop.status == MISSING_DATA,
    )
    streak.explanation = _explain(streak)
    return streak


def _vietnamese(label) -> str:
    with translation.override("vi"):
        return str(label)


def _stop_reason(stop: _Outcome, policy: str) -> str:
    if stop.status == EXCLUDED:
        return (
            f"{stop.note}; theo chính sách “{_vietnamese(MergePolicy(policy).label)}”, "
            "năm của đơn vị tiền thân không được tính"
        )
    if stop.status == BELOW:
        return f"không đạt mức ({stop.note})"
    return stop.note


# --- people ------------------------------------------------------------------------------


def person_streak(
    person: Person, *, level: int, until_year: int, exemplary_only: bool = False
) -> Streak:
    """The person's run of years at ``level`` or better ending at ``until_year``, whatever
    unit each year was recorded in."""
    rows = {
        r.year: r
        for r in PersonClassification.objects.filter(
            person=person, year__lte=until_year
        ).select_related("unit")
    }
    counted: list[PersonClassification] = []
    year = until_year
    reason, missing = "", False
    while True:
        row = rows.get(year)
        if row is None:
            reason, missing = f"chưa có kết quả xếp loại của {person.full_name}", True
            break
        abbreviation = LEVEL_ABBREVIATIONS[Level(row.level)]
        if row.level > level:
            reason = f"không đạt mức ({abbreviation})"
            break
        if exemplary_only and not row.exemplary:
            reason = f"không đạt mức ({abbreviation} nhưng không tiêu biểu)"
            break
        counted.append(row)
        year -= 1
    where = _units_named_in_their_years(counted)
    years = [
        StreakYear(
            year=row.year,
            level=row.level,
            source=person,
            note=f"tại {where.get(row.year, row.unit.code)}",
            sources=[row.unit],
            exemplary=row.exemplary,
        )
        for row in reversed(counted)
    ]
    streak = Streak(
        subject=person,
        level=level,
        length=len(years),
        first_year=years[0].year if years else None,
        last_year=years[-1].year if years else None,
        years=years,
        policy="",
        explanation="",
        exemplary_only=exemplary_only,
        until_year=until_year,
        break_year=year,
        break_reason=reason,
        data_missing=missing,
    )
    streak.explanation = _explain(streak)
    return streak


def _units_named_in_their_years(rows: list[PersonClassification]) -> dict[int, str]:
    """``{year: name}`` of the unit each result was recorded in, on 31 December of its year,
    in one query however many years (rule: ``registry.name_on``); a unit without any
    version is left out."""
    if not rows:
        return {}
    name = Case(
        *[
            When(year=row.year, then=registry.name_on(datetime.date(row.year, 12, 31), unit="unit"))
            for row in rows
        ]
    )
    found = (
        PersonClassification.objects.filter(pk__in=[row.pk for row in rows])
        .annotate(where=name)
        .values_list("year", "where")
    )
    return {year: where for year, where in found if where is not None}


def people_streaks(
    *,
    level: int,
    length: int,
    until_year: int,
    within: Unit | None = None,
    exemplary_only: bool = False,
) -> list[tuple[int, int]]:
    """``(person_id, streak length)`` of everyone whose run at ``level`` or better ending at
    ``until_year`` is at least ``length`` years, ordered by person id.

    ``within`` keeps the people whose ``until_year`` result was recorded in that unit or a
    unit under it (parent chain on 31 December of ``until_year``).

    One query: a window numbers each person's qualifying years; ``year - row_number`` is the
    same along a run of consecutive years (gaps and islands), so grouping on it yields the
    runs, and the run whose last year is ``until_year`` is the streak.
    """
    q = connection.ops.quote_name
    results = q(PersonClassification._meta.db_table)
    year_column = q("year")
    conditions = [f"level <= %s AND {year_column} <= %s"]
    params: list = [level, until_year]
    if exemplary_only:
        conditions.append("exemplary = %s")
        params.append(True)
    prefix = ""
    if within is not None:
        prefix, tree_params = subtree_cte(within.pk, datetime.date(until_year, 12, 31))
        conditions.append(
            f"""person_id IN (
                SELECT person_id FROM {results}
                WHERE {year_column} = %s AND unit_id IN (SELECT unit_id FROM tree))"""  # noqa: S608
        )
        params = [*tree_params, *params, until_year]
    sql = f"""{prefix}
        SELECT person_id, COUNT(*) AS streak
        FROM (
            SELECT person_id, {year_column} AS y,
                   {year_column} - ROW_NUMBER() OVER (
                       PARTITION BY person_id ORDER BY {year_column}) AS island
            FROM {results}
            WHERE {" AND ".join(conditions)}
        ) runs
        GROUP BY person_id, island
        HAVING MAX(y) = %s AND COUNT(*) >= %s
        ORDER BY person_id
    """  # noqa: S608 - identifiers from model metadata, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, until_year, length])
        return [(person_id, n) for person_id, n in cursor.fetchall()]
