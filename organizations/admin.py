from django.contrib import admin

from organizations.models import RoleAssignment, UnitKind


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    autocomplete_fields = []
