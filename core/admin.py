"""The Django admin writes the audit trail like every service: :class:`AuditedModelAdmin` is
the base class of every admin page that changes data (rules, catalogues, registries).

Each save, each delete (one object or a selection) and each inline row added, changed or
deleted writes one ``AuditEntry`` with the admin user, the values before and after, and the
reason "Sửa trong trang quản trị", in the transaction Django's admin opens for the request:
if the save fails, the entry goes with it. A save that changes nothing writes nothing.
The audit trail itself is read-only here.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditEntry

ADMIN_REASON = "Sửa trong trang quản trị"


def _stored(obj: Model) -> dict | None:
    """The snapshot of ``obj`` as the database holds it now (the form has already changed
    the instance in memory), or None for a new object."""
    if obj.pk is None:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return audit.snapshot(stored) if stored is not None else None


def _record_save(actor, obj: Model, before: dict | None) -> None:
    after = audit.snapshot(obj)
    if before is None:
        audit.record(actor, AuditEntry.Action.CREATE, obj, after=after, reason=ADMIN_REASON)
    elif after != before:
        audit.record(
            actor, AuditEntry.Action.UPDATE, obj, before=before, after=after, reason=ADMIN_REASON
        )


def _record_delete(actor, obj: Model) -> None:
    # Recorded before the DELETE: Django clears the instance's pk once it is deleted.
    audit.record(
        actor, AuditEntry.Action.DELETE, obj, before=audit.snapshot(obj), reason=ADMIN_REASON
    )


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every write (the object and its inlines) is audited."""

    def save_model(self, request, obj, form, change):
        before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)
        _record_save(request.user, obj, before)

    def delete_model(self, request, obj):
        _record_delete(request.user, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            _record_delete(request.user, obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        model = formset.model
        known = [obj.pk for obj in instances if obj.pk is not None]
        before = {obj.pk: audit.snapshot(obj) for obj in model._base_manager.filter(pk__in=known)}
        for obj in formset.deleted_objects:
            _record_delete(request.user, obj)
            obj.delete()
        for obj in instances:
            previous = before.get(obj.pk) if obj.pk is not None else None
            obj.save()
            _record_save(request.user, obj, previous)
        formset.save_m2m()


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The trail, to read: nobody adds, changes or deletes an entry."""

    list_display = ["at", "actor", "action", "content_type", "object_repr", "reason"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "reason", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["actor", "content_type"]

    @admin.display(description=_("các trường thay đổi"))
    def changes(self, obj: AuditEntry) -> str:
        return "; ".join(f"{name}: {old!r} → {new!r}" for name, old, new in obj.changed_fields())

    readonly_fields = [
        "at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "changes",
        "before",
        "after",
        "reason",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
