"""Demo data for the emulation app: Cụm thi đua số 2's whole 2021 year.

The year is built through the same services as the pages (so every row has its audit
entry and the demo obeys the rules it shows), inside one transaction, on top of
``organizations.demo`` (units, clusters, memberships, users). What comes from the seed
articles: the 14 members, the year-end review in Thái Bình on 10/12/2021, the eight task
groups of the pledge, the targets' wording and the figure "243/240 đảng viên (101,25%)".
Everything else (leaders of 2021, the scale, the other units' figures, every score) is
invented demo data; scores come from ``random.Random(2021)`` so the demo is reproducible.

The year stays in the year-end phase (published, not closed) so the demo remains editable.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from emulation.models import (
    Criterion,
    EmulationYear,
    Method,
    Period,
    PeriodKind,
    Phase,
    ReviewMode,
    Scale,
    ScoreSheet,
    Section,
    SheetStatus,
    Stage,
    TargetKind,
)
from emulation.services import cycle, pledges, scales, sheets, targets
from organizations.models import (
    Cluster,
    ClusterLeadership,
    FactStatus,
    Position,
    Unit,
    UnitVersion,
)
from organizations.services import clusters as cluster_services

D = Decimal
YEAR = 2021
CLUSTER_NUMBER = 2
SEED_2021 = "Tạp chí Xây dựng Đảng, 11/12/2021 (seeds/000)"

# The members as seeds/000 lists them; the order fixes the order of the random draws.
MEMBERS = [
    "Hải Phòng",
    "Quảng Ninh",
    "Lạng Sơn",
    "Bắc Giang",
    "Bắc Ninh",
    "Hải Dương",
    "Hưng Yên",
    "Hà Nam",
    "Ninh Bình",
    "Thái Bình",
    "Nam Định",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
]

# No source names Cụm 2's leaders for 2021 (seeds/000 only reports the 2022 election).
# Thái Bình hosted the 2021 year-end review, which the cluster head usually does; the two
# deputies are invented so that the demo has a review panel.
LEADERS_2021 = [
    (
        "Thái Bình",
        Position.HEAD,
        FactStatus.INFERRED,
        "Đăng cai Hội nghị tổng kết năm 2021 (10/12/2021) – thường do Cụm trưởng đăng cai.",
    ),
    ("Quảng Ninh", Position.DEPUTY, FactStatus.INVENTED, "Dữ liệu minh họa: không có nguồn."),
    ("Thanh Hóa", Position.DEPUTY, FactStatus.INVENTED, "Dữ liệu minh họa: không có nguồn."),
]

# Demo accounts of organizations.demo that act for a unit (others act through "admin").
OFFICERS = {"Thái Bình": "thaibinh", "Quảng Ninh": "quangninh"}

PLEDGE_SIGNED_ON = datetime.date(2021, 3, 10)
MIDYEAR = (datetime.date(2021, 6, 15), datetime.date(2021, 7, 10))
YEAREND = (datetime.date(2021, 11, 1), datetime.date(2021, 12, 5))
FIRST_SELF_DAY = datetime.date(2021, 11, 15)

PREAMBLE = (
    "Căn cứ Luật Thi đua, khen thưởng và các văn bản hướng dẫn thi hành; căn cứ Chương trình "
    "công tác năm 2021 của Ban Tổ chức Trung ương và hướng dẫn về công tác thi đua, khen thưởng "
    "Ngành Tổ chức xây dựng Đảng; căn cứ Quy chế hoạt động của Cụm thi đua số 2, ban tổ chức "
    "14 tỉnh ủy, thành ủy trong Cụm thi đua số 2 thống nhất ký kết giao ước thi đua năm 2021 "
    "với các nội dung sau:"
)

# The eight task groups, worded after seeds/000 (the 2021 results of Cụm 2) and seeds/001.
TASK_GROUPS = [
    (
        "Tham mưu tổ chức thành công cuộc bầu cử đại biểu Quốc hội khóa XV và đại biểu Hội đồng "
        "nhân dân các cấp nhiệm kỳ 2021 - 2026",
        "Tham mưu chỉ đạo, phối hợp chuẩn bị, tổ chức và theo dõi công tác bầu cử; kịp thời "
        "tham mưu kiện toàn các chức danh lãnh đạo chủ chốt và các chức danh lãnh đạo nhà nước "
        "sau bầu cử Hội đồng nhân dân chặt chẽ, đúng quy trình, quy định.",
    ),
    (
        "Tham mưu quán triệt, triển khai Nghị quyết Đại hội XIII của Đảng và nghị quyết đại hội "
        "đảng bộ các cấp",
        "Tham mưu tổ chức học tập, quán triệt nghiêm túc, hiệu quả; ban hành và tổ chức thực "
        "hiện chương trình công tác toàn khóa, chương trình công tác năm 2021 về tổ chức xây "
        "dựng Đảng; cụ thể hóa, sửa đổi, bổ sung quy chế, quy định, hướng dẫn về công tác tổ "
        "chức xây dựng Đảng; sơ kết, tổng kết kịp thời các chỉ thị, nghị quyết của Trung ương.",
    ),
    (
        "Tham mưu đổi mới, sắp xếp tổ chức bộ máy của hệ thống chính trị tinh gọn, hoạt động "
        "hiệu lực, hiệu quả",
        "Tham mưu thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Hội nghị Trung ương 6 "
        "khóa XII và Nghị quyết số 39-NQ/TW của Bộ Chính trị về tinh giản biên chế; hoàn thiện "
        "đề án vị trí việc làm trong các cơ quan đảng, Mặt trận Tổ quốc và các đoàn thể.",
    ),
    (
        "Tham mưu thực hiện đồng bộ các khâu trong công tác cán bộ",
        "Tham mưu thực hiện Nghị quyết Trung ương 7 khóa XII về tập trung xây dựng đội ngũ cán "
        "bộ các cấp, nhất là cấp chiến lược; đánh giá, quy hoạch, đào tạo, bồi dưỡng, luân "
        "chuyển, bố trí, sử dụng cán bộ đúng quy trình; kiểm soát quyền lực trong công tác cán bộ.",
    ),
    (
        "Củng cố, nâng cao chất lượng tổ chức cơ sở đảng và đội ngũ đảng viên",
        "Nâng cao chất lượng sinh hoạt chi bộ; tạo nguồn, kết nạp đảng viên đạt và vượt chỉ "
        "tiêu; trên 90% đảng viên, 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ trở lên; "
        "thành lập mới ít nhất 1 tổ chức cơ sở đảng trong doanh nghiệp ngoài khu vực nhà nước.",
    ),
    (
        "Làm tốt công tác bảo vệ chính trị nội bộ",
        "Thực hiện Quy định số 126-QĐ/TW ngày 28/02/2018 của Bộ Chính trị về một số vấn đề bảo "
        "vệ chính trị nội bộ Đảng; thẩm định tiêu chuẩn chính trị phục vụ công tác cán bộ, bầu "
        "cử, kết nạp đảng viên; nắm chắc và giải quyết kịp thời vấn đề chính trị hiện nay.",
    ),
    (
        "Xây dựng nội bộ Ngành Tổ chức xây dựng Đảng trong sạch, vững mạnh; đẩy mạnh cải cách "
        "hành chính trong Đảng",
        "Xây dựng cơ quan ban tổ chức đoàn kết, trong sạch, vững mạnh; thực hiện nghiêm chế độ "
        "thông tin, báo cáo; ứng dụng công nghệ thông tin, cập nhật cơ sở dữ liệu đảng viên; "
        "nghiên cứu khoa học, tổng kết thực tiễn, tuyên truyền về công tác xây dựng Đảng.",
    ),
    (
        "Đổi mới, nâng cao chất lượng công tác thi đua, khen thưởng",
        "Phát động thi đua tới ban tổ chức các huyện ủy và tương đương; tổ chức sơ kết 6 tháng, "
        "tổng kết năm; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến, mô hình hay, cách "
        "làm mới; bình xét, đề nghị khen thưởng kịp thời, đúng quy định.",
    ),
]


@dataclass
class Leaf:
    title: str
    max_points: str
    guidance: str
    evidence: str
    method: str = Method.MANUAL
    step: str = "0.5"
    target_code: str = ""
    floor_percent: str | None = None


@dataclass
class Group:
    title: str
    max_points: str
    leaves: list[Leaf]
    section: str = Section.REGULAR
    guidance: str = ""


REPORTS = "Báo cáo kết quả thực hiện của đơn vị; "

SCALE = [
    Group(
        "Tham mưu công tác bầu cử đại biểu Quốc hội khóa XV và đại biểu HĐND các cấp",
        "10",
        [
            Leaf(
                "Tham mưu ban hành văn bản lãnh đạo, chỉ đạo và hướng dẫn công tác bầu cử",
                "3",
                "Đủ văn bản, ban hành đúng thời gian theo hướng dẫn của Trung ương: 3 điểm; "
                "chậm hoặc thiếu mỗi văn bản trừ 0,5 điểm.",
                REPORTS + "kế hoạch, hướng dẫn của ban thường vụ tỉnh ủy, thành ủy.",
            ),
            Leaf(
                "Tham mưu công tác nhân sự ứng cử bảo đảm số lượng, cơ cấu, tỷ lệ",
                "3",
                "Đạt cơ cấu, tỷ lệ nữ, trẻ, ngoài Đảng theo định hướng: 3 điểm; mỗi tỷ lệ không "
                "đạt trừ 1 điểm.",
                "Danh sách người ứng cử; báo cáo tổng hợp cơ cấu, thành phần.",
            ),
            Leaf(
                "Hoàn thành kiện toàn các chức danh lãnh đạo HĐND, UBND sau bầu cử đúng thời hạn",
                "2",
                "Chấm có/không: hoàn thành đúng thời hạn được 2 điểm, không hoàn thành 0 điểm.",
                "Nghị quyết bầu các chức danh; văn bản chuẩn y, phê chuẩn.",
                method=Method.YES_NO,
            ),
            Leaf(
                "Theo dõi, tổng hợp, báo cáo kết quả bầu cử về Ban Tổ chức Trung ương",
                "2",
                "Báo cáo đầy đủ, đúng hạn: 2 điểm; chậm hoặc thiếu số liệu: 1 điểm.",
                "Báo cáo kết quả bầu cử gửi Ban Tổ chức Trung ương.",
            ),
        ],
        guidance="Bầu cử ngày 23/5/2021.",
    ),
    Group(
        "Quán triệt, triển khai Nghị quyết Đại hội XIII và nghị quyết đại hội đảng bộ các cấp",
        "12",
        [
            Leaf(
                "Tham mưu tổ chức học tập, quán triệt Nghị quyết Đại hội XIII của Đảng",
                "3",
                "Tổ chức kịp thời, đủ đối tượng, có kiểm tra thu hoạch: 3 điểm.",
                "Kế hoạch học tập, quán triệt; báo cáo kết quả.",
            ),
            Leaf(
                "Tham mưu ban hành Quy chế làm việc của cấp ủy khóa mới",
                "2",
                "Chấm có/không: đã ban hành trong năm được 2 điểm.",
                "Quy chế làm việc đã ban hành.",
                method=Method.YES_NO,
            ),
            Leaf(
                "Ban hành chương trình công tác toàn khóa và năm 2021 về tổ chức xây dựng Đảng",
                "3",
                "Ban hành đúng thời gian, nội dung cụ thể, có phân công thực hiện: 3 điểm.",
                "Chương trình công tác toàn khóa, năm 2021; báo cáo tiến độ.",
            ),
            Leaf(
                "Cụ thể hóa, sửa đổi, bổ sung quy chế, quy định, hướng dẫn về công tác tổ chức "
                "xây dựng Đảng",
                "2",
                "Có văn bản cụ thể hóa phù hợp thực tiễn địa phương: 2 điểm.",
                "Danh mục văn bản đã ban hành trong năm.",
            ),
            Leaf(
                "Tham mưu sơ kết, tổng kết các chỉ thị, nghị quyết về công tác tổ chức xây dựng "
                "Đảng đúng tiến độ",
                "2",
                "Đúng tiến độ Trung ương yêu cầu: 2 điểm; chậm: 1 điểm.",
                "Báo cáo sơ kết, tổng kết gửi Ban Tổ chức Trung ương.",
            ),
        ],
    ),
    Group(
        "Công tác tổ chức bộ máy, biên chế",
        "12",
        [
            Leaf(
                "Tham mưu sắp xếp tổ chức bộ máy theo Nghị quyết số 18-NQ/TW",
                "3",
                "Hoàn thành lộ trình sắp xếp năm 2021: 3 điểm.",
                "Đề án, quyết định sắp xếp; báo cáo kết quả.",
            ),
            Leaf(
                "Quản lý biên chế, tinh giản biên chế theo Nghị quyết số 39-NQ/TW",
                "3",
                "Đạt tỷ lệ tinh giản theo lộ trình: 3 điểm; không đạt: chấm theo tỷ lệ.",
                "Báo cáo biên chế; quyết định giao biên chế năm 2021.",
            ),
            Leaf(
                "Xây dựng, hoàn thiện đề án vị trí việc làm",
                "2",
                "Đề án được phê duyệt trong năm: 2 điểm; đang trình: 1 điểm.",
                "Đề án vị trí việc làm; văn bản phê duyệt.",
            ),
            Leaf(
                "Tham mưu sắp xếp đơn vị hành chính cấp huyện, cấp xã giai đoạn 2019 - 2021",
                "2",
                "Tỉnh không có đơn vị thuộc diện sắp xếp được đề nghị không áp dụng.",
                "Nghị quyết của Ủy ban Thường vụ Quốc hội; báo cáo kiện toàn tổ chức đảng.",
            ),
            Leaf(
                "Kiện toàn chức năng, nhiệm vụ các cơ quan tham mưu, giúp việc cấp ủy",
                "2",
                "Ban hành đủ quy định chức năng, nhiệm vụ theo khóa mới: 2 điểm.",
                "Quy định chức năng, nhiệm vụ, tổ chức bộ máy đã ban hành.",
            ),
        ],
    ),
    Group(
        "Công tác cán bộ",
        "16",
        [
            Leaf(
                "Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2020 - 2025 và 2021 - 2026",
                "3",
                "Hoàn thành rà soát, bổ sung đúng quy trình, thời gian: 3 điểm.",
                "Nghị quyết, quyết định phê duyệt quy hoạch.",
            ),
            Leaf(
                "Đánh giá cán bộ thực chất, gắn với kết quả thực hiện nhiệm vụ",
                "2",
                "Có tiêu chí đánh giá cụ thể, bằng sản phẩm: 2 điểm.",
                "Hướng dẫn đánh giá; tổng hợp kết quả đánh giá.",
            ),
            Leaf(
                "Tham mưu điều động, luân chuyển, bố trí cán bộ",
                "3",
                "Thực hiện đúng kế hoạch luân chuyển năm: 3 điểm.",
                "Kế hoạch luân chuyển; quyết định điều động.",
            ),
            Leaf(
                "Bổ nhiệm, giới thiệu cán bộ ứng cử đúng quy trình, không có sai phạm",
                "3",
                "Không có trường hợp sai quy trình: 3 điểm; mỗi trường hợp sai trừ 1 điểm.",
                "Hồ sơ nhân sự; kết quả kiểm tra của Ban Tổ chức Trung ương.",
            ),
            Leaf(
                "Đào tạo, bồi dưỡng cán bộ theo kế hoạch",
                "2",
                "Đạt trên 90% chỉ tiêu đào tạo, bồi dưỡng năm: 2 điểm.",
                "Kế hoạch và báo cáo đào tạo, bồi dưỡng.",
            ),
            Leaf(
                "Kiểm soát quyền lực, chống chạy chức, chạy quyền trong công tác cán bộ",
                "3",
                "Thực hiện Quy định số 205-QĐ/TW, không để xảy ra vi phạm: 3 điểm.",
                "Báo cáo thực hiện Quy định số 205-QĐ/TW.",
            ),
        ],
    ),
    Group(
        "Công tác đảng viên và tổ chức cơ sở đảng",
        "18",
        [
            Leaf(
                "Kết nạp đảng viên đạt chỉ tiêu được giao",
                "4",
                "Tính tự động theo tỷ lệ kết nạp/kế hoạch: đạt 100% trở lên được 4 điểm, dưới "
                "100% tính theo tỷ lệ, dưới 80% không có điểm.",
                "Báo cáo số lượng đảng viên kết nạp (biểu thống kê).",
                method=Method.TARGET,
                target_code="ket-nap",
                floor_percent="80",
            ),
            Leaf(
                "Kết nạp đảng viên vượt chỉ tiêu (so với đơn vị dẫn đầu Cụm)",
                "2",
                "Tính tự động: đơn vị vượt chỉ tiêu cao nhất Cụm được 2 điểm, các đơn vị khác "
                "theo tỷ lệ phần vượt so với đơn vị dẫn đầu.",
                "Như tiêu chí kết nạp đảng viên.",
                method=Method.RELATIVE,
                target_code="ket-nap",
            ),
            Leaf(
                "Trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên",
                "2",
                "Tính tự động theo tỷ lệ đạt so với ngưỡng 90%.",
                "Báo cáo kết quả đánh giá, xếp loại đảng viên năm 2021.",
                method=Method.TARGET,
                target_code="dang-vien-httnv",
            ),
            Leaf(
                "Thành lập mới ít nhất 1 tổ chức cơ sở đảng",
                "2",
                "Tính tự động: có ít nhất 1 tổ chức cơ sở đảng thành lập mới được 2 điểm.",
                "Quyết định thành lập tổ chức cơ sở đảng.",
                method=Method.TARGET,
                target_code="tcco-so-moi",
            ),
            Leaf(
                "Nâng cao chất lượng sinh hoạt chi bộ",
                "3",
                "Có hướng dẫn, kiểm tra, chỉ đạo điểm sinh hoạt chuyên đề: 3 điểm.",
                "Hướng dẫn, báo cáo kiểm tra sinh hoạt chi bộ.",
            ),
            Leaf(
                "Quản lý đảng viên, chuyển sinh hoạt đảng, phát thẻ đảng viên đúng quy định",
                "2",
                "Không để xảy ra sai sót trong quản lý hồ sơ đảng viên: 2 điểm.",
                "Sổ theo dõi, báo cáo công tác đảng viên.",
            ),
            Leaf(
                "Đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên đúng thời gian, quy trình",
                "3",
                "Hoàn thành và báo cáo đúng thời hạn: 3 điểm; chậm: 1,5 điểm.",
                "Báo cáo kết quả đánh giá, xếp loại chất lượng năm 2020.",
            ),
        ],
    ),
    Group(
        "Công tác bảo vệ chính trị nội bộ",
        "10",
        [
            Leaf(
                "Thẩm định tiêu chuẩn chính trị phục vụ công tác cán bộ, bầu cử, kết nạp đảng",
                "4",
                "Thẩm định đúng quy trình, thời hạn, không sai sót: 4 điểm.",
                "Sổ theo dõi thẩm định; văn bản kết luận tiêu chuẩn chính trị.",
            ),
            Leaf(
                "Nắm chắc và giải quyết kịp thời vấn đề chính trị hiện nay",
                "3",
                "Giải quyết dứt điểm các vụ việc phát sinh trong năm: 3 điểm.",
                "Báo cáo giải quyết vấn đề chính trị hiện nay.",
            ),
            Leaf(
                "Thực hiện Quy định số 126-QĐ/TW về bảo vệ chính trị nội bộ Đảng",
                "3",
                "Có kế hoạch, kiểm tra việc thực hiện: 3 điểm.",
                "Kế hoạch, báo cáo thực hiện Quy định số 126-QĐ/TW.",
            ),
        ],
    ),
    Group(
        "Xây dựng nội bộ Ngành, cải cách hành chính trong Đảng",
        "12",
        [
            Leaf(
                "Xây dựng cơ quan ban tổ chức đoàn kết, trong sạch, vững mạnh",
                "3",
                "Chi bộ cơ quan hoàn thành tốt nhiệm vụ trở lên: 3 điểm.",
                "Kết quả xếp loại chi bộ, cơ quan.",
            ),
            Leaf(
                "Thực hiện chế độ thông tin, báo cáo đầy đủ, đúng thời hạn",
                "3",
                "Đầy đủ, đúng thời hạn: 3 điểm (báo cáo chậm bị trừ ở phần điểm trừ).",
                "Sổ theo dõi văn bản đi.",
            ),
            Leaf(
                "Ứng dụng công nghệ thông tin, cập nhật cơ sở dữ liệu đảng viên",
                "3",
                "Cơ sở dữ liệu đảng viên cập nhật đủ, khớp số liệu thống kê: 3 điểm.",
                "Báo cáo rà soát cơ sở dữ liệu đảng viên.",
            ),
            Leaf(
                "Nghiên cứu khoa học, tổng kết thực tiễn, tuyên truyền về công tác xây dựng Đảng",
                "2",
                "Có đề tài, bài viết đăng trên Tạp chí Xây dựng Đảng hoặc báo địa phương: 2 điểm.",
                "Danh mục đề tài, bài viết.",
            ),
            Leaf(
                "Tham gia đầy đủ các hoạt động của Cụm",
                "1",
                "Chấm có/không: dự đủ các hội nghị, hoạt động của Cụm được 1 điểm.",
                "Danh sách dự hội nghị của Cụm.",
                method=Method.YES_NO,
            ),
        ],
    ),
    Group(
        "Công tác thi đua, khen thưởng",
        "10",
        [
            Leaf(
                "Ban hành kế hoạch, phát động thi đua tới ban tổ chức các huyện ủy và tương đương",
                "2",
                "Chấm có/không: có kế hoạch và bảng điểm thi đua cấp huyện được 2 điểm.",
                "Kế hoạch, bảng điểm thi đua đã ban hành.",
                method=Method.YES_NO,
            ),
            Leaf(
                "Tổ chức sơ kết, tổng kết thi đua; bình xét khen thưởng đúng quy định",
                "3",
                "Đúng quy trình, thời gian: 3 điểm.",
                "Biên bản bình xét; hồ sơ đề nghị khen thưởng.",
            ),
            Leaf(
                "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến, mô hình hay, cách làm mới",
                "3",
                "Có mô hình được đánh giá, nhân rộng trong tỉnh: 3 điểm.",
                "Báo cáo mô hình; văn bản nhân rộng.",
            ),
            Leaf(
                "Thực hiện các nội dung giao ước thi đua với Cụm",
                "2",
                "Thực hiện đầy đủ các nội dung đã ký kết: 2 điểm.",
                "Báo cáo tổng kết thi đua năm 2021.",
            ),
        ],
    ),
    Group(
        "Điểm thưởng",
        "5",
        [
            Leaf(
                "Có mô hình mới, cách làm hay được Ban Tổ chức Trung ương ghi nhận, giới thiệu",
                "3",
                "Mỗi mô hình được ghi nhận: 1,5 điểm, tối đa 3 điểm.",
                "Văn bản ghi nhận, giới thiệu của Ban Tổ chức Trung ương.",
            ),
            Leaf(
                "Được khen thưởng về công tác tổ chức xây dựng Đảng trong năm",
                "2",
                "Tập thể được Ban Tổ chức Trung ương hoặc tỉnh ủy, thành ủy khen thưởng: 2 điểm.",
                "Quyết định khen thưởng.",
            ),
        ],
        section=Section.BONUS,
        guidance="Tổng điểm thưởng của một bảng điểm không quá 5 điểm.",
    ),
    Group(
        "Điểm trừ",
        "5",
        [
            Leaf(
                "Báo cáo chậm so với quy định",
                "2",
                "Mỗi báo cáo gửi chậm so với thời hạn trừ 0,5 điểm, tối đa 2 điểm.",
                "Sổ theo dõi văn bản đến của Cụm trưởng và Ban Tổ chức Trung ương.",
            ),
            Leaf(
                "Cơ quan có cán bộ, công chức bị kỷ luật trong năm",
                "3",
                "Mỗi trường hợp bị kỷ luật từ khiển trách trở lên trừ 1 điểm.",
                "Quyết định kỷ luật.",
                step="1",
            ),
        ],
        section=Section.DEDUCTION,
    ),
]

# Targets (chỉ tiêu) of each member: kết nạp planned and actual, the rate of members
# rated "good or better" (%), grassroots organizations founded. Thái Bình's 243/240 is the
# figure seeds/001 reports for a provincial bloc (Đảng bộ Khối các cơ quan tỉnh), used here as
# demo data; every other figure is invented. Bắc Giang and Hưng Yên both reach exactly 103%.
TARGET_FIGURES = {
    "Hải Phòng": (380, 392, "93.2", 3),
    "Quảng Ninh": (350, 357, "94.1", 2),
    "Lạng Sơn": (220, 214, "89.4", 1),
    "Bắc Giang": (200, 206, "92.6", 1),
    "Bắc Ninh": (260, 271, "93.8", 2),
    "Hải Dương": (300, 297, "91.5", 0),
    "Hưng Yên": (300, 309, "91.9", 1),
    "Hà Nam": (180, 176, "90.7", 0),
    "Ninh Bình": (210, 222, "92.3", 1),
    "Thái Bình": (240, 243, "92.0", 1),
    "Nam Định": (280, 286, "90.2", 1),
    "Thanh Hóa": (420, 441, "93.5", 4),
    "Nghệ An": (400, 412, "91.1", 2),
    "Hà Tĩnh": (250, 255, "88.6", 1),
}

# The deliberate tie: both units end on the same total; Bắc Giang has half a point more bonus
# and half a point of deduction, so "fewer deductions" (the first tie-break) puts Hưng Yên
# first. At this quality the pair tops the cluster, so the tie-break decides which of the two
# is proposed for the Cờ thi đua.
TIE = ("Hưng Yên", "Bắc Giang")
TIE_QUALITY = 0.935
NOT_APPLICABLE = ("Bắc Ninh", "3.4", "Tỉnh không có đơn vị hành chính thuộc diện sắp xếp.")
EXPLANATIONS = {
    "Nghệ An": (
        "10.1",
        D("0.5"),
        "Báo cáo sơ kết 6 tháng đã gửi qua hệ thống thông tin điện tử đúng hạn (05/7/2021), "
        "chỉ bản giấy đến chậm; đề nghị chỉ trừ 0,5 điểm cho một báo cáo chậm.",
        D("0.5"),
    ),
    "Hà Tĩnh": (
        "4.1",
        D(3),
        "Đã hoàn thành rà soát, bổ sung quy hoạch nhiệm kỳ 2020 - 2025 và 2021 - 2026 theo "
        "đúng quy trình (Quyết định phê duyệt ngày 30/9/2021, gửi kèm).",
        None,  # the second review rescores from the reviewers' own judgement
    ),
}


@dataclass
class Cell:
    points: Decimal | None
    applicable: bool = True
    note: str = ""


@dataclass
class Plan:
    """What one unit enters and what each reviewer gives it, leaf number → cell."""

    self_cells: dict[str, Cell] = field(default_factory=dict)
    reviews: dict[str, dict[str, Cell]] = field(default_factory=dict)


def _snap(value: float, step: Decimal, maximum: Decimal) -> Decimal:
    points = (D(str(round(value, 4))) / step).quantize(D(1), rounding=ROUND_HALF_UP) * step
    return min(max(points, D(0)), maximum)


def _plans(leaves: list[Criterion], reviewers: list[str]) -> dict[str, Plan]:
    """Every unit's self scores and reviews, drawn from random.Random(2021)."""
    rng = random.Random(2021)  # noqa: S311 - reproducible demo figures, not security
    hand = [c for c in leaves if c.method in sheets.HAND_METHODS]
    leniency = {r: rng.uniform(-0.04, 0.02) for r in reviewers}
    plans: dict[str, Plan] = {}
    for name in MEMBERS:
        quality = rng.uniform(0.84, 0.97)
        panel = [r for r in reviewers if r != name]
        plan = Plan(reviews={r: {} for r in panel})
        for c in hand:
            if c.method == Method.YES_NO:
                done = rng.random() < 0.88
                mine = Cell(c.max_points)
                given = {r: Cell(c.max_points if done else D(0)) for r in panel}
            elif c.number == "9.1":
                has_model = rng.random() < 0.45
                mine = Cell(D(3) if has_model else D(1) if rng.random() < 0.3 else D(0))
                given = {
                    r: Cell(D(rng.choice(["2", "2.5", "3"])) if has_model else D(0)) for r in panel
                }
            elif c.number == "9.2":
                praised = D(2) if rng.random() < 0.3 else D(0)
                mine, given = Cell(praised), {r: Cell(praised) for r in panel}
            elif c.number == "10.1":
                late = rng.choice([0, 0, 0, 1, 1, 2])
                mine = Cell(D("0.5") * max(late - 1, 0))
                given = {r: Cell(D("0.5") * late) for r in panel}
            elif c.section == Section.DEDUCTION:
                disciplined = D(1) if rng.random() < 0.1 else D(0)
                mine, given = Cell(disciplined), {r: Cell(disciplined) for r in panel}
            else:
                merit = min(max(quality + rng.uniform(-0.07, 0.05), 0.5), 1.0)
                mine = Cell(
                    _snap(
                        float(c.max_points) * min(1.0, merit + rng.uniform(0, 0.1)),
                        c.step,
                        c.max_points,
                    )
                )
                given = {
                    r: Cell(
                        _snap(
                            float(c.max_points)
                            * min(1.0, merit + leniency[r] + rng.uniform(-0.05, 0.05)),
                            c.step,
                            c.max_points,
                        )
                    )
                    for r in panel
                }
            plan.self_cells[c.number] = mine
            for r, cell in given.items():
                plan.reviews[r][c.number] = cell
        plans[name] = plan
    _construct_tie(plans, hand, reviewers, rng)
    _adjust_specials(plans)
    return plans


