from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.models import ApiToken


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một người dùng; mã chỉ hiện một lần."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="dòng lệnh")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{username}”.")
        _, token = ApiToken.issue(user, name)
        self.stdout.write(token)
