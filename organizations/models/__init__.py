from organizations.models.clusters import (
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    FactStatus,
    Position,
    Sector,
)
from organizations.models.elections import Ballot, BallotMark, Candidate, Election
from organizations.models.people import RoleAssignment
from organizations.models.units import LineageEvent, LineageLink, Unit, UnitKind, UnitVersion

__all__ = [
    "Ballot",
    "BallotMark",
    "Candidate",
    "Cluster",
    "ClusterLeadership",
    "ClusterMembership",
    "Election",
    "FactStatus",
    "LineageEvent",
    "LineageLink",
    "Position",
    "RoleAssignment",
    "Sector",
    "Unit",
    "UnitKind",
    "UnitVersion",
]
