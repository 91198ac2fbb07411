from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from harapan.audit import trail
from harapan.exports import csv_writer
from harapan.lib import regioncode
from harapan.outfile import out_file
from harapan.regions.options import region_option
from harapan.registry import checks

HEADER = ["kode", "id_keluarga", "nik", "pesan"]


class Command(BaseCommand):
    help = (
        "Memeriksa mutu data registri (NIK ganda, NIK tidak cocok dengan tanggal lahir, jenis "
        "kelamin atau wilayah, usia tidak wajar, kepala keluarga, ART meninggal yang masih "
        "memenuhi komponen) dan menulis temuannya ke CSV `kode,id_keluarga,nik,pesan`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            metavar="KODE",
            help="kode wilayah, bertitik atau tidak (bawaan: seluruh Indonesia)",
        )
        parser.add_argument("--out", required=True, metavar="FILE", help="berkas CSV temuan")
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="tanggal acuan usia, YYYY-MM-DD (bawaan: hari ini)",
        )

    def handle(self, *args, region=None, out, day=None, **options):
        prefix = region_option(region) if region else None
        on = self._date(day)
        verbose = options["verbosity"] >= 1
        counts = {code: 0 for code in checks.CHECKS}
        with out_file(out) as file:
            writer = csv_writer(file)
            writer.writerow(HEADER)
            for code, check in checks.CHECKS.items():
                for finding in check(prefix or "", on):
                    writer.writerow(finding)
                    counts[code] += 1
                if verbose:
                    self.stdout.write(f"{code}: {counts[code]} temuan")

        total = sum(counts.values())
        trail.record(
            None,
            "registry.check_data",
            details={"date": on, "file": str(out), "total": total, "counts": counts},
            region_code=prefix,
        )
        if verbose:
            where = regioncode.dotted(prefix) if prefix else "seluruh Indonesia"
            self.stdout.write(f"\nRingkasan ({where}, tanggal acuan {on:%d-%m-%Y}):")
            width = max(len(code) for code in counts)
            for code, n in counts.items():
                self.stdout.write(f"  {code:<{width}}  {n:>7}")
            self.stdout.write(f"  {'JUMLAH':<{width}}  {total:>7}")
            self.stdout.write(f"Temuan ditulis ke {out}.")

    def _date(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"Tanggal tidak sah: {text!r}. Gunakan YYYY-MM-DD.") from exc
