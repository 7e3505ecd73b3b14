"""Who may see and change what in the emulation app. Pages and the API both ask here.

- managers of a year: for a cluster's year, whoever manages the cluster that year
  (central staff, the following department, the officers of that year's head and deputy
  units); for a board's own cascaded year, central staff and the board's officers.
  Managers set up the year (scale, periods, targets), reopen sheets, close review rounds,
  finalize and publish;
- a unit's officers self-assess and explain their own unit's sheet, and see it always;
- reviewer units' officers enter their unit's review scores for other units' sheets;
- other participants see another unit's sheet only once the period is published; before
  that the scores stay hidden. Individual reviewers' scores are visible to managers and to
  the reviewer who gave them, never to the reviewed unit.
"Not found" and "forbidden" look the same (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from emulation.models import EmulationYear, Period, ScoreSheet, Target
from organizations import permissions as org_permissions


def can_manage_year(user, emulation_year: EmulationYear) -> bool:
    if not user.is_authenticated:
        return False
    # One request asks this several times (access function, page, actions): remember it.
    cache = user.__dict__.setdefault("_thidua_manages_year", {})
    if emulation_year.pk not in cache:
        if emulation_year.cluster_id:
            answer = org_permissions.can_manage_cluster(
                user, emulation_year.cluster, emulation_year.year
            )
        else:
            answer = org_permissions.is_sector_wide(user) or (
                emulation_year.organizer_id in org_permissions.officer_units(user)
            )
        cache[emulation_year.pk] = answer
    return cache[emulation_year.pk]


def _participant_ids(emulation_year: EmulationYear) -> set[int]:
    cache = getattr(emulation_year, "_participant_ids", None)
    if cache is None:
        cache = set(emulation_year.participants.values_list("unit_id", flat=True))
        emulation_year._participant_ids = cache
    return cache


def can_view_year(user, emulation_year: EmulationYear) -> bool:
    if not user.is_authenticated:
        return False
    if can_manage_year(user, emulation_year):
        return True
    if emulation_year.cluster_id:
        return org_permissions.visible_clusters(user).filter(pk=emulation_year.cluster_id).exists()
    mine = org_permissions.officer_units(user)
    return emulation_year.organizer_id in mine or bool(mine & _participant_ids(emulation_year))


def visible_years(user):
    years = EmulationYear.objects.select_related("cluster", "organizer").order_by(
        "-year", "cluster__number", "pk"
    )
    if org_permissions.is_sector_wide(user):
        return years
    clusters = org_permissions.visible_clusters(user).values("pk")
    mine = org_permissions.officer_units(user)
    ids = (
        EmulationYear.objects.filter(cluster__in=clusters)
        | EmulationYear.objects.filter(organizer__in=mine)
        | EmulationYear.objects.filter(participants__unit__in=mine)
    ).values("pk")
    return years.filter(pk__in=ids)


def own_units(user, emulation_year: EmulationYear) -> set[int]:
    """The participating units this user is an officer of."""
    return org_permissions.officer_units(user) & _participant_ids(emulation_year)


def reviewer_units_for(user, emulation_year: EmulationYear) -> list:
    """The reviewer units whose scores this user may enter."""
    from emulation.services.sheets import reviewer_units

    mine = org_permissions.officer_units(user)
    return [u for u in reviewer_units(emulation_year) if u.pk in mine]


def can_edit_sheet(user, sheet: ScoreSheet) -> bool:
    """Self-assessment and explanation: the unit's own officers."""
    return user.is_authenticated and (
        user.is_superuser or sheet.unit_id in org_permissions.officer_units(user)
    )


def can_review_sheet(user, sheet: ScoreSheet) -> bool:
    return any(u.pk != sheet.unit_id for u in reviewer_units_for(user, sheet.period.emulation_year))


def can_see_reviewers(user, sheet: ScoreSheet) -> bool:
    """Each reviewer's own scores (not only the aggregate): the year's managers, except
    the officers of the reviewed unit itself (a cluster head does not learn who scored its
    own sheet how)."""
    if org_permissions.is_sector_wide(user):
        return True
    if sheet.unit_id in org_permissions.officer_units(user):
        return False
    return can_manage_year(user, sheet.period.emulation_year)


