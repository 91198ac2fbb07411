from django.core.management.base import BaseCommand, CommandError

from harapan.outfile import ensure_writable, out_path
from harapan.reports.annual import BadRequest, check_request
from harapan.reports.annual_pdf import make_report


class Command(BaseCommand):
    help = "Menulis laporan tahunan kinerja PKH satu wilayah sebagai PDF (DESIGN §12)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="tahun laporan, mis. 2026")
        parser.add_argument(
            "--region", required=True, help="kode provinsi, kabupaten/kota atau kecamatan"
        )
        parser.add_argument("--out", required=True, help="berkas PDF yang ditulis")

    def handle(self, *args, year, region, out, **options):
        try:
            place, year = check_request(region, year)
        except BadRequest as refused:
            raise CommandError(str(refused)) from None
        ensure_writable(out)
        self.stdout.write(f"Laporan tahunan {year}: {place.dotted_code} {place.name}")
        with out_path(out) as partial:
            figures, pdf = make_report(
                place.code, year, made_by="harapan annual_report", progress=self._step
            )
            partial.write_bytes(pdf)
        self.stdout.write(
            f"Selesai: {out} ({len(pdf):,} bita; {figures.kpm_dilayani:,} KPM dilayani)"
        )

    def _step(self, text: str) -> None:
        self.stdout.write(f"  {text} …")
