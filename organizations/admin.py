from django.contrib import admin

from core.admin import AuditedModelAdmin
from organizations.models import RoleAssignment, UnitKind


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):  # who may do what: every change audited
    list_display = ["user", "role", "unit"]
    autocomplete_fields = []
