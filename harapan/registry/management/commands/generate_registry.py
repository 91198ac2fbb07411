from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from harapan.exports import csv_writer
from harapan.lib import regioncode
from harapan.outfile import out_file
from harapan.regions.models import Region
from harapan.regions.options import region_option
from harapan.registry.synthetic import FIELDS, Generator


class Command(BaseCommand):
    help = (
        "Menulis berkas registri sintetis yang realistis (format impor DESIGN §12) untuk desa-desa "
        "di wilayah CODE. Benih yang sama menghasilkan berkas yang sama."
    )

    def add_arguments(self, parser):
        parser.add_argument("--families", type=int, required=True, help="jumlah keluarga")
        parser.add_argument("--region", required=True, help="kode wilayah, bertitik atau tidak")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="berkas CSV keluaran")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="tanggal acuan usia (YYYY-MM-DD)"
        )

    def handle(self, *args, families, region, seed, out, date, verbosity, **options):
        if families < 1:
            raise CommandError("--families harus 1 atau lebih")
        code = region_option(region)
        desa = list(
            Region.objects.within(code).filter(level=regioncode.DESA).values_list("code", flat=True)
        )
        if not desa:
            raise CommandError(
                f"Tidak ada desa di wilayah {region}. Sudahkah `harapan load_regions` dijalankan?"
            )
        generator = Generator(desa, seed=seed, today=date)
        rows = 0
        with out_file(out) as handle:
            writer = csv_writer(handle)
            writer.writerow(FIELDS)
            for number in tqdm(range(1, families + 1), desc="Keluarga", disable=verbosity < 1):
                for row in generator.family(number):
                    writer.writerow([row.get(field, "") for field in FIELDS])
                    rows += 1
        self.stdout.write(f"{families:,} keluarga, {rows:,} anggota ditulis ke {out}")
