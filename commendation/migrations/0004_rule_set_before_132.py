"""Results before Quy định 132-QĐ/TW (8 March 2018) exist in the records (e.g. "HTXSNV tiêu
biểu 5 năm liền (2017–2021)"); RULES.md names no text for them. This rule set lets those
years be recorded and judged with the same four levels, clearly labelled unconfirmed."""

import datetime
from decimal import Decimal

from django.db import migrations

CODE = "TRƯỚC-132"


def load(apps, schema_editor):
    apps.get_model("commendation", "RuleSet").objects.create(
        code=CODE,
        title="Quy định trước Quy định 132-QĐ/TW (chưa xác nhận văn bản)",
        guidance="",
        valid_from=datetime.date(2008, 1, 1),
        valid_to=datetime.date(2018, 3, 7),
        has_score_bands=False,
        quota_percent=Decimal(20),
        quota_percent_outstanding=None,
        quota_confidence="unconfirmed",
        note="Chưa xác nhận văn bản áp dụng cho các năm trước 2018: bốn mức xếp loại, không "
        "có thang 100 điểm; tỷ lệ 20% là giá trị mặc định, sửa được.",
    )


def unload(apps, schema_editor):
    apps.get_model("commendation", "RuleSet").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("commendation", "0003_person_result_group_index")]

    operations = [migrations.RunPython(load, unload)]
