"""Hội đồng Thi đua - Khen thưởng: members, sessions, attendance, secret-ballot tallies per
nominee and round (at most two), recusal; and the decisions that follow (quyết định)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Council(models.Model):
    name = models.CharField(_("tên hội đồng"), max_length=200)
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("cơ quan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    quorum = models.DecimalField(
        _("số thành viên có mặt tối thiểu (phần của tổng số)"),
        max_digits=5,
        decimal_places=4,
        default=0.6667,
        help_text=_("2/3 theo quy chế của một ngành tương tự (mức chắc chắn: một nguồn)."),
    )
    max_rounds = models.PositiveSmallIntegerField(_("số vòng bỏ phiếu tối đa"), default=2)

    class Meta:
        verbose_name = _("hội đồng thi đua - khen thưởng")
        verbose_name_plural = _("hội đồng thi đua - khen thưởng")

    def __str__(self) -> str:
        return self.name


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ trong hội đồng"), max_length=120)
    person = models.ForeignKey(
        "commendation.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị công tác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("đang là thành viên"), default=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")

    def __str__(self) -> str:
        return self.full_name


class CouncilSession(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Đang họp")
        CLOSED = "closed", _("Đã kết thúc")

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=200)
    chair = models.CharField(_("chủ trì"), max_length=200, blank=True)
    secretary = models.CharField(_("thư ký"), max_length=200, blank=True)
    proposals = models.ManyToManyField("commendation.Proposal", related_name="sessions")
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status, default=Status.OPEN)

    class Meta:
        verbose_name = _("phiên họp hội đồng")
        verbose_name_plural = _("phiên họp hội đồng")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.council} {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("commendation:session", args=[self.pk])


class Attendance(models.Model):
    """Present, or absent with a written vote (phiếu bằng văn bản) counted with the ballots."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("có mặt"))
    written_vote = models.BooleanField(_("gửi phiếu bằng văn bản"), default=False)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {'có mặt' if self.present else 'vắng'}"


class Tally(models.Model):
    """Kết quả kiểm phiếu kín for one nominee in one round: counts only, never who."""

    session = models.ForeignKey(CouncilSession, on_delete=models.CASCADE, related_name="tallies")
    nominee = models.ForeignKey(
        "commendation.Nominee", on_delete=models.PROTECT, related_name="tallies"
    )
    round = models.PositiveSmallIntegerField(_("vòng"))
    yes = models.PositiveSmallIntegerField(_("đồng ý"))
    no = models.PositiveSmallIntegerField(_("không đồng ý"))
    blank = models.PositiveSmallIntegerField(_("phiếu trắng, không hợp lệ"), default=0)
    members = models.PositiveSmallIntegerField(_("tổng số thành viên tính tỷ lệ"))
    recused = models.JSONField(_("thành viên không tham gia biểu quyết"), default=list)
    threshold = models.DecimalField(_("tỷ lệ yêu cầu (%)"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("đạt"))

    class Meta:
        verbose_name = _("kết quả kiểm phiếu")
        verbose_name_plural = _("kết quả kiểm phiếu")
        constraints = [
            models.UniqueConstraint(fields=["session", "nominee", "round"], name="tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.nominee_id} vòng {self.round}: {self.yes}/{self.members}"


class Decision(models.Model):
    """Quyết định khen thưởng: "Số 123-QĐ/BTCTW". Revocation is recorded on the awards
    (Award.revoked_*), never by deleting."""

    number = models.PositiveIntegerField(_("số"))
    year = models.PositiveSmallIntegerField(_("năm ban hành"))
    kind = models.CharField(_("loại văn bản"), max_length=8, default="QĐ")
    issuer_code = models.CharField(_("ký hiệu cơ quan ban hành"), max_length=20, default="BTCTW")
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    parent_issuer = models.CharField(_("cơ quan cấp trên"), max_length=200, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, default="Hà Nội")
    signed_on = models.DateField(_("ngày ký"))
    signer = models.CharField(_("người ký"), max_length=200)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200)
    signer_prefix = models.CharField(_("thẩm quyền ký (T/M, K/T…)"), max_length=20, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=300)
    proposals = models.ManyToManyField("commendation.Proposal", related_name="decisions")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        ordering = ["-signed_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "kind", "year", "number"], name="decision_number_once"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("commendation:decision", args=[self.pk])

    @property
    def reference(self) -> str:
        """Party format: "Số 123-QĐ/BTCTW" (hyphen after the number, no colon after Số)."""
        return f"Số {self.number}-{self.kind}/{self.issuer_code}"
