"""The rules and registries of classification and commendation, editable in the Django admin
(/admin/) by the system's administrators: rule sets with their bands and disqualifiers, the
catalogue of titles and forms, councils with their members, exclusions, people, initiatives
and the allowances of the higher HTXSNV percentage.

Rules marked unconfirmed in RULES.md are shipped as editable defaults: every list shows how
sure each rule is, an unconfirmed one as "mặc định chưa xác nhận". Every save and delete is
audited (core.admin.AuditedModelAdmin). A form's conditions are checked against what the
eligibility check understands before they are saved (services.form_conditions); a person's
code, as on the registry pages, may not repeat another's ignoring case; an allowance is
refused for a year whose rule set has no higher percentage. Foreign keys to people and units
are typed as ids (national tables: no drop-down of millions of rows).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commendation.models import (
    Confidence,
    Council,
    CouncilMember,
    CouncilSession,
    Disqualifier,
    Exclusion,
    Form,
    Initiative,
    Person,
    QuotaAllowance,
    RuleSet,
    ScoreBand,
)
from commendation.services import people, rules
from commendation.services.form_conditions import validate_conditions
from commendation.services.quota import DEFAULT_GROUP
from core.admin import AuditedModelAdmin
from core.exceptions import RuleViolation


def confidence_badge(value: str):
    """How sure a rule is; unconfirmed defaults stand out."""
    if value == Confidence.UNCONFIRMED:
        return format_html(
            '<strong class="unconfirmed" style="color:#b45309">⚠ {}</strong>',
            _("mặc định chưa xác nhận"),
        )
    return Confidence(value).label if value in Confidence.values else value


# --- rule sets ------------------------------------------------------------------------------


class ScoreBandFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """The bands of a rule set with the 100-point scale cover 0 to 100 without a gap or
        an overlap, better levels higher (rules.check_level relies on it)."""
        super().clean()
        if any(self.errors) or not getattr(self.instance, "has_score_bands", False):
            return
        bands = sorted(
            (
                (f.cleaned_data["min_score"], f.cleaned_data.get("below"), f.cleaned_data["level"])
                for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ),
            key=lambda band: band[0],
        )
        problems = rules_problems(bands)
        if problems:
            raise ValidationError(problems)


def rules_problems(bands) -> list[str]:
    """Why (min_score, below, level) bands, sorted by min_score, do not tile 0–100."""
    if not bands:
        return [str(_("Quy định có thang 100 điểm phải có các khung điểm."))]
    problems = []
    if bands[0][0] != 0:
        problems.append(str(_("Khung thấp nhất phải bắt đầu từ 0 điểm.")))
    for (low, below, level), (next_low, _b, next_level) in zip(bands, bands[1:], strict=False):
        if below is None or below != next_low:
            problems.append(
                str(_("Các khung điểm phải nối liền nhau: khung từ %(low)s phải đến %(next)s."))
                % {"low": low, "next": next_low}
            )
        if next_level >= level:
            problems.append(str(_("Khung điểm cao hơn phải ứng với mức xếp loại tốt hơn.")))
    if bands[-1][1] is not None:
        problems.append(str(_("Khung cao nhất không có giới hạn trên (đến 100 điểm).")))
    return problems


class ScoreBandInline(admin.TabularInline):
    model = ScoreBand
    formset = ScoreBandFormSet
    extra = 0


class DisqualifierForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:  # saved: its code is cited by stored results
            self.fields["code"].disabled = True


class DisqualifierInline(admin.TabularInline):
    """A disqualifier's code is what stored results cite ("ky-luat"): it cannot be renamed
    or deleted once saved; a new one can be added, and its wording and cap edited."""

    model = Disqualifier
    extra = 0
    can_delete = False
    form = DisqualifierForm


class RuleSetAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Ngày hết hiệu lực trước ngày có hiệu lực."))
        if start:
            others = RuleSet.objects.exclude(pk=self.instance.pk).filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=start)
            )
            if end:
                others = others.filter(valid_from__lte=end)
            clash = others.order_by("valid_from").first()
            if clash is not None:
                self.add_error(
                    "valid_from",
                    _("Thời gian hiệu lực trùng với %(other)s: mỗi năm chỉ do một quy định xét.")
                    % {"other": clash},
                )
        normal, higher = cleaned.get("quota_percent"), cleaned.get("quota_percent_outstanding")
        if higher is not None and (normal is None or higher < normal):
            self.add_error(
                "quota_percent_outstanding",
                _("Tỷ lệ cho đơn vị nổi trội phải từ tỷ lệ thường trở lên."),
            )
        return cleaned


@admin.register(RuleSet)
class RuleSetAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "title",
        "valid_from",
        "valid_to",
        "has_score_bands",
        "quota_percent",
        "quota_percent_outstanding",
        "quota_confidence_shown",
    ]
    list_filter = ["quota_confidence", "has_score_bands"]
    search_fields = ["code", "title", "guidance"]
    inlines = [ScoreBandInline, DisqualifierInline]
    form = RuleSetAdminForm

    @admin.display(description=_("mức chắc chắn của tỷ lệ"), ordering="quota_confidence")
    def quota_confidence_shown(self, obj: RuleSet):
        return confidence_badge(obj.quota_confidence)


# --- the catalogue of titles and forms ------------------------------------------------------


class FormAdminForm(forms.ModelForm):
    # No Meta: the admin builds the form from its model and fields.
    def clean(self):
        cleaned = super().clean()
        conditions = cleaned.get("conditions")
        if conditions is not None and "conditions" not in self.errors:
            try:
                validate_conditions(conditions, own_code=cleaned.get("code") or "")
            except RuleViolation as exc:
                self.add_error("conditions", exc.message)
        return cleaned


@admin.register(Form)
class FormAdmin(AuditedModelAdmin):
    form = FormAdminForm
    list_display = [
        "name",
        "code",
        "category",
        "subject",
        "level",
        "valid_from",
        "valid_to",
        "council_vote",
        "vote_threshold",
        "confidence_shown",
        "citation",
    ]
    list_filter = ["confidence", "category", "subject", "council_vote"]
    search_fields = ["code", "name", "citation"]

    @admin.display(description=_("mức chắc chắn"), ordering="confidence")
    def confidence_shown(self, obj: Form):
        return confidence_badge(obj.confidence)


# --- councils -------------------------------------------------------------------------------


class CouncilMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Members do not change while a session sits: its quorum and its thresholds are
        counted on all members (services.council)."""
        super().clean()
        council = self.instance
        if council.pk is None or not self.has_changed():
            return
        if CouncilSession.objects.filter(
            council=council, status=CouncilSession.Status.OPEN
        ).exists():
            raise ValidationError(
                _("Hội đồng đang có phiên họp chưa kết thúc: không thay đổi thành viên được.")
            )


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    formset = CouncilMemberFormSet
    extra = 0
    raw_id_fields = ["person", "unit"]


