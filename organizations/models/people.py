from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class RoleAssignment(models.Model):
    """A user works for a unit in a role. Cluster head/deputy rights follow from the unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
