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
