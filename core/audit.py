"""The audit trail: every write service calls :func:`record` inside its transaction."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile

from core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name  # the stored path; the file itself is not audit data
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``obj`` as JSON-ready data (foreign keys as ids)."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        result[field.attname if field.is_relation else field.name] = _plain(
            getattr(obj, field.attname)
        )
    return result


def record(
    actor,
    action: str,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry. ``after`` defaults to a snapshot of ``obj`` unless deleting."""
    if after is None and action != AuditEntry.Action.DELETE:
        after = snapshot(obj)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def history(obj: models.Model):
    """The audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")


def record_many(actor, action: str, objs: list[models.Model], *, reason: str = "") -> None:
    """One audit entry per object in one INSERT (bulk writes: imports, finalization)."""
    if not objs:
        return
    content_type = ContentType.objects.get_for_model(objs[0], for_concrete_model=False)
    actor = actor if getattr(actor, "pk", None) else None
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=action,
            content_type=content_type,
            object_id=str(obj.pk),
            object_repr=str(obj)[:300],
            after=snapshot(obj),
            reason=reason,
        )
        for obj in objs
    )
