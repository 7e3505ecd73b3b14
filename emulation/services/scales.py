"""Tiêu chí và thang điểm: building, validating, copying and versioning a scale.

Rules:
- a scale is a tree group → criterion → sub-criterion; only leaves are scored;
- in the regular section a node's children together never exceed its maximum, and the
  top-level groups together never exceed the scale's stated total (e.g. 100 points);
- bonus leaves (điểm thưởng) are capped one by one and, summed, by the sheet's bonus cap;
  deduction leaves (điểm trừ) are subtracted, each up to its maximum;
- a scale used by a submitted sheet is frozen: changes go into a new version, and the
  draft sheets move to it (their self scores follow the criterion numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum

from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.templatetags.vn import format_points as pts
from emulation.models import (
    Criterion,
    EmulationYear,
    Method,
    Scale,
    Score,
    ScoreSheet,
    Section,
    SheetStatus,
)
from emulation.services.cycle import check_open

DERIVED_METHODS = {Method.TARGET, Method.RELATIVE}
SECTION_METHODS = {
    Section.REGULAR: {Method.MANUAL, Method.YES_NO, Method.TARGET, Method.RELATIVE},
    Section.BONUS: {Method.BONUS},
    Section.DEDUCTION: {Method.DEDUCTION},
}


def current_scale(emulation_year: EmulationYear) -> Scale | None:
    return emulation_year.scales.order_by("-version").first()


def is_frozen(scale: Scale) -> bool:
    return ScoreSheet.objects.filter(scale=scale).exclude(status=SheetStatus.DRAFT).exists()


def check_editable(scale: Scale) -> None:
    check_open(scale.emulation_year)
    if is_frozen(scale):
        raise RuleViolation(
            "Thang điểm đã được dùng trong bảng điểm đã nộp: hãy tạo phiên bản mới để sửa.",
            code="frozen",
        )


@dataclass
class Node:
    criterion: Criterion
    children: list[Node] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not self.children


def criteria(scale: Scale) -> list[Criterion]:
    """Every node in reading order (1, 1.1, 1.1.1, 1.2, 2, ...)."""
    return sorted(scale.criteria.all(), key=Criterion.sort_key)


def tree(scale: Scale, nodes: list[Criterion] | None = None) -> list[Node]:
    nodes = nodes if nodes is not None else criteria(scale)
    by_id = {c.pk: Node(c) for c in nodes}
    roots = []
    for c in nodes:
        if c.parent_id is None:
            roots.append(by_id[c.pk])
        else:
            by_id[c.parent_id].children.append(by_id[c.pk])
    return roots


def leaves(scale: Scale, nodes: list[Criterion] | None = None) -> list[Criterion]:
    nodes = nodes if nodes is not None else criteria(scale)
    parents = {c.parent_id for c in nodes}
    return [c for c in nodes if c.pk not in parents]


@transaction.atomic
def create_scale(
    emulation_year: EmulationYear,
    *,
    title: str,
    actor,
    total_max: Decimal = Decimal(100),
    bonus_cap: Decimal = Decimal(0),
) -> Scale:
    check_open(emulation_year)
    if total_max <= 0:
        raise RuleViolation("Tổng điểm chuẩn phải lớn hơn 0.", field="total_max")
    if bonus_cap < 0:
        raise RuleViolation("Điểm thưởng tối đa không được âm.", field="bonus_cap")
    version = (emulation_year.scales.aggregate(v=Max("version"))["v"] or 0) + 1
    scale = Scale.objects.create(
        emulation_year=emulation_year,
        version=version,
        title=title.strip() or f"Thang điểm thi đua năm {emulation_year.year}",
        total_max=total_max,
        bonus_cap=bonus_cap,
    )
    audit.record(actor, AuditEntry.Action.CREATE, scale)
    return scale


def _siblings_sum(scale: Scale, parent: Criterion | None, exclude: Criterion | None) -> Decimal:
    qs = scale.criteria.filter(parent=parent, section=Section.REGULAR)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(s=Sum("max_points"))["s"] or Decimal(0)


def _check_node(
    scale: Scale,
    *,
    parent: Criterion | None,
    section: str,
    method: str,
    max_points: Decimal,
    step: Decimal,
    target_code: str,
    floor_percent: Decimal | None,
    node: Criterion | None = None,
) -> None:
    if max_points is None or max_points < 0:
        raise RuleViolation("Điểm tối đa phải là số không âm.", field="max_points")
    if step is None or step <= 0:
        raise RuleViolation("Bước điểm phải lớn hơn 0.", field="step")
    if section not in Section.values:
        raise RuleViolation("Loại điểm không hợp lệ.", field="section")
    if method not in SECTION_METHODS[section]:
        raise RuleViolation(
            f"Cách chấm “{Method(method).label}” không dùng được cho phần "
            f"“{Section(section).label}”.",
            field="method",
        )
    if method in DERIVED_METHODS and not target_code:
        raise RuleViolation("Tiêu chí tính theo chỉ tiêu cần mã chỉ tiêu.", field="target_code")
    if floor_percent is not None and not 0 <= floor_percent <= 100:
        raise RuleViolation("Tỷ lệ tối thiểu phải từ 0 đến 100%.", field="floor_percent")
    if section != Section.REGULAR:
        # Bonus and deduction leaves are capped one by one and, for bonus, by the sheet's
        # cap; each leaf stays within its group's maximum.
        if parent is not None and max_points > parent.max_points:
            raise RuleViolation(
                f"Điểm tối đa ({pts(max_points)}) vượt điểm tối đa của {parent.number} "
                f"({pts(parent.max_points)}).",
                field="max_points",
            )
        return
    if parent is not None and parent.scale_id == scale.pk:
        siblings = _siblings_sum(scale, parent, node)
        if siblings + max_points > parent.max_points:
            raise RuleViolation(
                f"Tổng điểm tối đa các tiêu chí con của {parent.number} "
                f"({pts(siblings + max_points)}) vượt điểm tối đa của tiêu chí cha "
                f"({pts(parent.max_points)}).",
                field="max_points",
            )
    elif parent is None:
        siblings = _siblings_sum(scale, None, node)
        if siblings + max_points > scale.total_max:
            raise RuleViolation(
                f"Tổng điểm các nhóm ({pts(siblings + max_points)}) vượt tổng điểm chuẩn của "
                f"thang điểm ({pts(scale.total_max)}).",
                field="max_points",
            )
    if node is not None:
        children = _siblings_sum(scale, node, None)
        if children > max_points:
            raise RuleViolation(
                f"Các tiêu chí con của {node.number} đã có tổng {pts(children)} điểm, lớn hơn "
                f"{pts(max_points)}.",
                field="max_points",
            )


@transaction.atomic
def add_criterion(
    scale: Scale,
    *,
    title: str,
    max_points: Decimal,
    actor,
    parent: Criterion | None = None,
    method: str = Method.MANUAL,
    section: str | None = None,
    step: Decimal = Decimal("0.5"),
    guidance: str = "",
    evidence_expected: str = "",
    target_code: str = "",
    floor_percent: Decimal | None = None,
) -> Criterion:
    """Add a node at the end of ``parent``'s children (or a new top-level group)."""
    check_editable(scale)
    if parent is not None and parent.scale_id != scale.pk:
        raise RuleViolation("Tiêu chí cha không thuộc thang điểm này.", field="parent")
    if parent is not None and parent.scores.exists():
        raise RuleViolation(
            f"Tiêu chí {parent.number} đã có điểm chấm: không thể thêm tiêu chí con.",
            field="parent",
        )
    if not title.strip():
        raise RuleViolation("Nhập nội dung tiêu chí.", field="title")
    section = parent.section if parent is not None else (section or Section.REGULAR)
    if method == Method.MANUAL and section != Section.REGULAR:
        method = Method.BONUS if section == Section.BONUS else Method.DEDUCTION
    _check_node(
        scale,
        parent=parent,
        section=section,
        method=method,
        max_points=max_points,
        step=step,
        target_code=target_code,
        floor_percent=floor_percent,
    )
    position = (scale.criteria.filter(parent=parent).aggregate(p=Max("position"))["p"] or 0) + 1
    number = f"{parent.number}.{position}" if parent else str(position)
    criterion = Criterion.objects.create(
        scale=scale,
        parent=parent,
        position=position,
        number=number,
        title=title.strip(),
        guidance=guidance.strip(),
        evidence_expected=evidence_expected.strip(),
        section=section,
        max_points=max_points,
        method=method,
        step=step,
        target_code=target_code,
        floor_percent=floor_percent,
    )
    audit.record(actor, AuditEntry.Action.CREATE, criterion)
    return criterion


