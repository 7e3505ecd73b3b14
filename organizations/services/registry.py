"""The organization registry: units, their versions and lineage events.

Every write is one function, one transaction, one or more audit entries; a refused action
raises :class:`RuleViolation` with a Vietnamese message and leaves the database untouched.
Dates are inclusive: a version ``valid_to`` a day is valid on that day; an event effective
on day D ends the old versions on D - 1 and opens the new ones on D.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from core import audit, text
from core.exceptions import RuleViolation
from organizations.models import LineageEvent, LineageLink, Unit, UnitKind, UnitVersion
from organizations.models.units import covering

ONE_DAY = datetime.timedelta(days=1)


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class NewUnit:
    """What a new unit (established, or born of a split or a merge) is called and where."""

    code: str
    name: str
    short_name: str = ""
    parent: Unit | None = None
    kind: UnitKind | None = None
    admin_code: str = ""
    locality_type: str = ""


# --- reading -----------------------------------------------------------------------------


def versions_on(day: datetime.date) -> QuerySet[UnitVersion]:
    """The versions in force on ``day``: one per existing unit."""
    return UnitVersion.objects.filter(covering(day)).select_related("unit", "unit__kind", "parent")


def name_on(day: datetime.date, *, short: bool = False, unit: str = "pk") -> Coalesce:
    """The name of the unit at ``OuterRef(unit)`` on ``day``, as an expression to annotate with.

    The version in force on ``day``; for a unit that no longer exists then, its last version
    (a merged or dissolved unit keeps its last name in old rankings and roll-ups); for one
    not yet established, its first. Versions of a unit never overlap, so "in force" is "the
    last one begun by then". ``short`` gives the short name (the full name when it is blank).
    NULL only for a unit without any version.
    """
    label = Coalesce(NullIf(F("short_name"), Value("")), F("name")) if short else F("name")
    versions = UnitVersion.objects.filter(unit=OuterRef(unit)).annotate(label=label)
    return Coalesce(
        Subquery(versions.filter(valid_from__lte=day).order_by("-valid_from").values("label")[:1]),
        Subquery(versions.order_by("valid_from").values("label")[:1]),
    )


def names_on(unit_ids: Iterable[int], day: datetime.date, *, short: bool = False) -> dict[int, str]:
    """``{unit id: name on day}`` in one query, however many units (rule: :func:`name_on`).

    ``unit_ids`` may be a queryset of ids (``sheets.values("unit")``), used as a subquery:
    pass one for thousands of units. Ids of units without any version are left out.
    """
    if not isinstance(unit_ids, QuerySet):
        unit_ids = list(set(unit_ids))
        if not unit_ids:
            return {}
    rows = (
        Unit.objects.filter(pk__in=unit_ids)
        .annotate(label=name_on(day, short=short))
        .values_list("pk", "label")
    )
    return {pk: label for pk, label in rows if label is not None}


def search_units(query: str, *, day: datetime.date | None = None) -> QuerySet[UnitVersion]:
    """Versions whose name matches ``query`` ignoring case and diacritics ("bac ninh")."""
    versions = versions_on(day) if day else UnitVersion.objects.select_related("unit", "parent")
    key = text.search_key(query)
    return versions.filter(search_key__contains=key) if key else versions


def predecessors(unit: Unit) -> list[tuple[Unit, LineageLink]]:
    """Every unit that flowed into ``unit``, transitively, nearest first, with the link."""
    return _walk(unit, forward=False)


def successors(unit: Unit) -> list[tuple[Unit, LineageLink]]:
    """Every unit that ``unit`` flowed into, transitively, nearest first, with the link."""
    return _walk(unit, forward=True)


def _walk(unit: Unit, *, forward: bool) -> list[tuple[Unit, LineageLink]]:
    # One query per generation: lineage chains are a handful of generations deep.
    seen: set[int] = {unit.pk}
    frontier = [unit.pk]
    found: list[tuple[Unit, LineageLink]] = []
    while frontier:
        if forward:
            links = LineageLink.objects.filter(predecessor__in=frontier)
        else:
            links = LineageLink.objects.filter(successor__in=frontier)
        links = links.select_related("event", "predecessor", "successor").prefetch_related(
            "predecessor__versions", "successor__versions"
        )
        frontier = []
        for link in links.order_by("event__effective_date", "id"):
            other = link.successor if forward else link.predecessor
            if other.pk not in seen:
                seen.add(other.pk)
                frontier.append(other.pk)
                found.append((other, link))
    return found


def resolve(unit: Unit, day: datetime.date) -> list[Unit]:
    """The unit(s) that carry ``unit`` on ``day``: itself if it exists then, else its successors.

    Hải Dương as of 01/07/2025 resolves to Hải Phòng.
    """
    # Read afresh: ``unit`` may carry versions prefetched before a later event ended it.
    if UnitVersion.objects.filter(unit=unit).filter(covering(day)).exists():
        return [unit]
    carriers: list[Unit] = []
    for successor, link in successors(unit):
        if link.event.effective_date <= day and successor.version_on(day):
            carriers.append(successor)
    return carriers


def unit_history(unit: Unit) -> QuerySet:
    """Audit entries of the unit, its versions and the lineage events it took part in."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEntry

    types = ContentType.objects.get_for_models(Unit, UnitVersion, LineageEvent)
    version_ids = [str(pk) for pk in unit.versions.values_list("pk", flat=True)]
    event_ids = [str(pk) for pk in unit.events.values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(content_type=types[Unit], object_id=str(unit.pk))
        | Q(content_type=types[UnitVersion], object_id__in=version_ids)
        | Q(content_type=types[LineageEvent], object_id__in=event_ids)
    ).select_related("actor")


