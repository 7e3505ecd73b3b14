"""Forms of the score-sheet pages. They only parse what was typed; the rules (maxima, steps,
who may write when) are the services' and come back as RuleViolation messages."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from core import text

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y")
_NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")


def parse_points(value: str) -> Decimal | None:
    """ "2,5", "2.5" and " 2,50 " all mean 2.5; "" means no points. Raises ValueError."""
    value = (value or "").strip().replace(" ", "")
    if not value:
        return None
    if "," in value:
        # Vietnamese writing: "," is the decimal mark, "." groups thousands.
        value = value.replace(".", "").replace(",", ".")
    if not _NUMBER_RE.match(value):
        raise ValueError(value)
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(value) from exc


class PointsField(forms.Field):
    """Points as officials type them; empty means "no points"."""

    default_error_messages = {
        "invalid": _("Điểm “%(value)s” không hợp lệ: nhập một số không âm, ví dụ 2,5."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "size": 5, "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = str(value or "")[:40]
        try:
            return parse_points(value)
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value.strip()}
            ) from None


class ScoreForm(forms.Form):
    """One cell of the self-assessment or of a review: points, or "not applicable"."""

    points = PointsField(label=_("Điểm"))
    not_applicable = forms.BooleanField(label=_("Không áp dụng"), required=False)
    note = forms.CharField(
        label=_("Giải thích"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def values(self) -> dict:
        """Keyword arguments for the services. "Not applicable" wins over typed points."""
        data = self.cleaned_data
        applicable = not data["not_applicable"]
        return {
            "points": data["points"] if applicable else None,
            "applicable": applicable,
            "note": text.normalize(data["note"]) if data["note"] else "",
        }


class ExplanationForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung giải trình"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    points = PointsField(label=_("Điểm đề nghị"))


class ReopenForm(forms.Form):
    until = forms.DateField(
        label=_("Mở lại đến ngày"), input_formats=DATE_INPUT_FORMATS, widget=DATE_WIDGET
    )
    # Left optional here so that the service's own message ("Nhập lý do ...") is shown.
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _check_size(upload):
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size)s MB): chỉ nhận tệp đến 10 MB."),
            params={
                "name": upload.name,
                "size": f"{upload.size / 1024 / 1024:.1f}".replace(".", ","),
            },
            code="too_big",
        )
    return upload


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tài liệu kiểm chứng"))

    def clean_file(self):
        return _check_size(self.cleaned_data["file"])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = _check_size(self.cleaned_data["file"])
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Chỉ nhận tệp Excel .xlsx (tải bảng điểm mẫu ở trên để điền)."), code="type"
            )
        return upload
