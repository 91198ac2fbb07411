from django.core.management.base import BaseCommand

from harapan.audit import trail
from harapan.benefits.export import HEADER, entitlement_rows
from harapan.benefits.models import Entitlement
from harapan.benefits.stages import check_year, computed_stage
from harapan.exports import csv_writer
from harapan.outfile import out_file
from harapan.regions.options import region_option


class Command(BaseCommand):
    help = "Menulis CSV id_keluarga,tahun,tahap,komponen,jumlah satu tahap (DESIGN §12)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--region", help="hanya wilayah ini (kode bertitik atau tidak)")

    def handle(self, *args, year, stage, out, region, **options):
        check_year(year)
        region = region_option(region)
        with out_file(out) as handle:
            target = computed_stage(year, stage, region)
            entitlements = Entitlement.objects.all()
            if region:
                entitlements = entitlements.filter(region_code__startswith=region)
            writer = csv_writer(handle)
            writer.writerow(HEADER)
            count = 0
            for row in entitlement_rows(target, entitlements):
                writer.writerow(row)
                count += 1
        trail.record(
            None, "benefits.entitlements.export", target, details={"rows": count, "file": out}
        )
        self.stdout.write(f"{count:,} keluarga ditulis ke {out}")