def _construct_tie(plans, hand: list[Criterion], reviewers: list[str], rng) -> None:
    """Hưng Yên and Bắc Giang: every reviewer agrees with the self score, the same points
    everywhere except a bonus/deduction swap that leaves the totals equal."""
    first, second = TIE
    cells: dict[str, Cell] = {}
    for c in hand:
        if c.section == Section.BONUS:
            cells[c.number] = Cell(D("1.5") if c.number == "9.1" else D(0))
        elif c.section == Section.DEDUCTION or c.method == Method.YES_NO:
            cells[c.number] = Cell(D(0) if c.section == Section.DEDUCTION else c.max_points)
        else:
            merit = TIE_QUALITY + rng.uniform(-0.05, 0.05)
            cells[c.number] = Cell(
                _snap(float(c.max_points) * min(merit, 1.0), c.step, c.max_points)
            )
    other = dict(cells)
    other["9.1"] = Cell(cells["9.1"].points + D("0.5"))
    other["10.1"] = Cell(D("0.5"))
    for name, chosen in ((first, cells), (second, other)):
        panel = [r for r in reviewers if r != name]
        plans[name] = Plan(dict(chosen), {r: dict(chosen) for r in panel})


def _adjust_specials(plans: dict[str, Plan]) -> None:
    """The not-applicable criterion and the two disputes that get explained."""
    unit, number, reason = NOT_APPLICABLE
    plans[unit].self_cells[number] = Cell(None, False, reason)
    for given in plans[unit].reviews.values():
        given[number] = Cell(None, False, "Chấp nhận không áp dụng")
    # Nghệ An reported one late report where the reviewers counted two.
    plans["Nghệ An"].self_cells["10.1"] = Cell(D("0.5"))
    for given in plans["Nghệ An"].reviews.values():
        given["10.1"] = Cell(D(1))
    # Hà Tĩnh gave itself full marks on 4.1; the reviewers doubted the evidence.
    plans["Hà Tĩnh"].self_cells["4.1"] = Cell(D(3))
    for given, points in zip(plans["Hà Tĩnh"].reviews.values(), ("2", "2.5", "2"), strict=False):
        given["4.1"] = Cell(D(points))


