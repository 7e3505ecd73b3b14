"""Elections of a cluster's head and deputies at a review conference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models.clusters import Position


class Election(models.Model):
    """Bầu Cụm trưởng, Cụm phó for ``for_year`` by the members of ``electorate_year``.

    ``method`` is BALLOT when each member's ballot is entered here, RECORDED when only the
    outcome is known (from minutes or the press) and is entered with its source.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Đang bỏ phiếu")
        CLOSED = "closed", _("Đã kết thúc")

    class Method(models.TextChoices):
        BALLOT = "ballot", _("Bỏ phiếu trong hệ thống")
        RECORDED = "recorded", _("Ghi nhận kết quả đã có")

    class Outcome(models.TextChoices):
        ELECTED = "elected", _("Đã bầu đủ")
        UNDECIDED = "undecided", _("Chưa có kết quả (hòa phiếu hoặc không đủ quá bán)")

    cluster = models.ForeignKey(
        "organizations.Cluster", on_delete=models.PROTECT, related_name="elections"
    )
    for_year = models.PositiveSmallIntegerField(_("bầu cho năm"))
    electorate_year = models.PositiveSmallIntegerField(_("thành viên năm"))
    round = models.PositiveSmallIntegerField(_("vòng"), default=1)
    conference_title = models.CharField(_("hội nghị"), max_length=300)
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    deputy_seats = models.PositiveSmallIntegerField(_("số Cụm phó"), default=2)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.BALLOT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    tally = models.JSONField(_("kết quả kiểm phiếu"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("cuộc bầu lãnh đạo cụm")
        verbose_name_plural = _("cuộc bầu lãnh đạo cụm")
        ordering = ["-for_year", "-round"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "for_year", "round"], name="election_unique_round"
            ),
            models.UniqueConstraint(
                fields=["cluster", "for_year"],
                condition=Q(status="open"),
                name="election_one_open_per_year",
            ),
            models.CheckConstraint(
                condition=Q(status="open", outcome="") | Q(status="closed") & ~Q(outcome=""),
                name="election_outcome_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Bầu lãnh đạo {self.cluster} năm {self.for_year} (vòng {self.round})"

    def get_absolute_url(self) -> str:
        return reverse("organizations:election_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Candidate(models.Model):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidates")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("ứng cử chức danh"), max_length=8, choices=Position.choices)

    class Meta:
        verbose_name = _("ứng viên")
        verbose_name_plural = _("ứng viên")
        constraints = [
            models.UniqueConstraint(fields=["election", "unit"], name="candidate_unique_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_position_display()})"


class Ballot(models.Model):
    """One member unit's ballot. A unit votes once per election."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    voter = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị bỏ phiếu"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu bầu")
        verbose_name_plural = _("phiếu bầu")
        constraints = [
            models.UniqueConstraint(fields=["election", "voter"], name="ballot_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"Phiếu của {self.voter}"


class BallotMark(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="marks")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="ballot_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.ballot}: {self.candidate}"
