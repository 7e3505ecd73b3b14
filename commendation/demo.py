"""Demo data for classification: one province's party tree with 2017–2025 results.

Under the Hưng Yên provincial board of the demo registry (unit "BTC-33", the account
``hungyen``) this builds four communes (đảng bộ xã) of six grassroots organizations with
twelve members each, and their results for 2017–2025, each year under the rule set that
judges it (``rules.rule_set_for``): 2017 under the unconfirmed rule set before 132,
2018–2022 under Quy định 132-QĐ/TW, 2023–2024 under 124-QĐ/TW (no scores), 2025 under
366-QĐ/TW with scores in the bands. The names of the communes are real place names of Hưng
Yên; everything else (people, levels, scores) is invented and drawn from
``random.Random(2017)``, so the demo is reproducible.

What the demo shows on purpose:
- a grassroots organization rated HTXSNV five years running, 2017–2021 (tiêu biểu), and a
  member with HTXSNV five years running, 2017–2021, who moved to another organization of the
  same commune in 2023 (one history across units);
- one commune (Phụng Công) whose members' 2025 results exceed the HTXSNV quota (more than 20 %
  of the number rated HTTNV), so the quota check shows a violation explained;
- everywhere else the levels respect the quota: in every organization and commune the number
  rated HTXSNV is at most 20 % of the number rated HTTNV.

Member and organization results are demo data written with ``bulk_create`` (as an import
would, without one audit entry per row); the showcased unit results (the streak
organization's 2017–2021 and the communes' own 2025 results) go through
``rules.record_unit_classification`` so they carry who proposed, who decided and their audit
entries. Loading twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction

from commendation.models import (
    Gender,
    Level,
    Person,
    PersonClassification,
    RuleSet,
    UnitClassification,
)
from commendation.services import rules
from organizations.models import Unit, UnitKind
from organizations.services import registry
from organizations.services.registry import NewUnit

PROVINCE_CODE = "BTC-33"
YEARS = range(2017, 2026)
STREAK_YEARS = range(2017, 2022)
SCORED_YEAR = 2025
START = datetime.date(2008, 8, 1)
COMMUNES = ["Phụng Công", "Nghĩa Trụ", "Như Quỳnh", "Lạc Đạo"]
OVER_QUOTA_COMMUNE = "Phụng Công"
HAMLETS = ["Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4", "Thôn 5", "Cơ quan xã"]
MEMBERS_PER_ORG = 12
# The streak organization and the streak member (who moves in 2023 to the next organization).
STREAK_COMMUNE = "Nghĩa Trụ"
STREAK_ORG = "Thôn 2"
MOVER_FROM, MOVER_TO, MOVE_YEAR = "Thôn 2", "Thôn 3", 2023

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương"]
MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Kim", "Phương"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Sơn", "Tú"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Hà", "Hoa", "Lan", "Linh", "Mai", "Nga", "Thảo", "Yến"]

# Score ranges per level under 366 (inside the bands: ≥ 90, 70–< 90, 50–< 70, < 50).
SCORE_RANGES = {
    Level.EXCELLENT: (90, 99),
    Level.GOOD: (70, 89),
    Level.COMPLETED: (50, 69),
    Level.NOT_COMPLETED: (30, 49),
}


def commune_code(number: int) -> str:
    return f"{PROVINCE_CODE}-X{number:02d}"


def org_code(commune_number: int, org_number: int) -> str:
    return f"{commune_code(commune_number)}-{org_number:02d}"


def _kind(code: str, name: str, level: int) -> UnitKind:
    found, _ = UnitKind.objects.get_or_create(code=code, defaults={"name": name, "level": level})
    return found


def _name(rng: random.Random, gender: str) -> str:
    female = gender == Gender.FEMALE
    return " ".join(
        [
            rng.choice(FAMILY),
            rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
            rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
        ]
    )


def _build_tree(province: Unit) -> tuple[list[Unit], dict[Unit, list[Unit]]]:
    """The communes and their organizations, through the registry (each with its audit)."""
    commune_kind = _kind("commune_committee", "Đảng bộ xã, phường, đặc khu", 3)
    org_kind = _kind("grassroots_org", "Tổ chức cơ sở đảng", 4)
    communes, orgs = [], {}
    for c, commune_name in enumerate(COMMUNES, start=1):
        commune = registry.create_unit(
            NewUnit(
                code=commune_code(c),
                name=f"Đảng bộ xã {commune_name}",
                short_name=f"Xã {commune_name}",
                parent=province,
                kind=commune_kind,
            ),
            actor=None,
            valid_from=START,
            note="Dữ liệu minh họa xếp loại chất lượng.",
        )
        communes.append(commune)
        orgs[commune] = [
            registry.create_unit(
                NewUnit(
                    code=org_code(c, o),
                    name=f"Chi bộ {hamlet}, xã {commune_name}",
                    short_name=f"Chi bộ {hamlet} ({commune_name})",
                    parent=commune,
                    kind=org_kind,
                ),
                actor=None,
                valid_from=START,
            )
            for o, hamlet in enumerate(HAMLETS, start=1)
        ]
    return communes, orgs


def _people(rng: random.Random, orgs: dict[Unit, list[Unit]]) -> dict[Unit, list[Person]]:
    """Twelve members per organization, in one INSERT (demo data, like an import)."""
    people, serial = [], 0
    for commune_orgs in orgs.values():
        for org in commune_orgs:
            for _ in range(MEMBERS_PER_ORG):
                serial += 1
                gender = Gender.FEMALE if rng.random() < 0.4 else Gender.MALE
                people.append(
                    Person(
                        code=f"DV33-{serial:05d}",
                        full_name=_name(rng, gender),
                        gender=gender,
                        birth_year=rng.randint(1955, 2000),
                        unit=org,
                    )
                )
    Person.objects.bulk_create(people)
    by_unit: dict[int, list[Person]] = {}
    for person in Person.objects.filter(code__startswith="DV33-").order_by("code"):
        by_unit.setdefault(person.unit_id, []).append(person)
    return {org: by_unit[org.pk] for commune_orgs in orgs.values() for org in commune_orgs}


def _score(rng: random.Random, level: int) -> Decimal:
    low, high = SCORE_RANGES[Level(level)]
    return Decimal(rng.randint(low * 2, high * 2 + 1)) / 2


def _member_levels(
    rng: random.Random, members: list[Person], *, forced: dict[int, int], over_quota: bool
) -> dict[int, int]:
    """One organization's year. Normally at most one HTXSNV against at least eight HTTNV
    (1 ≤ 20 % of 8), so the quota holds in every organization, commune and the province; in
    the over-quota commune's 2025, three HTXSNV against eight HTTNV in every organization."""
    if over_quota:
        excellent, completed, failed = 3, 1, 0
    else:
        excellent = 1 if rng.random() < 0.75 else 0
        completed = rng.choice([1, 2])
        failed = 1 if rng.random() < 0.1 else 0
    levels = dict(forced)
    free = [p.pk for p in members if p.pk not in levels]
    rng.shuffle(free)
    excellent -= sum(1 for level in levels.values() if level == Level.EXCELLENT)
    for level, count in (
        (Level.EXCELLENT, max(excellent, 0)),
        (Level.COMPLETED, completed),
        (Level.NOT_COMPLETED, failed),
    ):
        for _ in range(count):
            levels[free.pop()] = level
    for pk in free:
        levels[pk] = Level.GOOD
    return levels


