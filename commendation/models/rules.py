"""Rule sets of quality classification (Quy định 132, 124, 366-QĐ/TW) as data: validity,
citation, score bands, quota and disqualifiers. A year is judged by the rule set in force on
31 December of that year (see services.rules.rule_set_for)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The four levels. Lower is better, so "a level or better" is ``level <= x``."""

    EXCELLENT = 1, _("Hoàn thành xuất sắc nhiệm vụ")
    GOOD = 2, _("Hoàn thành tốt nhiệm vụ")
    COMPLETED = 3, _("Hoàn thành nhiệm vụ")
    NOT_COMPLETED = 4, _("Không hoàn thành nhiệm vụ")


LEVEL_ABBREVIATIONS = {
    Level.EXCELLENT: "HTXSNV",
    Level.GOOD: "HTTNV",
    Level.COMPLETED: "HTNV",
    Level.NOT_COMPLETED: "KHTNV",
}


class Confidence(models.TextChoices):
    """How sure we are of a rule (RULES.md): unconfirmed rules are editable defaults."""

    HIGH = "high", _("Chắc chắn (văn bản quy phạm)")
    MEDIUM = "medium", _("Một nguồn thứ cấp")
    UNCONFIRMED = "unconfirmed", _("Chưa xác nhận: giá trị mặc định, có thể sửa")


class RuleSet(models.Model):
    code = models.CharField(_("số hiệu"), max_length=40, unique=True)
    title = models.CharField(_("tên văn bản"), max_length=300)
    guidance = models.CharField(_("văn bản hướng dẫn"), max_length=200, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hết hiệu lực (ngày cuối)"), null=True, blank=True)
    has_score_bands = models.BooleanField(_("có thang 100 điểm"), default=False)
    quota_percent = models.DecimalField(
        # xgettext:no-python-format
        _("tỷ lệ HTXSNV tối đa (% số HTTNV)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    quota_percent_outstanding = models.DecimalField(
        _("tỷ lệ tối đa khi cấp có thẩm quyền cho phép (đơn vị nổi trội)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    quota_confidence = models.CharField(
        _("mức chắc chắn của tỷ lệ"), max_length=12, choices=Confidence, default=Confidence.HIGH
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("quy định xếp loại")
        verbose_name_plural = _("quy định xếp loại")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="rule_set_dates",
            )
        ]

    def __str__(self) -> str:
        return f"Quy định {self.code}"


class ScoreBand(models.Model):
    """Under Quy định 366: HTXSNV ≥ 90; HTTNV 70 to < 90; HTNV 50 to < 70; KHTNV < 50."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="bands")
    level = models.PositiveSmallIntegerField(_("mức"), choices=Level)
    min_score = models.DecimalField(_("từ (điểm)"), max_digits=5, decimal_places=2)
    below = models.DecimalField(
        _("đến dưới (điểm)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("khung điểm")
        verbose_name_plural = _("khung điểm")
        ordering = ["rule_set", "level"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "level"], name="one_band_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.min_score}–{self.below or ''}"


class Disqualifier(models.Model):
    """A fact that caps the level whatever the score (e.g. discipline at "khiển trách" or
    above → KHTNV)."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="disqualifiers")
    code = models.SlugField(_("mã"), max_length=60)
    title = models.CharField(_("nội dung"), max_length=300)
    best_level = models.PositiveSmallIntegerField(_("mức cao nhất được xếp"), choices=Level)
    applies_to = models.CharField(
        _("áp dụng cho"),
        max_length=12,
        choices=[
            ("any", _("tập thể và cá nhân")),
            ("unit", _("tập thể")),
            ("person", _("cá nhân")),
        ],
        default="any",
    )

    class Meta:
        verbose_name = _("điều kiện loại trừ")
        verbose_name_plural = _("điều kiện loại trừ")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "code"], name="disqualifier_code")
        ]

    def __str__(self) -> str:
        return self.title
