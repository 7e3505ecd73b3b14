"""Tiêu chí và thang điểm: a versioned tree of criteria with maxima and scoring methods."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 7, "decimal_places": 2}


class Scale(models.Model):
    """One version of an emulation year's scale. Once a submitted sheet uses a version it
    is frozen; changes then go into a new version (services.scales.new_version)."""

    emulation_year = models.ForeignKey(
        "emulation.EmulationYear", on_delete=models.CASCADE, related_name="scales"
    )
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    title = models.CharField(_("tên thang điểm"), max_length=300)
    total_max = models.DecimalField(_("tổng điểm chuẩn"), default=Decimal(100), **POINTS)
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa của bảng điểm"), default=0, **POINTS)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("sao chép từ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thang điểm")
        verbose_name_plural = _("thang điểm")
        ordering = ["emulation_year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["emulation_year", "version"], name="scale_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (phiên bản {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("emulation:scale", args=[self.pk])


class Method(models.TextChoices):
    MANUAL = "manual", _("Chấm điểm trực tiếp")
    YES_NO = "yes_no", _("Có / không")
    TARGET = "target", _("Theo tỷ lệ đạt chỉ tiêu")
    RELATIVE = "relative", _("So với đơn vị dẫn đầu cụm")
    BONUS = "bonus", _("Điểm thưởng")
    DEDUCTION = "deduction", _("Điểm trừ")


class Section(models.TextChoices):
    REGULAR = "regular", _("Điểm chuẩn")
    BONUS = "bonus", _("Điểm thưởng")
    DEDUCTION = "deduction", _("Điểm trừ")


class Criterion(models.Model):
    """A node of the tree: group (nhóm) → criterion (tiêu chí) → sub-criterion. Only leaves
    are scored; a parent's score is the sum of its children's."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    number = models.CharField(_("số thứ tự"), max_length=20, help_text="1, 1.1, 1.1.1")
    title = models.CharField(_("nội dung"), max_length=500)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    evidence_expected = models.TextField(_("tài liệu kiểm chứng"), blank=True)
    section = models.CharField(
        _("loại điểm"), max_length=12, choices=Section, default=Section.REGULAR
    )
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    method = models.CharField(_("cách chấm"), max_length=12, choices=Method, default=Method.MANUAL)
    step = models.DecimalField(
        _("bước điểm"), max_digits=5, decimal_places=2, default=Decimal("0.5")
    )
    target_code = models.SlugField(_("mã chỉ tiêu"), max_length=60, blank=True)
    floor_percent = models.DecimalField(
        _("tỷ lệ đạt tối thiểu để có điểm (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["scale", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "number"], name="criterion_number"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="criterion_max_non_negative"
            ),
            models.CheckConstraint(condition=Q(step__gt=0), name="criterion_step_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def depth(self) -> int:
        return self.number.count(".")

    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.number.split("."))