def _rule_sets() -> dict[int, RuleSet]:
    """The rule set of each demo year, as the rules service judges it (2017 falls under the
    unconfirmed rule set before Quy định 132-QĐ/TW)."""
    return {year: rules.rule_set_for(year) for year in YEARS}


def _decided_on(year: int) -> datetime.date:
    return datetime.date(year + 1, 1, 20)


@transaction.atomic
def load_classification(actor=None) -> bool:
    """The tree, its members and their 2017–2025 results; False when already loaded."""
    if Unit.objects.filter(code=commune_code(1)).exists():
        return False
    province = Unit.objects.get(code=PROVINCE_CODE)
    rng = random.Random(2017)  # noqa: S311 - reproducible demo data, not security
    communes, orgs = _build_tree(province)
    members = _people(rng, orgs)
    rule_sets = _rule_sets()
    by_name = {c: dict(zip(HAMLETS, orgs[c], strict=True)) for c in communes}
    commune_of = {c.pk: name for c, name in zip(communes, COMMUNES, strict=True)}
    streak_commune = communes[COMMUNES.index(STREAK_COMMUNE)]
    streak_org = by_name[streak_commune][STREAK_ORG]
    mover = members[by_name[streak_commune][MOVER_FROM]][0]
    mover_to = by_name[streak_commune][MOVER_TO]
    recent = members[by_name[communes[COMMUNES.index("Như Quỳnh")]][HAMLETS[0]]][0]
    # the streak member: HTXSNV 2017–2021, HTTNV in 2022 (the run is exactly five years);
    # another member: HTXSNV 2021–2025, HTTNV in 2020
    forced_people = {
        mover.pk: {**dict.fromkeys(STREAK_YEARS, Level.EXCELLENT), 2022: Level.GOOD},
        recent.pk: {2020: Level.GOOD, **dict.fromkeys(range(2021, 2026), Level.EXCELLENT)},
    }

    person_rows = []
    for commune in communes:
        over = commune_of[commune.pk] == OVER_QUOTA_COMMUNE
        for org in orgs[commune]:
            for year in YEARS:
                present = [p for p in members[org] if p.pk != mover.pk or year < MOVE_YEAR]
                if org == mover_to and year >= MOVE_YEAR:
                    present.append(mover)
                forced = {
                    p.pk: forced_people[p.pk][year]
                    for p in present
                    if year in forced_people.get(p.pk, {})
                }
                levels = _member_levels(
                    rng, present, forced=forced, over_quota=over and year == SCORED_YEAR
                )
                for person in present:
                    level = levels[person.pk]
                    person_rows.append(
                        PersonClassification(
                            person=person,
                            year=year,
                            unit=org,
                            level=level,
                            score=_score(rng, level) if year == SCORED_YEAR else None,
                            rule_set=rule_sets[year],
                            # the chi bộ proposes, the commune's committee decides
                            proposed_by=org,
                            decided_by=commune,
                            decided_on=_decided_on(year),
                        )
                    )
    # One member disciplined in 2025: KHTNV although 82 points is in the HTTNV band, which
    # Quy định 366 allows only with the disqualifier recorded (same counts as before).
    disciplined = next(
        row
        for row in person_rows
        if row.year == SCORED_YEAR
        and row.level == Level.NOT_COMPLETED
        and row.unit.pk not in {o.pk for o in orgs[communes[COMMUNES.index(OVER_QUOTA_COMMUNE)]]}
    )
    disciplined.score, disciplined.disqualifiers = Decimal("82"), "ky-luat"
    PersonClassification.objects.bulk_create(person_rows, batch_size=1000)
    Person.objects.filter(pk=mover.pk).update(unit=mover_to)

    unit_rows, showcase = [], []
    for commune in communes:
        name = commune_of[commune.pk]
        for year in YEARS:
            levels = _org_levels(rng, orgs[commune], streak_org, year)
            for org in orgs[commune]:
                level = levels[org.pk]
                exemplary = org == streak_org and year in STREAK_YEARS
                if org == streak_org and year in STREAK_YEARS:
                    showcase.append((org, year, name))
                    continue
                unit_rows.append(
                    UnitClassification(
                        unit=org,
                        year=year,
                        level=level,
                        exemplary=exemplary,
                        score=_score(rng, level) if year == SCORED_YEAR else None,
                        rule_set=rule_sets[year],
                        decided_by=f"Ban Thường vụ Đảng ủy xã {name}",
                        decided_on=_decided_on(year),
                    )
                )
    UnitClassification.objects.bulk_create(unit_rows, batch_size=1000)

    # The showcase goes through the service, as an officer would record it, with its audit.
    for org, year, name in showcase:
        rules.record_unit_classification(
            org,
            year,
            level=Level.EXCELLENT,
            exemplary=True,
            actor=actor,
            proposed_by=f"Văn phòng Đảng ủy xã {name}",
            decided_by=f"Ban Thường vụ Đảng ủy xã {name}",
            decided_on=_decided_on(year),
        )
    for commune in communes:
        rules.record_unit_classification(
            commune,
            SCORED_YEAR,
            level=Level.GOOD,
            score=_score(rng, Level.GOOD),
            actor=actor,
            proposed_by="Ban Tổ chức Tỉnh ủy Hưng Yên",
            decided_by="Ban Thường vụ Tỉnh ủy Hưng Yên",
            decided_on=_decided_on(SCORED_YEAR),
        )
    return True


