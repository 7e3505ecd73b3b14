"""The form of the person registry pages. It only parses what the user typed: the rules (a
code taken, a unit gone, who may record for the unit) are the services' and the pages'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commendation.models import Gender, Person


class PersonForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đảng viên / cán bộ"),
        max_length=Person._meta.get_field("code").max_length,
        help_text=_("Mã dùng khi nhập kết quả xếp loại từ tệp; không trùng với người khác."),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=Person._meta.get_field("full_name").max_length
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", "—"), *Gender.choices], required=False
    )
    birth_year = forms.IntegerField(label=_("Năm sinh"), required=False)
    unit_code = forms.CharField(
        label=_("Mã đơn vị sinh hoạt"),
        max_length=40,
        required=False,
        help_text=_("Mã của chi bộ, tổ chức cơ sở đảng nơi người này sinh hoạt hiện nay."),
    )
