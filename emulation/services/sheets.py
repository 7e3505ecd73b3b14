"""Bảng điểm: self-assessment, review rounds, explanation, final result, totals.

Workflow (ScoreSheet.status): draft (tự chấm) → submitted → reviewed (bình xét lần 1)
→ explained (giải trình, only when something is disputed) → final. Every layer is kept:
the self score, each reviewer's first and second review, the explanation and the final.

Rules:
- the unit's own officers self-assess every hand-scored leaf between the period's opening
  and due dates (after that the sheet is locked unless reopened); target-driven leaves are
  computed from the unit's targets;
- points lie between 0 and the criterion's maximum, in its step (e.g. 0,5); a yes/no
  criterion scores 0 or its maximum; deductions are entered as the points taken off;
- "not applicable" needs a justification and counts only if the reviewers accept it; it
  lowers the unit's maximum, and units rank on the percentage of their applicable maximum;
- reviewers are the cluster's head and deputies (or, in cross-assessment, every member);
  a reviewer never scores its own unit, which is simply left out of its own review;
- a review round is complete when every eligible reviewer scored every hand-scored leaf;
- a criterion is disputed when the first review differs from the self score; the unit may
  explain disputed criteria (not bound by the self-assessment due date), and the second
  review rescores only those; the final score is the second review where there is one,
  else the first;
- the total is regular points + bonus (each leaf capped by its maximum, the sheet by the
  scale's bonus cap) − deductions.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.numbers import parse_decimal
from core.templatetags.vn import format_points as pts
from core.text import normalize
from emulation.models import (
    Criterion,
    EmulationYear,
    Evidence,
    Method,
    Period,
    ReviewMode,
    Score,
    ScoreSheet,
    Section,
    SheetStatus,
    Stage,
    Target,
)
from emulation.services import aggregation, scales, targets
from emulation.services.cycle import check_open, check_unit_can_write
from organizations.models import ClusterLeadership, Unit

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
HAND_METHODS = {Method.MANUAL, Method.YES_NO, Method.BONUS, Method.DEDUCTION}


# ---------------------------------------------------------------- who reviews


def reviewer_units(emulation_year: EmulationYear) -> list[Unit]:
    """The units whose officers review this year's sheets."""
    if emulation_year.review_mode == ReviewMode.CROSS:
        return [p.unit for p in emulation_year.participants.select_related("unit")]
    if emulation_year.cluster_id:
        return [
            lead.unit
            for lead in ClusterLeadership.objects.filter(
                cluster_id=emulation_year.cluster_id, year=emulation_year.year
            ).select_related("unit")
        ]
    return [emulation_year.organizer]


def eligible_reviewers(sheet: ScoreSheet) -> list[Unit]:
    return [u for u in reviewer_units(sheet.period.emulation_year) if u.pk != sheet.unit_id]


def _lock(sheet: ScoreSheet) -> ScoreSheet:
    """Re-read the sheet's state under a row lock (PostgreSQL; SQLite serializes writes
    anyway), so two requests cannot both act on a state only one of them saw."""
    current = (
        ScoreSheet.objects.select_for_update().only("status", "reopened_until").get(pk=sheet.pk)
    )
    sheet.status, sheet.reopened_until = current.status, current.reopened_until
    return sheet


# ---------------------------------------------------------------- opening sheets


@transaction.atomic
def open_sheets(period: Period, *, actor) -> list[ScoreSheet]:
    """Phát bảng điểm: one sheet per participant on the year's current scale."""
    emulation_year = period.emulation_year
    check_open(emulation_year)
    scale = scales.current_scale(emulation_year)
    if scale is None:
        raise RuleViolation("Năm thi đua chưa có thang điểm.")
    found = scales.problems(scale)
    if found:
        raise RuleViolation("Thang điểm chưa hoàn chỉnh: " + " ".join(found))
    existing = set(period.sheets.values_list("unit_id", flat=True))
    created = ScoreSheet.objects.bulk_create(
        ScoreSheet(period=period, unit_id=p.unit_id, scale=scale)
        for p in emulation_year.participants.all()
        if p.unit_id not in existing
    )
    if not created:
        raise RuleViolation("Mọi đơn vị đã có bảng điểm kỳ này.")
    if created[0].pk is None:  # backends that do not return ids from bulk_create
        created = list(period.sheets.exclude(unit_id__in=existing))
    audit.record_many(actor, AuditEntry.Action.CREATE, created)
    return created