def _org_levels(rng: random.Random, orgs: list[Unit], streak_org: Unit, year: int) -> dict:
    """One commune's organizations in a year: at most one HTXSNV, and then only with the other
    five HTTNV (1 ≤ 20 % of 5), so the quota of each commune's organizations holds. The
    streak organization is HTXSNV 2017–2021 and HTTNV in 2022."""
    if streak_org in orgs and year <= STREAK_YEARS[-1] + 1:
        best = streak_org if year in STREAK_YEARS else None
    else:
        best = rng.choice(orgs) if rng.random() < 0.4 else None
    levels = {}
    for org in orgs:
        if best is not None:
            levels[org.pk] = Level.EXCELLENT if org == best else Level.GOOD
        else:
            draw = rng.random()
            levels[org.pk] = (
                Level.GOOD
                if draw < 0.85
                else Level.COMPLETED
                if draw < 0.97
                else Level.NOT_COMPLETED
            )
    return levels


def load_all() -> dict[str, object]:
    """Load the classification demo (idempotent) and say what it shows."""
    from django.contrib.auth import get_user_model

    from commendation import demo_awards

    actor = get_user_model().objects.filter(username="hungyen").first()
    loaded = load_classification(actor)
    tree = Unit.objects.filter(code__startswith=f"{PROVINCE_CODE}-X")
    return {
        "loaded": loaded,
        "units": tree.count(),
        "people": Person.objects.filter(code__startswith="DV33-").count(),
        "person_results": PersonClassification.objects.filter(
            person__code__startswith="DV33-"
        ).count(),
        "unit_results": UnitClassification.objects.filter(unit__in=tree).count(),
        "over_quota_commune": OVER_QUOTA_COMMUNE,
        "scored_year": SCORED_YEAR,
        "awards": demo_awards.load_all(),
    }
