"""The quota of HTXSNV (RULES.md, Quy định 366-QĐ/TW): within each group of comparable
roles, the number rated HTXSNV may not exceed a percentage (20 %) of the number rated HTTNV
(not of the headcount); the competent level may allow 25 % for a group of outstanding units.
The percentages are data of the rule set in force for the year (124's 20 % is an unconfirmed
default, and every message says so).

The higher percentage is data too: a QuotaAllowance (year, unit, group, granted_by, document)
records the competent level's permission. A check ``within`` a unit applies the allowances of
that unit and of every unit above it on 31 December of the year (the parent chain then in
force): a permission given for a scope covers each part of it, so a commune allowed 25 % keeps
25 % when one of its grassroots organizations is checked alone. It never applies to a wider
scope (a province whose one commune is allowed keeps 20 % over the whole province: the
permission was not given for the others), nor to a check with no scope (the whole sector).
An allowance's blank group is the group "Chung". The nearest allowance is the one shown when
a unit and one above it both allow the same group. Groups named in ``outstanding_groups`` (a
caller's explicit choice, e.g. the API's "what if") get the higher percentage as well.

Moving one case from HTXSNV down to HTTNV lowers one count and raises the other, so "how many
must move" is the smallest m with E − m ≤ ⌊percent/100 × (G + m)⌋ (see :func:`limit_for`).

Nothing here writes: the check explains, the suggestion proposes, and a person confirms.
Counting over people is one GROUP BY in SQL (national scale: ~5.6 million rows a year).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import connection
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL

from commendation.models import (
    Confidence,
    Level,
    PersonClassification,
    QuotaAllowance,
    RuleSet,
    UnitClassification,
)
from commendation.services.rules import rule_set_for
from core.exceptions import RuleViolation
from core.templatetags.vn import format_number, format_points
from core.text import normalize, sort_key
from organizations.models import Unit, UnitVersion

DEFAULT_GROUP = "Chung"
HUNDRED = Decimal(100)


@dataclass
class GroupQuota:
    group: str
    excellent: int  # E: rated HTXSNV
    good: int  # G: rated HTTNV
    percent: Decimal
    limit: int  # the most HTXSNV the group may keep
    excess: int  # how many must move from HTXSNV to HTTNV
    outstanding: bool  # the competent level allowed the higher percentage
    confidence: str  # Confidence of the percentage
    message: str
    allowance: QuotaAllowance | None = None  # the recorded permission, when there is one

    @property
    def ok(self) -> bool:
        return self.excess == 0


@dataclass
class Suggestion:
    group: str
    keep: list
    move: list
    quota: GroupQuota
    tied: list = field(default_factory=list)  # keys tied at the boundary, all kept
    message: str = ""

    @property
    def needs_decision(self) -> bool:
        """A tie at the boundary: more are kept than the quota allows; a person decides."""
        return bool(self.tied)


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def limit_for(excellent: int, good: int, percent: Decimal) -> tuple[int, int]:
    """(the most HTXSNV the group may keep, how many must move down to HTTNV).

    The rule: E ≤ ⌊percent/100 × G⌋. When it fails, moving m cases from HTXSNV to HTTNV gives
    E − m HTXSNV against G + m HTTNV, so m is the smallest number with
    E − m ≤ ⌊p × (G + m)⌋, p = percent/100. The left side is a whole number, so this is
    E − m ≤ p × (G + m), i.e. m ≥ (E − p × G) / (1 + p): m = ⌈(100E − percent × G) /
    (100 + percent)⌉, and the limit is E − m. When nothing must move, the limit is
    ⌊p × G⌋ (at least E). Exact Decimal arithmetic, no floats.

    Worked example, E = 5, G = 10, 20 %: 20 % of 10 is 2 < 5, so some must move;
    m ≥ (500 − 200) / 120 = 2,5, so m = 3. Check: moving 2 leaves 3 against ⌊0,2 × 12⌋ =
    ⌊2,4⌋ = 2 (too many); moving 3 leaves 2 against ⌊0,2 × 13⌋ = ⌊2,6⌋ = 2 (fits).
    Result: (2, 3).
    """
    if excellent < 0 or good < 0:
        raise ValueError("counts cannot be negative")
    percent = Decimal(percent)
    if not percent.is_finite() or not 0 <= percent <= HUNDRED:
        raise ValueError(f"percent must be within 0..100, not {percent}")
    capacity = _floor(percent * good / HUNDRED)
    if excellent <= capacity:
        return capacity, 0
    needed = (HUNDRED * excellent - percent * good) / (HUNDRED + percent)
    move = int(needed.to_integral_value(rounding=ROUND_CEILING))
    return excellent - move, move


def _num(value) -> str:
    """A count or an exact product the Vietnamese way, with only the decimals it has:
    1234567 → "1.234.567", 2.50 → "2,5", 1.375 → "1,375"."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, places)


