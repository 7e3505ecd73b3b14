from django.core.management.base import BaseCommand

from emulation import demo as emulation_demo
from organizations import demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa (đơn vị, sáp nhập 2025, cụm thi đua, tài khoản, năm thi đua 2021 "
        "của Cụm 2, xếp loại chất lượng Hưng Yên 2017–2025). Chạy lại không sao."
    )

    def handle(self, *args, **options):
        result = demo.load_all()
        self.stdout.write(
            f"Đơn vị: {'đã nạp' if result['registry'] else 'đã có sẵn'}; "
            f"cụm thi đua: {'đã nạp' if result['clusters'] else 'đã có sẵn'}; "
            f"{result['memberships']} lượt thành viên cụm."
        )
        emulation = emulation_demo.load_all()
        self.stdout.write(
            f"Thi đua Cụm 2 năm 2021: {'đã nạp' if emulation['year_2021'] else 'đã có sẵn'}; "
            f"{emulation['participants']} đơn vị tham gia, "
            f"{emulation['final_sheets']} bảng điểm đã chốt, kết quả tổng kết "
            f"{'đã' if emulation['published'] else 'chưa'} công bố."
        )
        if emulation["current_year"]:
            self.stdout.write(
                "Thi đua Cụm 2 năm nay: đã nạp năm đang diễn ra (kỳ tổng kết đang mở)."
            )
        # The project's one demo loader sits above every app, so it may call commendation
        # (imported here: emulation itself never depends on commendation).
        from commendation import demo as commendation_demo
        from core.templatetags.vn import format_number

        classification = commendation_demo.load_all()
        self.stdout.write(
            f"Xếp loại chất lượng Hưng Yên 2017–{classification['scored_year']}: "
            f"{'đã nạp' if classification['loaded'] else 'đã có sẵn'}; "
            f"{format_number(classification['people'])} đảng viên, "
            f"{format_number(classification['person_results'])} kết quả cá nhân, "
            f"{format_number(classification['unit_results'])} kết quả tập thể; xã "
            f"{classification['over_quota_commune']} vượt tỷ lệ HTXSNV năm "
            f"{classification['scored_year']}."
        )
        awards = classification.get("awards") or {}
        if awards.get("decision"):
            self.stdout.write(
                f"Khen thưởng: {awards['proposals']} hồ sơ qua Cụm 2 và Hội đồng "
                f"({awards['tallies']} lượt kiểm phiếu), quyết định {awards['decision']} với "
                f"{awards['awards']} người, tập thể được khen."
            )
        self.stdout.write(f"Tài khoản minh họa (mật khẩu: {demo.DEMO_PASSWORD}):")
        for username, description in result["users"]:
            self.stdout.write(f"  {username:<10} {description}")
