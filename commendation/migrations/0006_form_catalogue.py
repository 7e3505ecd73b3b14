"""The catalogue of emulation titles and commendation forms (RULES.md), as data.

Each form carries its conditions (evaluated by ``commendation.services.eligibility``), its
validity, its citation and how sure we are of it ("high", "medium", "unconfirmed" exactly as
RULES.md says). Unconfirmed rules are shipped as editable defaults and say so in their
citation. Every condition also names its own citation and confidence.

Versions:
- titles and awards of the Law of 2022 (Luật Thi đua, khen thưởng 06/2022/QH15) from
  01/01/2024. Forms that need a council vote (Chiến sĩ thi đua, Cờ thi đua) have two rows:
  Nghị định 98/2023 (01/01/2024–30/06/2025; the thresholds are high) and Nghị định 152/2025
  (from 01/07/2025; whether 152 kept the thresholds is unconfirmed, and the rows say so);
- the same titles before 2024 (Luật 2003, Nghị định 91/2017): kept only so that titles and
  awards received in the past can be recorded in a person's record (hồ sơ thành tích). Their
  conditions are not in the catalogue: a check against them reports "data missing", never a
  pass;
- the Party forms of Hướng dẫn 06-HD/TW §19 from 09/06/2025, with no earlier version.
"""

import datetime
from decimal import Decimal

from django.db import migrations

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
LAW_2003 = "Luật Thi đua, khen thưởng 2003 (sửa đổi, bổ sung) và Nghị định 91/2017/NĐ-CP"
ND98 = "Nghị định 98/2023/NĐ-CP"
ND152 = "Nghị định 152/2025/NĐ-CP"
HD06 = "Hướng dẫn 06-HD/TW, mục 19"

LAW_FROM = datetime.date(2024, 1, 1)
ND98_TO = datetime.date(2025, 6, 30)
ND152_FROM = datetime.date(2025, 7, 1)
OLD_FROM = datetime.date(2004, 7, 1)
OLD_TO = datetime.date(2023, 12, 31)
HD06_FROM = datetime.date(2025, 6, 9)

EXCELLENT, GOOD, COMPLETED = 1, 2, 3

LDTT = "lao-dong-tien-tien"
CSTDCS = "chien-si-thi-dua-co-so"
CSTD_TINH = "chien-si-thi-dua-tinh"
CSTD_TQ = "chien-si-thi-dua-toan-quoc"
TTLDTT = "tap-the-lao-dong-tien-tien"
TTLDXS = "tap-the-lao-dong-xuat-sac"
CO_TINH = "co-thi-dua-tinh"
CO_CP = "co-thi-dua-chinh-phu"
GK_TAP_THE = "giay-khen-tap-the"
GK_CA_NHAN = "giay-khen-ca-nhan"
BK_TINH_CA_NHAN = "bang-khen-tinh-ca-nhan"
BK_TINH_TAP_THE = "bang-khen-tinh-tap-the"
BK_TTG = "bang-khen-thu-tuong-ca-nhan"


def exclusion(confidence="high", citation=None):
    return {
        "code": "khong-bi-loai-tru",
        "type": "no_exclusion",
        "citation": citation
        or f"{LAW}: không khen thưởng khi đang bị xem xét kỷ luật, điều tra",
        "confidence": confidence,
    }


PARTY_EXCLUSION = exclusion(
    "unconfirmed",
    "Áp dụng theo nguyên tắc của Luật Thi đua, khen thưởng (không khen thưởng khi đang bị xem "
    "xét kỷ luật): chưa xác nhận cho khen thưởng của Đảng, giá trị mặc định, sửa được",
)


def classification(code, level, years=1, *, exemplary=False, citation, confidence):
    return {
        "code": code,
        "type": "classification",
        "level": level,
        "years": years,
        "exemplary": exemplary,
        "citation": citation,
        "confidence": confidence,
    }


def title(code, form, *, citation, confidence, years=1, times=None, within=None):
    condition = {"code": code, "type": "title", "form": form, "years": years}
    if times is not None:
        condition["times"] = times
    if within is not None:
        condition["within"] = within
    condition.update(citation=citation, confidence=confidence)
    return condition


def initiative(code, scope, count=1, *, citation, confidence):
    return {
        "code": code,
        "type": "initiative",
        "scope": scope,
        "count": count,
        "citation": citation,
        "confidence": confidence,
    }


# --- State titles and awards (Luật 2022 with Nghị định 98/152) -------------------------

