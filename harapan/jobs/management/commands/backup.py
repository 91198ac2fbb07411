from pathlib import Path

from django.core.management.base import BaseCommand

from harapan.backup import back_up
from harapan.outfile import out_path


class Command(BaseCommand):
    help = (
        "Menyalin seluruh basis data ke satu berkas yang konsisten, selagi situs berjalan "
        "(SQLite: backup daring; PostgreSQL: pg_dump format custom). DESIGN §12."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="berkas cadangan yang ditulis")

    def handle(self, *args, out, **options):
        with out_path(out, private=True) as partial:
            back_up(partial, name=out)
        size = Path(out).stat().st_size / 1024 / 1024
        self.stdout.write(f"Cadangan basis data ditulis ke {out} ({size:.1f} MB).")
