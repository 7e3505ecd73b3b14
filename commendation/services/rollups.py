"""Roll-ups of quality classification up the unit hierarchy (issue 4 §1, last bullet).

Rules:
- the hierarchy is the ``UnitVersion`` parent chain in force on 31 December of the year:
  the root and every unit under it, each row counting the results of its whole subtree
  (itself included), so a commune counts its grassroots organizations and the province
  counts every commune;
- people: every ``PersonClassification`` of the year, counted in the unit it was recorded
  in (the unit at the time, so a member who moved is counted once, where they were rated);
- collectives: every ``UnitClassification`` of the year of a grassroots party organization
  (unit kind ``grassroots_org``, see ``GRASSROOTS_KINDS``); grassroots organizations of the
  tree without a result that year are counted apart (``unclassified``), never as a level;
- percentages are of the number of results (not of headcount), in Decimal, rounded half up
  to 2 places (91,67%);
- targets ("trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên", "trên 95% tổ chức cơ sở
  đảng ...") read "trên X%" as STRICTLY above: exactly 90% does not meet "trên 90%". The
  comparison uses the exact fraction, not the rounded display. With no result at all the
  target is not met and says that data is missing. Defaults: ``DEFAULT_THRESHOLDS``; a
  caller passes the unit's own targets as ``thresholds``;
- results recorded in a unit that is not in the tree on 31 December (e.g. dissolved during
  the year) are not counted in that tree.

Cost: one query for the tree (a recursive CTE), one ``GROUP BY unit, level`` over the
results of that tree; the sums up the tree are done in Python over the units (at most
~56,000 nationally), never over the person rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models

from commendation.models import Level, PersonClassification, UnitClassification
from core.templatetags.vn import format_points
from core.text import sort_key
from organizations.models import Unit, UnitKind, UnitVersion
from organizations.services import registry

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
GRASSROOTS_KINDS = ("grassroots_org",)
PERSON_GOOD_OR_BETTER = "person_good_or_better"
UNIT_GOOD_OR_BETTER = "unit_good_or_better"
DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    PERSON_GOOD_OR_BETTER: Decimal(90),
    UNIT_GOOD_OR_BETTER: Decimal(95),
}
MAX_DEPTH = 50  # guards the recursive query against a (forbidden) cycle of parents


@dataclass
class TargetCheck:
    title: str  # "trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên"
    threshold: Decimal
    actual: Decimal  # rounded half up to 2 places, for display
    met: bool
    note: str = ""  # e.g. data missing


@dataclass
class RollupRow:
    unit: Unit | None  # None on the national total row
    name: str
    depth: int  # 0 for the root
    total: int  # number of results in the subtree
    counts: dict[int, int]  # Level → count, every level present
    percents: dict[int, Decimal]  # Level → % of total, 2 places
    good_or_better_percent: Decimal  # HTXSNV + HTTNV, % of total
    targets: list[TargetCheck]
    parent_id: int | None = None
    unclassified: int = 0  # units_rollup: grassroots organizations with no result that year
    direct_total: int = 0  # results recorded in the unit itself (not its subtree)


def percent(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in %, rounded half up to 2 places; 0 when ``whole`` is 0."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def subtree_cte(root_id: int, day: datetime.date) -> tuple[str, list]:
    """``WITH RECURSIVE tree(unit_id, parent_id, depth)``: ``root_id`` and every unit under
    it through the parent chain in force on ``day``. Works on SQLite and PostgreSQL."""
    versions = connection.ops.quote_name(UnitVersion._meta.db_table)
    sql = f"""
        WITH RECURSIVE tree (unit_id, parent_id, depth) AS (
            SELECT CAST(%s AS BIGINT), CAST(NULL AS BIGINT), 0
            UNION ALL
            SELECT v.unit_id, v.parent_id, tree.depth + 1
            FROM {versions} v
            JOIN tree ON v.parent_id = tree.unit_id
            WHERE v.valid_from <= %s
              AND (v.valid_to IS NULL OR v.valid_to >= %s)
              AND tree.depth < {MAX_DEPTH}
        )
    """  # noqa: S608 - table names come from model metadata, values are parameters
    return sql, [root_id, day, day]


@dataclass
class _Node:
    unit: Unit
    parent_id: int | None
    depth: int
    name: str
    short_name: str
    kind_code: str
    children: list[int] = field(default_factory=list)


def _tree(root: Unit, day: datetime.date) -> dict[int, _Node]:
    """Query 1: the units of the tree as ``Unit`` instances with their name on ``day``."""
    cte, params = subtree_cte(root.pk, day)
    q = connection.ops.quote_name
    units, kinds = q(Unit._meta.db_table), q(UnitKind._meta.db_table)

    # the name on the day, by the registry's one rule (organizations.services.registry.name_on)
    names_sql, names_params = (
        Unit.objects.annotate(
            rollup_name=registry.name_on(day), rollup_short_name=registry.name_on(day, short=True)
        )
        .values("pk", "rollup_name", "rollup_short_name")
        .query.sql_with_params()
    )
    sql = f"""{cte}
        SELECT u.*, tree.parent_id AS rollup_parent_id, tree.depth AS rollup_depth,
               k.code AS rollup_kind_code, n.rollup_name, n.rollup_short_name
        FROM tree
        JOIN {units} u ON u.id = tree.unit_id
        JOIN {kinds} k ON k.id = u.kind_id
        JOIN ({names_sql}) n ON n.pk = tree.unit_id
    """  # noqa: S608 - identifiers from model metadata, values are parameters
    nodes: dict[int, _Node] = {}
    for unit in Unit.objects.raw(sql, [*params, *names_params]):
        if unit.pk in nodes:  # two versions under the same parent on one day: count once
            continue
        nodes[unit.pk] = _Node(
            unit=unit,
            parent_id=unit.rollup_parent_id,
            depth=unit.rollup_depth,
            name=unit.rollup_name or unit.code,
            short_name=unit.rollup_short_name or unit.code,
            kind_code=unit.rollup_kind_code,
        )
    for node in nodes.values():
        if node.parent_id in nodes:
            nodes[node.parent_id].children.append(node.unit.pk)
    return nodes


def _grouped_counts(
    table: str, root: Unit, year: int, day: datetime.date, *, kinds: tuple[str, ...] | None = None
) -> dict[int, dict[int, int]]:
    """Query 2: ``GROUP BY unit, level`` over one year's results of the tree."""
    cte, params = subtree_cte(root.pk, day)
    q = connection.ops.quote_name
    kind_filter = ""
    kind_params: list = []
    if kinds is not None:
        placeholders = ", ".join(["%s"] * len(kinds))
        kind_filter = f"""AND r.unit_id IN (
            SELECT u.id FROM {q(Unit._meta.db_table)} u
            JOIN {q(UnitKind._meta.db_table)} k ON k.id = u.kind_id
            WHERE k.code IN ({placeholders}))"""  # noqa: S608 - identifiers from metadata
        kind_params = list(kinds)
    sql = f"""{cte}
        SELECT r.unit_id, r.level, COUNT(*)
        FROM {q(table)} r
        WHERE r.{q("year")} = %s
          AND r.unit_id IN (SELECT unit_id FROM tree)
          {kind_filter}
        GROUP BY r.unit_id, r.level
    """  # noqa: S608 - identifiers from model metadata, values are parameters
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, year, *kind_params])
        for unit_id, level, n in cursor.fetchall():
            counts[unit_id][int(level)] += n
    return counts


