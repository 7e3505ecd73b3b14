"""Chỉ tiêu: attainment computed exactly, and the points a target gives a criterion.

Rules (all arithmetic in Decimal; percentages rounded half up to 2 decimals, the way
officials write them: 243/240 → 101,25%):
- count target: attainment = actual / planned × 100; met when actual ≥ planned;
- percentage threshold ("trên 90% đảng viên ..."): the actual rate is compared with the
  threshold; attainment = actual rate / threshold × 100; met when the rate is above it
  ("trên" is strictly above: exactly 90% does not meet "trên 90%");
- minimum ("ít nhất 1"): met when actual ≥ planned; attainment as for a count;
- yes/no: actual 1 (có) or 0 (không); attainment 100% or 0%;
- a criterion scored from a target ("target" method) gets full points at ≥ 100%,
  points in proportion below that, and none below its floor (tỷ lệ tối thiểu) if set;
- relative to the leader ("relative" method): the unit with the highest attainment gets
  full points; another unit gets points in proportion to its over-attainment (above 100%)
  against the leader's; if even the leader did not exceed 100%, points follow attainment
  in proportion to the leader's. Points are rounded half up to 0,01.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.numbers import parse_decimal
from core.text import normalize
from emulation.models import Criterion, EmulationYear, Method, Target, TargetKind
from emulation.services.cycle import check_open
from organizations.models import Unit

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def attainment(kind: str, planned: Decimal, actual: Decimal | None) -> Decimal | None:
    """Tỷ lệ đạt in percent, or None while the actual is not reported."""
    if actual is None:
        return None
    if kind == TargetKind.YES_NO:
        return HUNDRED if actual >= 1 else Decimal(0)
    if planned == 0:
        return HUNDRED if actual >= 0 else Decimal(0)
    return quantize(Decimal(actual) / Decimal(planned) * HUNDRED)


def is_met(kind: str, planned: Decimal, actual: Decimal | None) -> bool | None:
    if actual is None:
        return None
    if kind == TargetKind.YES_NO:
        return actual >= 1
    if kind == TargetKind.PERCENT:
        return actual > planned  # "trên 90%": above it, as commendation's roll-ups read it
    return actual >= planned


def target_attainment(target: Target) -> Decimal | None:
    return attainment(target.kind, target.planned, target.actual)


def points_from_attainment(criterion: Criterion, value: Decimal | None) -> Decimal | None:
    """The "target" method: full points at ≥ 100%, proportional below, 0 under the floor."""
    if value is None:
        return None
    if value >= HUNDRED:
        return criterion.max_points
    if criterion.floor_percent is not None and value < criterion.floor_percent:
        return Decimal(0)
    return quantize(criterion.max_points * value / HUNDRED)


def points_relative(criterion: Criterion, values: dict[int, Decimal | None]) -> dict[int, Decimal]:
    """The "relative" method for every unit of the cluster at once (unit id → attainment)."""
    known = {unit: v for unit, v in values.items() if v is not None}
    if not known:
        return {}
    best = max(known.values())
    result: dict[int, Decimal] = {}
    for unit, value in known.items():
        if best > HUNDRED:
            share = max(value - HUNDRED, Decimal(0)) / (best - HUNDRED)
        elif best > 0:
            share = value / best
        else:
            share = Decimal(0)
        result[unit] = quantize(criterion.max_points * share)
    return result


def derived_points(
    emulation_year: EmulationYear,
    unit: Unit,
    leaf_criteria: list[Criterion],
    year_targets: list[Target] | None = None,
) -> dict[int, Decimal | None]:
    """Points of the target-driven leaves of one unit (criterion id → points or None).
    ``year_targets`` (every target of the year) saves the query when ranking many units."""
    derived = [c for c in leaf_criteria if c.method in (Method.TARGET, Method.RELATIVE)]
    if not derived:
        return {}
    codes = {c.target_code for c in derived}
    if year_targets is None:
        year_targets = list(Target.objects.filter(emulation_year=emulation_year, code__in=codes))
    targets = [t for t in year_targets if t.code in codes]
    by_code: dict[str, dict[int, Decimal | None]] = {}
    for t in targets:
        by_code.setdefault(t.code, {})[t.unit_id] = target_attainment(t)
    result: dict[int, Decimal | None] = {}
    for c in derived:
        values = by_code.get(c.target_code, {})
        if c.method == Method.TARGET:
            result[c.pk] = points_from_attainment(c, values.get(unit.pk))
        else:
            result[c.pk] = points_relative(c, values).get(unit.pk)
    return result


def check_target_open(emulation_year: EmulationYear, unit_id: int) -> None:
    """A target feeds the unit's score sheet: once a sheet of the unit has been submitted
    its targets are part of what was submitted, and change only if the sheet is reopened."""
    from emulation.models import ScoreSheet, SheetStatus

    submitted = (
        ScoreSheet.objects.filter(period__emulation_year=emulation_year, unit_id=unit_id)
        .exclude(status=SheetStatus.DRAFT)
        .exists()
    )
    if submitted:
        raise RuleViolation(
            "Bảng điểm của đơn vị đã nộp: chỉ tiêu và kết quả đã chốt theo bảng điểm. "
            "Đề nghị Cụm trưởng mở lại bảng điểm nếu cần sửa.",
            code="locked",
        )


@transaction.atomic
def set_target(
    emulation_year: EmulationYear,
    unit: Unit,
    *,
    code: str,
    title: str,
    kind: str,
    planned: Decimal,
    actor,
    measure: str = "",
) -> Target:
    """Create or change a unit's target (giao chỉ tiêu)."""
    planned = parse_decimal(planned, field="planned")
    check_open(emulation_year)
    check_target_open(emulation_year, unit.pk)
    if not emulation_year.participants.filter(unit=unit).exists():
        raise RuleViolation(f"{unit} không tham gia năm thi đua này.", field="unit")
    if kind not in TargetKind.values:
        raise RuleViolation("Loại chỉ tiêu không hợp lệ.", field="kind")
    if planned is None or planned < 0:
        raise RuleViolation("Kế hoạch phải là số không âm.", field="planned")
    if kind == TargetKind.PERCENT and planned > HUNDRED:
        raise RuleViolation("Tỷ lệ phải từ 0 đến 100%.", field="planned")
    if not code.strip() or not title.strip():
        raise RuleViolation("Nhập mã và tên chỉ tiêu.", field="title")
    target = Target.objects.filter(emulation_year=emulation_year, unit=unit, code=code).first()
    before = audit.snapshot(target) if target else None
    if target is None:
        target = Target(emulation_year=emulation_year, unit=unit, code=code.strip())
    target.title = normalize(title.strip())
    target.kind = kind
    target.planned = planned
    target.measure = normalize(measure.strip())
    target.save()
    audit.record(
        actor,
        AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        target,
        before=before,
    )
    return target


@transaction.atomic
def record_actual(target: Target, actual: Decimal | None, *, actor) -> Target:
    """Báo cáo kết quả thực hiện of a target."""
    actual = parse_decimal(actual, field="actual")
    check_open(target.emulation_year)
    check_target_open(target.emulation_year, target.unit_id)
    if actual is not None and actual < 0:
        raise RuleViolation("Kết quả thực hiện không được âm.", field="actual")
    if target.kind == TargetKind.PERCENT and actual is not None and actual > HUNDRED:
        raise RuleViolation("Tỷ lệ thực hiện phải từ 0 đến 100%.", field="actual")
    if target.kind == TargetKind.YES_NO and actual not in (None, 0, 1):
        raise RuleViolation("Chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không).", field="actual")
    before = audit.snapshot(target)
    target.actual = actual
    target.save(update_fields=["actual"])
    audit.record(actor, AuditEntry.Action.UPDATE, target, before=before)
    return target