# --- validation helpers ------------------------------------------------------------------


def _lock(units: Iterable[Unit]) -> None:
    """Serialize concurrent lineage changes to the same units (a no-op on SQLite)."""
    list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units]).order_by("pk"))


def _current_version(unit: Unit, day: datetime.date) -> UnitVersion:
    """The version in force the day before ``day``; refuses when the unit is not alive then
    or when it already has a later change (events must come in date order)."""
    version = unit.versions.filter(covering(day - ONE_DAY)).first()
    if version is None:
        raise RuleViolation(f"Đơn vị {unit} không tồn tại vào ngày {_d(day - ONE_DAY)}.")
    later = unit.versions.filter(valid_from__gte=day).order_by("valid_from").first()
    if later or (version.valid_to is not None and version.valid_to >= day):
        when = later.valid_from if later else version.valid_to + ONE_DAY
        raise RuleViolation(
            f"Đơn vị {unit} đã có thay đổi từ ngày {_d(when)}; "
            f"không thể ghi một sự kiện trùng hoặc sớm hơn (ngày {_d(day)})."
        )
    return version


def _check_unique_name(
    name: str,
    parent: Unit | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    *,
    excluding: Iterable[Unit] = (),
) -> None:
    """Two units under the same parent may not share a name in overlapping periods."""
    clash = UnitVersion.objects.filter(name_key=text.name_key(name), parent=parent)
    clash = clash.exclude(unit__in=[u.pk for u in excluding]).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    )
    if valid_to is not None:
        clash = clash.filter(valid_from__lte=valid_to)
    other = clash.first()
    if other:
        raise RuleViolation(
            f"Đã có đơn vị tên “{other.name}” cùng cấp trên trong thời gian này "
            f"(từ {_d(other.valid_from)}).",
            field="name",
        )


def _check_parent(parent: Unit | None, day: datetime.date) -> None:
    """The parent must exist from ``day`` on: the new version is open-ended."""
    if parent is None:
        return
    if parent.version_on(day) is None:
        raise RuleViolation(
            f"Đơn vị cấp trên {parent} không tồn tại vào ngày {_d(day)}.", field="parent"
        )
    if parent.last_day is not None:
        raise RuleViolation(
            f"Đơn vị cấp trên {parent} chỉ hoạt động đến hết ngày {_d(parent.last_day)}.",
            field="parent",
        )


def _check_no_children_from(unit: Unit, day: datetime.date) -> None:
    """A unit that ends the day before ``day`` may not keep subordinate units from ``day`` on."""
    children = UnitVersion.objects.filter(parent=unit).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
    if children.exists():
        names = ", ".join(sorted({v.short_name for v in children[:5]}))
        raise RuleViolation(
            f"Đơn vị {unit} còn đơn vị trực thuộc ({names}); "
            "hãy chuyển hoặc giải thể các đơn vị này trước."
        )


def _check_no_cycle(predecessor: Unit, successor: Unit) -> None:
    if predecessor.pk == successor.pk or predecessor.pk in {u.pk for u, _ in successors(successor)}:
        raise RuleViolation(
            f"Không thể ghi {predecessor} kế thừa vào {successor}: sẽ tạo thành vòng lặp kế thừa."
        )


