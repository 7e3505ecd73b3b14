"""Giao ước thi đua: drafted by the cluster head, signed by that year's members at a
conference; once signed it is a record and does not change."""

from __future__ import annotations

import datetime

from django.db import transaction

from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from core.text import normalize
from emulation.models import EmulationYear, Pledge, TaskGroup
from emulation.services.cycle import check_open


def _check_draft(pledge: Pledge) -> None:
    check_open(pledge.emulation_year)
    if pledge.is_signed:
        raise RuleViolation("Giao ước đã ký kết: không thể sửa.", code="signed")


@transaction.atomic
def create_pledge(
    emulation_year: EmulationYear,
    *,
    title: str,
    issuer: str,
    place: str,
    actor,
    number: str = "",
    parent_issuer: str = "",
    preamble: str = "",
) -> Pledge:
    check_open(emulation_year)
    if Pledge.objects.filter(emulation_year=emulation_year).exists():
        raise RuleViolation("Năm thi đua đã có giao ước.")
    if not title.strip() or not issuer.strip() or not place.strip():
        raise RuleViolation("Nhập trích yếu, cơ quan ban hành và địa danh.", field="title")
    pledge = Pledge.objects.create(
        emulation_year=emulation_year,
        title=normalize(title.strip()),
        issuer=normalize(issuer.strip()),
        parent_issuer=normalize(parent_issuer.strip()),
        place=normalize(place.strip()),
        number=number.strip(),
        preamble=normalize(preamble.strip()),
    )
    audit.record(actor, AuditEntry.Action.CREATE, pledge)
    return pledge


@transaction.atomic
def add_task_group(pledge: Pledge, *, title: str, actor, content: str = "") -> TaskGroup:
    _check_draft(pledge)
    if not title.strip():
        raise RuleViolation("Nhập tên nhóm nhiệm vụ.", field="title")
    position = pledge.task_groups.count() + 1
    group = TaskGroup.objects.create(
        pledge=pledge,
        position=position,
        title=normalize(title.strip()),
        content=normalize(content.strip()),
    )
    audit.record(actor, AuditEntry.Action.CREATE, group)
    return group


@transaction.atomic
def sign_pledge(pledge: Pledge, *, signed_on: datetime.date, actor, conference: str = "") -> Pledge:
    """Ký kết: the signatories are the year's participants on the signing day."""
    _check_draft(pledge)
    if not pledge.task_groups.exists():
        raise RuleViolation("Giao ước chưa có nhóm nhiệm vụ nào.")
    if signed_on.year not in (pledge.emulation_year.year, pledge.emulation_year.year - 1):
        raise RuleViolation(
            f"Ngày ký phải trong năm {pledge.emulation_year.year} (hoặc cuối năm trước).",
            field="signed_on",
        )
    before = audit.snapshot(pledge)
    pledge.signed_on = signed_on
    pledge.conference = normalize(conference.strip())
    pledge.save(update_fields=["signed_on", "conference"])
    pledge.signatories.set(pledge.emulation_year.participants.values_list("unit", flat=True))
    audit.record(actor, AuditEntry.Action.UPDATE, pledge, before=before)
    return pledge
