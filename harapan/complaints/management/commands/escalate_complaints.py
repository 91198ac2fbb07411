from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from harapan.complaints.batch import escalate_complaints
from harapan.display.formats import number


def parse_now(text: str) -> datetime:
    """`YYYY-MM-DDTHH:MM`, local time (Asia/Jakarta)."""
    try:
        moment = datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise CommandError(f"Waktu tidak sah: {text!r}. Tulis sebagai TTTT-BB-HHTjj:mm.") from exc
    return timezone.make_aware(moment, timezone.get_default_timezone())


class Command(BaseCommand):
    help = (
        "Menaikkan setiap pengaduan yang melewati tenggat langkahnya satu tingkat "
        "(pendamping → korcam → korkab → korwil) dan mencetak jumlahnya (DESIGN §8). "
        "Dijalankan penjadwal setiap jam."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="waktu proses, TTTT-BB-HHTjj:mm (WIB); kosong = sekarang")

    def handle(self, *args, now: str | None, **options):
        moment = parse_now(now) if now else timezone.now()
        moved = escalate_complaints(moment)  # another run under way: ClaimRefused (exit code 1)
        self.stdout.write(f"{number(moved)} pengaduan dinaikkan satu tingkat.")
