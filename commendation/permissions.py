"""Who may see and record classification results. Pages and the API both ask here.

- system admin and central commission staff: everything;
- an officer of a unit: that unit and every unit under it (the UnitVersion parent chain
  valid on 31 December of the year), e.g. a provincial board for its province's party
  organizations; department staff read the units of the clusters they follow;
- recording (a unit's result, an import) needs an officer of a unit strictly above the
  unit judged — a unit never decides its own classification — or sector-wide rights.
"Not found" and "forbidden" look the same (404).
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from organizations import permissions as org_permissions
from organizations.models import Unit, UnitVersion


def ancestors(unit: Unit, year: int) -> list[int]:
    """The ids of the units above ``unit`` on 31/12/year, nearest first (one query per level;
    a party tree is four or five levels deep)."""
    day = datetime.date(year, 12, 31)
    found: list[int] = []
    current = unit.pk
    while True:
        parent = (
            UnitVersion.objects.filter(unit_id=current, valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .values_list("parent_id", flat=True)
            .first()
        )
        if parent is None or parent in found or parent == unit.pk:
            return found
        found.append(parent)
        current = parent


def can_view_unit(user, unit: Unit, year: int) -> bool:
    if not user.is_authenticated:
        return False
    if org_permissions.is_sector_wide(user):
        return True
    mine = org_permissions.officer_units(user)
    return unit.pk in mine or bool(mine & set(ancestors(unit, year)))


def can_record_for(user, unit: Unit, year: int) -> bool:
    """Record the result of ``unit`` (or import results of people under it)."""
    if not user.is_authenticated:
        return False
    if org_permissions.is_sector_wide(user):
        return True
    return bool(org_permissions.officer_units(user) & set(ancestors(unit, year)))


def can_import_within(user, scope: Unit, year: int) -> bool:
    """Import people's results for ``scope``'s subtree: its own officers or those above."""
    return can_view_unit(user, scope, year) and (
        org_permissions.is_sector_wide(user)
        or scope.pk in org_permissions.officer_units(user)
        or can_record_for(user, scope, year)
    )


def get_unit_for_user(user, pk: int, year: int, *, write: bool = False) -> Unit:
    unit = Unit.objects.filter(pk=pk).select_related("kind").first()
    if unit is None or not can_view_unit(user, unit, year):
        raise Http404("Không tìm thấy đơn vị.")
    if write and not can_record_for(user, unit, year):
        raise Http404("Không tìm thấy đơn vị.")
    return unit


# ---------------------------------------------------------------- proposals and the council
#
# - a dossier (hồ sơ đề nghị) is drawn up, submitted and withdrawn by the officers of the
#   proposing unit or of a unit above it (or sector-wide staff);
# - while it is at the cluster, the cluster's managers for the proposal's year (its head and
#   deputies' officers, the following department, central staff) review it, attach their
#   biên bản bình xét, pass it on or return it;
# - from the council on, the council's secretariat acts: sector-wide staff and the officers
#   of a council's own unit (cơ quan of the council);
# - a dossier is seen by all of the above; a council session by the council's side only.


def can_propose_for(user, unit: Unit, year: int) -> bool:
    """Draw up, submit or withdraw a dossier of ``unit``: its officers or those above."""
    return can_view_unit(user, unit, year)


def can_review_at_cluster(user, proposal) -> bool:
    """The cluster's managers that year — except the officers of the proposing unit itself
    (a cluster head does not pass its own board's dossier)."""
    if proposal.unit_id in org_permissions.officer_units(
        user
    ) and not org_permissions.is_sector_wide(user):
        return False
    return bool(
        user.is_authenticated
        and proposal.cluster_id
        and org_permissions.can_manage_cluster(user, proposal.cluster, proposal.year)
    )


def can_act_for_council(user, council=None) -> bool:
    """The council's secretariat: sector-wide staff, or officers of the council's unit (of
    any council's unit when ``council`` is not given)."""
    if not user.is_authenticated:
        return False
    if org_permissions.is_sector_wide(user):
        return True
    from commendation.models import Council

    mine = org_permissions.officer_units(user)
    if council is not None:
        return council.unit_id in mine
    return Council.objects.filter(unit__in=mine).exists()


def can_view_proposal(user, proposal) -> bool:
    if not user.is_authenticated:
        return False
    # The cluster's side: its managers that year (department, head and deputies), once the
    # dossier has left the unit — never the other members, never a draft.
    return (
        can_act_for_council(user)
        or can_view_unit(user, proposal.unit, proposal.year)
        or bool(
            proposal.cluster_id
            and proposal.status != "draft"
            and org_permissions.can_manage_cluster(user, proposal.cluster, proposal.year)
        )
    )


def get_proposal_for_user(user, pk: int, *, write: bool = False):
    """The dossier, or 404. ``write``: may edit it (nominees, attachments, submit)."""
    from commendation.models import Proposal

    proposal = Proposal.objects.select_related("form", "unit", "cluster").filter(pk=pk).first()
    if proposal is None or not can_view_proposal(user, proposal):
        raise Http404("Không tìm thấy hồ sơ.")
    if write and not can_propose_for(user, proposal.unit, proposal.year):
        raise Http404("Không tìm thấy hồ sơ.")
    return proposal


def get_session_for_user(user, pk: int, *, write: bool = False):
    """A council session, or 404: the council's side only (reading and writing alike)."""
    from commendation.models import CouncilSession

    session = CouncilSession.objects.select_related("council").filter(pk=pk).first()
    if session is None or not can_act_for_council(user, session.council):
        raise Http404("Không tìm thấy phiên họp.")
    return session


# ---------------------------------------------------------------- pages of titles, proposals,
# council sessions and decisions (commendation.views_awards)
#
# - a person's record (hồ sơ thành tích) is seen by whoever sees the unit the person belongs
#   to now, or a unit the person was rated in (that year), and by the council's side;
# - lists of people and proposals are filtered in the database by the user's units and the
#   units under them today (the parent chain valid today);
# - a dossier is acted on by whoever acts at its current step (can_act_on_proposal);
# - a decision is read by the council's side and by whoever sees one of its proposals; it is
#   revoked by the council's side only. An attachment and an award follow their dossier and
#   their decision.


def _subtree_filter(user, field: str) -> Q:
    """``field`` (a unit foreign key) within one of the user's units or under it today."""

    from commendation.services.quota import subtree_ids

    today = timezone.localdate()
    condition = Q(pk__in=[])
    for unit in Unit.objects.filter(pk__in=org_permissions.officer_units(user)):
        condition |= Q(**{f"{field}__in": subtree_ids(unit, today)})
    return condition


def can_view_person(user, person) -> bool:

    from commendation.models import PersonClassification

    if not user.is_authenticated:
        return False
    if org_permissions.is_sector_wide(user) or can_act_for_council(user):
        return True
    year = timezone.localdate().year
    if person.unit_id is not None and can_view_unit(user, person.unit, year):
        return True
    places = (
        PersonClassification.objects.filter(person=person)
        .values_list("unit", "year")
        .distinct()
        .order_by("-year")
    )
    units = Unit.objects.in_bulk({unit_id for unit_id, _year in places})
    return any(can_view_unit(user, units[unit_id], year) for unit_id, year in places)


def get_person_for_user(user, pk: int):
    """A person's record (hồ sơ thành tích), or 404."""
    from commendation.models import Person

    person = Person.objects.select_related("unit").filter(pk=pk).first()
    if person is None or not can_view_person(user, person):
        raise Http404("Không tìm thấy cá nhân.")
    return person


def get_people_for_user(user):
    """The people a user may look up (search): everyone for sector-wide staff and the
    council's side, else the people whose unit is one of the user's units or under it."""
    from commendation.models import Person

    if not user.is_authenticated:
        return Person.objects.none()
    if org_permissions.is_sector_wide(user) or can_act_for_council(user):
        return Person.objects.all()
    return Person.objects.filter(_subtree_filter(user, "unit"))


def get_units_for_user(user):
    """The units a user may look up: every unit for sector-wide staff, else the user's units
    and the units under them today."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if org_permissions.is_sector_wide(user):
        return Unit.objects.all()
    return Unit.objects.filter(_subtree_filter(user, "pk"))


def get_proposals_for_user(user):
    """The dossiers a user sees, as one query: all of them for the council's side, else
    those of the user's units and the units under them, and those of the clusters the user
    sees (as ``can_view_proposal``)."""
    from commendation.models import Proposal

    if not user.is_authenticated:
        return Proposal.objects.none()
    if can_act_for_council(user):
        return Proposal.objects.all()
    from django.db.models import Exists, OuterRef

    from core.roles import Role
    from organizations.models import ClusterLeadership

    departments = user.role_assignments.filter(role=Role.DEPARTMENT_STAFF).values("unit")
    leads = ClusterLeadership.objects.filter(
        cluster=OuterRef("cluster"),
        year=OuterRef("year"),
        unit__in=org_permissions.officer_units(user),
    )
    cluster_side = (
        Q(cluster__isnull=False)
        & ~Q(status="draft")
        & (Q(cluster__department__in=departments) | Exists(leads))
    )
    return Proposal.objects.filter(_subtree_filter(user, "unit") | cluster_side)


def can_act_on_proposal(user, proposal) -> bool:
    """Act where the dossier is now: the unit's side while it is with the unit (drawn up,
    returned, withdrawn, decided), the cluster's managers at the cluster, the council's
    secretariat at the council and after its approval."""
    from commendation.models import ProposalStatus

    if proposal.status == ProposalStatus.AT_CLUSTER:
        return can_review_at_cluster(user, proposal)
    if proposal.status in (ProposalStatus.AT_COUNCIL, ProposalStatus.APPROVED):
        return can_act_for_council(user)
    return can_propose_for(user, proposal.unit, proposal.year)


def get_proposal_step_for_user(user, pk: int):
    """The dossier, or 404 unless the user acts at its current step (can_act_on_proposal)."""
    proposal = get_proposal_for_user(user, pk)
    if not can_act_on_proposal(user, proposal):
        raise Http404("Không tìm thấy hồ sơ.")
    return proposal


def get_attachment_for_user(user, pk: int):
    """A file of a dossier, or 404: whoever sees the dossier."""
    from commendation.models import Attachment

    attachment = Attachment.objects.select_related("proposal").filter(pk=pk).first()
    if attachment is None:
        raise Http404("Không tìm thấy tài liệu.")
    get_proposal_for_user(user, attachment.proposal_id)
    return attachment


def get_councils_for_user(user):
    """The councils whose secretariat the user is part of."""
    from commendation.models import Council

    if not user.is_authenticated:
        return Council.objects.none()
    if org_permissions.is_sector_wide(user):
        return Council.objects.all()
    return Council.objects.filter(unit__in=org_permissions.officer_units(user))


def get_council_for_user(user, pk: int):
    council = get_councils_for_user(user).filter(pk=pk).first()
    if council is None:
        raise Http404("Không tìm thấy hội đồng.")
    return council


def can_view_decision(user, decision) -> bool:
    if not user.is_authenticated:
        return False
    if can_act_for_council(user):
        return True
    return any(can_view_proposal(user, p) for p in decision.proposals.select_related("unit"))


def get_decision_for_user(user, pk: int, *, write: bool = False):
    """A decision, or 404. ``write``: may revoke its awards (the council's side)."""
    from commendation.models import Decision

    decision = Decision.objects.filter(pk=pk).first()
    if decision is None or not can_view_decision(user, decision):
        raise Http404("Không tìm thấy quyết định.")
    if write and not can_act_for_council(user):
        raise Http404("Không tìm thấy quyết định.")
    return decision


def get_award_for_user(user, decision_pk: int, pk: int, *, write: bool = False):
    """An award of a decision (its certificate, its revocation), or 404."""
    from commendation.models import Award

    decision = get_decision_for_user(user, decision_pk, write=write)
    award = (
        Award.objects.select_related("form", "person", "decision")
        .filter(pk=pk, decision=decision)
        .first()
    )
    if award is None:
        raise Http404("Không tìm thấy khen thưởng.")
    return award


def get_batch_for_user(user, pk: int):
    """An import batch: the person who started it, and whoever may see its scope, under the
    tree of the batch's year or under today's (the tree the list of batches uses, so that a
    batch listed always opens, also after its unit moved)."""
    from commendation.models import ImportBatch

    batch = ImportBatch.objects.select_related("scope", "actor").filter(pk=pk).first()
    if (
        batch is None
        or not user.is_authenticated
        or not (
            batch.actor_id == user.pk
            or org_permissions.is_sector_wide(user)
            or (
                batch.scope is not None
                and (
                    can_view_unit(user, batch.scope, batch.year)
                    or get_units_for_user(user).filter(pk=batch.scope_id).exists()
                )
            )
        )
    ):
        raise Http404("Không tìm thấy lần nhập.")
    return batch


# --- the person registry ---------------------------------------------------------------------


def can_add_people(user) -> bool:
    """Who is offered to add a person: sector-wide staff and unit officers. Whether they may
    record for the person's unit is checked on saving (:func:`unit_to_record_for`)."""
    return org_permissions.is_sector_wide(user) or bool(org_permissions.officer_units(user))


def can_edit_person(user, person) -> bool:
    """Sector-wide staff; officers who may record for the person's present unit this year."""
    if org_permissions.is_sector_wide(user):
        return True
    year = timezone.localdate().year
    return person.unit is not None and can_record_for(user, person.unit, year)


def unit_to_record_for(user, unit: Unit | None, person=None) -> bool:
    """Whether ``user`` may put a person (``person``, or a new one) in ``unit``: a unit they
    may record for this year, or the person's present unit (the edit right was checked on the
    person); no unit only for sector-wide staff. Pages and API both ask this."""
    if unit is None:
        return org_permissions.is_sector_wide(user)
    if person is not None and unit.pk == person.unit_id:
        return True
    return can_record_for(user, unit, timezone.localdate().year)
