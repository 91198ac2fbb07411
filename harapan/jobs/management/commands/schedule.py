from django.core.management.base import BaseCommand
from django.utils import timezone

from harapan.jobs.scheduling import ensure_scheduled


class Command(BaseCommand):
    help = (
        "Memastikan setiap tugas terjadwal (HARAPAN_DAILY_JOBS, HARAPAN_HOURLY_JOBS) punya satu "
        "jadwal berikutnya di antrean; tidak pernah menambah jadwal kedua. Aman dijalankan "
        "berulang."
    )

    def handle(self, *args, **options):
        added = ensure_scheduled()
        for row in added:
            when = timezone.localtime(row.run_after).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"Dijadwalkan: {row.task_path} pada {when}.")
        if not added:
            self.stdout.write("Semua tugas terjadwal sudah ada di antrean.")