STATE = [
    {
        "code": LDTT,
        "name": "Lao động tiên tiến",
        "category": "title",
        "subject": "person",
        "level": "Thủ trưởng cơ quan, đơn vị (cơ sở)",
        "certificate_title": "LAO ĐỘNG TIÊN TIẾN",
        "citation": f"{LAW}: danh hiệu Lao động tiên tiến",
        "confidence": "high",
        "vote": None,
        "conditions": [
            classification(
                "xep-loai", GOOD, citation=f"{LAW}: hoàn thành tốt nhiệm vụ", confidence="high"
            ),
            {
                "code": "tich-cuc-thi-dua",
                "type": "confirmation",
                "label": "Tích cực tham gia phong trào thi đua",
                "citation": f"{LAW}: danh hiệu Lao động tiên tiến",
                "confidence": "high",
            },
            exclusion(),
        ],
    },
    {
        "code": CSTDCS,
        "name": "Chiến sĩ thi đua cơ sở",
        "category": "title",
        "subject": "person",
        "level": "Cơ sở",
        "certificate_title": "CHIẾN SĨ THI ĐUA CƠ SỞ",
        "citation": f"{LAW}: danh hiệu Chiến sĩ thi đua cơ sở",
        "confidence": "high",
        "vote": Decimal(80),
        "conditions": [
            title(
                "lao-dong-tien-tien",
                LDTT,
                citation=f"{LAW}: đạt danh hiệu Lao động tiên tiến",
                confidence="high",
            ),
            {
                "code": "thanh-tich",
                "type": "any_of",
                "citation": f"{LAW}: danh hiệu Chiến sĩ thi đua cơ sở",
                "confidence": "high",
                "conditions": [
                    classification(
                        "htxsnv",
                        EXCELLENT,
                        citation=f"{LAW}: hoàn thành xuất sắc nhiệm vụ",
                        confidence="high",
                    ),
                    initiative(
                        "sang-kien",
                        "unit",
                        citation=f"{LAW}: có sáng kiến được công nhận; mỗi sáng kiến chỉ "
                        "dùng cho một danh hiệu hoặc hình thức khen thưởng",
                        confidence="high",
                    ),
                    {
                        "code": "de-tai-khoa-hoc",
                        "type": "confirmation",
                        "label": "Có đề tài khoa học được nghiệm thu",
                        "citation": f"{LAW}: danh hiệu Chiến sĩ thi đua cơ sở",
                        "confidence": "high",
                    },
                ],
            },
            exclusion(),
        ],
    },
    {
        "code": CSTD_TINH,
        "name": "Chiến sĩ thi đua cấp bộ, tỉnh",
        "category": "title",
        "subject": "person",
        "level": "Bộ, ban, ngành, tỉnh",
        "certificate_title": "CHIẾN SĨ THI ĐUA CẤP BỘ, TỈNH",
        "citation": f"{LAW}: danh hiệu Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        "confidence": "high",
        "vote": Decimal(90),
        "conditions": [
            title(
                "cstd-co-so-3-lan",
                CSTDCS,
                years=3,
                citation=f"{LAW}: 03 lần liên tục đạt danh hiệu Chiến sĩ thi đua cơ sở",
                confidence="high",
            ),
            initiative(
                "sang-kien-cap-tinh",
                "province",
                citation=f"{LAW}: sáng kiến có phạm vi ảnh hưởng cấp bộ, ban, ngành, tỉnh; "
                "mỗi sáng kiến chỉ dùng một lần",
                confidence="high",
            ),
            exclusion(),
        ],
    },
    {
        "code": CSTD_TQ,
        "name": "Chiến sĩ thi đua toàn quốc",
        "category": "title",
        "subject": "person",
        "level": "Toàn quốc (Thủ tướng Chính phủ)",
        "certificate_title": "CHIẾN SĨ THI ĐUA TOÀN QUỐC",
        "citation": f"{LAW}: danh hiệu Chiến sĩ thi đua toàn quốc",
        "confidence": "high",
        "vote": Decimal(90),
        "conditions": [
            # "2 lần liên tục" Chiến sĩ thi đua cấp bộ, tỉnh, a title given every 3 years:
            # encoded as 2 times within 6 years (an editable reading of the rule).
            title(
                "cstd-tinh-2-lan",
                CSTD_TINH,
                times=2,
                within=6,
                citation=f"{LAW}: 02 lần liên tục đạt Chiến sĩ thi đua cấp bộ, ban, ngành, "
                "tỉnh (đọc là 2 lần trong 6 năm: giá trị mặc định, sửa được)",
                confidence="high",
            ),
            initiative(
                "sang-kien-toan-quoc",
                "national",
                citation=f"{LAW}: sáng kiến có phạm vi ảnh hưởng toàn quốc; mỗi sáng kiến "
                "chỉ dùng một lần",
                confidence="high",
            ),
            exclusion(),
        ],
    },
    {
        "code": TTLDTT,
        "name": "Tập thể lao động tiên tiến",
        "category": "title",
        "subject": "unit",
        "level": "Cơ sở",
        "certificate_title": "TẬP THỂ LAO ĐỘNG TIÊN TIẾN",
        "citation": f"{LAW}: điều kiện danh hiệu Tập thể lao động tiên tiến chưa xác nhận; "
        "mặc định theo Luật 2003 (trên 50% cá nhân đạt Lao động tiên tiến), sửa được",
        "confidence": "unconfirmed",
        "vote": None,
        "conditions": [
            classification(
                "xep-loai",
                GOOD,
                citation="Mặc định theo Luật Thi đua, khen thưởng 2003 (hoàn thành tốt nhiệm "
                "vụ): chưa xác nhận theo Luật 2022, sửa được",
                confidence="unconfirmed",
            ),
            {
                "code": "ty-le-lao-dong-tien-tien",
                "type": "member_share",
                "measure": "title",
                "form": LDTT,
                "min_percent": "50",
                "strict": True,
                "citation": "Mặc định theo Luật Thi đua, khen thưởng 2003 (trên 50% cá nhân "
                "đạt Lao động tiên tiến): chưa xác nhận theo Luật 2022, sửa được",
                "confidence": "unconfirmed",
            },
            exclusion(),
        ],
    },
    {
        "code": TTLDXS,
        "name": "Tập thể lao động xuất sắc",
        "category": "title",
        "subject": "unit",
        "level": "Bộ, ban, ngành, tỉnh",
        "certificate_title": "TẬP THỂ LAO ĐỘNG XUẤT SẮC",
        "citation": f"{LAW}: danh hiệu Tập thể lao động xuất sắc",
        "confidence": "high",
        "vote": None,
        "conditions": [
            classification(
                "htxsnv",
                EXCELLENT,
                citation=f"{LAW}: hoàn thành xuất sắc nhiệm vụ",
                confidence="high",
            ),
            {
                "code": "hoan-thanh-nhiem-vu",
                "type": "member_share",
                "measure": "level",
                "level": COMPLETED,
                "min_percent": "100",
                "citation": f"{LAW}: 100% cá nhân trong tập thể hoàn thành nhiệm vụ",
                "confidence": "high",
            },
            {
                "code": "ty-le-lao-dong-tien-tien",
                "type": "member_share",
                "measure": "title",
                "form": LDTT,
                "min_percent": "70",
                "citation": f"{LAW}: có từ 70% cá nhân trong tập thể đạt danh hiệu Lao động "
                "tiên tiến",
                "confidence": "high",
            },
            {
                "code": "co-cstd-co-so",
                "type": "member_title",
                "form": CSTDCS,
                "count": 1,
                "citation": f"{LAW}: có cá nhân đạt danh hiệu Chiến sĩ thi đua cơ sở",
                "confidence": "high",
            },
            exclusion(),
        ],
    },
    {
        "code": CO_TINH,
        "name": "Cờ thi đua cấp bộ, tỉnh",
        "category": "title",
        "subject": "unit",
        "level": "Bộ, ban, ngành, tỉnh",
        "certificate_title": "CỜ THI ĐUA",
        "citation": f"{LAW}: Cờ thi đua cấp bộ, tỉnh tặng đơn vị dẫn đầu cụm, khối thi đua "
        "do cấp đó tổ chức (một nguồn thứ cấp)",
        "confidence": "medium",
        "vote": Decimal(80),
        "conditions": [
            {
                "code": "dan-dau-cum",
                "type": "cluster_rank",
                "rank": 1,
                "citation": f"{LAW}: đơn vị dẫn đầu cụm, khối thi đua (một nguồn thứ cấp)",
                "confidence": "medium",
            },
            exclusion(),
        ],
    },
    {
        "code": CO_CP,
        "name": "Cờ thi đua của Chính phủ",
        "category": "title",
        "subject": "unit",
        "level": "Chính phủ",
        "certificate_title": "CỜ THI ĐUA CỦA CHÍNH PHỦ",
        "citation": f"{LAW}: Cờ thi đua của Chính phủ chọn trong số các đơn vị dẫn đầu cụm, "
        "khối (một nguồn thứ cấp); hồ sơ nộp trước 30/6",
        "confidence": "medium",
        "vote": Decimal(80),
        "conditions": [
            {
                "code": "dan-dau-cum",
                "type": "cluster_rank",
                "rank": 1,
                "note": "Cờ thi đua của Chính phủ được chọn trong số các đơn vị dẫn đầu",
                "citation": f"{LAW}: chọn trong số các đơn vị dẫn đầu cụm, khối (một nguồn "
                "thứ cấp)",
                "confidence": "medium",
            },
            exclusion(),
        ],
    },
    {
        "code": GK_TAP_THE,
        "name": "Giấy khen (tập thể)",
        "category": "award",
        "subject": "unit",
        "level": "Thủ trưởng cơ quan, đơn vị",
        "certificate_title": "GIẤY KHEN",
        "citation": f"{LAW}: tiêu chuẩn Giấy khen chưa xác nhận; mặc định: hoàn thành tốt "
        "nhiệm vụ, sửa được",
        "confidence": "unconfirmed",
        "vote": None,
        "conditions": [
            classification(
                "xep-loai",
                GOOD,
                citation="Tiêu chuẩn Giấy khen chưa xác nhận: mặc định hoàn thành tốt nhiệm "
                "vụ trở lên, sửa được",
                confidence="unconfirmed",
            ),
            exclusion(),
        ],
    },
    {
        "code": GK_CA_NHAN,
        "name": "Giấy khen (cá nhân)",
        "category": "award",
        "subject": "person",
        "level": "Thủ trưởng cơ quan, đơn vị",
        "certificate_title": "GIẤY KHEN",
        "citation": f"{LAW}: tiêu chuẩn Giấy khen chưa xác nhận; mặc định: hoàn thành tốt "
        "nhiệm vụ, sửa được",
        "confidence": "unconfirmed",
        "vote": None,
        "conditions": [
            classification(
                "xep-loai",
                GOOD,
                citation="Tiêu chuẩn Giấy khen chưa xác nhận: mặc định hoàn thành tốt nhiệm "
                "vụ trở lên, sửa được",
                confidence="unconfirmed",
            ),
            exclusion(),
        ],
    },
    {
        "code": BK_TINH_CA_NHAN,
        "name": "Bằng khen cấp bộ, tỉnh (cá nhân)",
        "category": "award",
        "subject": "person",
        "level": "Bộ, ban, ngành, tỉnh",
        "certificate_title": "BẰNG KHEN",
        "citation": f"{LAW}; {ND98}, {ND152}: Bằng khen cấp bộ, ban, ngành, tỉnh cho cá nhân "
        "(một nguồn thứ cấp)",
        "confidence": "medium",
        "vote": None,
        "conditions": [
            {
                "code": "thanh-tich",
                "type": "any_of",
                "citation": f"{ND98}: Bằng khen cấp bộ, tỉnh cho cá nhân (một nguồn thứ cấp)",
                "confidence": "medium",
                "conditions": [
                    title(
                        "cstd-co-so-2-lan",
                        CSTDCS,
                        years=2,
                        citation=f"{ND98}: 02 lần liên tục đạt Chiến sĩ thi đua cơ sở",
                        confidence="medium",
                    ),
                    {
                        "code": "htxsnv-va-sang-kien",
                        "type": "all_of",
                        "citation": f"{ND98}: 02 năm liên tục hoàn thành xuất sắc nhiệm vụ, "
                        "có 02 sáng kiến",
                        "confidence": "medium",
                        "conditions": [
                            classification(
                                "htxsnv-2-nam",
                                EXCELLENT,
                                2,
                                citation=f"{ND98}: 02 năm liên tục hoàn thành xuất sắc "
                                "nhiệm vụ",
                                confidence="medium",
                            ),
                            initiative(
                                "hai-sang-kien",
                                "unit",
                                2,
                                citation=f"{ND98}: 02 sáng kiến được công nhận; mỗi sáng "
                                "kiến chỉ dùng một lần",
                                confidence="medium",
                            ),
                        ],
                    },
                ],
            },
            exclusion(),
        ],
    },
    {
        "code": BK_TINH_TAP_THE,
        "name": "Bằng khen cấp bộ, tỉnh (tập thể)",
        "category": "award",
        "subject": "unit",
        "level": "Bộ, ban, ngành, tỉnh",
        "certificate_title": "BẰNG KHEN",
        "citation": f"{LAW}; {ND98}, {ND152}: Bằng khen cấp bộ, ban, ngành, tỉnh cho tập thể "
        "(một nguồn thứ cấp)",
        "confidence": "medium",
        "vote": None,
        "conditions": [
            {
                "code": "thanh-tich",
                "type": "any_of",
                "citation": f"{ND98}: Bằng khen cấp bộ, tỉnh cho tập thể (một nguồn thứ cấp)",
                "confidence": "medium",
                "conditions": [
                    classification(
                        "htxsnv-2-nam",
                        EXCELLENT,
                        2,
                        citation=f"{ND98}: 02 năm liên tục hoàn thành xuất sắc nhiệm vụ",
                        confidence="medium",
                    ),
                    title(
                        "ttldxs-2-nam",
                        TTLDXS,
                        years=2,
                        citation=f"{ND98}: 02 năm liên tục đạt Tập thể lao động xuất sắc",
                        confidence="medium",
                    ),
                ],
            },
            exclusion(),
        ],
    },
    {
        "code": BK_TTG,
        "name": "Bằng khen của Thủ tướng Chính phủ (cá nhân)",
        "category": "award",
        "subject": "person",
        "level": "Thủ tướng Chính phủ",
        "certificate_title": "BẰNG KHEN",
        "citation": f"{LAW}; {ND98}, {ND152}: Bằng khen của Thủ tướng Chính phủ cho cá nhân "
        "(một nguồn thứ cấp)",
        "confidence": "medium",
        "vote": None,
        "conditions": [
            title(
                "bang-khen-tinh",
                BK_TINH_CA_NHAN,
                times=1,
                citation=f"{ND98}: đã được tặng Bằng khen cấp bộ, ban, ngành, tỉnh",
                confidence="medium",
            ),
            classification(
                "httnv-5-nam",
                GOOD,
                5,
                citation=f"{ND98}: 05 năm liên tục hoàn thành tốt nhiệm vụ trở lên",
                confidence="medium",
            ),
            title(
                "cstd-co-so-3-lan",
                CSTDCS,
                times=3,
                within=5,
                citation=f"{ND98}: trong 05 năm có 03 lần đạt Chiến sĩ thi đua cơ sở",
                confidence="medium",
            ),
            exclusion(),
        ],
    },
]

