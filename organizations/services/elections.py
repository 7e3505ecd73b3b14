"""Electing a cluster's head (Cụm trưởng) and deputies (Cụm phó) for the next year.

Rules encoded here (the cluster's own regulation may differ; these are the defaults):
- only the member units of the electorate year vote, one ballot each;
- a ballot marks at most one head candidate and at most ``deputy_seats`` deputy candidates;
- closing needs ballots from more than half of the members (quorum);
- a candidate is elected with more than half of the ballots cast; a tie for the last seat or
  a seat no candidate wins by majority is reported and nothing is decided for that election:
  the cluster holds another round. Nothing is ever resolved silently.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from core import audit, text
from core.exceptions import RuleViolation
from organizations.models import (
    Ballot,
    BallotMark,
    Candidate,
    Cluster,
    ClusterLeadership,
    ClusterMembership,
    Election,
    FactStatus,
    Position,
    Unit,
)
from organizations.services import clusters as cluster_services


@dataclass
class SeatCount:
    unit_id: int
    name: str
    votes: int


@dataclass
class Tally:
    """Kiểm phiếu: counts per candidate and what they decide."""

    electorate: int
    ballots_cast: int
    majority: int  # the smallest number of votes that is more than half of the ballots
    head: list[SeatCount]
    deputies: list[SeatCount]
    elected_head: int | None = None
    elected_deputies: list[int] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        return not self.issues

    def as_json(self) -> dict:
        return {
            "electorate": self.electorate,
            "ballots_cast": self.ballots_cast,
            "majority": self.majority,
            "head": [c.__dict__ for c in self.head],
            "deputies": [c.__dict__ for c in self.deputies],
            "elected_head": self.elected_head,
            "elected_deputies": self.elected_deputies,
            "issues": self.issues,
        }


def _next_round(cluster: Cluster, for_year: int) -> int:
    """Vòng bầu: a new election for a year that had an undecided one is the next round."""
    last = Election.objects.filter(cluster=cluster, for_year=for_year).aggregate(r=Max("round"))
    return (last["r"] or 0) + 1


@transaction.atomic
def create_election(
    cluster: Cluster,
    *,
    actor,
    for_year: int,
    conference_title: str,
    held_on: datetime.date,
    place: str = "",
    head_candidates: Sequence[Unit],
    deputy_candidates: Sequence[Unit],
    deputy_seats: int = 2,
    electorate_year: int | None = None,
) -> Election:
    """Open an election at a review conference, with its candidates."""
    electorate_year = electorate_year or for_year - 1
    head_candidates = list(dict.fromkeys(head_candidates))
    deputy_candidates = list(dict.fromkeys(deputy_candidates))
    conference_title = text.normalize(conference_title)
    if not conference_title:
        raise RuleViolation("Cần ghi tên hội nghị bầu.", field="conference_title")
    if not ClusterMembership.objects.filter(cluster=cluster, year=electorate_year).exists():
        raise RuleViolation(f"{cluster} chưa có danh sách thành viên năm {electorate_year}.")
    if ClusterLeadership.objects.filter(cluster=cluster, year=for_year).exists():
        raise RuleViolation(f"{cluster} đã có lãnh đạo cụm năm {for_year}.")
    if Election.objects.filter(cluster=cluster, for_year=for_year, status="open").exists():
        raise RuleViolation(f"Đang có một cuộc bầu chưa kết thúc cho năm {for_year}.")
    if deputy_seats < 0:
        raise RuleViolation("Số Cụm phó không hợp lệ.", field="deputy_seats")
    if not head_candidates:
        raise RuleViolation("Cần ít nhất một ứng viên Cụm trưởng.", field="head_candidates")
    if len(deputy_candidates) < deputy_seats:
        raise RuleViolation(
            f"Cần ít nhất {deputy_seats} ứng viên Cụm phó.", field="deputy_candidates"
        )
    overlap = {u.pk for u in head_candidates} & {u.pk for u in deputy_candidates}
    if overlap:
        raise RuleViolation("Một đơn vị chỉ ứng cử một chức danh trong một vòng bầu.")
    member_ids = set(
        ClusterMembership.objects.filter(cluster=cluster, year=electorate_year).values_list(
            "unit_id", flat=True
        )
    )
    for unit in [*head_candidates, *deputy_candidates]:
        if unit.pk not in member_ids:
            raise RuleViolation(f"{unit} không phải thành viên {cluster} năm {electorate_year}.")
    election = Election.objects.create(
        cluster=cluster,
        for_year=for_year,
        electorate_year=electorate_year,
        round=_next_round(cluster, for_year),
        conference_title=conference_title,
        held_on=held_on,
        place=text.normalize(place),
        deputy_seats=deputy_seats,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Candidate.objects.bulk_create(
        [Candidate(election=election, unit=u, position=Position.HEAD) for u in head_candidates]
        + [
            Candidate(election=election, unit=u, position=Position.DEPUTY)
            for u in deputy_candidates
        ]
    )
    audit.record(actor, "create", election)
    return election


@transaction.atomic
def cast_ballot(
    election: Election,
    voter: Unit,
    *,
    actor,
    head: Unit | None,
    deputies: Sequence[Unit] = (),
) -> Ballot:
    """Record one member unit's ballot. Leaving a position blank is allowed (abstaining)."""
    Election.objects.select_for_update().filter(pk=election.pk).first()
    election.refresh_from_db(fields=["status"])
    if not election.is_open:
        raise RuleViolation("Cuộc bầu đã kết thúc; không nhận thêm phiếu.")
    if not cluster_services.is_member(voter, election.cluster, election.electorate_year):
        raise RuleViolation(
            f"{voter} không phải thành viên {election.cluster} năm {election.electorate_year}; "
            "không có quyền bỏ phiếu.",
            field="voter",
        )
    if Ballot.objects.filter(election=election, voter=voter).exists():
        raise RuleViolation(f"{voter} đã bỏ phiếu trong cuộc bầu này.", field="voter")
    candidates = {(c.unit_id, c.position): c for c in election.candidates.all()}
    marks: list[Candidate] = []
    if head is not None:
        if (head.pk, Position.HEAD) not in candidates:
            raise RuleViolation(f"{head} không phải ứng viên Cụm trưởng.", field="head")
        marks.append(candidates[(head.pk, Position.HEAD)])
    unique_deputies = list(dict.fromkeys(deputies))
    if len(unique_deputies) > election.deputy_seats:
        raise RuleViolation(
            f"Chỉ được chọn tối đa {election.deputy_seats} Cụm phó.", field="deputies"
        )
    for unit in unique_deputies:
        if (unit.pk, Position.DEPUTY) not in candidates:
            raise RuleViolation(f"{unit} không phải ứng viên Cụm phó.", field="deputies")
        marks.append(candidates[(unit.pk, Position.DEPUTY)])
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                election=election,
                voter=voter,
                cast_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as exc:  # a concurrent second ballot from the same unit
        raise RuleViolation(f"{voter} đã bỏ phiếu trong cuộc bầu này.", field="voter") from exc
    BallotMark.objects.bulk_create([BallotMark(ballot=ballot, candidate=c) for c in marks])
    audit.record(
        actor,
        "create",
        ballot,
        after={"voter": voter.pk, "marks": sorted(c.unit_id for c in marks)},
    )
    return ballot


