"""Test data for the commendation app: a small party tree with members."""

from __future__ import annotations

from dataclasses import dataclass, field

from commendation.models import Gender, Person, PersonClassification, RuleSet
from commendation.services import rules
from organizations.models import Unit
from organizations.testing import make_unit


@dataclass
class Party:
    """One province (Đảng bộ tỉnh) → communes (đảng bộ xã) → grassroots organizations
    (tổ chức cơ sở đảng), each with members."""

    province: Unit
    communes: list[Unit]
    orgs: list[Unit]
    members: dict[int, list[Person]] = field(default_factory=dict)  # org pk → people

    @property
    def people(self) -> list[Person]:
        return [p for org in self.orgs for p in self.members[org.pk]]


def make_party(
    name: str = "Hưng Yên",
    *,
    communes: int = 2,
    orgs_per_commune: int = 2,
    members_per_org: int = 5,
) -> Party:
    province = make_unit(name, name=f"Đảng bộ tỉnh {name}", kind_code="province_committee")
    party = Party(province=province, communes=[], orgs=[])
    serial = 0
    for c in range(1, communes + 1):
        commune = make_unit(
            f"Xã {c}",
            name=f"Đảng bộ xã {c} ({name})",
            parent=province,
            kind_code="commune_committee",
        )
        party.communes.append(commune)
        for o in range(1, orgs_per_commune + 1):
            org = make_unit(
                f"Chi bộ thôn {c}.{o}",
                name=f"Chi bộ thôn {c}.{o}, xã {c} ({name})",
                parent=commune,
                kind_code="grassroots_org",
            )
            party.orgs.append(org)
            people = []
            for _ in range(members_per_org):
                serial += 1
                people.append(
                    Person(
                        code=f"{name[:2].upper()}{serial:06d}",
                        full_name=f"Đảng viên {serial}",
                        gender=Gender.FEMALE if serial % 2 else Gender.MALE,
                        unit=org,
                    )
                )
            party.members[org.pk] = Person.objects.bulk_create(people)
    if party.people and party.people[0].pk is None:  # backends without RETURNING
        by_code = {p.code: p for p in Person.objects.all()}
        for org in party.orgs:
            party.members[org.pk] = [by_code[p.code] for p in party.members[org.pk]]
    return party


def classify(person: Person, year: int, level: int, *, unit: Unit | None = None, score=None):
    """A result row as an import would write it (no audit: bulk data)."""
    rule_set: RuleSet = rules.rule_set_for(year)
    return PersonClassification.objects.create(
        person=person,
        year=year,
        unit=unit or person.unit,
        level=level,
        score=score,
        rule_set=rule_set,
    )
