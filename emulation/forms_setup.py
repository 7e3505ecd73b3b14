"""Forms of the pages that set up and follow an emulation year. They only parse input: the
rules live in the services, whose RuleViolation messages the views put back on the form."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.templatetags.vn import format_points
from emulation.models import (
    Aggregation,
    Criterion,
    EmulationYear,
    Method,
    PeriodKind,
    ReviewMode,
    Scale,
    Section,
    TargetKind,
    TieBreak,
)
from organizations.forms import DATE_WIDGET, UnitChoiceField
from organizations.models import Cluster, Unit

TIE_BREAK_SLOTS = 4
DECIMAL_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "size": 8})


GROUPED = re.compile(r"-?[1-9]\d{0,2}(\.\d{3})+(,\d*)?")


def plain_number(value) -> str:
    """A number for an input box, the Vietnamese way without grouping: 1234,5 · 10 · 0,5."""
    return format_points(value).replace(".", "")


class VNDecimalField(forms.DecimalField):
    """Accepts "92,4" (Vietnamese) as well as "92.4"; dots grouping thousands ("1.234",
    "1.234,5") are dropped: every field here has two decimals, so "1.234" is 1234."""

    widget = DECIMAL_WIDGET

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "")
            if "," in value or GROUPED.fullmatch(value):
                value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


class TieBreakFields(forms.Form):
    """Tie-breaks in order: one input per slot, each a code typed in or picked from the
    list (``TieBreak`` codes and "group:N")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, TIE_BREAK_SLOTS + 1):
            self.fields[f"tie_break_{index}"] = forms.CharField(
                label=_("Tiêu chí phụ %(n)s") % {"n": index},
                required=False,
                max_length=40,
                widget=forms.TextInput(attrs={"list": "tie-break-codes", "size": 18}),
            )

    def tie_break_fields(self):
        return [self[f"tie_break_{i}"] for i in range(1, TIE_BREAK_SLOTS + 1)]

    def tie_breaks(self) -> list[str]:
        codes = [self.cleaned_data.get(f"tie_break_{i}", "") for i in range(1, 1 + TIE_BREAK_SLOTS)]
        return [code.strip() for code in codes if code and code.strip()]

    @staticmethod
    def initial_for(codes) -> dict[str, str]:
        return {f"tie_break_{i}": code for i, code in enumerate(codes, start=1)}