EDITABLE = (
    "title",
    "guidance",
    "evidence_expected",
    "max_points",
    "method",
    "step",
    "target_code",
    "floor_percent",
)


@transaction.atomic
def update_criterion(criterion: Criterion, *, actor, **changes) -> Criterion:
    scale = criterion.scale
    check_editable(scale)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RuleViolation(f"Không sửa được trường {', '.join(sorted(unknown))}.")
    scoring = {"max_points", "method", "step", "target_code", "floor_percent"}
    if scoring & set(changes) and criterion.scores.exists():
        changed = [
            name for name in scoring & set(changes) if getattr(criterion, name) != changes[name]
        ]
        if changed:
            raise RuleViolation(
                f"Tiêu chí {criterion.number} đã có điểm chấm: không đổi điểm tối đa hay cách "
                "chấm. Hãy tạo phiên bản mới của thang điểm.",
                code="frozen",
            )
    before = audit.snapshot(criterion)
    for name, value in changes.items():
        setattr(criterion, name, value.strip() if isinstance(value, str) else value)
    if not criterion.title:
        raise RuleViolation("Nhập nội dung tiêu chí.", field="title")
    _check_node(
        scale,
        parent=criterion.parent,
        section=criterion.section,
        method=criterion.method,
        max_points=criterion.max_points,
        step=criterion.step,
        target_code=criterion.target_code,
        floor_percent=criterion.floor_percent,
        node=criterion,
    )
    criterion.save()
    audit.record(actor, AuditEntry.Action.UPDATE, criterion, before=before)
    return criterion