# --- Party forms of Hướng dẫn 06-HD/TW §19 (from 09/06/2025) --------------------------


def party(code, name, subject, level, certificate_title, condition):
    return {
        "code": code,
        "name": name,
        "category": "award",
        "subject": subject,
        "level": level,
        "certificate_title": certificate_title,
        "citation": HD06,
        "confidence": "high",
        "vote": None,
        "conditions": [condition, PARTY_EXCLUSION],
    }


def exemplary_years(years):
    what = "năm" if years == 1 else f"{years} năm liền"
    return classification(
        "htxsnv-tieu-bieu" if years == 1 else f"htxsnv-tieu-bieu-{years}-nam",
        EXCELLENT,
        years,
        exemplary=True,
        citation=f"{HD06}: hoàn thành xuất sắc nhiệm vụ tiêu biểu {what}",
        confidence="high",
    )


def excellent_years(years):
    what = "năm" if years == 1 else f"{years} năm liền"
    return classification(
        "htxsnv" if years == 1 else f"htxsnv-{years}-nam",
        EXCELLENT,
        years,
        citation=f"{HD06}: đảng viên hoàn thành xuất sắc nhiệm vụ {what}",
        confidence="high",
    )


SUPERIOR = "Cấp ủy cấp trên trực tiếp"
SUPERIOR_BOARD = "Ban Thường vụ cấp ủy cấp trên trực tiếp"
PROVINCIAL_BOARD = "Ban Thường vụ tỉnh ủy, thành ủy"
COMPETENT = "Cấp ủy có thẩm quyền"