def _percent_text(percent: Decimal) -> str:
    return f"{_num(percent)}%"


def _quota(
    group: str,
    excellent: int,
    good: int,
    *,
    rule_set: RuleSet | None,
    percent: Decimal,
    outstanding: bool,
    confidence: str,
    allowance: QuotaAllowance | None = None,
) -> GroupQuota:
    limit, excess = limit_for(excellent, good, percent)
    rule = f"Theo Quy định {rule_set.code}" if rule_set is not None else "Theo quy định"
    share = _percent_text(percent)
    why = ""
    if allowance is not None:
        why = f" (đơn vị nổi trội, {allowance_text(allowance)})"
    elif outstanding:
        why = " (đơn vị nổi trội, được cấp có thẩm quyền cho phép)"
    counts = f"Nhóm “{group}”: {_num(excellent)} HTXSNV, {_num(good)} HTTNV."
    rule_text = f"{rule}, số HTXSNV không quá {share} số HTTNV{why}"
    if excess:
        exact = percent * good / HUNDRED
        capacity = _floor(exact)
        of_good = f"{share} của {_num(good)} là {_num(exact)}"
        if exact != capacity:
            of_good += f", tức tối đa {_num(capacity)}"
        verdict = (
            f"{rule_text}: {of_good}; đang vượt {_num(excellent - capacity)}. "
            f"Phải chuyển {_num(excess)} "
            f"trường hợp từ HTXSNV xuống HTTNV (mỗi trường hợp chuyển làm tăng số HTTNV): "
            f"còn {_num(limit)} HTXSNV trên {_num(good + excess)} HTTNV."
        )
    else:
        verdict = f"{rule_text}: tối đa {_num(limit)} HTXSNV. Đạt."
    message = f"{counts} {verdict}"
    if confidence == Confidence.UNCONFIRMED:
        source = f" của Quy định {rule_set.code}" if rule_set is not None else ""
        message += (
            f" Lưu ý: tỷ lệ {share}{source} là giá trị mặc định chưa được xác nhận, có thể sửa."
        )
    return GroupQuota(
        group=group,
        excellent=excellent,
        good=good,
        percent=percent,
        limit=limit,
        excess=excess,
        outstanding=outstanding,
        confidence=confidence,
        message=message,
        allowance=allowance,
    )


def allowance_text(allowance: QuotaAllowance) -> str:
    """Whose permission, by which document, for which scope: "được Ban Thường vụ Tỉnh ủy cho
    phép theo Công văn số 12-CV/TU ngày 05/12/2025, phạm vi Xã 1"."""
    text = f"được {allowance.granted_by} cho phép"
    if allowance.document:
        text += f" theo {allowance.document}"
    if allowance.granted_on is not None:
        text += f" ngày {allowance.granted_on:%d/%m/%Y}"
    return f"{text}, phạm vi {allowance.unit}"


def _group_name(group: str | None) -> str:
    return normalize(group) or DEFAULT_GROUP


def _judge(
    year: int,
    counts: dict[str, tuple[int, int]],
    outstanding_groups: Iterable[str],
    allowances: dict[str, QuotaAllowance] | None = None,
) -> list[GroupQuota]:
    """GroupQuota per group from its (E, G) counts, by the rule set in force for ``year``;
    the higher percentage for ``outstanding_groups`` and the groups of ``allowances``."""
    rule_set = rule_set_for(year)
    allowances = allowances or {}
    outstanding = {_group_name(g) for g in outstanding_groups} | set(allowances)
    if rule_set.quota_percent is None:
        raise RuleViolation(f"Quy định {rule_set.code} không quy định tỷ lệ HTXSNV.")
    if outstanding and rule_set.quota_percent_outstanding is None:
        raise RuleViolation(
            f"Quy định {rule_set.code} (năm {year}) không có tỷ lệ riêng cho đơn vị nổi trội: "
            f"không thể cho phép nhóm {', '.join(f'“{g}”' for g in sorted(outstanding))} "
            f"vượt {_percent_text(rule_set.quota_percent)}."
        )
    # A group allowed the higher percentage is listed even with no results: never dropped.
    for group in outstanding:
        counts.setdefault(group, (0, 0))
    return [
        _quota(
            group,
            excellent,
            good,
            rule_set=rule_set,
            percent=(
                rule_set.quota_percent_outstanding
                if group in outstanding
                else rule_set.quota_percent
            ),
            outstanding=group in outstanding,
            confidence=rule_set.quota_confidence,
            allowance=allowances.get(group),
        )
        for group, (excellent, good) in sorted(counts.items(), key=lambda i: sort_key(i[0]))
    ]