# ---------------------------------------------------------------- loading


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _unit(short_name: str) -> Unit:
    version = (
        UnitVersion.objects.filter(unit__kind__code="provincial_board", short_name=short_name)
        .order_by("valid_from")
        .first()
    )
    if version is None:
        raise LookupError(f"Chưa có đơn vị {short_name}: hãy nạp dữ liệu đơn vị trước.")
    return version.unit


def _leaders(cluster: Cluster, units: dict[str, Unit], actor) -> list[str]:
    """The reviewers of 2021 (head and deputies), recorded when no source gave them."""
    existing = ClusterLeadership.objects.filter(cluster=cluster, year=YEAR).select_related("unit")
    if not existing.exists():
        for name, position, status, note in LEADERS_2021:
            cluster_services.set_leader(
                cluster, units[name], YEAR, position, actor=actor, status=status, note=note
            )
    by_pk = {u.pk: name for name, u in units.items()}
    return [by_pk[lead.unit_id] for lead in existing.order_by("-position", "pk")]


def _build_scale(scale: Scale, actor) -> dict[str, Criterion]:
    found: dict[str, Criterion] = {}
    for group in SCALE:
        node = scales.add_criterion(
            scale,
            title=group.title,
            max_points=D(group.max_points),
            section=group.section,
            guidance=group.guidance,
            actor=actor,
        )
        found[node.number] = node
        for leaf in group.leaves:
            method = leaf.method
            if group.section == Section.BONUS:
                method = Method.BONUS
            elif group.section == Section.DEDUCTION:
                method = Method.DEDUCTION
            child = scales.add_criterion(
                scale,
                parent=node,
                title=leaf.title,
                max_points=D(leaf.max_points),
                method=method,
                step=D(leaf.step),
                guidance=leaf.guidance,
                evidence_expected=leaf.evidence,
                target_code=leaf.target_code,
                floor_percent=D(leaf.floor_percent) if leaf.floor_percent else None,
                actor=actor,
            )
            found[child.number] = child
    return found