@transaction.atomic
def delete_criterion(criterion: Criterion, *, actor) -> None:
    check_editable(criterion.scale)
    if Score.objects.filter(criterion__in=_subtree_ids(criterion)).exists():
        raise RuleViolation(f"Tiêu chí {criterion.number} đã có điểm chấm: không thể xóa.")
    before = audit.snapshot(criterion)
    audit.record(actor, AuditEntry.Action.DELETE, criterion, before=before)
    criterion.delete()


def _subtree_ids(criterion: Criterion) -> list[int]:
    prefix = criterion.number + "."
    return [criterion.pk] + [
        c.pk
        for c in criterion.scale.criteria.filter(number__startswith=prefix).only("pk", "number")
    ]


def problems(scale: Scale) -> list[str]:
    """What keeps the scale from being complete (shown on the scale page)."""
    nodes = criteria(scale)
    found = []
    regular_roots = [c for c in nodes if c.parent_id is None and c.section == Section.REGULAR]
    total = sum((c.max_points for c in regular_roots), Decimal(0))
    if total != scale.total_max:
        found.append(
            f"Tổng điểm các nhóm là {pts(total)}, chưa bằng tổng điểm chuẩn {pts(scale.total_max)}."
        )
    children: dict[int, list[Criterion]] = {}
    for c in nodes:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    for c in nodes:
        kids = children.get(c.pk)
        if kids and c.section == Section.REGULAR:
            kid_sum = sum((k.max_points for k in kids), Decimal(0))
            if kid_sum != c.max_points:
                found.append(
                    f"Tiêu chí {c.number}: các tiêu chí con cộng lại {pts(kid_sum)}, "
                    f"chưa bằng {pts(c.max_points)}."
                )
    if not nodes:
        found.append("Thang điểm chưa có tiêu chí nào.")
    if scale.bonus_cap == 0 and any(c.section == Section.BONUS for c in nodes):
        found.append(
            "Thang điểm có điểm thưởng nhưng điểm thưởng tối đa của bảng điểm là 0: "
            "mọi điểm thưởng sẽ không được tính."
        )
    return found


