from django.core.management.base import BaseCommand

from organizations import demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa (đơn vị, sáp nhập 2025, cụm thi đua, tài khoản). Chạy lại không sao."
    )

    def handle(self, *args, **options):
        result = demo.load_all()
        self.stdout.write(
            f"Đơn vị: {'đã nạp' if result['registry'] else 'đã có sẵn'}; "
            f"cụm thi đua: {'đã nạp' if result['clusters'] else 'đã có sẵn'}; "
            f"{result['memberships']} lượt thành viên cụm."
        )
        self.stdout.write(f"Tài khoản minh họa (mật khẩu: {demo.DEMO_PASSWORD}):")
        for username, description in result["users"]:
            self.stdout.write(f"  {username:<10} {description}")
