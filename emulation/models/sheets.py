"""Bảng điểm: one unit's score sheet for a period, and every layer of its scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.exceptions import RuleViolation
from emulation.models.scales import POINTS


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    SUBMITTED = "submitted", _("Đã nộp, chờ bình xét")
    REVIEWED = "reviewed", _("Đã bình xét lần 1, chờ giải trình")
    EXPLAINED = "explained", _("Đã giải trình, chờ bình xét lần 2")
    FINAL = "final", _("Đã chốt kết quả")


# The allowed moves of the sheet's state machine (giải trình can be skipped when nothing is
# disputed; a reopened sheet goes back to draft).
TRANSITIONS: dict[str, set[str]] = {
    SheetStatus.DRAFT: {SheetStatus.SUBMITTED},
    SheetStatus.SUBMITTED: {SheetStatus.REVIEWED, SheetStatus.DRAFT},
    SheetStatus.REVIEWED: {SheetStatus.EXPLAINED, SheetStatus.FINAL},
    SheetStatus.EXPLAINED: {SheetStatus.FINAL},
    SheetStatus.FINAL: set(),
}


class ScoreSheet(models.Model):
    period = models.ForeignKey("emulation.Period", on_delete=models.PROTECT, related_name="sheets")
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    scale = models.ForeignKey("emulation.Scale", on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=SheetStatus, default=SheetStatus.DRAFT
    )
    reopened_until = models.DateField(_("mở lại đến ngày"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("chốt lúc"), null=True, blank=True)
    aggregation = models.CharField(_("cách tổng hợp đã dùng"), max_length=16, blank=True)
    final_total = models.DecimalField(_("tổng điểm"), null=True, blank=True, **POINTS)
    final_max = models.DecimalField(_("điểm tối đa áp dụng"), null=True, blank=True, **POINTS)

    class Meta:
        verbose_name = _("bảng điểm")
        verbose_name_plural = _("bảng điểm")
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="one_sheet_per_unit_period"),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(final_total__isnull=False),
                name="final_sheet_has_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Bảng điểm {self.unit} – {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("emulation:sheet", args=[self.pk])

    def move_to(self, status: str) -> None:
        """Change state, refusing moves the workflow does not allow."""
        if status not in TRANSITIONS[self.status]:
            raise RuleViolation(
                f"Bảng điểm đang ở trạng thái “{self.get_status_display()}”, không thể chuyển "
                f"sang “{SheetStatus(status).label}”.",
                code="state",
            )
        self.status = status


class Stage(models.TextChoices):
    SELF = "self", _("Tự chấm")
    REVIEW = "review", _("Bình xét lần 1")
    EXPLANATION = "explanation", _("Giải trình")
    SECOND_REVIEW = "second_review", _("Bình xét lần 2")
    FINAL = "final", _("Kết quả cuối cùng")


class Score(models.Model):
    """One cell of one layer: a unit's self score, one reviewer's score, the unit's
    explanation, or the final result. Layers are never overwritten by later layers."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        "emulation.Criterion", on_delete=models.PROTECT, related_name="scores"
    )
    stage = models.CharField(_("lớp điểm"), max_length=16, choices=Stage)
    reviewer = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị chấm"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(_("điểm"), null=True, blank=True, **POINTS)
    applicable = models.BooleanField(_("áp dụng"), default=True)
    note = models.TextField(_("giải thích"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "criterion", "stage", "reviewer"],
                condition=Q(reviewer__isnull=False),
                name="one_score_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["sheet", "criterion", "stage"],
                condition=Q(reviewer__isnull=True),
                name="one_unit_score_per_stage",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=["review", "second_review"]) | Q(reviewer__isnull=True),
                name="only_reviews_have_reviewers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.number} · {self.get_stage_display()}"


class Evidence(models.Model):
    """Tài liệu kiểm chứng attached to a self score or an explanation."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/")
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.name
