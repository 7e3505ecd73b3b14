"""Danh hiệu thi đua and hình thức khen thưởng as data, what people and units hold, their
initiatives, and what excludes them (hồ sơ thành tích)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commendation.models.rules import Confidence


class Subject(models.TextChoices):
    UNIT = "unit", _("Tập thể")
    PERSON = "person", _("Cá nhân")


class FormCategory(models.TextChoices):
    TITLE = "title", _("Danh hiệu thi đua")
    AWARD = "award", _("Hình thức khen thưởng")


class Form(models.Model):
    """One title or commendation form with its conditions (a JSON list evaluated by
    services.eligibility), validity and citation. Unconfirmed rules are editable defaults."""

    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên"), max_length=200)
    category = models.CharField(_("loại"), max_length=8, choices=FormCategory)
    subject = models.CharField(_("đối tượng"), max_length=8, choices=Subject)
    level = models.CharField(_("cấp khen"), max_length=120, blank=True)
    conditions = models.JSONField(_("điều kiện"), default=list, blank=True)
    council_vote = models.BooleanField(_("phải bỏ phiếu tại Hội đồng"), default=False)
    vote_threshold = models.DecimalField(
        _("tỷ lệ phiếu đồng ý tối thiểu (% tổng số thành viên)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    citation = models.CharField(_("căn cứ"), max_length=300)
    confidence = models.CharField(
        _("mức chắc chắn"), max_length=12, choices=Confidence, default=Confidence.HIGH
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực (ngày cuối)"), null=True, blank=True)
    certificate_title = models.CharField(
        _("tiêu đề trên bằng"), max_length=120, blank=True, help_text=_("GIẤY KHEN, BẰNG KHEN…")
    )

    class Meta:
        verbose_name = _("danh hiệu, hình thức khen thưởng")
        verbose_name_plural = _("danh hiệu, hình thức khen thưởng")
        ordering = ["subject", "category", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="form_code_validity")
        ]

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    """Sáng kiến: recognized at a scope; usable for one title or award only (``award``: the
    award that used it, kept when that award is revoked). An award may hold several (a form
    may ask for two)."""

    person = models.ForeignKey(
        "commendation.Person", on_delete=models.PROTECT, related_name="initiatives"
    )
    title = models.CharField(_("tên sáng kiến"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm công nhận"))
    scope = models.CharField(
        _("phạm vi ảnh hưởng"),
        max_length=12,
        choices=[
            ("unit", _("cơ sở")),
            ("province", _("cấp bộ, tỉnh")),
            ("national", _("toàn quốc")),
        ],
    )
    recognized_by = models.CharField(_("cơ quan công nhận"), max_length=200, blank=True)
    # Set only by the services that make an award (decisions, people.record_award): not
    # editable, so no form (the admin's included) can give an initiative a second use.
    award = models.ForeignKey(
        "commendation.Award",
        verbose_name=_("khen thưởng đã dùng sáng kiến"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text=_("Một sáng kiến chỉ dùng cho một danh hiệu hoặc hình thức khen thưởng."),
    )

    class Meta:
        verbose_name = _("sáng kiến")
        verbose_name_plural = _("sáng kiến")

    def __str__(self) -> str:
        return self.title


class Exclusion(models.Model):
    """Đang bị xem xét kỷ luật, điều tra…: no award while it lasts."""

    person = models.ForeignKey(
        "commendation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        _("loại"),
        max_length=20,
        choices=[
            ("discipline_review", _("Đang xem xét kỷ luật")),
            ("investigation", _("Đang bị điều tra")),
            ("disciplined", _("Bị kỷ luật")),
        ],
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("trường hợp loại trừ")
        verbose_name_plural = _("trường hợp loại trừ")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="exclusion_person_xor_unit",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Award(models.Model):
    """A title or award held (from a decision of this system, or recorded from the past
    with its source). Revoked awards stay, marked, never deleted."""

    form = models.ForeignKey(Form, on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField(_("năm"))
    person = models.ForeignKey(
        "commendation.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "commendation.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    nominee = models.OneToOneField(
        "commendation.Nominee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="award",
    )
    source = models.CharField(_("nguồn (khi ghi nhận từ trước)"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_reason = models.TextField(_("lý do thu hồi"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("khen thưởng đã nhận")
        verbose_name_plural = _("khen thưởng đã nhận")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="award_person_xor_unit",
            )
        ]
        indexes = [models.Index(fields=["form", "year"], name="award_form_year")]

    def __str__(self) -> str:
        return f"{self.form} {self.year}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
