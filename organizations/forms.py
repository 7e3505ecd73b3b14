import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core import text
from organizations.models import Unit, UnitKind
from organizations.services import registry

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")


class UnitChoiceField(forms.ModelChoiceField):
    """Units labelled by their current short name, in Vietnamese order."""

    def label_from_instance(self, obj: Unit) -> str:
        return str(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return str(obj)


def units_on(day: datetime.date):
    return Unit.objects.as_of(day).prefetch_related("versions")


class AsOfForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False)
    as_of = forms.DateField(label=_("Vào ngày"), required=False, widget=DATE_WIDGET)
    kind = forms.ModelChoiceField(
        label=_("Loại"), queryset=UnitKind.objects.all(), required=False, to_field_name="code"
    )


class UnitCreateForm(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40)
    name = forms.CharField(label=_("Tên đầy đủ"), max_length=300)
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=200, required=False)
    kind = forms.ModelChoiceField(label=_("Loại"), queryset=UnitKind.objects.all())
    parent = UnitChoiceField(
        label=_("Đơn vị cấp trên"), queryset=Unit.objects.all(), required=False
    )
    admin_code = forms.CharField(label=_("Mã thống kê"), max_length=20, required=False)
    valid_from = forms.DateField(label=_("Thành lập từ ngày"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=300, required=False)

    def spec(self) -> registry.NewUnit:
        d = self.cleaned_data
        return registry.NewUnit(
            code=d["code"],
            name=d["name"],
            short_name=d["short_name"],
            parent=d["parent"],
            kind=d["kind"],
            admin_code=d["admin_code"],
        )


class EventForm(forms.Form):
    effective_date = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE_WIDGET)
    legal_basis = forms.CharField(label=_("Căn cứ"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RenameForm(EventForm):
    name = forms.CharField(label=_("Tên đầy đủ mới"), max_length=300)
    short_name = forms.CharField(
        label=_("Tên ngắn mới"),
        max_length=200,
        required=False,
        help_text=_("Để trống nếu giữ tên ngắn hiện tại."),
    )


class MergeForm(EventForm):
    others = UnitMultipleChoiceField(
        label=_("Các đơn vị sáp nhập vào đơn vị này"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = (
            Unit.objects.filter(kind=unit.kind).exclude(pk=unit.pk).prefetch_related("versions")
        )


class SplitForm(EventForm):
    parts = forms.CharField(
        label=_("Các đơn vị mới"),
        help_text=_("Mỗi dòng một đơn vị: mã; tên đầy đủ; tên ngắn"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    source_continues = forms.BooleanField(label=_("Đơn vị cũ vẫn tiếp tục"), required=False)

    def clean_parts(self) -> list[registry.NewUnit]:
        parts = []
        for number, line in enumerate(self.cleaned_data["parts"].splitlines(), start=1):
            if not line.strip():
                continue
            fields = [text.normalize(f) for f in line.split(";")]
            if len(fields) < 2 or not fields[0] or not fields[1]:
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần ít nhất mã và tên, cách nhau bằng dấu chấm phẩy."),
                    params={"n": number},
                )
            parts.append(
                registry.NewUnit(code=fields[0], name=fields[1], short_name=(fields + [""])[2])
            )
        return parts


class MemberAddForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Unit.objects.existing_during(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
            .filter(kind__code="provincial_board")
            .prefetch_related("versions")
        )


class ElectionForm(forms.Form):
    conference_title = forms.CharField(label=_("Hội nghị"), max_length=300)
    held_on = forms.DateField(label=_("Ngày họp"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    deputy_seats = forms.IntegerField(label=_("Số Cụm phó"), min_value=0, max_value=5, initial=2)
    head_candidates = UnitMultipleChoiceField(
        label=_("Ứng viên Cụm trưởng"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    deputy_candidates = UnitMultipleChoiceField(
        label=_("Ứng viên Cụm phó"),
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        # The template lists the members in Vietnamese order; the fields only validate.
        queryset = Unit.objects.filter(pk__in=[m.unit_id for m in members])
        self.fields["head_candidates"].queryset = queryset
        self.fields["deputy_candidates"].queryset = queryset


class BallotForm(forms.Form):
    head = forms.ModelChoiceField(
        queryset=Unit.objects.none(), required=False, widget=forms.RadioSelect
    )
    deputies = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = election.candidates.all()
        self.fields["head"].queryset = Unit.objects.filter(
            pk__in=[c.unit_id for c in candidates if c.position == "head"]
        )
        self.fields["deputies"].queryset = Unit.objects.filter(
            pk__in=[c.unit_id for c in candidates if c.position == "deputy"]
        )
