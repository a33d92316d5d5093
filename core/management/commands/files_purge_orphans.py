import datetime

from django.core.management.base import BaseCommand

from core.storedfiles import GRACE, stored_files_purge_orphans


class Command(BaseCommand):
    help = (
        "Xóa các tệp đã lưu mà không bản ghi nào tham chiếu (mọi FileField của mọi model), giữ "
        "lại tệp mới hơn thời gian chờ; celery beat chạy việc này hằng ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=GRACE.total_seconds() / 3600,
            help="giữ tệp mới hơn số giờ này, có thể bản ghi của nó chưa được lưu (mặc định 24)",
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xóa")

    def handle(self, *args, grace_hours, dry_run, **options):
        removed = stored_files_purge_orphans(
            grace=datetime.timedelta(hours=grace_hours), dry_run=dry_run
        )
        for name in removed:
            self.stdout.write(name)
        if dry_run:
            self.stdout.write(f"Sẽ xóa {len(removed)} tệp không bản ghi nào tham chiếu.")
        else:
            self.stdout.write(f"Đã xóa {len(removed)} tệp không bản ghi nào tham chiếu.")
