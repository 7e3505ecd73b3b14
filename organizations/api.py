"""/api/v1/ endpoints of the registry, clusters and elections: thin over services."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.errors import HttpError

from organizations import permissions
from organizations.models import Election, Unit
from organizations.schemas import (
    BallotIn,
    ClusterOut,
    ElectionIn,
    ElectionOut,
    ErrorOut,
    LeaderOut,
    MemberOut,
    TallyOut,
    UnitDetailOut,
    UnitOut,
)
from organizations.services import clusters as cluster_services
from organizations.services import elections as election_services
from organizations.services import registry

router = Router(tags=["organizations"])


def _unit_out(version) -> dict:
    return {
        "id": version.unit_id,
        "code": version.unit.code,
        "kind": version.unit.kind.code,
        "name": version.name,
        "short_name": version.short_name,
        "parent_id": version.parent_id,
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
    }


@router.get("/units", response=list[UnitOut])
def list_units(
    request,
    q: str = "",
    as_of: datetime.date | None = None,
    kind: str = "",
    limit: int = Query(200, le=1000),
    offset: int = 0,
):
    """Units that exist on ``as_of`` (default today), matched on name ignoring case and accents."""
    versions = registry.search_units(q, day=as_of or datetime.date.today())
    if kind:
        versions = versions.filter(unit__kind__code=kind)
    from core.db import vi_order

    return [
        _unit_out(v) for v in versions.order_by(vi_order("short_name"))[offset : offset + limit]
    ]


def _lineage(pairs, *, forward: bool) -> list[dict]:
    return [
        {
            "unit_id": unit.pk,
            "name": str(unit),
            "event": link.event.kind,
            "effective_date": link.event.effective_date,
            "predecessor_id": link.predecessor_id,
            "successor_id": link.successor_id,
        }
        for unit, link in pairs
    ]


@router.get("/units/{unit_id}", response=UnitDetailOut)
def unit_detail(request, unit_id: int, as_of: datetime.date | None = None):
    """A unit's versions, its predecessors and successors (transitively), and which unit(s)
    carry it on ``as_of``."""
    unit = permissions.get_unit_for_user(request.user, unit_id)
    return {
        "id": unit.pk,
        "code": unit.code,
        "kind": unit.kind.code,
        "versions": list(unit.versions.all()),
        "predecessors": _lineage(registry.predecessors(unit), forward=False),
        "successors": _lineage(registry.successors(unit), forward=True),
        "resolves_to": [u.pk for u in registry.resolve(unit, as_of or datetime.date.today())],
    }


@router.get("/clusters", response=list[ClusterOut])
def list_clusters(request):
    clusters = permissions.visible_clusters(request.user).select_related("sector", "department")
    return [
        {
            "id": c.pk,
            "number": c.number,
            "name": c.name,
            "sector": c.sector.name,
            "department": str(c.department) if c.department else None,
        }
        for c in clusters.order_by("number")
    ]


@router.get("/clusters/{cluster_id}/members", response=list[MemberOut])
def cluster_members(request, cluster_id: int, year: int):
    cluster = permissions.get_cluster_for_user(request.user, cluster_id)
    return [
        {
            "unit_id": m.unit_id,
            "name": m.full_name,
            "short_name": m.short_name,
            "status": m.status,
            "source": m.source,
        }
        for m in cluster_services.members(cluster, year)
    ]


@router.get("/clusters/{cluster_id}/leadership", response=list[LeaderOut])
def cluster_leadership(request, cluster_id: int, year: int):
    cluster = permissions.get_cluster_for_user(request.user, cluster_id)
    return [
        {
            "unit_id": leader.unit_id,
            "name": str(leader.unit),
            "position": leader.position,
            "status": leader.status,
            "source": leader.source,
            "election_id": leader.election_id,
        }
        for leader in cluster_services.leadership(cluster, year)
    ]


def _election_out(election: Election) -> dict:
    return {
        "id": election.pk,
        "cluster_id": election.cluster_id,
        "for_year": election.for_year,
        "electorate_year": election.electorate_year,
        "round": election.round,
        "conference_title": election.conference_title,
        "held_on": election.held_on,
        "place": election.place,
        "method": election.method,
        "status": election.status,
        "outcome": election.outcome,
        "ballots_cast": election.ballots.count(),
        "tally": election.tally,
    }


def _units(ids: list[int]) -> list[Unit]:
    found = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise HttpError(422, f"Không có đơn vị mã số {missing[0]}.")
    return [found[i] for i in ids]


@router.post("/clusters/{cluster_id}/elections", response={201: ElectionOut, 422: ErrorOut})
def create_election(request, cluster_id: int, payload: ElectionIn):
    cluster = permissions.get_cluster_for_user(
        request.user, cluster_id, year=payload.for_year - 1, write=True
    )
    election = election_services.create_election(
        cluster,
        actor=request.user,
        for_year=payload.for_year,
        conference_title=payload.conference_title,
        held_on=payload.held_on,
        place=payload.place,
        head_candidates=_units(payload.head_candidates),
        deputy_candidates=_units(payload.deputy_candidates),
        deputy_seats=payload.deputy_seats,
    )
    return Status(201, _election_out(election))


@router.get("/elections/{election_id}", response=ElectionOut)
def election_detail(request, election_id: int):
    return _election_out(permissions.get_election_for_user(request.user, election_id))


@router.post("/elections/{election_id}/ballots", response={201: ElectionOut, 422: ErrorOut})
def cast_ballot(request, election_id: int, payload: BallotIn):
    election = permissions.get_election_for_user(request.user, election_id)
    voter = get_object_or_404(Unit, pk=payload.voter_id)
    if not permissions.can_vote_for(request.user, election, voter):
        raise HttpError(403, "Bạn không có quyền bỏ phiếu thay đơn vị này.")
    election_services.cast_ballot(
        election,
        voter,
        actor=request.user,
        head=_units([payload.head_id])[0] if payload.head_id else None,
        deputies=_units(payload.deputy_ids),
    )
    return Status(201, _election_out(election))


@router.post("/elections/{election_id}/close", response={200: ElectionOut, 422: ErrorOut})
def close_election(request, election_id: int):
    election = permissions.get_election_for_user(request.user, election_id, write=True)
    election_services.close_election(election, actor=request.user)
    election.refresh_from_db()
    return _election_out(election)


@router.get("/elections/{election_id}/result", response=TallyOut)
def election_result(request, election_id: int):
    """The tally: stored when closed, counted live while open (managers only while open)."""
    election = permissions.get_election_for_user(request.user, election_id)
    if election.tally:
        return election.tally
    if not permissions.can_manage_cluster(request.user, election.cluster, election.electorate_year):
        raise HttpError(403, "Kết quả chỉ công bố sau khi kết thúc bỏ phiếu.")
    return election_services.tally(election).as_json()