def tie_break_options(group_titles: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(code, label) for the datalist: the named tie-breaks, then "group:N" per group."""
    options = [(str(code), str(label)) for code, label in TieBreak.choices]
    groups = group_titles or {str(n): "" for n in range(1, 6)}
    for number, title in groups.items():
        label = _("Điểm nhóm %(n)s cao hơn") % {"n": number}
        options.append((f"group:{number}", f"{label}{' – ' + title if title else ''}"))
    return options


class YearOpenForm(TieBreakFields):
    cluster = forms.ModelChoiceField(label=_("Cụm thi đua"), queryset=Cluster.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên năm thi đua"), max_length=300)
    review_mode = forms.ChoiceField(label=_("Cách bình xét"), choices=ReviewMode.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp điểm"), choices=Aggregation.choices)

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters


class CascadeForm(forms.Form):
    organizer = UnitChoiceField(label=_("Đơn vị phát động"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên năm thi đua"), max_length=300)
    parent = forms.ModelChoiceField(
        label=_("Triển khai từ năm thi đua của cụm"),
        queryset=EmulationYear.objects.none(),
        required=False,
    )
    review_mode = forms.ChoiceField(label=_("Cách bình xét"), choices=ReviewMode.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp điểm"), choices=Aggregation.choices)

    def __init__(self, *args, organizers, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        self.fields["parent"].queryset = parents

    def clean(self):
        data = super().clean()
        parent, year = data.get("parent"), data.get("year")
        if parent is not None and year is not None and parent.year != year:
            self.add_error(
                "parent",
                _("Năm thi đua của cụm là năm %(parent)s, không phải năm %(year)s.")
                % {"parent": parent.year, "year": year},
            )
        return data


class RulesForm(TieBreakFields):
    review_mode = forms.ChoiceField(label=_("Cách bình xét"), choices=ReviewMode.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp điểm"), choices=Aggregation.choices)
    flag_count = forms.IntegerField(label=_("Số đơn vị đề nghị Cờ thi đua"), min_value=0)
    merit_count = forms.IntegerField(label=_("Số đơn vị đề nghị Bằng khen"), min_value=0)
    inflation_threshold = VNDecimalField(
        label=_("Ngưỡng cảnh báo tự chấm cao (% điểm tối đa)"), max_digits=5, decimal_places=2
    )

    @classmethod
    def for_year(cls, emulation_year: EmulationYear) -> RulesForm:
        initial = {
            "review_mode": emulation_year.review_mode,
            "aggregation": emulation_year.aggregation,
            "flag_count": emulation_year.flag_count,
            "merit_count": emulation_year.merit_count,
            "inflation_threshold": plain_number(emulation_year.inflation_threshold),
            **cls.initial_for(emulation_year.tie_breaks or []),
        }
        return cls(initial=initial)


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kỳ"), choices=PeriodKind.choices)
    opens_on = forms.DateField(label=_("Mở từ ngày"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Hạn nộp"), widget=DATE_WIDGET)


class PeriodDatesForm(forms.Form):
    opens_on = forms.DateField(label=_("Mở từ ngày"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("Hạn nộp"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Lý do gia hạn"), max_length=500, required=False)


class ScaleCreateForm(forms.Form):
    title = forms.CharField(label=_("Tên thang điểm"), max_length=300, required=False)
    total_max = VNDecimalField(
        label=_("Tổng điểm chuẩn"), max_digits=7, decimal_places=2, initial=Decimal(100)
    )
    bonus_cap = VNDecimalField(
        label=_("Điểm thưởng tối đa"), max_digits=7, decimal_places=2, initial=Decimal(0)
    )


class ScaleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Scale) -> str:
        version = _("phiên bản %(v)s") % {"v": obj.version}
        return f"{obj.emulation_year} · {obj.title} ({version})"


class ScaleCopyForm(forms.Form):
    source = ScaleChoiceField(label=_("Sao chép từ thang điểm"), queryset=Scale.objects.none())
    title = forms.CharField(
        label=_("Tên thang điểm mới"),
        max_length=300,
        required=False,
        help_text=_("Để trống để giữ tên của thang điểm nguồn."),
    )

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do tạo phiên bản mới"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CriterionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Criterion) -> str:
        return f"{obj.number}. {obj.title}"


class CriterionEditForm(forms.Form):
    """The fields services.scales.update_criterion may change."""

    title = forms.CharField(label=_("Nội dung"), max_length=500)
    max_points = VNDecimalField(label=_("Điểm tối đa"), max_digits=7, decimal_places=2)
    method = forms.ChoiceField(label=_("Cách chấm"), choices=Method.choices)
    step = VNDecimalField(
        label=_("Bước điểm"), max_digits=5, decimal_places=2, initial=Decimal("0.5")
    )
    target_code = forms.SlugField(label=_("Mã chỉ tiêu"), max_length=60, required=False)
    floor_percent = VNDecimalField(
        label=_("Tỷ lệ đạt tối thiểu để có điểm (%)"),
        max_digits=6,
        decimal_places=2,
        required=False,
    )
    guidance = forms.CharField(
        label=_("Hướng dẫn chấm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_expected = forms.CharField(
        label=_("Tài liệu kiểm chứng"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def for_criterion(cls, criterion: Criterion, data=None) -> CriterionEditForm:
        text = plain_number
        initial = {
            "title": criterion.title,
            "max_points": text(criterion.max_points),
            "method": criterion.method,
            "step": text(criterion.step),
            "target_code": criterion.target_code,
            "floor_percent": text(criterion.floor_percent),
            "guidance": criterion.guidance,
            "evidence_expected": criterion.evidence_expected,
        }
        return cls(data, initial=initial)

    def changes(self) -> dict:
        return dict(self.cleaned_data)


class CriterionAddForm(CriterionEditForm):
    parent = CriterionChoiceField(
        label=_("Thuộc tiêu chí"),
        queryset=Criterion.objects.none(),
        required=False,
        empty_label=_("— Nhóm mới (cấp cao nhất) —"),
    )
    section = forms.ChoiceField(
        label=_("Loại điểm (với nhóm mới)"), choices=Section.choices, initial=Section.REGULAR
    )
    field_order = ["parent", "section", "title", "max_points", "method", "step"]

    def __init__(self, *args, scale: Scale, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = sorted(scale.criteria.all(), key=Criterion.sort_key)
        self.fields["parent"].queryset = scale.criteria.all()
        self.fields["parent"].choices = [("", self.fields["parent"].empty_label)] + [
            (c.pk, f"{c.number}. {c.title}") for c in nodes
        ]


class PledgeForm(forms.Form):
    number = forms.CharField(label=_("Số"), max_length=60, required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=300)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    parent_issuer = forms.CharField(label=_("Cơ quan cấp trên"), max_length=200, required=False)
    place = forms.CharField(label=_("Địa danh"), max_length=100)
    preamble = forms.CharField(
        label=_("Căn cứ, mở đầu"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskGroupForm(forms.Form):
    title = forms.CharField(label=_("Nhóm nhiệm vụ"), max_length=300)
    content = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignForm(forms.Form):
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE_WIDGET)
    conference = forms.CharField(label=_("Hội nghị ký kết"), max_length=300, required=False)


class TargetForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    code = forms.SlugField(label=_("Mã chỉ tiêu"), max_length=60)
    title = forms.CharField(label=_("Chỉ tiêu"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại"), choices=TargetKind.choices)
    planned = VNDecimalField(label=_("Kế hoạch"), max_digits=14, decimal_places=2)
    measure = forms.CharField(label=_("Đơn vị tính"), max_length=60, required=False)

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        """``units``: (unit id, name) of the participants, already in Vietnamese order."""
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[pk for pk, _name in units])
        self.fields["unit"].choices = [("", "---------"), *units]


class ActualForm(forms.Form):
    actual = VNDecimalField(
        label=_("Thực hiện"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Để trống nếu chưa có kết quả."),
    )