PARTY = [
    party(
        "dang-giay-khen-chi-bo",
        "Giấy khen chi bộ hoàn thành xuất sắc nhiệm vụ tiêu biểu",
        "unit",
        SUPERIOR,
        "GIẤY KHEN",
        exemplary_years(1),
    ),
    party(
        "dang-giay-khen-chi-bo-5-nam",
        "Giấy khen chi bộ hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền",
        "unit",
        SUPERIOR_BOARD,
        "GIẤY KHEN",
        exemplary_years(5),
    ),
    party(
        "dang-bang-khen-chi-bo-5-nam",
        "Bằng khen chi bộ hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền",
        "unit",
        PROVINCIAL_BOARD,
        "BẰNG KHEN",
        exemplary_years(5),
    ),
    party(
        "dang-giay-khen-to-chuc-co-so",
        "Giấy khen tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu",
        "unit",
        SUPERIOR,
        "GIẤY KHEN",
        exemplary_years(1),
    ),
    party(
        "dang-bang-khen-to-chuc-co-so-5-nam",
        "Bằng khen tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền",
        "unit",
        PROVINCIAL_BOARD,
        "BẰNG KHEN",
        exemplary_years(5),
    ),
    party(
        "dang-co-to-chuc-co-so-5-nam",
        "Cờ tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ tiêu biểu 5 năm liền",
        "unit",
        PROVINCIAL_BOARD,
        "CỜ",
        exemplary_years(5),
    ),
    party(
        "dang-giay-khen-dang-vien",
        "Giấy khen đảng viên hoàn thành xuất sắc nhiệm vụ",
        "person",
        COMPETENT,
        "GIẤY KHEN",
        excellent_years(1),
    ),
    party(
        "dang-giay-khen-dang-vien-5-nam",
        "Giấy khen đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền",
        "person",
        COMPETENT,
        "GIẤY KHEN",
        excellent_years(5),
    ),
    party(
        "dang-bang-khen-dang-vien-5-nam",
        "Bằng khen đảng viên hoàn thành xuất sắc nhiệm vụ 5 năm liền",
        "person",
        PROVINCIAL_BOARD,
        "BẰNG KHEN",
        excellent_years(5),
    ),
]


