"""Units (đơn vị) with their history: names and parents by period, and lineage events."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UnitKind(models.Model):
    """A kind of unit (Ban Tổ chức Trung ương, Vụ, ban tổ chức tỉnh ủy...). Kinds are data."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("cấp"), help_text=_("0 là cấp cao nhất; số lớn hơn là cấp thấp hơn.")
    )

    class Meta:
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name


def covering(day: datetime.date, prefix: str = "") -> Q:
    """Versions whose period contains ``day`` (``valid_to`` is the last day, inclusive)."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class UnitQuerySet(models.QuerySet):
    def as_of(self, day: datetime.date):
        """Units that exist on ``day``."""
        return self.filter(Exists(UnitVersion.objects.filter(covering(day), unit=OuterRef("pk"))))

    def existing_during(self, first: datetime.date, last: datetime.date):
        """Units that exist on at least one day of ``first``..``last``."""
        overlapping = UnitVersion.objects.filter(unit=OuterRef("pk"), valid_from__lte=last).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first)
        )
        return self.filter(Exists(overlapping))


class Unit(models.Model):
    """An organization with a stable identity; its names and parents live in versions.

    A rename keeps the unit; a merge ends the absorbed units and links them to the successor;
    a split ends the unit (unless it continues) and links it to the new parts.
    """

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    kind = models.ForeignKey(UnitKind, verbose_name=_("loại"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        version = self.latest_version
        return version.short_name if version else self.code

    def get_absolute_url(self) -> str:
        return reverse("organizations:unit_detail", args=[self.pk])

    @property
    def latest_version(self) -> "UnitVersion | None":
        # Uses a prefetched list when there is one, so lists stay at a fixed query count.
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.valid_from) if versions else None

    def version_on(self, day: datetime.date) -> "UnitVersion | None":
        for version in self.versions.all():
            if version.covers(day):
                return version
        return None

    @property
    def first_day(self) -> datetime.date | None:
        return min((v.valid_from for v in self.versions.all()), default=None)

    @property
    def last_day(self) -> datetime.date | None:
        """The last day the unit existed, or ``None`` while it still exists."""
        versions = list(self.versions.all())
        if not versions or any(v.valid_to is None for v in versions):
            return None
        return max(v.valid_to for v in versions)


class UnitVersion(models.Model):
    """The unit's name, parent and statistical code during one period (inclusive dates)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(_("tên đầy đủ"), max_length=300)
    short_name = models.CharField(
        _("tên ngắn"),
        max_length=200,
        help_text=_("Tên dùng để sắp xếp và hiển thị, ví dụ: Quảng Ninh."),
    )
    name_key = models.CharField(max_length=300, editable=False, db_index=True)
    search_key = models.CharField(max_length=600, editable=False, db_index=True)
    parent = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_versions",
    )
    admin_code = models.CharField(_("mã thống kê"), max_length=20, blank=True)
    locality_type = models.CharField(
        _("loại địa bàn"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: Tỉnh; Thành phố trực thuộc Trung ương."),
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến hết ngày"), null=True, blank=True)
    event = models.ForeignKey(
        "LineageEvent",
        verbose_name=_("sự kiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_versions",
    )

    class Meta:
        verbose_name = _("phiên bản đơn vị")
        verbose_name_plural = _("phiên bản đơn vị")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "valid_from"], name="unit_version_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_version_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class LineageEvent(models.Model):
    """A dated change to units: merge, split, rename, dissolve or establishment."""

    class Kind(models.TextChoices):
        ESTABLISH = "establish", _("Thành lập")
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(_("loại sự kiện"), max_length=16, choices=Kind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"), db_index=True)
    legal_basis = models.CharField(_("căn cứ"), max_length=300, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    units = models.ManyToManyField(Unit, related_name="events", verbose_name=_("đơn vị liên quan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện tổ chức")
        verbose_name_plural = _("sự kiện tổ chức")
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y}"


class LineageLink(models.Model):
    """``predecessor`` continues as (part of) ``successor`` from the event's date."""

    event = models.ForeignKey(LineageEvent, on_delete=models.PROTECT, related_name="links")
    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")

    class Meta:
        verbose_name = _("liên kết kế thừa")
        verbose_name_plural = _("liên kết kế thừa")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="lineage_link_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
