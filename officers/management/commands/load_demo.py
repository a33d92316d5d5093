from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from officers.constants import Role
from officers.models import Officer
from officers.services import roles_ensure
from procedures.demo import load_demo_catalogue
from procedures.models import Agency

# Demo-only credentials, printed by `make run`. A deployment creates its own accounts.
ADMIN = {"username": "quantri", "password": "QuanTriHeThong@2026", "name": ("Quản trị", "Hệ thống")}
OFFICER_PASSWORD = "DichVuCong@2026"  # noqa: S105 (demo accounts, printed by make run)
# For two wards: one officer per role. Departments: 001 the one-stop desk, 002 culture–society.
WARDS = [("longbien", "000.11.00.H26"), ("bachonglinh", "000.11.00.H30")]
ROLES = [
    (Role.RECEIVING, "motcua", "001", ("Nguyễn Thị", "Hoa"), "Cán bộ một cửa"),
    (Role.SPECIALIST, "chuyenvien", "002", ("Trần Văn", "Minh"), "Công chức Tư pháp - Hộ tịch"),
    (Role.LEADER, "lanhdao", None, ("Lê Quang", "Huy"), "Phó Chủ tịch UBND phường"),
    (Role.ADMINISTRATOR, "quantri", None, ("Phạm Thu", "Trang"), "Quản trị hệ thống phường"),
]
# Liên thông in Hà Nội: the city's service centre receives karaoke and food-safety dossiers,
# which Sở Văn hóa và Thể thao and Sở Y tế resolve.
PROVINCE_OFFICERS = [
    ("motcua.hanoi", "000.00.01.H26", Role.RECEIVING, ("Đỗ Thị", "Mai"), "Cán bộ một cửa"),
    ("chuyenvien.sovhtt", "000.00.04.H26", Role.SPECIALIST, ("Vũ Đức", "Long"), "Chuyên viên"),
    ("lanhdao.sovhtt", "000.00.04.H26", Role.LEADER, ("Hoàng Minh", "Tuấn"), "Phó Giám đốc Sở"),
    ("chuyenvien.soyte", "000.00.06.H26", Role.SPECIALIST, ("Bùi Thị", "Thu"), "Chuyên viên"),
    ("lanhdao.soyte", "000.00.06.H26", Role.LEADER, ("Ngô Văn", "Bình"), "Phó Giám đốc Sở"),
    # The city's catalogue administrator: the agency tree and the procedures of Hà Nội.
    ("quantri.hanoi", "000.00.00.H26", Role.ADMINISTRATOR, ("Trịnh Văn", "Nam"), "Quản trị"),
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
        rows = self._accounts()
        self.stdout.write("Tài khoản mẫu (chỉ để thử nghiệm), đăng nhập tại /quan-tri/:")
        for username, password, description in rows:
            self.stdout.write(f"  {username:<24} {password:<16} {description}")

    @transaction.atomic
    def _accounts(self):
        roles_ensure()
        user = self._user(ADMIN["username"], ADMIN["password"], ADMIN["name"], superuser=True)
        rows = [(user.username, ADMIN["password"], "Quản trị toàn hệ thống")]
        for slug, ward_code in WARDS:
            ward = Agency.objects.get(code=ward_code)
            for role, prefix, department_prefix, name, title in ROLES:
                user = self._user(f"{prefix}.{slug}", OFFICER_PASSWORD, name)
                user.groups.set([Group.objects.get(name=str(role.label))])
                department = (
                    Agency.objects.get(code=f"{department_prefix}{ward_code[3:]}")
                    if department_prefix
                    else None
                )
                officer, _ = Officer.objects.update_or_create(
                    user=user, defaults={"department": department, "title": title}
                )
                officer.agencies.set([ward])
                unit = department.name if department else ward.name
                rows.append((user.username, OFFICER_PASSWORD, f"{role.label}, {unit}"))
        for username, agency_code, role, name, title in PROVINCE_OFFICERS:
            agency = Agency.objects.get(code=agency_code)
            user = self._user(username, OFFICER_PASSWORD, name)
            user.groups.set([Group.objects.get(name=str(role.label))])
            officer, _ = Officer.objects.update_or_create(
                user=user, defaults={"department": None, "title": title}
            )
            officer.agencies.set([agency])
            rows.append((user.username, OFFICER_PASSWORD, f"{role.label}, {agency.name}"))
        return rows

    def _user(self, username, password, name, superuser=False):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(password)
        first, last = name
        current = (user.first_name, user.last_name, user.is_staff, user.is_superuser)
        if user.pk is None or current != (first, last, True, superuser):
            user.first_name, user.last_name = first, last
            user.is_staff, user.is_superuser = True, superuser
            user.save()
        return user
