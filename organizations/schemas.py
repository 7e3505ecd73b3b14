import datetime

from ninja import Schema


class UnitVersionOut(Schema):
    name: str
    short_name: str
    parent_id: int | None
    admin_code: str
    valid_from: datetime.date
    valid_to: datetime.date | None


class UnitOut(Schema):
    id: int
    code: str
    kind: str
    name: str
    short_name: str
    parent_id: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None


class LineageOut(Schema):
    unit_id: int
    name: str
    event: str
    effective_date: datetime.date
    predecessor_id: int
    successor_id: int


class UnitDetailOut(Schema):
    id: int
    code: str
    kind: str
    versions: list[UnitVersionOut]
    predecessors: list[LineageOut]
    successors: list[LineageOut]
    resolves_to: list[int]


class ClusterOut(Schema):
    id: int
    number: int
    name: str
    sector: str
    department: str | None


class MemberOut(Schema):
    unit_id: int
    name: str
    short_name: str
    status: str
    source: str


class LeaderOut(Schema):
    unit_id: int
    name: str
    position: str
    status: str
    source: str
    election_id: int | None


class ElectionIn(Schema):
    for_year: int
    conference_title: str
    held_on: datetime.date
    place: str = ""
    head_candidates: list[int]
    deputy_candidates: list[int]
    deputy_seats: int = 2


class BallotIn(Schema):
    voter_id: int
    head_id: int | None = None
    deputy_ids: list[int] = []


class SeatOut(Schema):
    unit_id: int
    name: str
    votes: int


class TallyOut(Schema):
    electorate: int
    ballots_cast: int
    majority: int
    head: list[SeatOut]
    deputies: list[SeatOut]
    elected_head: int | None
    elected_deputies: list[int]
    issues: list[str]


class ElectionOut(Schema):
    id: int
    cluster_id: int
    for_year: int
    electorate_year: int
    round: int
    conference_title: str
    held_on: datetime.date
    place: str
    method: str
    status: str
    outcome: str
    ballots_cast: int
    tally: TallyOut | None


class ErrorOut(Schema):
    detail: str
    field: str | None = None