# ---------------------------------------------------------------- checks


def _leaf(sheet: ScoreSheet, criterion: Criterion) -> Criterion:
    if criterion.scale_id != sheet.scale_id:
        raise RuleViolation(
            f"Tiêu chí {criterion.number} không thuộc thang điểm của bảng điểm này.",
            field="criterion",
        )
    if criterion.children.exists():
        raise RuleViolation(
            f"Tiêu chí {criterion.number} có tiêu chí con: chấm ở tiêu chí con.",
            field="criterion",
        )
    return criterion


def as_points(value) -> Decimal | None:
    """Accept 2.5, "2.5", "2,5" or a Decimal; refuse anything that is not a number."""
    return parse_decimal(value, field="points")


def check_points(criterion: Criterion, points: Decimal | None) -> None:
    """0 ≤ points ≤ maximum, in the criterion's step; yes/no scores 0 or its maximum."""
    label = f"Tiêu chí {criterion.number}"
    if points is None:
        raise RuleViolation(f"{label}: nhập điểm.", field="points")
    if points < 0:
        raise RuleViolation(f"{label}: điểm không được âm.", field="points")
    if points > criterion.max_points:
        raise RuleViolation(
            f"{label}: {pts(points)} điểm vượt điểm tối đa {pts(criterion.max_points)}.",
            field="points",
        )
    if criterion.method == Method.YES_NO and points not in (ZERO, criterion.max_points):
        raise RuleViolation(
            f"{label} chấm có/không: chỉ nhận 0 hoặc {pts(criterion.max_points)} điểm.",
            field="points",
        )
    if (points / criterion.step) % 1 != 0:
        raise RuleViolation(
            f"{label}: điểm phải theo bước {pts(criterion.step)} (ví dụ "
            f"{pts(criterion.step)}, {pts(criterion.step * 2)}...).",
            field="points",
        )


def _check_value(criterion: Criterion, points, applicable: bool, note: str) -> None:
    if criterion.method not in HAND_METHODS:
        raise RuleViolation(
            f"Tiêu chí {criterion.number} được tính tự động từ chỉ tiêu, không chấm tay.",
            field="criterion",
        )
    if not applicable:
        if criterion.section != Section.REGULAR:
            raise RuleViolation(
                "Chỉ tiêu chí điểm chuẩn mới có thể không áp dụng.", field="applicable"
            )
        if not note.strip():
            raise RuleViolation(
                f"Tiêu chí {criterion.number}: nêu lý do không áp dụng.", field="note"
            )
        if points is not None:
            raise RuleViolation(
                f"Tiêu chí {criterion.number}: tiêu chí không áp dụng thì không có điểm.",
                field="points",
            )
    else:
        check_points(criterion, points)