def _copy_nodes(source: Scale, target: Scale) -> dict[int, Criterion]:
    mapping: dict[int, Criterion] = {}
    for c in criteria(source):
        mapping[c.pk] = Criterion.objects.create(
            scale=target,
            parent=mapping[c.parent_id] if c.parent_id else None,
            position=c.position,
            number=c.number,
            title=c.title,
            guidance=c.guidance,
            evidence_expected=c.evidence_expected,
            section=c.section,
            max_points=c.max_points,
            method=c.method,
            step=c.step,
            target_code=c.target_code,
            floor_percent=c.floor_percent,
        )
    return mapping


@transaction.atomic
def copy_scale(source: Scale, *, into: EmulationYear, actor, title: str = "") -> Scale:
    """Sao chép a scale (from last year, or from another cluster) as a new version of
    ``into``'s scale, to edit from there."""
    check_open(into)
    version = (into.scales.aggregate(v=Max("version"))["v"] or 0) + 1
    scale = Scale.objects.create(
        emulation_year=into,
        version=version,
        title=title.strip() or source.title,
        total_max=source.total_max,
        bonus_cap=source.bonus_cap,
        copied_from=source,
    )
    _copy_nodes(source, scale)
    audit.record(actor, AuditEntry.Action.CREATE, scale, reason=f"Sao chép từ {source}")
    return scale


@transaction.atomic
def new_version(scale: Scale, *, actor, reason: str) -> Scale:
    """A new version of a frozen scale; the year's draft sheets move to it and keep their
    self scores on criteria whose numbers still exist."""
    if not reason.strip():
        raise RuleViolation("Nhập lý do tạo phiên bản mới.", field="reason")
    latest = current_scale(scale.emulation_year)
    if latest is not None and latest.pk != scale.pk:
        raise RuleViolation(f"Đã có phiên bản mới hơn ({latest.version}).")
    copy = copy_scale(scale, into=scale.emulation_year, actor=actor)
    by_number = {c.number: c for c in copy.criteria.all()}
    drafts = ScoreSheet.objects.filter(scale=scale, status=SheetStatus.DRAFT)
    for sheet in drafts:
        before = audit.snapshot(sheet)
        # Every layer moves (a reopened sheet can carry first-review scores).
        for score in sheet.scores.select_related("criterion"):
            target = by_number.get(score.criterion.number)
            if target is None:
                audit.record(actor, AuditEntry.Action.DELETE, score, before=audit.snapshot(score))
                score.delete()
            else:
                moved_from = audit.snapshot(score, ["criterion"])
                score.criterion = target
                score.save(update_fields=["criterion"])
                audit.record(
                    actor,
                    AuditEntry.Action.UPDATE,
                    score,
                    before=moved_from,
                    after=audit.snapshot(score, ["criterion"]),
                    reason=reason,
                )
        sheet.scale = copy
        sheet.save(update_fields=["scale"])
        audit.record(actor, AuditEntry.Action.UPDATE, sheet, before=before, reason=reason)
    audit.record(actor, AuditEntry.Action.UPDATE, copy, reason=reason)
    return copy