def tally(election: Election) -> Tally:
    """Count the ballots and say what they decide, with every issue spelled out."""
    electorate = ClusterMembership.objects.filter(
        cluster=election.cluster, year=election.electorate_year
    ).count()
    ballots_cast = election.ballots.count()
    majority = ballots_cast // 2 + 1
    counted = (
        election.candidates.select_related("unit")
        .prefetch_related("unit__versions")
        .annotate(votes=Count("marks"))
    )
    head: list[SeatCount] = []
    deputies: list[SeatCount] = []
    for candidate in counted:
        seat = SeatCount(candidate.unit_id, str(candidate.unit), candidate.votes)
        (head if candidate.position == Position.HEAD else deputies).append(seat)
    head.sort(key=lambda s: (-s.votes, text.sort_key(s.name)))
    deputies.sort(key=lambda s: (-s.votes, text.sort_key(s.name)))
    result = Tally(electorate, ballots_cast, majority, head, deputies)

    if ballots_cast == 0:
        result.issues.append("Chưa có phiếu bầu nào.")
        return result
    if len(head) > 1 and head[0].votes == head[1].votes and head[0].votes > 0:
        tied = ", ".join(s.name for s in head if s.votes == head[0].votes)
        result.issues.append(f"Cụm trưởng: hòa phiếu giữa {tied} ({head[0].votes} phiếu).")
    elif head and head[0].votes >= majority:
        result.elected_head = head[0].unit_id
    else:
        top = f"cao nhất {head[0].name}: {head[0].votes}/{ballots_cast}" if head else "không có"
        result.issues.append(
            f"Cụm trưởng: không ứng viên nào đạt quá nửa số phiếu ({top}; cần {majority})."
        )

    seats = election.deputy_seats
    qualified = [s for s in deputies if s.votes >= majority]
    if len(qualified) > seats and qualified[seats - 1].votes == qualified[seats].votes:
        boundary = qualified[seats - 1].votes
        tied = ", ".join(s.name for s in qualified if s.votes == boundary)
        result.issues.append(
            f"Cụm phó: hòa phiếu ở vị trí thứ {seats} giữa {tied} ({boundary} phiếu)."
        )
        result.elected_deputies = [s.unit_id for s in qualified if s.votes > boundary]
    else:
        result.elected_deputies = [s.unit_id for s in qualified[:seats]]
        missing = seats - len(result.elected_deputies)
        if missing > 0:
            result.issues.append(
                f"Cụm phó: còn {missing} vị trí không có ứng viên đạt quá nửa số phiếu "
                f"(cần {majority}/{ballots_cast})."
            )
    return result