def check(
    year: int, rows: Iterable[tuple[str, int]], *, outstanding_groups: Iterable[str] = ()
) -> list[GroupQuota]:
    """The quota of each group in ``rows`` ((group, level) pairs; "" is the group "Chung"),
    by the rule set in force for ``year``; 25 % for ``outstanding_groups`` where the rule set
    has such a percentage, refused where it has none."""
    tally: Counter = Counter()
    groups: dict[str, None] = {}
    for group, level in rows:
        name = _group_name(group)
        groups[name] = None
        tally[name, int(level)] += 1
    counts = {g: (tally[g, Level.EXCELLENT], tally[g, Level.GOOD]) for g in groups}
    return _judge(year, counts, outstanding_groups)


def _grouped_counts(queryset) -> dict[str, tuple[int, int]]:
    """One GROUP BY query: (E, G) per comparison group."""
    counts: dict[str, tuple[int, int]] = {}
    for row in (
        queryset.order_by()
        .values("group")
        .annotate(
            excellent=Count("pk", filter=Q(level=Level.EXCELLENT)),
            good=Count("pk", filter=Q(level=Level.GOOD)),
        )
    ):
        name = _group_name(row["group"])
        e, g = counts.get(name, (0, 0))  # "" and "Chung" are the same group
        counts[name] = (e + row["excellent"], g + row["good"])
    return counts


def check_units(
    year: int,
    unit_ids: Iterable[int] | None = None,
    *,
    within: Unit | None = None,
    outstanding_groups: Iterable[str] = (),
) -> list[GroupQuota]:
    """The quota over the collectives' results of ``year`` (all, or those of ``unit_ids``).
    ``within`` is the unit whose subordinate collectives are judged (the unit page's unit):
    the allowances of it and of the units above it apply (see the module docstring); without
    it none does."""
    rows = UnitClassification.objects.filter(year=year)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=list(unit_ids))
    allowances = allowances_for(year, within) if within is not None else {}
    return _judge(year, _grouped_counts(rows), outstanding_groups, allowances)


def subtree_ids(root: Unit, day: datetime.date) -> RawSQL:
    """``root`` and every unit under it by the parent chain valid on ``day``, as one SQL
    subquery (a recursive CTE over UnitVersion) for ``__in`` lookups: set-based, whatever
    the depth."""
    qn = connection.ops.quote_name
    units, unit_pk = qn(Unit._meta.db_table), qn(Unit._meta.pk.column)
    meta = UnitVersion._meta
    versions = qn(meta.db_table)
    unit_col, parent_col = qn(meta.get_field("unit").column), qn(meta.get_field("parent").column)
    start, end = qn(meta.get_field("valid_from").column), qn(meta.get_field("valid_to").column)
    on_day = connection.ops.adapt_datefield_value(day)
    # Only quoted identifiers from the models' metadata go into the text; values are params.
    sql = (
        "WITH RECURSIVE subtree(id) AS ("  # noqa: S608
        f" SELECT {unit_pk} FROM {units} WHERE {unit_pk} = %s"  # the column's own type
        " UNION"
        f" SELECT v.{unit_col} FROM {versions} v JOIN subtree s ON v.{parent_col} = s.id"
        f" WHERE v.{start} <= %s AND (v.{end} IS NULL OR v.{end} >= %s)"
        ") SELECT id FROM subtree"
    )
    return RawSQL(sql, (root.pk, on_day, on_day))  # noqa: S611


def allowances_for(year: int, unit: Unit) -> dict[str, QuotaAllowance]:
    """The allowances of ``year`` that apply to a check within ``unit``: its own and those of
    the units above it by the parent chain valid on 31 December, nearest first, per group
    (a blank group is "Chung"). One query: a recursive CTE up the chain."""
    qn = connection.ops.quote_name
    units, unit_pk = qn(Unit._meta.db_table), qn(Unit._meta.pk.column)
    meta = UnitVersion._meta
    versions = qn(meta.db_table)
    unit_col, parent_col = qn(meta.get_field("unit").column), qn(meta.get_field("parent").column)
    start, end = qn(meta.get_field("valid_from").column), qn(meta.get_field("valid_to").column)
    allowed = QuotaAllowance._meta
    table, allowed_pk = qn(allowed.db_table), qn(allowed.pk.column)
    scope_col, year_col = qn(allowed.get_field("unit").column), qn(allowed.get_field("year").column)
    day = connection.ops.adapt_datefield_value(datetime.date(year, 12, 31))
    # Quoted identifiers from the models' metadata only; values are params. The depth bound
    # stops a (corrupt) cycle in the registry from looping.
    sql = (
        "WITH RECURSIVE chain(id, depth) AS ("  # noqa: S608
        f" SELECT {unit_pk}, 0 FROM {units} WHERE {unit_pk} = %s"
        " UNION ALL"
        f" SELECT v.{parent_col}, c.depth + 1 FROM {versions} v JOIN chain c"
        f" ON v.{unit_col} = c.id WHERE v.{parent_col} IS NOT NULL AND c.depth < 64"
        f" AND v.{start} <= %s AND (v.{end} IS NULL OR v.{end} >= %s)"
        f") SELECT a.* FROM {table} a JOIN chain c ON a.{scope_col} = c.id"
        f" WHERE a.{year_col} = %s ORDER BY c.depth, a.{allowed_pk}"
    )
    found: dict[str, QuotaAllowance] = {}
    for allowance in QuotaAllowance.objects.raw(sql, [unit.pk, day, day, year]):  # noqa: S611
        found.setdefault(_group_name(allowance.group), allowance)
    if found:  # the scopes' names for the messages: two queries, however many groups
        scopes = Unit.objects.prefetch_related("versions").in_bulk(
            {a.unit_id for a in found.values()}
        )
        for allowance in found.values():
            allowance.unit = scopes[allowance.unit_id]
    return found


