from django.core.management.base import BaseCommand

from harapan.benefits.stages import check_year
from harapan.compliance.batch import compute_sanctions
from harapan.compliance.calendar import month_label, window
from harapan.regions.options import region_option


class Command(BaseCommand):
    help = (
        "Menghitung penangguhan dan pembatalan komponen satu tahap dari data verifikasi "
        "(DESIGN §5). compute_entitlements menjalankannya sendiri sebelum menghitung."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", type=int, required=True, choices=[1, 2, 3, 4])
        parser.add_argument("--region", help="kode wilayah (bertitik atau tidak); kosong = semua")

    def handle(self, *args, year, stage, region, **options):
        check_year(year)
        region = region_option(region)
        months = window(year, stage)
        self.stdout.write(
            f"Tahap {stage} {year}: masa verifikasi {month_label(months[0])} "
            f"s.d. {month_label(months[-1])}…"
        )
        # Another run holding them: ClaimRefused, a CommandError (exit code 1).
        result = compute_sanctions(year, stage, region=region or "")
        self.stdout.write(
            f"Penangguhan baru: {result.suspended:,}; pembatalan baru: {result.terminated:,}; "
            f"dihapus karena data verifikasi berubah: {result.removed:,}; "
            f"berlaku pada tahap ini: {result.in_force:,}"
        )