@transaction.atomic
def close_election(election: Election, *, actor) -> Tally:
    """Kết thúc bỏ phiếu: store the tally; when it decides every seat, record the leadership."""
    Election.objects.select_for_update().filter(pk=election.pk).first()
    election.refresh_from_db()
    if not election.is_open:
        raise RuleViolation("Cuộc bầu đã kết thúc.")
    result = tally(election)
    quorum = result.electorate // 2 + 1
    if result.ballots_cast < quorum:
        raise RuleViolation(
            f"Mới có {result.ballots_cast}/{result.electorate} đơn vị bỏ phiếu; "
            f"cần ít nhất {quorum} (quá nửa số thành viên) để kết thúc."
        )
    before = audit.snapshot(election)
    election.status = Election.Status.CLOSED
    election.outcome = Election.Outcome.ELECTED if result.decided else Election.Outcome.UNDECIDED
    election.tally = result.as_json()
    election.closed_at = timezone.now()
    election.save(update_fields=["status", "outcome", "tally", "closed_at"])
    audit.record(actor, "transition", election, before=before)
    if result.decided:
        _record_leaders(
            election,
            actor=actor,
            head=Unit.objects.get(pk=result.elected_head),
            deputies=list(Unit.objects.filter(pk__in=result.elected_deputies)),
            status=FactStatus.RECORDED,
            source=f"Kiểm phiếu trong hệ thống, vòng {election.round}",
        )
    return result


def _record_leaders(
    election: Election, *, actor, head: Unit, deputies: Sequence[Unit], status: str, source: str
) -> None:
    cluster, year = election.cluster, election.for_year
    if not ClusterMembership.objects.filter(cluster=cluster, year=year).exists():
        cluster_services.copy_members(
            cluster, from_year=election.electorate_year, to_year=year, actor=actor
        )
    for unit, position in [(head, Position.HEAD), *[(d, Position.DEPUTY) for d in deputies]]:
        cluster_services.set_leader(
            cluster,
            unit,
            year,
            position,
            actor=actor,
            election=election,
            status=status,
            source=source,
        )


@transaction.atomic
def record_election_result(
    cluster: Cluster,
    *,
    actor,
    for_year: int,
    conference_title: str,
    held_on: datetime.date,
    place: str = "",
    head: Unit,
    deputies: Sequence[Unit],
    status: str = FactStatus.CONFIRMED,
    source: str = "",
    electorate_year: int | None = None,
) -> Election:
    """Ghi nhận a result decided outside the system (minutes, press): no ballots, a source."""
    electorate_year = electorate_year or for_year - 1
    deputies = list(dict.fromkeys(deputies))
    if ClusterLeadership.objects.filter(cluster=cluster, year=for_year).exists():
        raise RuleViolation(f"{cluster} đã có lãnh đạo cụm năm {for_year}.")
    if Election.objects.filter(cluster=cluster, for_year=for_year, status="open").exists():
        raise RuleViolation(
            f"Đang có một cuộc bầu chưa kết thúc cho năm {for_year}; "
            "hãy kết thúc cuộc bầu đó trước."
        )
    if head in deputies:
        raise RuleViolation("Một đơn vị không thể vừa là Cụm trưởng vừa là Cụm phó.")
    for unit in [head, *deputies]:
        if not cluster_services.is_member(unit, cluster, electorate_year):
            raise RuleViolation(f"{unit} không phải thành viên {cluster} năm {electorate_year}.")
    election = Election.objects.create(
        cluster=cluster,
        for_year=for_year,
        electorate_year=electorate_year,
        round=_next_round(cluster, for_year),
        conference_title=text.normalize(conference_title),
        held_on=held_on,
        place=text.normalize(place),
        deputy_seats=len(deputies),
        method=Election.Method.RECORDED,
        status=Election.Status.CLOSED,
        outcome=Election.Outcome.ELECTED,
        # No ballots exist: the stored result says who was elected and that it was recorded.
        tally={
            "electorate": ClusterMembership.objects.filter(
                cluster=cluster, year=electorate_year
            ).count(),
            "ballots_cast": 0,
            "majority": 0,
            "head": [],
            "deputies": [],
            "elected_head": head.pk,
            "elected_deputies": [d.pk for d in deputies],
            "issues": [],
        },
        source=source,
        closed_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Candidate.objects.bulk_create(
        [Candidate(election=election, unit=head, position=Position.HEAD)]
        + [Candidate(election=election, unit=u, position=Position.DEPUTY) for u in deputies]
    )
    audit.record(actor, "create", election)
    _record_leaders(
        election, actor=actor, head=head, deputies=deputies, status=status, source=source
    )
    return election
