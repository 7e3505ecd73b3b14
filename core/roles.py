"""The roles of the system. Who holds which role for which unit lives in organizations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CENTRAL_STAFF = "central_staff", _("Chuyên viên Ban Tổ chức Trung ương")
    DEPARTMENT_STAFF = "department_staff", _("Chuyên viên Vụ")
    UNIT_OFFICER = "unit_officer", _("Chuyên viên đơn vị")
