"""The emulation year of a cluster (or of a board for its district boards), its periods,
its participants and its pledge (giao ước thi đua)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    PLEDGE = "pledge", _("Ký kết giao ước")
    MIDYEAR = "midyear", _("Sơ kết 6 tháng")
    YEAREND = "yearend", _("Tổng kết năm")
    CLOSED = "closed", _("Đã khóa sổ")


class ReviewMode(models.TextChoices):
    LEADERS = "leaders", _("Cụm trưởng và cụm phó chấm")
    CROSS = "cross", _("Các thành viên chấm chéo")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("Trung bình cộng")
    TRIMMED = "trimmed", _("Trung bình bỏ điểm cao nhất và thấp nhất")
    STANDARDIZED = "standardized", _("Trung bình sau khi chuẩn hóa từng người chấm")


class TieBreak(models.TextChoices):
    FEWER_DEDUCTIONS = "fewer_deductions", _("Ít điểm trừ hơn")
    MORE_AT_MAXIMUM = "more_at_maximum", _("Nhiều tiêu chí đạt điểm tối đa hơn")
    HIGHER_BONUS = "higher_bonus", _("Nhiều điểm thưởng hơn")
    HIGHER_SELF_AGREEMENT = "closer_to_self", _("Tự chấm sát với kết quả bình xét hơn")
    # "group:<number>" (higher score in group N) is also accepted; see services.ranking.


class EmulationYear(models.Model):
    """One year of emulation (năm thi đua) run by a cluster, or by a member board for its
    own district boards (cascading, "triển khai thi đua tới ban tổ chức các huyện ủy")."""

    cluster = models.ForeignKey(
        "organizations.Cluster",
        verbose_name=_("cụm thi đua"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emulation_years",
    )
    organizer = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organized_emulation_years",
        help_text=_("Ban tổ chức tỉnh ủy phát động thi đua tới các đơn vị trực thuộc."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("triển khai từ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cascades",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên"), max_length=300)
    phase = models.CharField(_("giai đoạn"), max_length=16, choices=Phase, default=Phase.PLEDGE)
    review_mode = models.CharField(
        _("cách bình xét"), max_length=16, choices=ReviewMode, default=ReviewMode.LEADERS
    )
    aggregation = models.CharField(
        _("cách tổng hợp điểm"), max_length=16, choices=Aggregation, default=Aggregation.MEAN
    )
    tie_breaks = models.JSONField(_("tiêu chí phụ khi bằng điểm"), default=list, blank=True)
    flag_count = models.PositiveSmallIntegerField(_("số đơn vị đề nghị Cờ thi đua"), default=1)
    merit_count = models.PositiveSmallIntegerField(_("số đơn vị đề nghị Bằng khen"), default=3)
    inflation_threshold = models.DecimalField(
        _("ngưỡng cảnh báo tự chấm cao (% điểm tối đa)"),
        max_digits=5,
        decimal_places=2,
        default=10,
    )
    closed_at = models.DateTimeField(_("khóa sổ lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("năm thi đua")
        verbose_name_plural = _("năm thi đua")
        ordering = ["-year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster__isnull=False, organizer__isnull=True)
                | Q(cluster__isnull=True, organizer__isnull=False),
                name="emulation_year_cluster_xor_organizer",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year"],
                condition=Q(cluster__isnull=False),
                name="one_emulation_year_per_cluster",
            ),
            models.UniqueConstraint(
                fields=["organizer", "year"],
                condition=Q(organizer__isnull=False),
                name="one_emulation_year_per_organizer",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("emulation:year", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED


class Participant(models.Model):
    """A unit competing in an emulation year: the cluster's members of that year, or the
    organizer's subordinate boards."""

    emulation_year = models.ForeignKey(
        EmulationYear, on_delete=models.CASCADE, related_name="participants"
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("đơn vị tham gia")
        verbose_name_plural = _("đơn vị tham gia")
        constraints = [
            models.UniqueConstraint(
                fields=["emulation_year", "unit"], name="one_participation_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.emulation_year}"


class PeriodKind(models.TextChoices):
    MIDYEAR = "midyear", _("Sơ kết 6 tháng")
    YEAREND = "yearend", _("Tổng kết năm")


class Period(models.Model):
    """A scoring period: units self-assess between ``opens_on`` and ``due_on`` (inclusive);
    after that their sheets are locked unless reopened one by one."""

    emulation_year = models.ForeignKey(
        EmulationYear, on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(_("kỳ"), max_length=16, choices=PeriodKind)
    opens_on = models.DateField(_("mở từ ngày"))
    due_on = models.DateField(_("hạn nộp"))
    published_at = models.DateTimeField(_("công bố kết quả lúc"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kỳ chấm điểm")
        verbose_name_plural = _("kỳ chấm điểm")
        ordering = ["emulation_year", "opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["emulation_year", "kind"], name="one_period_per_kind"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("opens_on")), name="period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.emulation_year.year}"

    def get_absolute_url(self) -> str:
        return reverse("emulation:period", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Pledge(models.Model):
    """Giao ước thi đua: the task groups every member signs at the start of the year."""

    emulation_year = models.OneToOneField(
        EmulationYear, on_delete=models.CASCADE, related_name="pledge"
    )
    number = models.CharField(_("số"), max_length=60, blank=True)
    title = models.CharField(_("trích yếu"), max_length=300)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    parent_issuer = models.CharField(_("cơ quan cấp trên"), max_length=200, blank=True)
    place = models.CharField(_("địa danh"), max_length=100)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    conference = models.CharField(_("hội nghị ký kết"), max_length=300, blank=True)
    preamble = models.TextField(_("căn cứ, mở đầu"), blank=True)
    signatories = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("đơn vị ký kết"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("giao ước thi đua")
        verbose_name_plural = _("giao ước thi đua")

    def __str__(self) -> str:
        return self.title

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class TaskGroup(models.Model):
    """Nhóm nhiệm vụ trọng tâm of a pledge."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="task_groups")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    title = models.CharField(_("nhóm nhiệm vụ"), max_length=300)
    content = models.TextField(_("nội dung"), blank=True)

    class Meta:
        verbose_name = _("nhóm nhiệm vụ")
        verbose_name_plural = _("nhóm nhiệm vụ")
        ordering = ["pledge", "position"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "position"], name="task_group_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"