def _set_targets(year: EmulationYear, units: dict[str, Unit], manager, officers) -> None:
    for name in MEMBERS:
        planned, actual, rate, founded = TARGET_FIGURES[name]
        unit = units[name]
        rows = [
            ("ket-nap", "Kết nạp đảng viên", TargetKind.COUNT, D(planned), D(actual), "đảng viên"),
            (
                "dang-vien-httnv",
                "Trên 90% đảng viên hoàn thành tốt nhiệm vụ trở lên",
                TargetKind.PERCENT,
                D(90),
                D(rate),
                "%",
            ),
            (
                "tcco-so-moi",
                "Thành lập mới ít nhất 1 tổ chức cơ sở đảng",
                TargetKind.MINIMUM,
                D(1),
                D(founded),
                "tổ chức cơ sở đảng",
            ),
        ]
        for code, title, kind, plan, done, measure in rows:
            target = targets.set_target(
                year,
                unit,
                code=code,
                title=title,
                kind=kind,
                planned=plan,
                measure=measure,
                actor=manager,
            )
            targets.record_actual(target, done, actor=officers.get(name, manager))


def _sign_pledge(year: EmulationYear, manager) -> None:
    pledge = pledges.create_pledge(
        year,
        title="Thi đua thực hiện nhiệm vụ công tác tổ chức xây dựng Đảng năm 2021",
        issuer="CỤM THI ĐUA SỐ 2",
        parent_issuer="BAN TỔ CHỨC TRUNG ƯƠNG",
        place="Thái Bình",
        number="01-GƯ/CTĐ",
        preamble=PREAMBLE,
        actor=manager,
    )
    for title, content in TASK_GROUPS:
        pledges.add_task_group(pledge, title=title, content=content, actor=manager)
    pledges.sign_pledge(
        pledge,
        signed_on=PLEDGE_SIGNED_ON,
        conference="Hội nghị ký kết giao ước thi đua năm 2021 Cụm thi đua số 2",
        actor=manager,
    )


