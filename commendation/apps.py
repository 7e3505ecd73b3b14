from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commendation"
    verbose_name = _("Xếp loại và khen thưởng")
