"""Cluster membership and leadership by year."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet

from core import audit
from core.db import vi_order
from core.exceptions import RuleViolation
from organizations.models import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    FactStatus,
    Position,
    Unit,
)


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def members(cluster: Cluster, year: int) -> QuerySet[ClusterMembership]:
    """The cluster's members in ``year``, in Vietnamese order of their short names.

    Each unit is shown with the name it bore at the end of that year (or its last name
    if it ended earlier in the year).
    """
    from django.db.models import OuterRef, Q, Subquery

    from organizations.models import UnitVersion

    last_day = year_bounds(year)[1]
    name_then = (
        UnitVersion.objects.filter(unit=OuterRef("unit"), valid_from__lte=last_day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1)))
        .order_by("-valid_from")
    )
    return (
        ClusterMembership.objects.filter(cluster=cluster, year=year)
        .select_related("unit")
        .annotate(
            short_name=Subquery(name_then.values("short_name")[:1]),
            full_name=Subquery(name_then.values("name")[:1]),
        )
        .order_by(vi_order("short_name"))
    )


def member_units(cluster: Cluster, year: int) -> QuerySet[Unit]:
    return Unit.objects.filter(cluster_memberships__cluster=cluster, cluster_memberships__year=year)


def is_member(unit: Unit, cluster: Cluster, year: int) -> bool:
    return ClusterMembership.objects.filter(cluster=cluster, year=year, unit=unit).exists()


def years(cluster: Cluster) -> list[int]:
    found = ClusterMembership.objects.filter(cluster=cluster).values_list("year", flat=True)
    return sorted(set(found))


def leadership(cluster: Cluster, year: int) -> QuerySet[ClusterLeadership]:
    return (
        ClusterLeadership.objects.filter(cluster=cluster, year=year)
        .select_related("unit", "election")
        .prefetch_related("unit__versions")
        .order_by("-position", "id")  # "head" before "deputy"
    )


def leadership_of_year(year: int) -> QuerySet[ClusterLeadership]:
    """Every cluster's leaders in ``year``."""
    return (
        ClusterLeadership.objects.filter(year=year)
        .select_related("unit", "cluster")
        .prefetch_related("unit__versions")
        .order_by("cluster", "-position", "id")
    )


def clusters_led_by(unit: Unit, year: int) -> QuerySet[Cluster]:
    """Clusters where ``unit`` is head or deputy in ``year``."""
    return Cluster.objects.filter(leaderships__unit=unit, leaderships__year=year).distinct()


@transaction.atomic
def add_member(
    cluster: Cluster,
    unit: Unit,
    year: int,
    *,
    actor,
    status: str = FactStatus.RECORDED,
    source: str = "",
    note: str = "",
) -> ClusterMembership:
    """Record that ``unit`` belongs to ``cluster`` in ``year``."""
    first, last = year_bounds(year)
    if not Unit.objects.existing_during(first, last).filter(pk=unit.pk).exists():
        raise RuleViolation(f"Đơn vị {unit} không tồn tại trong năm {year}.", field="unit")
    elsewhere = (
        ClusterMembership.objects.filter(unit=unit, year=year, cluster__sector=cluster.sector)
        .select_related("cluster")
        .first()
    )
    if elsewhere:
        if elsewhere.cluster_id == cluster.pk:
            raise RuleViolation(f"{unit} đã là thành viên {cluster} năm {year}.", field="unit")
        raise RuleViolation(
            f"{unit} đã là thành viên {elsewhere.cluster} năm {year}; "
            "một đơn vị chỉ thuộc một cụm trong một năm.",
            field="unit",
        )
    membership = ClusterMembership.objects.create(
        cluster=cluster, unit=unit, year=year, status=status, source=source, note=note
    )
    audit.record(actor, "create", membership)
    return membership


@transaction.atomic
def remove_member(membership: ClusterMembership, *, actor, reason: str = "") -> None:
    """Take a unit out of a year's membership, unless history already refers to it."""
    from organizations.models import Ballot

    if Ballot.objects.filter(
        voter=membership.unit,
        election__cluster=membership.cluster,
        election__electorate_year=membership.year,
    ).exists():
        raise RuleViolation(
            f"{membership.unit} đã bỏ phiếu trong năm {membership.year}; không thể xóa khỏi cụm."
        )
    audit.record(actor, "delete", membership, before=audit.snapshot(membership), reason=reason)
    membership.delete()


@transaction.atomic
def copy_members(cluster: Cluster, *, from_year: int, to_year: int, actor) -> int:
    """Carry a year's composition to the next; units that no longer exist are left out."""
    if ClusterMembership.objects.filter(cluster=cluster, year=to_year).exists():
        raise RuleViolation(f"Năm {to_year} đã có danh sách thành viên.")
    first, last = year_bounds(to_year)
    alive = Unit.objects.existing_during(first, last)
    created = 0
    for membership in ClusterMembership.objects.filter(
        cluster=cluster, year=from_year, unit__in=alive
    ).select_related("unit"):
        add_member(
            cluster, membership.unit, to_year, actor=actor, note=f"Chuyển từ năm {from_year}"
        )
        created += 1
    return created


@transaction.atomic
def set_leader(
    cluster: Cluster,
    unit: Unit,
    year: int,
    position: str,
    *,
    actor,
    election=None,
    status: str = FactStatus.RECORDED,
    source: str = "",
    note: str = "",
) -> ClusterLeadership:
    """Record a head or deputy for ``year``. The unit must be a member that year."""
    if position not in Position.values:
        raise RuleViolation("Chức danh không hợp lệ.", field="position")
    if not is_member(unit, cluster, year):
        raise RuleViolation(f"{unit} không phải thành viên {cluster} năm {year}.", field="unit")
    existing = ClusterLeadership.objects.filter(cluster=cluster, year=year)
    if existing.filter(unit=unit).exists():
        raise RuleViolation(f"{unit} đã giữ chức danh lãnh đạo {cluster} năm {year}.")
    if position == Position.HEAD and existing.filter(position=Position.HEAD).exists():
        raise RuleViolation(f"{cluster} đã có Cụm trưởng năm {year}.")
    leader = ClusterLeadership.objects.create(
        cluster=cluster,
        unit=unit,
        year=year,
        position=position,
        election=election,
        status=status,
        source=source,
        note=note,
    )
    audit.record(actor, "create", leader)
    return leader