def check_people(
    year: int, *, within: Unit | None = None, outstanding_groups: Iterable[str] = ()
) -> list[GroupQuota]:
    """The quota over the people's results of ``year``: one GROUP BY group in SQL, never the
    rows in Python. ``within`` keeps the people whose unit at the time was ``within`` or under
    it, following the parent chain valid on 31 December of the year; the allowances of
    ``within`` and of the units above it apply (see the module docstring)."""
    rows = PersonClassification.objects.filter(year=year)
    allowances: dict[str, QuotaAllowance] = {}
    if within is not None:
        rows = rows.filter(unit_id__in=subtree_ids(within, datetime.date(year, 12, 31)))
        allowances = allowances_for(year, within)
    return _judge(year, _grouped_counts(rows), outstanding_groups, allowances)


def _score_key(score: Decimal | None) -> tuple[int, Decimal]:
    """Best first: higher scores, then those with no score."""
    return (0, -Decimal(score)) if score is not None else (1, Decimal(0))


def suggest(
    candidates: list[tuple[object, Decimal | None]],
    *,
    good: int,
    percent: Decimal,
    group: str = "",
    rule_set: RuleSet | None = None,
    outstanding: bool = False,
    allowance: QuotaAllowance | None = None,
) -> Suggestion:
    """Which of one group's HTXSNV candidates ((key, score) pairs) fit under the quota, for a
    person to confirm: the best scores are kept, the rest proposed for HTTNV (each one moved
    also raises the HTTNV count; see :func:`limit_for`). Candidates tied at the boundary are
    kept together rather than cut arbitrarily, and the message says a person must decide.
    No score ranks below every score. Writes nothing."""
    name = _group_name(group)
    quota = _quota(
        name,
        len(candidates),
        good,
        rule_set=rule_set,
        percent=percent,
        outstanding=outstanding or allowance is not None,
        confidence=rule_set.quota_confidence if rule_set is not None else Confidence.HIGH,
        allowance=allowance,
    )
    ranked = sorted(candidates, key=lambda c: _score_key(c[1]))  # stable: input order on ties
    if quota.excess == 0:
        return Suggestion(
            group=name,
            keep=[k for k, _ in ranked],
            move=[],
            quota=quota,
            message=f"{quota.message} Không cần chuyển ai.",
        )
    cut = quota.limit  # keep ranked[:cut] unless the boundary splits a tie
    tied: list = []
    if cut > 0:
        boundary = _score_key(ranked[cut - 1][1])
        while cut < len(ranked) and _score_key(ranked[cut][1]) == boundary:
            cut += 1
        tied = [k for k, s in ranked if _score_key(s) == boundary] if cut > quota.limit else []
    keep = [k for k, _ in ranked[:cut]]
    move = [k for k, _ in ranked[cut:]]
    message = (
        f"{quota.message} Đề xuất giữ HTXSNV {len(keep)} trường hợp điểm cao nhất, "
        f"chuyển {len(move)} trường hợp xuống HTTNV; cần người có thẩm quyền xác nhận."
    )
    if tied:
        score = ranked[quota.limit - 1][1]
        shown = f"{format_points(score)} điểm" if score is not None else "không có điểm"
        message += (
            f" {len(tied)} trường hợp bằng nhau ({shown}) ở ranh giới nên được giữ cùng nhau: "
            f"số giữ lại ({len(keep)}) vượt giới hạn {quota.limit}, người có thẩm quyền phải "
            f"quyết định."
        )
    return Suggestion(group=name, keep=keep, move=move, quota=quota, tied=tied, message=message)
