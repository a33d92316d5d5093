from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from procedures.demo import load_demo_catalogue

# Demo-only credentials, printed by `make run`. A deployment creates its own accounts.
DEMO_ACCOUNTS = [
    {
        "username": "quantri",
        "password": "QuanTri@2026",
        "role": "Quản trị hệ thống (sửa danh mục thủ tục)",
        "is_superuser": True,
    },
]


class Command(BaseCommand):
    help = "Load the demo agencies, procedures and accounts. Running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", default=str(settings.BASE_DIR / "fixtures" / "demo"), help="JSON folder"
        )
        parser.add_argument("--no-accounts", action="store_true", help="Skip the demo accounts")

    def handle(self, *args, directory, no_accounts, **options):
        if not settings.DEBUG and not no_accounts:
            raise CommandError(
                "Tài khoản mẫu chỉ dùng khi DEBUG=1. Dùng --no-accounts để chỉ nạp danh mục."
            )
        counts = load_demo_catalogue(Path(directory))
        self.stdout.write(
            "Danh mục: {agencies} cơ quan ({agencies_created} mới), {procedures} thủ tục "
            "({procedures_created} mới, {changed} thay đổi).".format(**counts)
        )
        if no_accounts:
            return
        self.stdout.write("Tài khoản mẫu (chỉ để thử nghiệm):")
        for account in DEMO_ACCOUNTS:
            self._ensure_account(account)
            self.stdout.write(
                f"  {account['username']:<16} {account['password']:<16} {account['role']}"
            )

    def _ensure_account(self, account):
        User = get_user_model()
        user = User.objects.filter(username=account["username"]).first()
        if user is None:
            user = User(username=account["username"])
            user.set_password(account["password"])
        superuser = account.get("is_superuser", False)
        if user.pk is None or not user.is_staff or user.is_superuser != superuser:
            user.is_staff = True
            user.is_superuser = superuser
            user.save()
        return user
