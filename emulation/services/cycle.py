"""The emulation year: opening it, its periods, phases, locking and reopening, publication.

Rules:
- a cluster's year competes between that year's members; a board's own (cascaded) year
  competes between the boards directly under it during that year;
- a scoring period is open from ``opens_on`` to ``due_on`` inclusive; after it a unit's
  sheet is locked unless the cluster head reopened it (with a reason, until a date);
- phases only move forward (pledge → mid-year → year-end → closed); a closed year is
  immutable: every write service refuses it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from emulation.models import (
    Aggregation,
    EmulationYear,
    Participant,
    Period,
    PeriodKind,
    Phase,
    ReviewMode,
    ScoreSheet,
    SheetStatus,
    TieBreak,
)
from organizations.models import Cluster, Unit, UnitVersion
from organizations.services import clusters as cluster_services

PHASE_ORDER = [Phase.PLEDGE, Phase.MIDYEAR, Phase.YEAREND, Phase.CLOSED]


def today() -> datetime.date:
    return timezone.localdate()


def check_open(emulation_year: EmulationYear) -> None:
    if emulation_year.is_closed:
        raise RuleViolation(
            f"Năm thi đua {emulation_year.year} đã khóa sổ: không thể thay đổi dữ liệu.",
            code="closed",
        )


def check_tie_breaks(tie_breaks: Iterable[str]) -> list[str]:
    result = []
    valid = set(TieBreak.values)
    for code in tie_breaks:
        code = str(code).strip()
        if code in valid or (code.startswith("group:") and code[6:].isdigit()):
            result.append(code)
        else:
            raise RuleViolation(f"Tiêu chí phụ “{code}” không hợp lệ.", field="tie_breaks")
    if len(set(result)) != len(result):
        raise RuleViolation("Một tiêu chí phụ được chọn hai lần.", field="tie_breaks")
    return result


def subordinates(organizer: Unit, year: int) -> list[Unit]:
    start, end = cluster_services.year_bounds(year)
    ids = (
        UnitVersion.objects.filter(parent=organizer, valid_from__lte=end)
        .exclude(valid_to__lt=start)
        .values_list("unit_id", flat=True)
    )
    return list(Unit.objects.filter(pk__in=ids))


@transaction.atomic
def open_year(
    *,
    year: int,
    title: str,
    actor,
    cluster: Cluster | None = None,
    organizer: Unit | None = None,
    participants: Iterable[Unit] | None = None,
    parent: EmulationYear | None = None,
    review_mode: str = ReviewMode.LEADERS,
    aggregation: str = Aggregation.MEAN,
    tie_breaks: Iterable[str] = (),
) -> EmulationYear:
    """Mở năm thi đua of a cluster (its members of ``year`` compete) or of a board for its
    own subordinate boards (cascading; ``participants`` defaults to all of them)."""
    if (cluster is None) == (organizer is None):
        raise RuleViolation("Chọn một cụm thi đua hoặc một đơn vị tổ chức.")
    if review_mode not in ReviewMode.values:
        raise RuleViolation("Cách bình xét không hợp lệ.", field="review_mode")
    if aggregation not in Aggregation.values:
        raise RuleViolation("Cách tổng hợp điểm không hợp lệ.", field="aggregation")
    tie_breaks = check_tie_breaks(tie_breaks)
    if not title.strip():
        raise RuleViolation("Nhập tên năm thi đua.", field="title")
    if cluster is not None:
        if EmulationYear.objects.filter(cluster=cluster, year=year).exists():
            raise RuleViolation(f"{cluster} đã có năm thi đua {year}.", field="year")
        units = list(cluster_services.member_units(cluster, year))
        if not units:
            raise RuleViolation(f"{cluster} chưa có thành viên năm {year}.", field="year")
    else:
        if EmulationYear.objects.filter(organizer=organizer, year=year).exists():
            raise RuleViolation(f"{organizer} đã phát động thi đua năm {year}.", field="year")
        allowed = {u.pk: u for u in subordinates(organizer, year)}
        units = list(participants) if participants is not None else list(allowed.values())
        strangers = [u for u in units if u.pk not in allowed]
        if strangers:
            raise RuleViolation(
                f"{strangers[0]} không trực thuộc {organizer} trong năm {year}.",
                field="participants",
            )
        if not units:
            raise RuleViolation(f"{organizer} không có đơn vị trực thuộc năm {year}.")
    emulation_year = EmulationYear.objects.create(
        cluster=cluster,
        organizer=organizer,
        parent=parent,
        year=year,
        title=title.strip(),
        review_mode=review_mode,
        aggregation=aggregation,
        tie_breaks=tie_breaks,
    )
    Participant.objects.bulk_create(
        Participant(emulation_year=emulation_year, unit=unit) for unit in units
    )
    audit.record(actor, AuditEntry.Action.CREATE, emulation_year)
    return emulation_year


def participant_units(emulation_year: EmulationYear) -> list[Unit]:
    return [p.unit for p in emulation_year.participants.select_related("unit")]


def is_participant(emulation_year: EmulationYear, unit: Unit) -> bool:
    return emulation_year.participants.filter(unit=unit).exists()


@transaction.atomic
def set_rules(
    emulation_year: EmulationYear,
    *,
    actor,
    review_mode: str | None = None,
    aggregation: str | None = None,
    tie_breaks: Iterable[str] | None = None,
    flag_count: int | None = None,
    merit_count: int | None = None,
    inflation_threshold=None,
) -> EmulationYear:
    """The cluster-year's review settings. The review mode cannot change once a review
    score exists; the aggregation is recorded on each sheet when it is finalized."""
    from emulation.models import Score, Stage

    check_open(emulation_year)
    before = audit.snapshot(emulation_year)
    if review_mode is not None and review_mode != emulation_year.review_mode:
        if review_mode not in ReviewMode.values:
            raise RuleViolation("Cách bình xét không hợp lệ.", field="review_mode")
        if Score.objects.filter(
            sheet__period__emulation_year=emulation_year,
            stage__in=[Stage.REVIEW, Stage.SECOND_REVIEW],
        ).exists():
            raise RuleViolation(
                "Đã có điểm bình xét: không thể đổi cách bình xét.", field="review_mode"
            )
        emulation_year.review_mode = review_mode
    finalized = ScoreSheet.objects.filter(
        period__emulation_year=emulation_year, status=SheetStatus.FINAL
    ).exists()
    published = emulation_year.periods.filter(published_at__isnull=False).exists()
    if aggregation is not None and aggregation != emulation_year.aggregation:
        if aggregation not in Aggregation.values:
            raise RuleViolation("Cách tổng hợp điểm không hợp lệ.", field="aggregation")
        if finalized:
            raise RuleViolation(
                "Đã có bảng điểm chốt kết quả: không đổi cách tổng hợp giữa chừng "
                "(mọi đơn vị phải được tổng hợp cùng một cách).",
                field="aggregation",
            )
        emulation_year.aggregation = aggregation
    ranking_rules = (
        tie_breaks is not None and list(tie_breaks) != list(emulation_year.tie_breaks),
        flag_count is not None and int(flag_count) != emulation_year.flag_count,
        merit_count is not None and int(merit_count) != emulation_year.merit_count,
    )
    if published and any(ranking_rules):
        raise RuleViolation(
            "Kết quả đã công bố: không đổi tiêu chí phụ hay số lượng đề nghị khen thưởng.",
            field="tie_breaks",
        )
    if tie_breaks is not None:
        emulation_year.tie_breaks = check_tie_breaks(tie_breaks)
    for name, value in (("flag_count", flag_count), ("merit_count", merit_count)):
        if value is not None:
            if int(value) < 0:
                raise RuleViolation("Số lượng đề nghị không được âm.", field=name)
            setattr(emulation_year, name, int(value))
    if inflation_threshold is not None:
        if not 0 <= inflation_threshold <= 100:
            raise RuleViolation("Ngưỡng cảnh báo phải từ 0 đến 100%.", field="inflation_threshold")
        emulation_year.inflation_threshold = inflation_threshold
    emulation_year.save()
    audit.record(actor, AuditEntry.Action.UPDATE, emulation_year, before=before)
    return emulation_year


@transaction.atomic
def add_period(
    emulation_year: EmulationYear,
    *,
    kind: str,
    opens_on: datetime.date,
    due_on: datetime.date,
    actor,
) -> Period:
    check_open(emulation_year)
    if kind not in PeriodKind.values:
        raise RuleViolation("Kỳ chấm điểm không hợp lệ.", field="kind")
    if due_on < opens_on:
        raise RuleViolation("Hạn nộp phải sau ngày mở.", field="due_on")
    if emulation_year.periods.filter(kind=kind).exists():
        raise RuleViolation(f"Năm thi đua đã có kỳ “{PeriodKind(kind).label}”.", field="kind")
    period = Period.objects.create(
        emulation_year=emulation_year, kind=kind, opens_on=opens_on, due_on=due_on
    )
    audit.record(actor, AuditEntry.Action.CREATE, period)
    return period


@transaction.atomic
def set_period_dates(
    period: Period, *, opens_on: datetime.date, due_on: datetime.date, actor, reason: str = ""
) -> Period:
    """Change a period's dates. Extending a due date that has passed reopens every sheet at
    once, so it needs a reason (logged); after publication the dates are history."""
    check_open(period.emulation_year)
    if due_on < opens_on:
        raise RuleViolation("Hạn nộp phải sau ngày mở.", field="due_on")
    if period.is_published:
        raise RuleViolation("Kết quả kỳ này đã công bố: không đổi ngày.", field="due_on")
    if due_on > period.due_on and period.due_on < today() and not reason.strip():
        raise RuleViolation("Hạn nộp đã qua: gia hạn cho mọi đơn vị cần nêu lý do.", field="reason")
    before = audit.snapshot(period)
    period.opens_on, period.due_on = opens_on, due_on
    period.save(update_fields=["opens_on", "due_on"])
    audit.record(actor, AuditEntry.Action.UPDATE, period, before=before, reason=reason.strip())
    return period


@transaction.atomic
def advance_phase(emulation_year: EmulationYear, phase: str, *, actor) -> EmulationYear:
    """Move the year forward. Closing needs the year-end results published."""
    check_open(emulation_year)
    if phase not in Phase.values:
        raise RuleViolation("Giai đoạn không hợp lệ.")
    if PHASE_ORDER.index(phase) <= PHASE_ORDER.index(emulation_year.phase):
        raise RuleViolation("Giai đoạn chỉ đi tiếp, không quay lại.")
    if phase == Phase.CLOSED:
        yearend = emulation_year.periods.filter(kind=PeriodKind.YEAREND).first()
        if yearend is None or not yearend.is_published:
            raise RuleViolation("Chưa công bố kết quả tổng kết năm: chưa thể khóa sổ.")
        emulation_year.closed_at = timezone.now()
    before = audit.snapshot(emulation_year)
    emulation_year.phase = phase
    emulation_year.save(update_fields=["phase", "closed_at"])
    audit.record(actor, AuditEntry.Action.UPDATE, emulation_year, before=before)
    return emulation_year


def is_open_for_entry(period: Period, day: datetime.date | None = None) -> bool:
    day = day or today()
    return period.opens_on <= day <= period.due_on


def is_locked(sheet: ScoreSheet, day: datetime.date | None = None) -> bool:
    """A unit can no longer change its self-assessment (explanations come after the
    review, so they are bound only by the year being open)."""
    day = day or today()
    if sheet.period.emulation_year.is_closed:
        return True
    if sheet.reopened_until is not None and day <= sheet.reopened_until:
        return False
    return day > sheet.period.due_on


def check_unit_can_write(sheet: ScoreSheet, day: datetime.date | None = None) -> None:
    check_open(sheet.period.emulation_year)
    day = day or today()
    if day < sheet.period.opens_on:
        raise RuleViolation(
            f"Kỳ chấm điểm mở từ ngày {sheet.period.opens_on:%d/%m/%Y}.", code="locked"
        )
    if is_locked(sheet, day):
        raise RuleViolation(
            f"Đã quá hạn nộp ({sheet.period.due_on:%d/%m/%Y}): bảng điểm đã khóa. "
            "Đề nghị Cụm trưởng mở lại nếu cần.",
            code="locked",
        )


@transaction.atomic
def reopen_sheet(sheet: ScoreSheet, *, until: datetime.date, reason: str, actor) -> ScoreSheet:
    """Mở lại one unit's sheet after the due date, with a reason that is logged. A sheet
    already submitted goes back to self-assessment; a reviewed one cannot be reopened."""
    check_open(sheet.period.emulation_year)
    if not reason.strip():
        raise RuleViolation("Nhập lý do mở lại bảng điểm.", field="reason")
    if until < today():
        raise RuleViolation("Ngày mở lại đến phải từ hôm nay trở đi.", field="until")
    if sheet.status not in (SheetStatus.DRAFT, SheetStatus.SUBMITTED):
        raise RuleViolation("Bảng điểm đã được bình xét: không thể mở lại để tự chấm.")
    if sheet.scores.filter(stage__in=["review", "second_review"]).exists():
        # Reviews were given on the self scores as submitted; they are never thrown away.
        raise RuleViolation("Đã có điểm bình xét trên bảng điểm này: không thể mở lại để tự chấm.")
    before = audit.snapshot(sheet)
    if sheet.status == SheetStatus.SUBMITTED:
        sheet.move_to(SheetStatus.DRAFT)
    sheet.reopened_until = until
    sheet.save(update_fields=["status", "reopened_until"])
    audit.record(actor, AuditEntry.Action.UPDATE, sheet, before=before, reason=reason.strip())
    return sheet


@transaction.atomic
def publish_period(period: Period, *, actor) -> Period:
    """Công bố kết quả: until now members see only their own sheet."""
    check_open(period.emulation_year)
    if period.is_published:
        raise RuleViolation("Kết quả kỳ này đã được công bố.")
    sheets = list(period.sheets.all())
    if not sheets:
        raise RuleViolation("Kỳ này chưa có bảng điểm nào.")
    pending = [s for s in sheets if s.status != SheetStatus.FINAL]
    if pending:
        raise RuleViolation(f"Còn {len(pending)} bảng điểm chưa chốt kết quả: chưa thể công bố.")
    before = audit.snapshot(period)
    period.published_at = timezone.now()
    period.published_by = actor if getattr(actor, "pk", None) else None
    period.save(update_fields=["published_at", "published_by"])
    audit.record(actor, AuditEntry.Action.UPDATE, period, before=before)
    return period