def _score(period: Period, units, leaves, plans, reviewers, manager, officers) -> None:
    by_number = {c.number: c for c in leaves}
    sheet_of = {
        s.unit_id: s for s in period.sheets.select_related("period__emulation_year", "scale")
    }
    for index, name in enumerate(MEMBERS):
        sheet, actor = sheet_of[units[name].pk], officers.get(name, manager)
        day = FIRST_SELF_DAY + datetime.timedelta(days=index)
        for number, cell in plans[name].self_cells.items():
            sheets.set_self_score(
                sheet,
                by_number[number],
                points=cell.points,
                applicable=cell.applicable,
                note=cell.note,
                actor=actor,
                day=day,
            )
        sheets.submit(sheet, actor=actor, day=day)
    for name in MEMBERS:
        sheet = sheet_of[units[name].pk]
        for reviewer, given in plans[name].reviews.items():
            for number, cell in given.items():
                sheets.set_review_score(
                    sheet,
                    by_number[number],
                    units[reviewer],
                    points=cell.points,
                    applicable=cell.applicable,
                    note=cell.note,
                    actor=officers.get(reviewer, manager),
                )
        sheets.complete_review(sheet, actor=manager)
    for name, (number, asked, note, second) in EXPLANATIONS.items():
        sheet, criterion = sheet_of[units[name].pk], by_number[number]
        sheets.explain(sheet, criterion, note=note, points=asked, actor=officers.get(name, manager))
        sheets.submit_explanation(sheet, actor=officers.get(name, manager))
        panel = [r for r in reviewers if r != name]
        for position, reviewer in enumerate(panel):
            points = second if second is not None else (D(3), D("2.5"), D(3))[position % 3]
            sheets.set_review_score(
                sheet,
                criterion,
                units[reviewer],
                points=points,
                stage=Stage.SECOND_REVIEW,
                note="Bình xét lại sau giải trình",
                actor=officers.get(reviewer, manager),
            )
    for name in MEMBERS:
        sheets.finalize(sheet_of[units[name].pk], actor=manager)