def _thresholds(thresholds: dict[str, Decimal] | None) -> dict[str, Decimal]:
    merged = dict(DEFAULT_THRESHOLDS)
    for key, value in (thresholds or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            raise ValueError(
                f"Unknown roll-up threshold {key!r}; known: {list(DEFAULT_THRESHOLDS)}"
            )
        merged[key] = Decimal(str(value))
    return merged


def _target(
    what: str, threshold: Decimal, good: int, total: int, *, unclassified: int = 0
) -> TargetCheck:
    title = f"trên {format_points(threshold)}% {what} hoàn thành tốt nhiệm vụ trở lên"
    actual = percent(good, total)
    if not total:
        return TargetCheck(
            title, threshold, actual, False, "Thiếu dữ liệu: chưa có kết quả xếp loại."
        )
    # strictly above, on the exact fraction: good / total × 100 > threshold
    met = Decimal(good) * HUNDRED > threshold * Decimal(total)
    note = ""
    if unclassified:
        note = f"{unclassified} tổ chức chưa có kết quả xếp loại, không tính vào tỷ lệ."
    return TargetCheck(title, threshold, actual, met, note)


def _rollup(
    year: int,
    root: Unit,
    table: str,
    *,
    kinds: tuple[str, ...] | None,
    target_key: str,
    target_what: str,
    thresholds: dict[str, Decimal] | None,
) -> list[RollupRow]:
    limits = _thresholds(thresholds)
    day = datetime.date(year, 12, 31)
    nodes = _tree(root, day)
    own = _grouped_counts(table, root, year, day, kinds=kinds)
    # sums up the tree, deepest first: each unit adds its subtree's counts to its parent
    subtree: dict[int, dict[int, int]] = {pk: dict(own.get(pk, {})) for pk in nodes}
    missing: dict[int, int] = {
        pk: int(kinds is not None and n.kind_code in kinds and not own.get(pk))
        for pk, n in nodes.items()
    }
    for node in sorted(nodes.values(), key=lambda n: -n.depth):
        parent = node.parent_id
        if parent in nodes:
            for level, n in subtree[node.unit.pk].items():
                subtree[parent][level] = subtree[parent].get(level, 0) + n
            missing[parent] += missing[node.unit.pk]

    rows: list[RollupRow] = []

    def visit(pk: int) -> None:
        node = nodes[pk]
        counts = {level: subtree[pk].get(level, 0) for level in Level.values}
        total = sum(counts.values())
        good = counts[Level.EXCELLENT] + counts[Level.GOOD]
        rows.append(
            RollupRow(
                unit=node.unit,
                name=node.name,
                depth=node.depth,
                total=total,
                counts=counts,
                percents={level: percent(n, total) for level, n in counts.items()},
                good_or_better_percent=percent(good, total),
                targets=[
                    _target(target_what, limits[target_key], good, total, unclassified=missing[pk])
                ],
                parent_id=node.parent_id,
                unclassified=missing[pk],
                direct_total=sum(own.get(pk, {}).values()),
            )
        )
        for child in sorted(node.children, key=lambda c: sort_key(nodes[c].short_name)):
            visit(child)

    if root.pk in nodes:
        visit(root.pk)
    return rows


def people_rollup(
    year: int, root: Unit, *, thresholds: dict[str, Decimal] | None = None
) -> list[RollupRow]:
    """Members' levels for ``year`` at ``root`` and every unit under it (pre-order, children
    in Vietnamese order), each row counting its subtree; target "trên 90% đảng viên hoàn
    thành tốt nhiệm vụ trở lên" unless ``thresholds["person_good_or_better"]`` says
    otherwise. Two queries whatever the number of people."""
    return _rollup(
        year,
        root,
        PersonClassification._meta.db_table,
        kinds=None,
        target_key=PERSON_GOOD_OR_BETTER,
        target_what="đảng viên",
        thresholds=thresholds,
    )


def units_rollup(
    year: int,
    root: Unit,
    *,
    thresholds: dict[str, Decimal] | None = None,
    kinds: tuple[str, ...] = GRASSROOTS_KINDS,
) -> list[RollupRow]:
    """Grassroots party organizations' levels for ``year`` (unit kinds ``kinds``) at ``root``
    and every unit under it, each row counting its subtree; target "trên 95% tổ chức cơ sở
    đảng hoàn thành tốt nhiệm vụ trở lên" unless ``thresholds["unit_good_or_better"]`` says
    otherwise. Two queries whatever the number of units."""
    return _rollup(
        year,
        root,
        UnitClassification._meta.db_table,
        kinds=tuple(kinds),
        target_key=UNIT_GOOD_OR_BETTER,
        target_what="tổ chức cơ sở đảng",
        thresholds=thresholds,
    )


def national_people_rollup(
    year: int, *, thresholds: dict[str, Decimal] | None = None
) -> list[RollupRow]:
    """Members' levels for ``year`` per top-level unit (each province with everything under
    it), then the national total as the last row (``unit`` None). For the national view
    only: three queries whatever the size — the parent map of the units on 31 December,
    one ``GROUP BY unit, level`` over the year's results, and the provinces' names — with
    the climb to the top done over the units in Python (~56,000 nationally), never over
    the rows. Drill down with ``people_rollup``."""
    limits = _thresholds(thresholds)
    day = datetime.date(year, 12, 31)
    parent_of: dict[int, int | None] = {}
    for unit_id, parent_id in (
        UnitVersion.objects.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .values_list("unit_id", "parent_id")
    ):
        parent_of.setdefault(unit_id, parent_id)
    top_of: dict[int, int] = {}

    def top(unit_id: int) -> int:
        path = []
        current = unit_id
        while current not in top_of:
            path.append(current)
            parent = parent_of.get(current)
            if parent is None or len(path) > MAX_DEPTH:
                top_of[current] = current
                break
            current = parent
        root = top_of[current]
        for pk in path:
            top_of[pk] = root
        return root

    totals: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows_of_year = (
        PersonClassification.objects.filter(year=year)
        .values_list("unit_id", "level")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    for unit_id, level, n in rows_of_year:
        totals[top(unit_id)][int(level)] += n
    # the provinces with their names on the day, by the registry's rule, in one query
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=list(totals)).annotate(
            rollup_name=registry.name_on(day, short=True)
        )
    }
    names = {pk: u.rollup_name or u.code for pk, u in units.items()}

    def row(unit: Unit | None, name: str, counts: dict[int, int]) -> RollupRow:
        counts = {level: counts.get(level, 0) for level in Level.values}
        total = sum(counts.values())
        good = counts[Level.EXCELLENT] + counts[Level.GOOD]
        return RollupRow(
            unit=unit,
            name=name,
            depth=0 if unit is None else 1,
            total=total,
            counts=counts,
            percents={level: percent(n, total) for level, n in counts.items()},
            good_or_better_percent=percent(good, total),
            targets=[_target("đảng viên", limits[PERSON_GOOD_OR_BETTER], good, total)],
        )

    result = [
        row(units[pk], names[pk], counts)
        for pk, counts in sorted(totals.items(), key=lambda item: sort_key(names[item[0]]))
    ]
    nation: dict[int, int] = defaultdict(int)
    for counts in totals.values():
        for level, n in counts.items():
            nation[level] += n
    result.append(row(None, "Toàn quốc", nation))
    return result