@admin.register(Council)
class CouncilAdmin(AuditedModelAdmin):
    list_display = ["name", "unit", "quorum", "max_rounds"]
    search_fields = ["name"]
    raw_id_fields = ["unit"]
    inlines = [CouncilMemberInline]


# --- people and what they hold --------------------------------------------------------------


class PersonAdminForm(forms.ModelForm):
    def clean_code(self):
        code = self.cleaned_data["code"]
        try:
            people.refuse_taken_code(code, other_than=self.instance if self.instance.pk else None)
        except RuleViolation as exc:
            raise ValidationError(exc.message) from None
        return code


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    form = PersonAdminForm
    list_display = ["full_name", "code", "gender", "birth_year", "unit"]
    list_select_related = ["unit"]
    search_fields = ["code"]  # and names ignoring case and accents: get_search_results
    search_help_text = _("Tìm theo mã hoặc họ tên, không cần dấu (“nguyen van an”).")
    raw_id_fields = ["unit"]
    show_full_result_count = False  # no COUNT(*) over millions of people on each search

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("unit__versions")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return people.search_people(queryset, search_term), False


@admin.register(Initiative)
class InitiativeAdmin(AuditedModelAdmin):
    # Which award used an initiative is set by the decision or the recorded award only.
    list_display = ["title", "person", "year", "scope", "recognized_by", "award"]
    list_filter = ["scope", "year"]
    list_select_related = ["person", "award__form"]
    search_fields = ["title", "person__code"]
    raw_id_fields = ["person"]
    readonly_fields = ["award"]

    @staticmethod
    def _in_use(obj: Initiative | None) -> bool:
        """Used by an award or cited by a dossier: its facts are the basis of a decision."""
        return obj is not None and (obj.award_id is not None or obj.nominations.exists())

    def get_readonly_fields(self, request, obj=None):
        if self._in_use(obj):
            return ["award", "person", "year", "scope"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


@admin.register(Exclusion)
class ExclusionAdmin(AuditedModelAdmin):
    list_display = ["kind", "person", "unit", "starts_on", "ends_on"]
    list_filter = ["kind"]
    list_select_related = ["person", "unit"]
    search_fields = ["person__code", "person__full_name", "note"]
    raw_id_fields = ["person", "unit"]


# --- the higher percentage ------------------------------------------------------------------


class QuotaAllowanceForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year:
            try:
                rule_set = rules.rule_set_for(year)
            except RuleViolation as exc:
                self.add_error("year", exc.message)
            else:
                if rule_set.quota_percent_outstanding is None:
                    self.add_error(
                        "year",
                        _(
                            "Quy định %(code)s (năm %(year)s) không có tỷ lệ riêng cho đơn vị "
                            "nổi trội: không thể cho phép tỷ lệ cao hơn."
                        )
                        % {"code": rule_set.code, "year": year},
                    )
        return cleaned


@admin.register(QuotaAllowance)
class QuotaAllowanceAdmin(AuditedModelAdmin):
    form = QuotaAllowanceForm
    list_display = ["year", "unit", "group_shown", "granted_by", "document", "granted_on"]
    list_filter = ["year"]
    list_select_related = ["unit"]
    search_fields = ["group", "granted_by", "document"]
    raw_id_fields = ["unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("unit__versions")

    @admin.display(description=_("nhóm so sánh"), ordering="group")
    def group_shown(self, obj: QuotaAllowance) -> str:
        return obj.group or DEFAULT_GROUP
