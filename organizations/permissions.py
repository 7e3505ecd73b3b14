"""Who may see and change what in the organizations app. Pages and the API both ask here.

- system admin (superuser) and central commission staff: everything;
- department staff: the clusters their department follows;
- an officer of a unit that is cluster head or deputy in a year: that cluster's elections
  held by that year's members (the outgoing leadership runs the next election);
- unit officer: the clusters their unit belongs to, and their own unit's ballot.
The registry (units and lineage) is reference data: every signed-in user reads it; only the
system admin and central staff change it. "Not found" and "forbidden" look the same.
"""

from __future__ import annotations

from django.http import Http404

from core.roles import Role
from organizations.models import Cluster, ClusterLeadership, ClusterMembership, Election, Unit


def _units(user, role: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_thidua_roles", None)
    if cache is None:
        cache = {}
        for r, unit_id in user.role_assignments.values_list("role", "unit_id"):
            cache.setdefault(r, set()).add(unit_id)
        user._thidua_roles = cache
    return cache.get(role, set())


def is_sector_wide(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(_units(user, Role.CENTRAL_STAFF)))


def officer_units(user) -> set[int]:
    return _units(user, Role.UNIT_OFFICER)


def can_edit_registry(user) -> bool:
    return is_sector_wide(user)


def visible_clusters(user):
    if is_sector_wide(user):
        return Cluster.objects.all()
    departments = _units(user, Role.DEPARTMENT_STAFF)
    own = officer_units(user)
    member_of = ClusterMembership.objects.filter(unit__in=own).values("cluster")
    return Cluster.objects.filter(pk__in=member_of) | Cluster.objects.filter(
        department__in=departments
    )


def can_manage_cluster(user, cluster: Cluster, year: int) -> bool:
    """Change membership and run elections whose electorate is ``year``."""
    if is_sector_wide(user):
        return True
    if cluster.department_id and cluster.department_id in _units(user, Role.DEPARTMENT_STAFF):
        return True
    return ClusterLeadership.objects.filter(
        cluster=cluster, year=year, unit__in=officer_units(user)
    ).exists()


def can_vote_for(user, election: Election, voter: Unit) -> bool:
    """Enter ``voter``'s ballot: its own officer, or the election's managers (paper ballots)."""
    return voter.pk in officer_units(user) or can_manage_cluster(
        user, election.cluster, election.electorate_year
    )


def can_view_history(user, obj) -> bool:
    """The audit trail of an object is visible to whoever may see the object itself."""
    from organizations.models import LineageEvent, LineageLink, UnitVersion

    if not user.is_authenticated:
        return False
    if is_sector_wide(user) or isinstance(obj, Unit | UnitVersion | LineageEvent | LineageLink):
        return True
    cluster_id = getattr(obj, "cluster_id", None)
    if cluster_id is None and hasattr(obj, "election"):
        cluster_id = obj.election.cluster_id
    return cluster_id is not None and visible_clusters(user).filter(pk=cluster_id).exists()


def get_cluster_for_user(user, pk: int, *, year: int | None = None, write: bool = False) -> Cluster:
    cluster = visible_clusters(user).filter(pk=pk).select_related("department", "sector").first()
    if cluster is None or (write and not can_manage_cluster(user, cluster, year or 0)):
        raise Http404("Không tìm thấy cụm thi đua.")
    return cluster


def get_election_for_user(user, pk: int, *, write: bool = False) -> Election:
    election = Election.objects.select_related("cluster").filter(pk=pk).first()
    if election is None or not visible_clusters(user).filter(pk=election.cluster_id).exists():
        raise Http404("Không tìm thấy cuộc bầu.")
    if write and not can_manage_cluster(user, election.cluster, election.electorate_year):
        raise Http404("Không tìm thấy cuộc bầu.")
    return election


def get_unit_for_user(user, pk: int, *, write: bool = False) -> Unit:
    unit = Unit.objects.filter(pk=pk).select_related("kind").first()
    if unit is None or not user.is_authenticated or (write and not can_edit_registry(user)):
        raise Http404("Không tìm thấy đơn vị.")
    return unit