def _write(
    sheet: ScoreSheet,
    criterion: Criterion,
    stage: str,
    *,
    actor,
    reviewer: Unit | None = None,
    points: Decimal | None,
    applicable: bool = True,
    note: str = "",
) -> Score:
    score = Score.objects.filter(
        sheet=sheet, criterion=criterion, stage=stage, reviewer=reviewer
    ).first()
    note = normalize(note.strip())
    if score is None:
        score = Score.objects.create(
            sheet=sheet,
            criterion=criterion,
            stage=stage,
            reviewer=reviewer,
            points=points,
            applicable=applicable,
            note=note,
            entered_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(actor, AuditEntry.Action.CREATE, score)
        return score
    if (score.points, score.applicable, score.note) == (points, applicable, note):
        return score
    before = audit.snapshot(score, ["points", "applicable", "note", "entered_by"])
    score.points, score.applicable, score.note = points, applicable, note
    score.entered_by = actor if getattr(actor, "pk", None) else None
    score.save(update_fields=["points", "applicable", "note", "entered_by", "updated_at"])
    audit.record(
        actor,
        AuditEntry.Action.UPDATE,
        score,
        before=before,
        after=audit.snapshot(score, ["points", "applicable", "note", "entered_by"]),
    )
    return score


def _transition(sheet: ScoreSheet, status: str, actor, reason: str = "") -> None:
    before = audit.snapshot(sheet, ["status"])
    sheet.move_to(status)
    fields = ["status"]
    if status == SheetStatus.SUBMITTED:
        sheet.submitted_at = timezone.now()
        fields.append("submitted_at")
    sheet.save(update_fields=fields)
    audit.record(
        actor,
        AuditEntry.Action.TRANSITION,
        sheet,
        before=before,
        after=audit.snapshot(sheet, ["status"]),
        reason=reason,
    )


# ---------------------------------------------------------------- self-assessment


@transaction.atomic
def set_self_score(
    sheet: ScoreSheet,
    criterion: Criterion,
    *,
    actor,
    points: Decimal | None = None,
    applicable: bool = True,
    note: str = "",
    day: datetime.date | None = None,
) -> Score:
    """Tự chấm one leaf (its points, or "not applicable" with the reason)."""
    _lock(sheet)
    points = as_points(points)
    check_unit_can_write(sheet, day)
    if sheet.status != SheetStatus.DRAFT:
        raise RuleViolation("Bảng điểm đã nộp: không thể sửa điểm tự chấm.", code="state")
    _leaf(sheet, criterion)
    _check_value(criterion, points, applicable, note)
    return _write(
        sheet, criterion, Stage.SELF, actor=actor, points=points, applicable=applicable, note=note
    )


def missing_self_scores(
    sheet: ScoreSheet, leaves: list[Criterion] | None = None
) -> list[Criterion]:
    leaves = leaves if leaves is not None else scales.leaves(sheet.scale)
    done = set(sheet.scores.filter(stage=Stage.SELF).values_list("criterion_id", flat=True))
    return [
        c
        for c in leaves
        if c.section == Section.REGULAR and c.method in HAND_METHODS and c.pk not in done
    ]


@transaction.atomic
def submit(sheet: ScoreSheet, *, actor, day: datetime.date | None = None) -> ScoreSheet:
    """Nộp bảng điểm: every hand-scored regular leaf needs a self score or "not applicable"."""
    _lock(sheet)
    check_unit_can_write(sheet, day)
    missing = missing_self_scores(sheet)
    if missing:
        numbers = ", ".join(c.number for c in missing[:8])
        more = f" và {len(missing) - 8} tiêu chí khác" if len(missing) > 8 else ""
        raise RuleViolation(f"Chưa tự chấm tiêu chí {numbers}{more}.")
    _transition(sheet, SheetStatus.SUBMITTED, actor)
    return sheet


# ---------------------------------------------------------------- review rounds


@transaction.atomic
def set_review_score(
    sheet: ScoreSheet,
    criterion: Criterion,
    reviewer: Unit,
    *,
    actor,
    points: Decimal | None = None,
    applicable: bool = True,
    note: str = "",
    stage: str = Stage.REVIEW,
) -> Score:
    """One reviewer's score of one leaf, in the first or the second review."""
    _lock(sheet)
    points = as_points(points)
    check_open(sheet.period.emulation_year)
    if reviewer.pk == sheet.unit_id:
        raise RuleViolation("Đơn vị không được chấm bảng điểm của chính mình.", field="reviewer")
    if reviewer.pk not in {u.pk for u in reviewer_units(sheet.period.emulation_year)}:
        raise RuleViolation(f"{reviewer} không phải đơn vị chấm điểm năm này.", field="reviewer")
    _leaf(sheet, criterion)
    if stage == Stage.REVIEW:
        if sheet.status != SheetStatus.SUBMITTED:
            raise RuleViolation("Chỉ bình xét lần 1 bảng điểm đã nộp.", code="state")
    elif stage == Stage.SECOND_REVIEW:
        if sheet.status != SheetStatus.EXPLAINED:
            raise RuleViolation("Chỉ bình xét lần 2 sau khi đơn vị giải trình.", code="state")
        if criterion.pk not in explained_criteria(sheet):
            raise RuleViolation(
                f"Tiêu chí {criterion.number} không có giải trình: giữ kết quả bình xét lần 1.",
                field="criterion",
            )
    else:
        raise RuleViolation("Lớp điểm không hợp lệ.")
    if not applicable and not note.strip():
        note = "Chấp nhận không áp dụng"
    if not applicable and criterion.section == Section.REGULAR and criterion.method in HAND_METHODS:
        if points is not None:
            raise RuleViolation(
                f"Tiêu chí {criterion.number}: tiêu chí không áp dụng thì không có điểm.",
                field="points",
            )
    elif not applicable:
        raise RuleViolation(
            f"Tiêu chí {criterion.number}: chỉ tiêu chí điểm chuẩn chấm tay mới có thể "
            "không áp dụng.",
            field="applicable",
        )
    else:
        _check_value(criterion, points, True, note)
    return _write(
        sheet,
        criterion,
        stage,
        actor=actor,
        reviewer=reviewer,
        points=points,
        applicable=applicable,
        note=note,
    )


def missing_reviews(sheet: ScoreSheet, stage: str = Stage.REVIEW) -> list[tuple[Unit, int]]:
    """(reviewer, number of leaves it has not scored yet) for incomplete reviewers."""
    if stage == Stage.SECOND_REVIEW:
        needed = explained_criteria(sheet)
    else:
        needed = {c.pk for c in scales.leaves(sheet.scale) if c.method in HAND_METHODS}
    done: dict[int, set[int]] = {}
    for reviewer_id, criterion_id in sheet.scores.filter(stage=stage).values_list(
        "reviewer_id", "criterion_id"
    ):
        done.setdefault(reviewer_id, set()).add(criterion_id)
    return [
        (u, len(needed - done.get(u.pk, set())))
        for u in eligible_reviewers(sheet)
        if needed - done.get(u.pk, set())
    ]


def _check_review_complete(sheet: ScoreSheet, stage: str) -> None:
    if not eligible_reviewers(sheet):
        raise RuleViolation("Năm thi đua chưa có đơn vị chấm điểm (cụm trưởng, cụm phó).")
    missing = missing_reviews(sheet, stage)
    if missing:
        names = "; ".join(f"{u}: còn {n} tiêu chí" for u, n in missing[:5])
        raise RuleViolation(f"Chưa chấm đủ: {names}.")


@transaction.atomic
def complete_review(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    """Kết thúc bình xét lần 1 (every eligible reviewer scored every hand-scored leaf)."""
    _lock(sheet)
    check_open(sheet.period.emulation_year)
    if sheet.status != SheetStatus.SUBMITTED:
        raise RuleViolation("Chỉ kết thúc bình xét bảng điểm đã nộp.", code="state")
    _check_review_complete(sheet, Stage.REVIEW)
    _transition(sheet, SheetStatus.REVIEWED, actor)
    return sheet


def explained_criteria(sheet: ScoreSheet) -> set[int]:
    return set(sheet.scores.filter(stage=Stage.EXPLANATION).values_list("criterion_id", flat=True))


@transaction.atomic
def explain(
    sheet: ScoreSheet,
    criterion: Criterion,
    *,
    note: str,
    actor,
    points: Decimal | None = None,
) -> Score:
    """Giải trình one disputed criterion: the unit's reasons (and the points it asks for)."""
    _lock(sheet)
    points = as_points(points)
    check_open(sheet.period.emulation_year)
    if sheet.status != SheetStatus.REVIEWED:
        raise RuleViolation("Chỉ giải trình sau bình xét lần 1.", code="state")
    _leaf(sheet, criterion)
    if criterion.pk not in {line.criterion.pk for line in view(sheet).lines if line.disputed}:
        raise RuleViolation(
            f"Tiêu chí {criterion.number} không có chênh lệch giữa tự chấm và bình xét.",
            field="criterion",
        )
    if not note.strip():
        raise RuleViolation("Nhập nội dung giải trình.", field="note")
    if points is not None:
        check_points(criterion, points)
    return _write(sheet, criterion, Stage.EXPLANATION, actor=actor, points=points, note=note)


@transaction.atomic
def submit_explanation(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    """Nộp giải trình: the disputed criteria go to the second review."""
    _lock(sheet)
    check_open(sheet.period.emulation_year)
    if sheet.status != SheetStatus.REVIEWED:
        raise RuleViolation("Chỉ nộp giải trình sau bình xét lần 1.", code="state")
    if not explained_criteria(sheet):
        raise RuleViolation("Chưa giải trình tiêu chí nào.")
    _transition(sheet, SheetStatus.EXPLAINED, actor)
    return sheet


@transaction.atomic
def finalize(sheet: ScoreSheet, *, actor) -> ScoreSheet:
    """Chốt kết quả: the final layer is written once, with the aggregation used."""
    _lock(sheet)
    emulation_year = sheet.period.emulation_year
    check_open(emulation_year)
    if sheet.status == SheetStatus.EXPLAINED:
        _check_review_complete(sheet, Stage.SECOND_REVIEW)
    elif sheet.status != SheetStatus.REVIEWED:
        raise RuleViolation("Chỉ chốt bảng điểm đã bình xét.", code="state")
    if emulation_year.aggregation == "standardized":
        waiting = sheet.period.sheets.filter(
            status__in=[SheetStatus.DRAFT, SheetStatus.SUBMITTED]
        ).count()
        if waiting:
            raise RuleViolation(
                f"Tổng hợp chuẩn hóa so sánh mọi người chấm trong kỳ: còn {waiting} bảng điểm "
                "chưa bình xét xong lần 1, chưa thể chốt."
            )
    result = view(sheet)
    unknown = [line.criterion.number for line in result.lines if line.proposed is None]
    if unknown:
        raise RuleViolation(
            "Chưa có kết quả cho tiêu chí "
            + ", ".join(unknown[:8])
            + " (thiếu điểm bình xét hoặc kết quả chỉ tiêu)."
        )
    rows = Score.objects.bulk_create(
        Score(
            sheet=sheet,
            criterion=line.criterion,
            stage=Stage.FINAL,
            points=line.proposed.points,
            applicable=line.proposed.applicable,
            entered_by=actor if getattr(actor, "pk", None) else None,
        )
        for line in result.lines
    )
    if rows and rows[0].pk is None:
        rows = list(sheet.scores.filter(stage=Stage.FINAL))
    audit.record_many(actor, AuditEntry.Action.CREATE, rows)
    totals = result.proposed_totals
    sheet.aggregation = emulation_year.aggregation
    sheet.final_total = totals.total
    sheet.final_max = totals.maximum
    sheet.finalized_at = timezone.now()
    before = audit.snapshot(sheet, ["status"])
    sheet.move_to(SheetStatus.FINAL)
    sheet.save(update_fields=["status", "aggregation", "final_total", "final_max", "finalized_at"])
    audit.record(actor, AuditEntry.Action.TRANSITION, sheet, before=before)
    return sheet


@transaction.atomic
def attach_evidence(sheet: ScoreSheet, criterion: Criterion, upload, *, actor) -> Evidence:
    """Tài liệu kiểm chứng: attached to the self score while self-assessing (within the
    period), or to the explanation while explaining."""
    _lock(sheet)
    if sheet.status == SheetStatus.DRAFT:
        check_unit_can_write(sheet)
        stage = Stage.SELF
        missing = "tự chấm trước khi đính kèm tài liệu kiểm chứng"
    elif sheet.status == SheetStatus.REVIEWED:
        check_open(sheet.period.emulation_year)
        stage = Stage.EXPLANATION
        missing = "nhập giải trình trước khi đính kèm tài liệu kiểm chứng"
    else:
        raise RuleViolation(
            f"Bảng điểm đang ở trạng thái “{sheet.get_status_display()}”: không thể thêm tài "
            "liệu kiểm chứng.",
            code="state",
        )
    score = sheet.scores.filter(criterion=criterion, stage=stage).first()
    if score is None:
        raise RuleViolation(f"Tiêu chí {criterion.number}: {missing}.")
    if upload.size > MAX_EVIDENCE_BYTES:
        raise RuleViolation("Tệp lớn hơn 10 MB: hãy nén hoặc chia nhỏ.", field="file")
    name = normalize(os.path.basename(upload.name))[:255] or "tai-lieu"
    evidence = Evidence.objects.create(
        score=score,
        file=upload,
        name=name,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor, AuditEntry.Action.CREATE, evidence)
    return evidence


# ---------------------------------------------------------------- reading a sheet


@dataclass
class Cell:
    points: Decimal | None
    applicable: bool = True


@dataclass
class Line:
    criterion: Criterion
    self_score: Score | None = None
    derived: Decimal | None = None
    reviews: list[Score] = field(default_factory=list)
    review: Cell | None = None
    explanation: Score | None = None
    second_reviews: list[Score] = field(default_factory=list)
    second: Cell | None = None
    final: Cell | None = None

    @property
    def is_derived(self) -> bool:
        return self.criterion.method in (Method.TARGET, Method.RELATIVE)

    @property
    def self_cell(self) -> Cell | None:
        if self.is_derived:
            return Cell(self.derived)
        if self.self_score is None:
            return None
        return Cell(self.self_score.points, self.self_score.applicable)

    @property
    def review_cell(self) -> Cell | None:
        return Cell(self.derived) if self.is_derived else self.review

    @property
    def proposed(self) -> Cell | None:
        """What the final score is (once final) or would be now."""
        if self.final is not None:
            return self.final
        if self.is_derived:
            return Cell(self.derived) if self.derived is not None else None
        return self.second or self.review

    @property
    def disputed(self) -> bool:
        mine, theirs = self.self_cell, self.review
        if self.is_derived or theirs is None or mine is None:
            return False
        return (mine.points, mine.applicable) != (theirs.points, theirs.applicable)


@dataclass
class Totals:
    regular: Decimal = ZERO
    bonus: Decimal = ZERO
    deductions: Decimal = ZERO
    maximum: Decimal = ZERO
    at_maximum: int = 0
    groups: dict[str, Decimal] = field(default_factory=dict)
    complete: bool = True

    @property
    def total(self) -> Decimal:
        return self.regular + self.bonus - self.deductions

    @property
    def exact_percent(self) -> Decimal | None:
        """Unrounded, for ranking: 66,67 and 60/90 are not a tie."""
        if not self.maximum:
            return None
        return self.total / self.maximum * HUNDRED

    @property
    def percent(self) -> Decimal | None:
        exact = self.exact_percent
        return None if exact is None else targets.quantize(exact)


def total_of(lines: list[Line], cell_of, bonus_cap: Decimal, total_max: Decimal) -> Totals:
    """Add up one layer (``cell_of(line)`` picks the cell) the way the scale says."""
    result = Totals(maximum=total_max)
    bonus = ZERO
    for line in lines:
        c = line.criterion
        cell = cell_of(line)
        group = c.number.split(".")[0]
        if cell is None or (cell.applicable and cell.points is None):
            if c.section == Section.REGULAR:
                result.complete = False
            continue
        if not cell.applicable:
            result.maximum -= c.max_points
            continue
        points = min(cell.points, c.max_points)
        if c.section == Section.BONUS:
            bonus += points
        elif c.section == Section.DEDUCTION:
            result.deductions += points
        else:
            result.regular += points
            result.groups[group] = result.groups.get(group, ZERO) + points
            if c.max_points and points == c.max_points:
                result.at_maximum += 1
    result.bonus = min(bonus, bonus_cap)
    return result


@dataclass
class SheetView:
    sheet: ScoreSheet
    lines: list[Line]
    nodes: list[Criterion]

    def totals(self, cell_of) -> Totals:
        return total_of(self.lines, cell_of, self.sheet.scale.bonus_cap, self.sheet.scale.total_max)

    @property
    def self_totals(self) -> Totals:
        return self.totals(lambda line: line.self_cell)

    @property
    def review_totals(self) -> Totals:
        return self.totals(lambda line: line.review_cell)

    @property
    def proposed_totals(self) -> Totals:
        return self.totals(lambda line: line.proposed)

    def inflated(self, line: Line) -> bool:
        """Tự chấm cao hơn kết quả bình xét quá ngưỡng (% of the criterion's maximum)."""
        mine, theirs = line.self_cell, line.proposed
        if mine is None or theirs is None or mine.points is None or not line.criterion.max_points:
            return False
        if not theirs.applicable:
            return False
        threshold = self.sheet.period.emulation_year.inflation_threshold
        gap = (mine.points - (theirs.points or ZERO)) / line.criterion.max_points * HUNDRED
        return gap > threshold


def _group_profiles(sheet: ScoreSheet, stage: str):
    scores = Score.objects.filter(
        sheet__period_id=sheet.period_id, stage=stage, reviewer__isnull=False
    ).select_related("criterion")
    return aggregation.profiles(scores)


def view(
    sheet: ScoreSheet, *, profiles_cache: dict | None = None, stages: tuple[str, ...] = ()
) -> SheetView:
    """Every layer of every leaf of a sheet, aggregated with the year's method (or, once
    final, the method recorded on the sheet). ``profiles_cache`` is shared when viewing
    many sheets of a period: it then also holds the scale, the targets and every score of
    the period, read once. ``stages`` limits the layers read (ranking final sheets needs
    only the self and final layers, not every reviewer's marks)."""
    cache = profiles_cache if profiles_cache is not None else {}
    emulation_year = sheet.period.emulation_year
    if profiles_cache is None:
        nodes = scales.criteria(sheet.scale)
        year_targets = None
        scores_qs = sheet.scores.all()
        if stages:
            scores_qs = scores_qs.filter(stage__in=stages)
        scores = list(scores_qs.select_related("reviewer"))
    else:
        key = ("nodes", sheet.scale_id)
        if key not in cache:
            cache[key] = scales.criteria(sheet.scale)
        nodes = cache[key]
        key = ("targets", emulation_year.pk)
        if key not in cache:
            cache[key] = list(Target.objects.filter(emulation_year=emulation_year))
        year_targets = cache[key]
        key = ("scores", sheet.period_id, stages)
        if key not in cache:
            grouped: dict[int, list[Score]] = {}
            found = Score.objects.filter(sheet__period_id=sheet.period_id)
            if stages:
                found = found.filter(stage__in=stages)
            for score in found.select_related("reviewer"):
                grouped.setdefault(score.sheet_id, []).append(score)
            cache[key] = grouped
        scores = cache[key].get(sheet.pk, [])
    leaf_list = scales.leaves(sheet.scale, nodes)
    lines = {c.pk: Line(c) for c in leaf_list}
    derived = targets.derived_points(emulation_year, sheet.unit, leaf_list, year_targets)
    for c_id, points in derived.items():
        lines[c_id].derived = points
    for score in scores:
        line = lines.get(score.criterion_id)
        if line is None:
            continue
        score.criterion = line.criterion
        if score.stage == Stage.SELF:
            line.self_score = score
        elif score.stage == Stage.REVIEW:
            line.reviews.append(score)
        elif score.stage == Stage.SECOND_REVIEW:
            line.second_reviews.append(score)
        elif score.stage == Stage.EXPLANATION:
            line.explanation = score
        elif score.stage == Stage.FINAL:
            line.final = Cell(score.points, score.applicable)
    method = sheet.aggregation or emulation_year.aggregation
    for stage, attr_in, attr_out in (
        (Stage.REVIEW, "reviews", "review"),
        (Stage.SECOND_REVIEW, "second_reviews", "second"),
    ):
        if not any(getattr(line, attr_in) for line in lines.values()):
            continue
        if method == "standardized":
            key = (sheet.period_id, stage)
            if key not in cache:
                cache[key] = _group_profiles(sheet, stage)
            own, pooled = cache[key]
        else:
            own, pooled = {}, None
        for line in lines.values():
            combined = aggregation.combine(getattr(line, attr_in), method, own, pooled)
            if combined is not None:
                setattr(line, attr_out, Cell(combined.points, combined.applicable))
    return SheetView(sheet, list(lines.values()), nodes)


def line_of(sheet: ScoreSheet, criterion: Criterion) -> Line:
    for line in view(sheet).lines:
        if line.criterion.pk == criterion.pk:
            return line
    raise RuleViolation(f"Tiêu chí {criterion.number} không có trong bảng điểm.")


def cell_history(sheet: ScoreSheet, criterion: Criterion):
    """Every audit entry of every layer of one cell, newest first."""
    from django.contrib.contenttypes.models import ContentType

    ids = [str(pk) for pk in sheet.scores.filter(criterion=criterion).values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Score), object_id__in=ids
        )
        .select_related("actor")
        .order_by("-at", "-pk")
    )