def _cluster() -> Cluster:
    cluster = Cluster.objects.filter(number=CLUSTER_NUMBER, sector__code="tcxdd").first()
    if cluster is None:
        raise LookupError("Chưa có Cụm thi đua số 2: hãy nạp dữ liệu cụm thi đua trước.")
    return cluster


@transaction.atomic
def load_year_2021() -> bool:
    """Cụm 2's emulation year 2021, from the pledge to the published year-end ranking.
    Returns False (and changes nothing) when the year already exists."""
    cluster = _cluster()
    if EmulationYear.objects.filter(cluster=cluster, year=YEAR).exists():
        return False
    admin = _user("admin")
    units = {name: _unit(name) for name in MEMBERS}
    officers = {name: user for name, username in OFFICERS.items() if (user := _user(username))}
    # The cluster head's officer runs the year where the demo has one; else the admin.
    manager = officers.get(LEADERS_2021[0][0], admin)
    reviewers = _leaders(cluster, units, admin)
    year = cycle.open_year(
        cluster=cluster,
        year=YEAR,
        title="Thi đua năm 2021 – Cụm thi đua số 2",
        review_mode=ReviewMode.LEADERS,
        aggregation="mean",
        tie_breaks=["fewer_deductions", "group:1", "more_at_maximum"],
        actor=manager,
    )
    cycle.set_rules(year, flag_count=1, merit_count=4, actor=manager)
    _sign_pledge(year, manager)
    scale = scales.create_scale(
        year,
        title="Tiêu chí và thang điểm thi đua năm 2021",
        total_max=D(100),
        bonus_cap=D(5),
        actor=manager,
    )
    _build_scale(scale, manager)
    cycle.add_period(
        year, kind=PeriodKind.MIDYEAR, opens_on=MIDYEAR[0], due_on=MIDYEAR[1], actor=manager
    )
    period = cycle.add_period(
        year, kind=PeriodKind.YEAREND, opens_on=YEAREND[0], due_on=YEAREND[1], actor=manager
    )
    _set_targets(year, units, manager, officers)
    cycle.advance_phase(year, Phase.MIDYEAR, actor=manager)
    cycle.advance_phase(year, Phase.YEAREND, actor=manager)
    sheets.open_sheets(period, actor=manager)
    leaves = scales.leaves(scale)
    plans = _plans(leaves, reviewers)
    _score(period, units, leaves, plans, reviewers, manager, officers)
    cycle.publish_period(period, actor=manager)
    return True


def load_all() -> dict[str, object]:
    """Every emulation demo loader; what the ``load_demo`` command reports."""
    from emulation.demo_current import load_current_year

    loaded = load_year_2021()
    current = load_current_year()
    year = EmulationYear.objects.get(cluster=_cluster(), year=YEAR)
    yearend = year.periods.filter(kind=PeriodKind.YEAREND).first()
    return {
        "year_2021": loaded,
        "current_year": current,
        "participants": year.participants.count(),
        "final_sheets": ScoreSheet.objects.filter(
            period__emulation_year=year, status=SheetStatus.FINAL
        ).count(),
        "published": bool(yearend and yearend.is_published),
    }
