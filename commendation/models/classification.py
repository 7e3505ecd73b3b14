"""Xếp loại chất lượng: yearly results of units (collectives) and people, at national scale.

Person results are ~5.6 million rows a year: compact columns, one row per person and year,
loaded by set-based SQL (services.imports), never one query per row."""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from commendation.models.rules import Level
from core.expressions import SearchKey


class Gender(models.TextChoices):
    FEMALE = "F", _("Nữ")
    MALE = "M", _("Nam")


class Person(models.Model):
    """A party member or official: one record that keeps their history (hồ sơ thành tích)
    across moves between party cells and units."""

    code = models.CharField(_("mã đảng viên / cán bộ"), max_length=32, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=200)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("sinh hoạt tại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # " " + search_key(full_name): searched by word start (" nguyen", " an") in SQL; stored
    # by the database itself, so bulk loads and raw inserts keep it right. PostgreSQL also
    # indexes it with trigrams (migration 0009): a national registry is 5.6 million people.
    name_search = models.GeneratedField(
        expression=Concat(Value(" "), SearchKey("full_name")),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("cá nhân")
        verbose_name_plural = _("cá nhân")

    def __str__(self) -> str:
        return self.full_name


class ImportBatch(models.Model):
    """One imported file of results: all of it is saved, or none of it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        REJECTED = "rejected", _("Bị từ chối, không lưu gì")
        DISMISSED = "dismissed", _("Bị từ chối, đã bỏ khỏi danh sách")
        REMOVED = "removed", _("Đã xóa các kết quả đã nhập")

    year = models.PositiveSmallIntegerField(_("năm"))
    scope = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("phạm vi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("tệp"), max_length=255)
    # The file as uploaded, kept with its batch (under MEDIA_ROOT): what was imported can
    # always be read again, also after the batch's results were removed. Empty for a file
    # imported from the operator's own disk (the import_results command).
    source_file = models.FileField(_("tệp gốc"), upload_to="imports/", max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status, default=Status.RUNNING
    )
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    processed_rows = models.PositiveIntegerField(_("đã xử lý"), default=0)
    rejected_rows = models.PositiveIntegerField(_("số dòng lỗi"), default=0)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year})"


class PersonClassification(models.Model):
    # Foreign keys without their own indexes: (person, year) and (unit, year) cover the
    # lookups, and every extra index slows the national import (BENCHMARKS.md).
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="classifications", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị (khi xếp loại)"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    level = models.PositiveSmallIntegerField(_("mức xếp loại"), choices=Level)
    exemplary = models.BooleanField(_("tiêu biểu"), default=False)
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    rule_set = models.ForeignKey(
        "commendation.RuleSet", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    group = models.CharField(_("nhóm so sánh"), max_length=40, blank=True)
    # Codes of the rule set's disqualifiers recorded for the year (e.g. a discipline), which
    # explain a level below the score's band (366-QĐ/TW); "" when none.
    disqualifiers = models.CharField(
        _("điều kiện loại trừ đã ghi nhận"), max_length=200, blank=True, default="", db_default=""
    )
    proposed_by = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị đề xuất"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_by = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("cấp ủy quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("xếp loại cá nhân")
        verbose_name_plural = _("xếp loại cá nhân")
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="one_person_result_a_year")
        ]
        indexes = [
            models.Index(fields=["unit", "year"], name="person_result_unit_year"),
            # The national quota check groups a year's ~5.6 M rows by group and level.
            models.Index(fields=["year", "group", "level"], name="person_result_year_group"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}: {self.get_level_display()}"


class UnitClassification(models.Model):
    """A collective's result (chi bộ, tổ chức cơ sở đảng, ban tổ chức): who proposed it,
    who decided it and when."""

    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("tập thể"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.PositiveSmallIntegerField(_("mức xếp loại"), choices=Level)
    exemplary = models.BooleanField(_("tiêu biểu"), default=False)
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    rule_set = models.ForeignKey("commendation.RuleSet", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("nhóm so sánh"), max_length=40, blank=True)
    disqualifiers = models.JSONField(_("điều kiện loại trừ đã ghi nhận"), default=list, blank=True)
    proposed_by = models.CharField(_("cơ quan đề xuất"), max_length=200, blank=True)
    decided_by = models.CharField(_("cấp quyết định"), max_length=200, blank=True)
    decided_on = models.DateField(_("ngày quyết định"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("xếp loại tập thể")
        verbose_name_plural = _("xếp loại tập thể")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="one_unit_result_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.get_level_display()}"


class QuotaAllowance(models.Model):
    """The competent level's permission for a comparison group of outstanding units to keep
    HTXSNV up to the rule set's higher percentage (25 % instead of 20 %) in one year."""

    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("phạm vi (đơn vị)"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    group = models.CharField(_("nhóm so sánh"), max_length=40, blank=True)
    granted_by = models.CharField(_("cấp cho phép"), max_length=200)
    document = models.CharField(_("văn bản"), max_length=200, blank=True)
    granted_on = models.DateField(_("ngày cho phép"), null=True, blank=True)

    class Meta:
        verbose_name = _("cho phép tỷ lệ cao hơn")
        verbose_name_plural = _("cho phép tỷ lệ cao hơn")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "group"], name="one_quota_allowance_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.group}"
