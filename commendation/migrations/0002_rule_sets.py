"""The rule sets of quality classification in force since 2018 (RULES.md), as data."""

import datetime
from decimal import Decimal

from django.db import migrations

RULE_SETS = [
    {
        "code": "132-QĐ/TW",
        "title": "Quy định 132-QĐ/TW ngày 08/3/2018 về việc kiểm điểm và đánh giá, xếp loại "
        "chất lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",
        "guidance": "Hướng dẫn 16-HD/BTCTW",
        "valid_from": datetime.date(2018, 3, 8),
        "valid_to": datetime.date(2023, 10, 3),
        "has_score_bands": False,
        "quota_percent": Decimal(20),
        "quota_percent_outstanding": None,
        "quota_confidence": "unconfirmed",
        "note": "Bốn mức xếp loại, không có thang 100 điểm. Tỷ lệ 20% là giá trị mặc định "
        "chưa xác nhận: sửa được.",
    },
    {
        "code": "124-QĐ/TW",
        "title": "Quy định 124-QĐ/TW ngày 04/10/2023 về kiểm điểm, đánh giá, xếp loại chất "
        "lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",
        "guidance": "Hướng dẫn 25-HD/BTCTW",
        "valid_from": datetime.date(2023, 10, 4),
        "valid_to": datetime.date(2025, 8, 29),
        "has_score_bands": False,
        "quota_percent": Decimal(20),
        "quota_percent_outstanding": None,
        "quota_confidence": "unconfirmed",
        "note": "Bốn mức xếp loại, không có thang 100 điểm. Tỷ lệ HTXSNV không quá 20% số "
        "HTTNV thường được nêu nhưng chưa xác nhận: giá trị mặc định, sửa được.",
    },
    {
        "code": "366-QĐ/TW",
        "title": "Quy định 366-QĐ/TW ngày 30/8/2025 về kiểm điểm, đánh giá, xếp loại chất "
        "lượng hằng năm đối với tập thể, cá nhân trong hệ thống chính trị",
        "guidance": "Hướng dẫn 43-HD/BTCTW",
        "valid_from": datetime.date(2025, 8, 30),
        "valid_to": None,
        "has_score_bands": True,
        "quota_percent": Decimal(20),
        "quota_percent_outstanding": Decimal(25),
        "quota_confidence": "high",
        "note": "Thang 100 điểm; số HTXSNV không quá 20% số HTTNV trong nhóm có vai trò tương "
        "đồng, 25% nơi cấp có thẩm quyền cho phép đối với đơn vị nổi trội.",
    },
]

BANDS_366 = [
    (1, Decimal(90), None),
    (2, Decimal(70), Decimal(90)),
    (3, Decimal(50), Decimal(70)),
    (4, Decimal(0), Decimal(50)),
]

DISQUALIFIERS_366 = [
    ("tin-nhiem-thap", "Trên 50% phiếu tín nhiệm thấp", 4, "any"),
    ("ky-luat", "Bị kỷ luật từ khiển trách trở lên trong năm", 4, "person"),
    ("qua-nua-nhiem-vu-khong-hoan-thanh", "Trên 50% nhiệm vụ không hoàn thành", 4, "any"),
    ("tre-han-tren-20", "Trên 20% nhiệm vụ chậm tiến độ", 4, "any"),
    ("co-nhiem-vu-cham", "Có nhiệm vụ chậm tiến độ", 3, "any"),
    ("vuot-muc-duoi-30", "Dưới 30% nhiệm vụ vượt yêu cầu", 2, "any"),
    (
        "cap-duoi-bi-ky-luat",
        "Có tổ chức trực thuộc hoặc thành viên lãnh đạo bị kỷ luật trong năm",
        2,
        "unit",
    ),
]


def load(apps, schema_editor):
    RuleSet = apps.get_model("commendation", "RuleSet")
    ScoreBand = apps.get_model("commendation", "ScoreBand")
    Disqualifier = apps.get_model("commendation", "Disqualifier")
    for data in RULE_SETS:
        rule_set = RuleSet.objects.create(**data)
        if data["code"] == "366-QĐ/TW":
            for level, low, below in BANDS_366:
                ScoreBand.objects.create(rule_set=rule_set, level=level, min_score=low, below=below)
            for code, title, best, applies in DISQUALIFIERS_366:
                Disqualifier.objects.create(
                    rule_set=rule_set, code=code, title=title, best_level=best, applies_to=applies
                )


def unload(apps, schema_editor):
    apps.get_model("commendation", "RuleSet").objects.filter(
        code__in=[d["code"] for d in RULE_SETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("commendation", "0001_classification")]

    operations = [migrations.RunPython(load, unload)]