def _open_version(
    unit: Unit,
    *,
    name: str,
    short_name: str,
    parent: Unit | None,
    valid_from: datetime.date,
    event: LineageEvent | None,
    admin_code: str = "",
    locality_type: str = "",
) -> UnitVersion:
    name = text.normalize(name)
    short_name = text.normalize(short_name) or name
    if not name:
        raise RuleViolation("Tên đơn vị không được để trống.", field="name")
    _check_parent(parent, valid_from)
    _check_unique_name(name, parent, valid_from, None, excluding=[unit])
    version = UnitVersion.objects.create(
        unit=unit,
        name=name,
        short_name=short_name,
        name_key=text.name_key(name),
        search_key=f"{text.search_key(short_name)} | {text.search_key(name)}",
        parent=parent,
        admin_code=text.normalize(admin_code),
        locality_type=text.normalize(locality_type),
        valid_from=valid_from,
        event=event,
    )
    return version


def _close_version(version: UnitVersion, last_day: datetime.date, actor) -> None:
    before = audit.snapshot(version)
    version.valid_to = last_day
    version.save(update_fields=["valid_to"])
    audit.record(actor, "update", version, before=before)


def _new_unit(spec: NewUnit, *, day: datetime.date, event: LineageEvent | None, actor) -> Unit:
    code = text.normalize(spec.code)
    if not code:
        raise RuleViolation("Mã đơn vị không được để trống.", field="code")
    if Unit.objects.filter(code=code).exists():
        raise RuleViolation(f"Mã đơn vị “{code}” đã được dùng.", field="code")
    if spec.kind is None:
        raise RuleViolation("Chưa chọn loại đơn vị.", field="kind")
    unit = Unit.objects.create(code=code, kind=spec.kind)
    version = _open_version(
        unit,
        name=spec.name,
        short_name=spec.short_name,
        parent=spec.parent,
        valid_from=day,
        event=event,
        admin_code=spec.admin_code,
        locality_type=spec.locality_type,
    )
    audit.record(actor, "create", unit)
    audit.record(actor, "create", version)
    return unit


def _event(kind: str, day: datetime.date, legal_basis: str, note: str, actor) -> LineageEvent:
    event = LineageEvent.objects.create(
        kind=kind,
        effective_date=day,
        legal_basis=text.normalize(legal_basis),
        note=text.normalize(note),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, "create", event)
    return event


def _link(event: LineageEvent, predecessor: Unit, successor: Unit, actor) -> None:
    _check_no_cycle(predecessor, successor)
    link = LineageLink.objects.create(event=event, predecessor=predecessor, successor=successor)
    audit.record(actor, "create", link)


# --- writing -----------------------------------------------------------------------------


@transaction.atomic
def create_unit(
    spec: NewUnit,
    *,
    actor,
    valid_from: datetime.date,
    legal_basis: str = "",
    note: str = "",
) -> Unit:
    """Thành lập: register a unit that exists from ``valid_from``."""
    event = _event(LineageEvent.Kind.ESTABLISH, valid_from, legal_basis, note, actor)
    unit = _new_unit(spec, day=valid_from, event=event, actor=actor)
    event.units.add(unit)
    return unit


@transaction.atomic
def rename_unit(
    unit: Unit,
    *,
    actor,
    effective_date: datetime.date,
    name: str,
    short_name: str = "",
    parent: Unit | None | bool = False,
    admin_code: str | None = None,
    locality_type: str | None = None,
    legal_basis: str = "",
    note: str = "",
) -> LineageEvent:
    """Đổi tên (or move under another parent): the unit keeps its identity and history.

    An empty ``short_name`` keeps the current short name (the one lists sort on).

    ``parent=False`` keeps the current parent; ``None`` makes it a top-level unit.
    """
    _lock([unit])
    current = _current_version(unit, effective_date)
    new_parent = current.parent if parent is False else parent
    if (
        text.normalize(name) == current.name
        and (text.normalize(short_name) or current.short_name) == current.short_name
        and new_parent == current.parent
        and (admin_code is None or admin_code == current.admin_code)
        and (locality_type is None or locality_type == current.locality_type)
    ):
        raise RuleViolation("Tên mới trùng tên hiện tại; không có gì thay đổi.", field="name")
    event = _event(LineageEvent.Kind.RENAME, effective_date, legal_basis, note, actor)
    event.units.add(unit)
    _close_version(current, effective_date - ONE_DAY, actor)
    version = _open_version(
        unit,
        name=name,
        short_name=short_name or current.short_name,
        parent=new_parent,
        valid_from=effective_date,
        event=event,
        admin_code=current.admin_code if admin_code is None else admin_code,
        locality_type=current.locality_type if locality_type is None else locality_type,
    )
    audit.record(actor, "create", version)
    return event


