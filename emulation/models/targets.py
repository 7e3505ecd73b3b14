"""Chỉ tiêu: a unit's targets for the year and what it achieved."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    COUNT = "count", _("Số lượng (đạt bao nhiêu % kế hoạch)")
    PERCENT = "percent", _("Tỷ lệ tối thiểu (trên x%)")
    MINIMUM = "minimum", _("Tối thiểu (ít nhất n)")
    YES_NO = "yes_no", _("Có / không")


class Target(models.Model):
    """E.g. "kết nạp 240 đảng viên" (count, planned 240, actual 243 → 101,25%);
    "trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên" (percent, planned 90, actual 92,4);
    "thành lập mới ít nhất 1 tổ chức cơ sở đảng" (minimum, planned 1)."""

    emulation_year = models.ForeignKey(
        "emulation.EmulationYear", on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("mã chỉ tiêu"), max_length=60)
    title = models.CharField(_("chỉ tiêu"), max_length=300)
    kind = models.CharField(_("loại"), max_length=12, choices=TargetKind)
    planned = models.DecimalField(_("kế hoạch"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(
        _("thực hiện"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    measure = models.CharField(_("đơn vị tính"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["emulation_year", "unit", "code"]
        constraints = [
            models.UniqueConstraint(fields=["emulation_year", "unit", "code"], name="target_code"),
            models.CheckConstraint(
                condition=models.Q(planned__gte=0), name="target_planned_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title
