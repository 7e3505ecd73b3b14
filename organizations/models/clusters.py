"""Emulation clusters (Cụm thi đua): membership and leadership per year."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class FactStatus(models.TextChoices):
    """How sure we are of a recorded fact: it is shown beside the fact everywhere."""

    CONFIRMED = "confirmed", _("Đã xác nhận")
    CONFIRMED_TRANSLATED = "confirmed_translated", _("Xác nhận qua bản dịch")
    INFERRED = "inferred", _("Suy luận")
    INVENTED = "invented", _("Dữ liệu minh họa")
    RECORDED = "recorded", _("Ghi nhận trong hệ thống")


class Position(models.TextChoices):
    HEAD = "head", _("Cụm trưởng")
    DEPUTY = "deputy", _("Cụm phó")


class Sector(models.Model):
    """A sector (ngành) whose units compete in clusters, e.g. Ngành Tổ chức xây dựng Đảng."""

    code = models.SlugField(_("mã"), unique=True)
    name = models.CharField(_("tên ngành"), max_length=200)

    class Meta:
        verbose_name = _("ngành")
        verbose_name_plural = _("ngành")

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    """Cụm thi đua số N of a sector, followed by a department of the central commission."""

    sector = models.ForeignKey(Sector, verbose_name=_("ngành"), on_delete=models.PROTECT)
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên cụm"), max_length=200)
    department = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("vụ theo dõi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_clusters",
    )
    department_status = models.CharField(
        _("mức xác nhận (vụ theo dõi)"),
        max_length=24,
        choices=FactStatus.choices,
        default=FactStatus.CONFIRMED,
    )
    regulation = models.CharField(_("quy chế hoạt động"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cụm thi đua")
        verbose_name_plural = _("cụm thi đua")
        ordering = ["sector", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "number"], name="cluster_unique_number")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:cluster_detail", args=[self.pk])


class ClusterMembership(models.Model):
    """A unit is a member of a cluster for one emulation year."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="memberships")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="cluster_memberships",
    )
    status = models.CharField(
        _("mức xác nhận"), max_length=24, choices=FactStatus.choices, default=FactStatus.RECORDED
    )
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thành viên cụm")
        verbose_name_plural = _("thành viên cụm")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "unit"], name="membership_unique"),
        ]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cluster} ({self.year})"


class ClusterLeadership(models.Model):
    """Cụm trưởng or Cụm phó of a cluster for one year, and how that was decided."""

    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="leaderships")
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(_("chức danh"), max_length=8, choices=Position.choices)
    election = models.ForeignKey(
        "organizations.Election",
        verbose_name=_("cuộc bầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leaderships",
    )
    status = models.CharField(
        _("mức xác nhận"), max_length=24, choices=FactStatus.choices, default=FactStatus.RECORDED
    )
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lãnh đạo cụm")
        verbose_name_plural = _("lãnh đạo cụm")
        ordering = ["year", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year", "unit"], name="leadership_unique"),
            models.UniqueConstraint(
                fields=["cluster", "year"],
                condition=Q(position="head"),
                name="leadership_one_head_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} {self.cluster} {self.year}: {self.unit}"
