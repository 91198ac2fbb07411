from django.core.management import call_command
from django.core.management.base import BaseCommand

from harapan.demo.build import DEMO_PASSWORD, build_demo
from harapan.regions.models import Region


class Command(BaseCommand):
    help = (
        "Menyiapkan basis data, memuat wilayah dan data demo (Kota Metro dan Kab. Tanggamus), "
        "lalu mencetak akun demo. Aman dijalankan berulang."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Basis data siap.")
        if not Region.objects.filter(code="1872").exists():
            call_command("load_regions", verbosity=options["verbosity"])
        self.stdout.write("Membuat data demo…")
        people = build_demo(log=self.stdout.write)
        self.stdout.write("Menghitung ringkasan dasbor…")
        call_command("refresh_summaries", verbosity=options["verbosity"])
        call_command("schedule", verbosity=options["verbosity"])
        self.stdout.write(f"\nAkun demo (kata sandi semuanya: {DEMO_PASSWORD})")
        for person in people:
            region = Region.objects.filter(code=person.region).first() if person.region else None
            where = str(region) if region else "nasional"
            self.stdout.write(f"  {person.username:<22} {person.role.label:<28} {where}")