def _row(
    data, *, valid_from, valid_to=None, citation=None, confidence=None, conditions=None, old=False
):
    vote = None if old else data["vote"]  # the vote before 2024 is not in the catalogue
    return {
        "code": data["code"],
        "name": data["name"],
        "category": data["category"],
        "subject": data["subject"],
        "level": data["level"],
        "certificate_title": data["certificate_title"],
        "conditions": data["conditions"] if conditions is None else conditions,
        "council_vote": vote is not None,
        "vote_threshold": vote,
        "citation": citation or data["citation"],
        "confidence": confidence or data["confidence"],
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def rows():
    result = []
    for data in STATE:
        result.append(
            _row(
                data,
                valid_from=OLD_FROM,
                valid_to=OLD_TO,
                old=True,
                citation=f"{LAW_2003}: điều kiện trước năm 2024 chưa đưa vào danh mục; chỉ dùng "
                "để ghi nhận khen thưởng đã nhận",
                confidence="unconfirmed",
                conditions=[
                    {
                        "code": "chua-dua-vao-danh-muc",
                        "type": "uncatalogued",
                        "citation": LAW_2003,
                        "confidence": "unconfirmed",
                    }
                ],
            )
        )
        if data["vote"] is None:
            result.append(_row(data, valid_from=LAW_FROM))
            continue
        threshold = f"{data['vote']:f}"
        result.append(
            _row(
                data,
                valid_from=LAW_FROM,
                valid_to=ND98_TO,
                citation=f"{data['citation']}; {ND98}: bỏ phiếu kín tại Hội đồng, đạt từ "
                f"{threshold}% tổng số thành viên",
            )
        )
        result.append(
            _row(
                data,
                valid_from=ND152_FROM,
                citation=f"{data['citation']}; {ND152}: ngưỡng {threshold}% tổng số thành viên "
                "chưa xác nhận (mặc định theo Nghị định 98/2023), sửa được",
                confidence="unconfirmed",
            )
        )
    for data in PARTY:
        result.append(_row(data, valid_from=HD06_FROM))
    return result


def load(apps, schema_editor):
    Form = apps.get_model("commendation", "Form")
    Form.objects.bulk_create(Form(**row) for row in rows())


def unload(apps, schema_editor):
    Form = apps.get_model("commendation", "Form")
    for row in rows():
        Form.objects.filter(code=row["code"], valid_from=row["valid_from"]).delete()


class Migration(migrations.Migration):
    dependencies = [("commendation", "0005_titles_proposals_council_decisions")]

    operations = [migrations.RunPython(load, unload)]
