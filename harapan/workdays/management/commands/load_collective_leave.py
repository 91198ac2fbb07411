from django.core.management.base import BaseCommand
from django.utils import timezone

from harapan.display.formats import day as format_day
from harapan.workdays.actions import load_collective_leave


class Command(BaseCommand):
    help = (
        "Mengisi cuti bersama tahun TAHUN (bawaan: tahun ini dan tahun depan) dari daftar SKB "
        "dalam paket `holidays`; tanggal yang sudah diisi admin tidak diubah. Periksa "
        "hasilnya di admin (Hari kerja → Cuti bersama)."
    )

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, metavar="TAHUN")

    def handle(self, *args, years, **options):
        this_year = timezone.localdate().year
        years = years or [this_year, this_year + 1]
        added = load_collective_leave(years)
        for leave in added:
            self.stdout.write(f"{format_day(leave.date)}: {leave.description}")
        self.stdout.write(f"Cuti bersama {', '.join(map(str, years))}: {len(added)} hari baru.")
