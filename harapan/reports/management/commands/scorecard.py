"""`harapan scorecard` (DESIGN §12): the §9 scorecard as CSV, through the one export path."""

from django.core.management.base import BaseCommand, CommandError

from harapan.audit import trail
from harapan.exports import csv_writer
from harapan.outfile import ensure_writable, out_file
from harapan.regions.options import region_option
from harapan.reports import scorecard


def _number(text: str, what: str) -> int:
    if not text.strip().isdigit():
        raise CommandError(f"{what} tidak sah: {text!r}. Tulis dengan angka, mis. 2026 atau 6.")
    return int(text)


class Command(BaseCommand):
    help = (
        "Menulis CSV kinerja pendamping (DESIGN §9, §12) per pendamping, kecamatan, kabupaten "
        "atau provinsi, untuk satu bulan atau tahun berjalan sampai bulan terakhir."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="tahun, mis. 2026")
        parser.add_argument("--month", help="bulan 1–12; tanpa ini: tahun berjalan")
        parser.add_argument("--region", help="hanya wilayah ini (kode bertitik atau tidak)")
        parser.add_argument(
            "--per",
            default=scorecard.PENDAMPING,
            help="pendamping (bawaan), kecamatan, kabupaten atau provinsi",
        )
        parser.add_argument("--out", required=True)

    def handle(self, *args, year, month, region, per, out, **options):
        year, month = _number(year, "Tahun"), _number(month, "Bulan") if month else None
        region = region_option(region)
        ensure_writable(out)
        try:
            rows = scorecard.rows(year, month, region=region, per=per)
        except scorecard.BadPeriod as exc:
            raise CommandError(str(exc)) from exc
        with out_file(out) as handle:
            writer = csv_writer(handle)
            writer.writerow(scorecard.HEADER)
            writer.writerows(row.csv_line() for row in rows)
        details = {"rows": len(rows), "file": out, "tahun": year, "bulan": month,
                   "wilayah": region, "per": per}  # fmt: skip
        trail.record(None, "reports.scorecard.export", details=details, region_code=region)
        self.stdout.write(f"{len(rows):,} baris kinerja ditulis ke {out}")
