import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone

from dossiers.models import Dossier
from stats.services import stats_refresh_month


class Command(BaseCommand):
    help = "Recompute the monthly statistics from a month (by default the first submission's)."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first month to recompute, YYYY-MM")

    def handle(self, *args, since=None, **options):
        if since:
            try:
                month = datetime.datetime.strptime(since, "%Y-%m").date()
            except ValueError as error:
                raise CommandError("--since: YYYY-MM") from error
        else:
            first = Dossier.objects.aggregate(first=Min("submitted_at"))["first"]
            if first is None:
                return
            month = timezone.localdate(first).replace(day=1)
        this_month = timezone.localdate().replace(day=1)
        while month <= this_month:
            agencies = stats_refresh_month(month=month)
            self.stdout.write(f"{month:%m/%Y}: {agencies}")
            month = (month + datetime.timedelta(days=32)).replace(day=1)
