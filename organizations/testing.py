"""Factories and the standing cast of users for tests of this app and the apps above it.

The cast (see :class:`Cast`): a system admin, central commission staff, an officer of
Vụ Địa phương I (which follows the test cluster), the officer of the member unit that heads the
cluster in the current year, the officer of an ordinary member, and an outsider with no role.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import factory
from django.contrib.auth import get_user_model

from core.roles import Role
from organizations.models import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    FactStatus,
    Position,
    RoleAssignment,
    Sector,
    Unit,
    UnitKind,
    UnitVersion,
)
from organizations.services import registry

START = datetime.date(2008, 8, 1)
_codes = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("mat-khau-thu")


def kind(code: str = "provincial_board", level: int = 2) -> UnitKind:
    found, _ = UnitKind.objects.get_or_create(code=code, defaults={"name": code, "level": level})
    return found


def make_unit(
    short_name: str,
    *,
    name: str = "",
    parent: Unit | None = None,
    kind_code: str = "provincial_board",
    valid_from: datetime.date = START,
    code: str = "",
) -> Unit:
    """A unit created through the registry service, as a user would."""
    return registry.create_unit(
        registry.NewUnit(
            code=code or f"U{next(_codes)}",
            name=name or f"Ban Tổ chức Tỉnh ủy {short_name}",
            short_name=short_name,
            parent=parent,
            kind=kind(kind_code, {"central_commission": 0, "department": 1}.get(kind_code, 2)),
        ),
        actor=None,
        valid_from=valid_from,
    )


def make_cluster(number: int = 2, department: Unit | None = None) -> Cluster:
    sector, _ = Sector.objects.get_or_create(
        code="tcxdd", defaults={"name": "Ngành Tổ chức xây dựng Đảng"}
    )
    return Cluster.objects.create(
        sector=sector, number=number, name=f"Cụm thi đua số {number}", department=department
    )


def add_members(cluster: Cluster, units, years) -> None:
    ClusterMembership.objects.bulk_create(
        [
            ClusterMembership(cluster=cluster, unit=u, year=y, status=FactStatus.CONFIRMED)
            for u in units
            for y in years
        ]
    )


def give_role(user, role: str, unit: Unit):
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


@dataclass
class Cast:
    """A small world: a commission, three departments, a cluster of five boards (2021–2022)
    followed by Vụ Địa phương I and headed in 2021 by Quảng Ninh, one board outside it."""

    commission: Unit
    department: Unit
    other_department: Unit
    cluster: Cluster
    members: list[Unit]
    outsider_unit: Unit
    admin: object
    central: object
    department_officer: object
    other_department_officer: object
    head_officer: object
    member_officer: object
    outsider: object

    @property
    def head_unit(self) -> Unit:
        return self.members[0]

    @property
    def member_unit(self) -> Unit:
        return self.members[1]


MEMBER_NAMES = ["Quảng Ninh", "Thái Bình", "Hải Phòng", "Bắc Ninh", "Ninh Bình"]
YEARS = (2021, 2022)


def make_cast() -> Cast:
    commission = make_unit(
        "Ban Tổ chức Trung ương",
        name="Ban Tổ chức Trung ương",
        kind_code="central_commission",
        code="BTCTW",
    )
    department = make_unit(
        "Vụ Địa phương I",
        name="Vụ Địa phương I",
        parent=commission,
        kind_code="department",
        code="VDP1",
    )
    other_department = make_unit(
        "Vụ Địa phương II",
        name="Vụ Địa phương II",
        parent=commission,
        kind_code="department",
        code="VDP2",
    )
    members = [make_unit(n, parent=commission) for n in MEMBER_NAMES]
    outsider_unit = make_unit("Cà Mau", parent=commission)
    cluster = make_cluster(2, department)
    add_members(cluster, members, YEARS)
    ClusterLeadership.objects.create(
        cluster=cluster, year=2021, unit=members[0], position=Position.HEAD
    )
    user = UserFactory
    return Cast(
        commission=commission,
        department=department,
        other_department=other_department,
        cluster=cluster,
        members=members,
        outsider_unit=outsider_unit,
        admin=user(username="admin", is_superuser=True, is_staff=True),
        central=give_role(user(username="trunguong"), Role.CENTRAL_STAFF, commission),
        department_officer=give_role(user(username="vudp1"), Role.DEPARTMENT_STAFF, department),
        other_department_officer=give_role(
            user(username="vudp2"), Role.DEPARTMENT_STAFF, other_department
        ),
        head_officer=give_role(user(username="quangninh"), Role.UNIT_OFFICER, members[0]),
        member_officer=give_role(user(username="thaibinh"), Role.UNIT_OFFICER, members[1]),
        outsider=give_role(user(username="camau"), Role.UNIT_OFFICER, outsider_unit),
    )


def current_name(unit: Unit) -> str:
    version = UnitVersion.objects.filter(unit=unit).order_by("-valid_from").first()
    return version.short_name if version else unit.code
