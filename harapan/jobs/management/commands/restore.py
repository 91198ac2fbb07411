from pathlib import Path

from django.core.management.base import BaseCommand

from harapan.backup import restore


class Command(BaseCommand):
    help = (
        "Memulihkan berkas dari `harapan backup` ke basis data situs (DATABASE_URL), yang "
        "harus kosong tanpa satu tabel pun; basis data berisi ditolak. DESIGN §12."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas cadangan")

    def handle(self, *args, file, **options):
        restore(Path(file))
        self.stdout.write(
            f"Basis data dipulihkan dari {file}. Jalankan `harapan migrate` bila cadangan "
            "berasal dari versi Harapan yang lebih lama."
        )
