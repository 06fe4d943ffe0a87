"""`gongkai consultations_close`: the daily job that closes every 意见征集 whose period has ended."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from gongkai.participation.services import consultations_close_due


class Command(BaseCommand):
    help = "Close the consultations whose open period has ended (run daily)."

    def handle(self, *args, **options):
        closed = consultations_close_due(today=timezone.localdate())
        self.stdout.write(f"closed {closed} consultation(s)")
