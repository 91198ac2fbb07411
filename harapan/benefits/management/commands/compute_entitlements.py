from django.core.management.base import BaseCommand, CommandError

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.stages import stage_for
from harapan.jobs.claims import ClaimRefused
from harapan.regions.options import region_option


class Command(BaseCommand):
    help = (
        "Menghitung penetapan bantuan satu tahap (DESIGN §4) untuk keluarga yang belum punya; "
        "--recompute mengganti yang sudah ada dan melaporkan perubahannya."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", type=int, required=True)
        parser.add_argument("--region", help="kode wilayah (bertitik atau tidak); kosong = semua")
        parser.add_argument("--recompute", action="store_true")

    def handle(self, *args, year, stage, region, recompute, **options):
        target = stage_for(year, stage, create=True)
        region = region_option(region)
        self.stdout.write(f"Menghitung {target} (acuan usia {target.reference_date:%d-%m-%Y})…")
        try:
            result = compute_entitlements(target, region=region, recompute=recompute)
        except ClaimRefused as refused:
            raise CommandError(str(refused)) from None
        sanctions = result.sanctions
        self.stdout.write(
            f"Sanksi verifikasi: {sanctions.suspended:,} penangguhan dan "
            f"{sanctions.terminated:,} pembatalan baru, {sanctions.removed:,} dihapus, "
            f"{sanctions.in_force:,} berlaku pada tahap ini"
        )
        if recompute:
            self.stdout.write(f"Penetapan lama diganti: {result.replaced:,} keluarga")
        self.stdout.write(
            f"Penetapan baru: {result.families:,} keluarga, {result.paid_families:,} menerima, "
            f"total Rp {result.total:,}"
        )
        if recompute:
            self.stdout.write(f"Berubah: {result.changed_count:,} keluarga")
            for registry_id, old, new in result.changed[:50]:
                self.stdout.write(f"  {registry_id}: Rp {old:,} → Rp {new:,}")