@transaction.atomic
def merge_units(
    sources: Sequence[Unit],
    *,
    actor,
    effective_date: datetime.date,
    into: Unit | None = None,
    new_unit: NewUnit | None = None,
    successor_name: str = "",
    successor_short_name: str = "",
    successor_admin_code: str | None = None,
    successor_locality_type: str | None = None,
    legal_basis: str = "",
    note: str = "",
) -> LineageEvent:
    """Sáp nhập: ``sources`` end the day before ``effective_date`` and continue in one unit.

    Either ``into`` — one of the sources, which continues (Hải Phòng absorbing Hải Dương);
    it may take a new name or code from the same day — or ``new_unit``, created on that day.
    """
    sources = list(dict.fromkeys(sources))
    if (into is None) == (new_unit is None):
        raise RuleViolation("Cần chọn đúng một đơn vị kế thừa: đơn vị tiếp tục hoặc đơn vị mới.")
    if into is not None and into not in sources:
        sources.append(into)
    if len(sources) < 2:
        raise RuleViolation("Sáp nhập cần ít nhất hai đơn vị.")
    _lock(sources)
    current = {unit.pk: _current_version(unit, effective_date) for unit in sources}
    event = _event(LineageEvent.Kind.MERGE, effective_date, legal_basis, note, actor)
    event.units.add(*sources)
    absorbed = [unit for unit in sources if unit != into]
    for unit in absorbed:
        _check_no_children_from(unit, effective_date)
    for unit in absorbed:
        _close_version(current[unit.pk], effective_date - ONE_DAY, actor)
    if new_unit is not None:
        successor = _new_unit(new_unit, day=effective_date, event=event, actor=actor)
        event.units.add(successor)
    else:
        successor = into
        old = current[into.pk]
        changes = (
            successor_name
            or successor_short_name
            or successor_admin_code is not None
            or successor_locality_type
        )
        if changes:
            _close_version(old, effective_date - ONE_DAY, actor)
            version = _open_version(
                successor,
                name=successor_name or old.name,
                short_name=successor_short_name or old.short_name,
                parent=old.parent,
                valid_from=effective_date,
                event=event,
                admin_code=old.admin_code if successor_admin_code is None else successor_admin_code,
                locality_type=successor_locality_type or old.locality_type,
            )
            audit.record(actor, "create", version)
    for unit in absorbed:
        _link(event, unit, successor, actor)
    return event


@transaction.atomic
def split_unit(
    unit: Unit,
    *,
    actor,
    effective_date: datetime.date,
    parts: Sequence[NewUnit],
    source_continues: bool = False,
    legal_basis: str = "",
    note: str = "",
) -> LineageEvent:
    """Chia tách: ``unit`` gives birth to ``parts``; it ends unless ``source_continues``."""
    if not parts or (len(parts) < 2 and not source_continues):
        raise RuleViolation("Chia tách cần ít nhất hai đơn vị mới (hoặc đơn vị cũ tiếp tục).")
    _lock([unit])
    current = _current_version(unit, effective_date)
    event = _event(LineageEvent.Kind.SPLIT, effective_date, legal_basis, note, actor)
    event.units.add(unit)
    if not source_continues:
        _check_no_children_from(unit, effective_date)
        _close_version(current, effective_date - ONE_DAY, actor)
    for spec in parts:
        spec_with_kind = spec if spec.kind else NewUnit(**{**spec.__dict__, "kind": unit.kind})
        part = _new_unit(spec_with_kind, day=effective_date, event=event, actor=actor)
        event.units.add(part)
        _link(event, unit, part, actor)
    return event


@transaction.atomic
def dissolve_unit(
    unit: Unit, *, actor, effective_date: datetime.date, legal_basis: str = "", note: str = ""
) -> LineageEvent:
    """Giải thể: the unit ends the day before ``effective_date``; its history stays."""
    _lock([unit])
    current = _current_version(unit, effective_date)
    _check_no_children_from(unit, effective_date)
    event = _event(LineageEvent.Kind.DISSOLVE, effective_date, legal_basis, note, actor)
    event.units.add(unit)
    _close_version(current, effective_date - ONE_DAY, actor)
    return event
