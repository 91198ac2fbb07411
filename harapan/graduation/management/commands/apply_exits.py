from django.core.management.base import BaseCommand
from django.utils import timezone

from harapan.graduation.batch import apply_due_exits
from harapan.graduation.management.commands.graduation_candidates import _parse


class Command(BaseCommand):
    help = (
        "Menjalankan graduasi yang sudah disetujui dan tanggal keluarnya sudah tiba (DESIGN §7): "
        "KPM keluar, keluar dari kelompok P2K2, sanksinya tidak berlaku lagi. Aman dijalankan "
        "ulang; dijalankan penjadwal setiap hari."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="tanggal proses, TTTT-BB-HH; kosong = hari ini")

    def handle(self, *args, date: str | None, **options):
        day = _parse(date) if date else timezone.localdate()
        result = apply_due_exits(day)  # another run under way: ClaimRefused (exit code 1)
        if not result.anything:
            self.stdout.write(f"Tidak ada graduasi yang jatuh tempo pada {day.isoformat()}.")
            return
        self.stdout.write(
            f"Graduasi berlaku per {day.isoformat()}: {result.exits:,} KPM keluar; "
            f"{result.memberships:,} keanggotaan kelompok P2K2 diakhiri; "
            f"{result.changes:,} permohonan pemutakhiran ditolak."
        )