def can_see_results(user, sheet: ScoreSheet) -> bool:
    """The aggregated review layers and the result of a sheet (not who gave what): the
    year's managers and sector-wide staff, the unit's own officers, and every participant
    once the period is published. A reviewer in cross-assessment sees the self scores it
    reviews and its own marks, not what the others gave, until then."""
    if sheet.period.is_published or org_permissions.is_sector_wide(user):
        return True
    return can_edit_sheet(user, sheet) or can_manage_year(user, sheet.period.emulation_year)


@dataclass(frozen=True)
class Layers:
    """Which aggregated layers of a sheet a user may read now (pages and API alike)."""

    review: bool
    second: bool
    result: bool
    reviewers: bool


def visible_layers(user, sheet: ScoreSheet) -> Layers:
    """A round's aggregate shows once the round is closed (a partial aggregate would give
    away one reviewer's marks), or at once to those who see every reviewer; nothing of the
    review shows to those who may not see results (can_see_results)."""
    reviewers = can_see_reviewers(user, sheet)
    if not can_see_results(user, sheet):
        return Layers(False, False, False, reviewers)
    status = sheet.status
    return Layers(
        review=status != "draft" and (status != "submitted" or reviewers),
        second=status == "final" or reviewers,
        result=reviewers or status in ("reviewed", "final"),
        reviewers=reviewers,
    )


def sees_whole_period(user, emulation_year: EmulationYear) -> bool:
    """Provisional ranking and the self-vs-review summary before publication: managers who
    do not compete themselves (department, central staff), so a cluster head never reads
    the review of its own unit's sheet while it is under way."""
    if org_permissions.is_sector_wide(user):
        return True
    return can_manage_year(user, emulation_year) and not own_units(user, emulation_year)


def can_view_sheet(user, sheet: ScoreSheet) -> bool:
    emulation_year = sheet.period.emulation_year
    if not can_view_year(user, emulation_year):
        return False
    if can_manage_year(user, emulation_year) or can_edit_sheet(user, sheet):
        return True
    if sheet.status != "draft" and can_review_sheet(user, sheet):
        return True
    if sheet.period.is_published:
        return True
    return org_permissions.is_sector_wide(user)


def get_year_for_user(user, pk: int, *, write: bool = False) -> EmulationYear:
    emulation_year = (
        EmulationYear.objects.select_related("cluster", "organizer").filter(pk=pk).first()
    )
    if emulation_year is None or not can_view_year(user, emulation_year):
        raise Http404("Không tìm thấy năm thi đua.")
    if write and not can_manage_year(user, emulation_year):
        raise Http404("Không tìm thấy năm thi đua.")
    return emulation_year


def get_period_for_user(user, pk: int, *, write: bool = False) -> Period:
    period = Period.objects.select_related("emulation_year__cluster").filter(pk=pk).first()
    if period is None:
        raise Http404("Không tìm thấy kỳ chấm điểm.")
    get_year_for_user(user, period.emulation_year_id, write=write)
    return period


def get_sheet_for_user(user, pk: int, *, write: str = "") -> ScoreSheet:
    """``write``: "" to read, "self" (unit's own input), "review" or "manage"."""
    sheet = (
        ScoreSheet.objects.select_related("period__emulation_year__cluster", "scale", "unit")
        .filter(pk=pk)
        .first()
    )
    if sheet is None or not can_view_sheet(user, sheet):
        raise Http404("Không tìm thấy bảng điểm.")
    checks = {
        "": lambda: True,
        "self": lambda: can_edit_sheet(user, sheet),
        "review": lambda: can_review_sheet(user, sheet),
        "manage": lambda: can_manage_year(user, sheet.period.emulation_year),
    }
    if not checks[write]():
        raise Http404("Không tìm thấy bảng điểm.")
    return sheet


def can_view_targets(user, emulation_year: EmulationYear, unit_id: int) -> bool:
    return (
        can_manage_year(user, emulation_year)
        or unit_id in org_permissions.officer_units(user)
        or org_permissions.is_sector_wide(user)
    )


def get_target_for_user(user, pk: int, *, write: bool = False) -> Target:
    target = Target.objects.select_related("emulation_year").filter(pk=pk).first()
    if target is None or not can_view_year(user, target.emulation_year):
        raise Http404("Không tìm thấy chỉ tiêu.")
    if write and not (
        can_manage_year(user, target.emulation_year)
        or target.unit_id in org_permissions.officer_units(user)
    ):
        raise Http404("Không tìm thấy chỉ tiêu.")
    return target
