"""Forms of the classification pages. They only parse what the user typed: every rule (the
bands, the disqualifiers, the quota, what an import accepts) is judged by the services, whose
Vietnamese reasons the pages show."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from commendation.models import Level, RuleSet
from organizations.models import Unit

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")
IMPORT_EXTENSIONS = (".csv", ".xlsx")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return str(obj)


class UnitResultForm(forms.Form):
    """A collective's result for one year, as the competent level records it."""

    level = forms.TypedChoiceField(label=_("Mức xếp loại"), choices=Level.choices, coerce=int)
    score = forms.CharField(
        label=_("Điểm (thang 100)"),
        required=False,
        max_length=20,
        help_text=_("Bắt buộc từ năm áp dụng Quy định 366-QĐ/TW; ví dụ 92,5."),
    )
    exemplary = forms.BooleanField(label=_("Tiêu biểu"), required=False)
    disqualifiers = forms.MultipleChoiceField(
        label=_("Điều kiện loại trừ đã ghi nhận"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.CharField(
        label=_("Nhóm so sánh"),
        required=False,
        help_text=_("Để trống: nhóm “Chung”."),
    )
    proposed_by = forms.CharField(label=_("Cơ quan đề xuất"), required=False)
    decided_by = forms.CharField(label=_("Cấp quyết định"), required=False)
    decided_on = forms.DateField(label=_("Ngày quyết định"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, rule_set: RuleSet | None, **kwargs):
        super().__init__(*args, **kwargs)
        disqualifiers = rule_set.disqualifiers.all() if rule_set is not None else []
        self.fields["disqualifiers"].choices = [
            (d.code, d.title) for d in disqualifiers if d.applies_to in ("any", "unit")
        ]
        if not self.fields["disqualifiers"].choices:
            del self.fields["disqualifiers"]


class ImportForm(forms.Form):
    """A file of people's results (CSV or Excel) for one year and one scope unit."""

    year = forms.IntegerField(label=_("Năm xếp loại"), min_value=1900, max_value=2999)
    scope = UnitChoiceField(label=_("Phạm vi (đơn vị)"), queryset=Unit.objects.none())
    file = forms.FileField(label=_("Tệp kết quả (.csv hoặc .xlsx)"))

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scopes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return upload
