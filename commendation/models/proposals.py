"""Hồ sơ đề nghị khen thưởng and its route: unit → cluster (bình xét) → the sector's
emulation council (Hội đồng Thi đua - Khen thưởng Ngành) → decision. Every move is a row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.exceptions import RuleViolation


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Đang lập hồ sơ")
    AT_CLUSTER = "at_cluster", _("Cụm đang bình xét")
    AT_COUNCIL = "at_council", _("Hội đồng đang xét")
    APPROVED = "approved", _("Hội đồng đã thông qua, chờ quyết định")
    DECIDED = "decided", _("Đã có quyết định")
    RETURNED = "returned", _("Trả lại để hoàn thiện")
    WITHDRAWN = "withdrawn", _("Đã rút")


# The route; "returned" goes back to the unit, which may resubmit.
PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.DRAFT: {
        ProposalStatus.AT_CLUSTER,
        ProposalStatus.AT_COUNCIL,
        ProposalStatus.WITHDRAWN,
    },
    ProposalStatus.AT_CLUSTER: {ProposalStatus.AT_COUNCIL, ProposalStatus.RETURNED},
    ProposalStatus.AT_COUNCIL: {ProposalStatus.APPROVED, ProposalStatus.RETURNED},
    ProposalStatus.APPROVED: {ProposalStatus.DECIDED, ProposalStatus.RETURNED},
    ProposalStatus.RETURNED: {
        ProposalStatus.AT_CLUSTER,
        ProposalStatus.AT_COUNCIL,
        ProposalStatus.WITHDRAWN,
    },
    ProposalStatus.DECIDED: set(),
    ProposalStatus.WITHDRAWN: set(),
}


class Proposal(models.Model):
    form = models.ForeignKey("commendation.Form", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm thành tích"))
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị đề nghị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cluster = models.ForeignKey(
        "organizations.Cluster",
        verbose_name=_("cụm bình xét"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("trích yếu"), max_length=300)
    summary = models.TextField(_("tóm tắt thành tích"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ProposalStatus, default=ProposalStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commendation:proposal", args=[self.pk])

    def move_to(self, status: str) -> None:
        if status not in PROPOSAL_TRANSITIONS[self.status]:
            raise RuleViolation(
                f"Hồ sơ đang ở bước “{self.get_status_display()}”, không thể chuyển sang "
                f"“{ProposalStatus(status).label}”.",
                code="state",
            )
        self.status = status


class Nominee(models.Model):
    """A person or unit proposed, with the eligibility check attached as it was run and, for
    a person, the initiatives the dossier cites (the decision's award takes them all)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="nominees")
    person = models.ForeignKey(
        "commendation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    achievement = models.TextField(_("thành tích"), blank=True)
    initiatives = models.ManyToManyField(
        "commendation.Initiative",
        verbose_name=_("sáng kiến dùng cho đề nghị"),
        blank=True,
        related_name="nominations",
    )
    eligibility = models.JSONField(_("kết quả kiểm tra điều kiện"), default=dict, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    withdrawn = models.BooleanField(_("đã rút khỏi hồ sơ"), default=False)

    class Meta:
        verbose_name = _("người, tập thể được đề nghị")
        verbose_name_plural = _("người, tập thể được đề nghị")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True)
                | Q(person__isnull=True, unit__isnull=False),
                name="nominee_person_xor_unit",
            ),
            models.UniqueConstraint(
                fields=["proposal", "person"],
                condition=Q(person__isnull=False),
                name="nominee_person_once",
            ),
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=Q(unit__isnull=False),
                name="nominee_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.unit)


class AttachmentKind(models.TextChoices):
    SUBMISSION = "submission", _("Tờ trình")
    ACHIEVEMENT_REPORT = "report", _("Báo cáo thành tích")
    REVIEW_MINUTES = "minutes", _("Biên bản bình xét")
    OTHER = "other", _("Tài liệu khác")


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("loại"), max_length=12, choices=AttachmentKind)
    file = models.FileField(_("tệp"), upload_to="proposals/%Y/")
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu hồ sơ")
        verbose_name_plural = _("tài liệu hồ sơ")

    def __str__(self) -> str:
        return self.name


class ProposalStep(models.Model):
    """One move of a proposal along its route, with who and why (a return needs a reason)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=12, choices=ProposalStatus)
    to_status = models.CharField(max_length=12, choices=ProposalStatus)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("lý do, ý kiến"), blank=True)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
