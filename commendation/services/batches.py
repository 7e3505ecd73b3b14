"""What happens to an import batch after the import (services.imports opens and fills it).

Rules:
- a REJECTED batch saved nothing; whoever may see it (commendation.permissions
  .get_batch_for_user) may dismiss it: it becomes DISMISSED and leaves the lists of batches.
  The row stays, with its errors, for the audit trail;
- a DONE batch may be removed ("Xóa lần nhập") by an officer with rights on its scope
  (``can_remove_batch``): its PersonClassification rows are deleted by one set-based DELETE in
  one transaction, and the batch becomes REMOVED with the count. This is how a file is
  imported again: the import refuses people who already have a result for the year;
- removal is refused while a result of the batch is used elsewhere: a row of another table
  pointing at one of them (found from the model's reverse relations, so a reference added
  later is covered). Today nothing references a PersonClassification row: eligibility reads
  them when it runs and a dossier keeps its check as a JSON copy, which stays as the record
  of what was checked then;
- removal is also refused while a person of the batch holds an award (not revoked) of that
  year or a later one: the results are what the award was given on, a later one through the
  "n năm liền" conditions (revoke the award first, or keep the results);
- any other status is refused with the reason; every change is audited (who, before, after,
  and the count) and a refusal changes nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commendation import permissions
from commendation.models import Award, ImportBatch, PersonClassification
from core import audit
from core.exceptions import RuleViolation
from core.models import AuditEntry
from organizations import permissions as org_permissions

FIELDS = ["status", "finished_at"]
SHOWN = 5


def can_remove_batch(user, batch: ImportBatch) -> bool:
    """Remove a batch's results: whoever may import into its scope (its officers and those
    above, sector-wide staff); a batch without a scope only sector-wide staff."""
    if batch.scope is None:
        return org_permissions.is_sector_wide(user)
    return permissions.can_import_within(user, batch.scope, batch.year)


def _locked(batch: ImportBatch) -> ImportBatch:
    return (
        ImportBatch.objects.select_for_update(of=("self",)).select_related("scope").get(pk=batch.pk)
    )


def _describe(batch: ImportBatch) -> str:
    return f"tệp “{batch.file_name}” (năm {batch.year})"


def dismiss_batch(batch: ImportBatch, *, actor) -> ImportBatch:
    """Dismiss a rejected batch (it saved nothing): it leaves the lists, the row stays."""
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status != ImportBatch.Status.REJECTED:
            raise RuleViolation(
                f"Chỉ bỏ được lần nhập bị từ chối; {_describe(batch)} đang ở trạng thái "
                f"“{batch.get_status_display()}”."
            )
        before = audit.snapshot(batch, FIELDS)
        batch.status = ImportBatch.Status.DISMISSED
        batch.save(update_fields=["status"])
        audit.record(
            actor,
            AuditEntry.Action.TRANSITION,
            batch,
            before=before,
            after=audit.snapshot(batch, FIELDS),
            reason=f"Bỏ khỏi danh sách lần nhập bị từ chối: {_describe(batch)}.",
        )
    return batch


def _used_elsewhere(batch: ImportBatch) -> list[str]:
    """The names of the tables whose rows point at a result of ``batch`` (one EXISTS query
    per reverse relation of PersonClassification; there are none today)."""
    found = []
    for relation in PersonClassification._meta.related_objects:
        referring = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__batch": batch}
        )
        if referring.exists():
            found.append(str(relation.related_model._meta.verbose_name))
    return found


def _awarded(batch: ImportBatch) -> str:
    """Who among the batch's people holds an award (not revoked) of its year or later, as
    text."""
    results = PersonClassification.objects.filter(
        year=batch.year, batch=batch, person=OuterRef("person")
    )
    awards = (
        Award.objects.filter(year__gte=batch.year, revoked_at__isnull=True, person__isnull=False)
        .filter(Exists(results))
        .select_related("person", "form")
        .order_by("person__full_name", "pk")
    )
    found = list(awards[: SHOWN + 1])
    if not found:
        return ""
    shown = ", ".join(
        f"{a.person.full_name} ({a.person.code}): {a.form.name} năm {a.year}" for a in found[:SHOWN]
    )
    more = " và những người khác" if len(found) > SHOWN else ""
    return f"{shown}{more}"


def remove_batch(batch: ImportBatch, *, actor) -> int:
    """Delete the results a finished batch saved, in one DELETE, and mark it REMOVED.
    Returns how many results were deleted."""
    with transaction.atomic():
        batch = _locked(batch)
        if batch.status != ImportBatch.Status.DONE:
            raise RuleViolation(
                f"Chỉ xóa được lần nhập đã nhập xong; {_describe(batch)} đang ở trạng thái "
                f"“{batch.get_status_display()}”."
            )
        used = _used_elsewhere(batch)
        if used:
            raise RuleViolation(
                f"Không xóa được {_describe(batch)}: kết quả xếp loại của lần nhập này đang "
                f"được dùng ở: {', '.join(used)}."
            )
        awarded = _awarded(batch)
        if awarded:
            raise RuleViolation(
                f"Không xóa được {_describe(batch)}: {awarded} — khen thưởng từ năm {batch.year} "
                "trở đi dựa trên các kết quả này. Thu hồi khen thưởng trước, hoặc giữ lại kết quả."
            )
        before = audit.snapshot(batch, FIELDS)
        # One set-based DELETE that never loads the rows (QuerySet.delete() would, were a
        # delete signal ever connected): nothing references a result (checked just above).
        # The year narrows the scan: batch_id has no index, which would slow every import.
        rows = PersonClassification.objects.filter(year=batch.year, batch=batch)
        count = rows._raw_delete(rows.db)
        batch.status = ImportBatch.Status.REMOVED
        batch.finished_at = timezone.now()
        batch.save(update_fields=FIELDS)
        audit.record(
            actor,
            AuditEntry.Action.TRANSITION,
            batch,
            before=before,
            after={**audit.snapshot(batch, FIELDS), "deleted_results": count},
            reason=f"Xóa lần nhập {_describe(batch)}: đã xóa {count} kết quả xếp loại.",
        )
    return count


def batches_for_user(user):
    """The batches listed for a user, newest first: those they started and those of the units
    they see (their units and those under them today; every batch for sector-wide staff),
    without the dismissed ones."""
    found = ImportBatch.objects.exclude(status=ImportBatch.Status.DISMISSED)
    if not org_permissions.is_sector_wide(user):
        mine = permissions.get_units_for_user(user).filter(pk=OuterRef("scope"))
        found = found.filter(Q(actor=user) | Exists(mine))
    return found.select_related("scope", "actor").prefetch_related("scope__versions")
