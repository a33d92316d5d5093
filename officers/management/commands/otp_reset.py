"""Delete an officer's two-factor devices (a lost phone): they enrol again at the next login."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from officers.twofactor import devices_reset


class Command(BaseCommand):
    help = "Xóa thiết bị xác thực hai lớp của một cán bộ để họ đăng ký lại khi đăng nhập."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}.")
        count = devices_reset(user=user)
        self.stdout.write(f"Đã xóa {count} thiết bị xác thực của {username}.")
