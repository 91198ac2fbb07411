from datetime import date

from django.core.management.base import BaseCommand, CommandError

from harapan.audit import trail
from harapan.lib import regioncode
from harapan.regions.options import region_option
from harapan.reports import summary


class Command(BaseCommand):
    help = (
        "Memperbarui tabel ringkasan dasbor (per desa dan bulan, tahap, tahun) untuk setiap "
        "kabupaten/kota, atau untuk kabupaten di dalam atau yang memuat satu wilayah."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region",
            metavar="KODE",
            help="kode wilayah, bertitik atau tidak (bawaan: seluruh Indonesia)",
        )
        parser.add_argument(
            "--from",
            dest="first_month",
            metavar="YYYY-MM",
            help="bulan pertama yang dihitung (bawaan: Januari tahun lalu)",
        )

    def handle(self, *args, region=None, first_month=None, **options):
        prefix = region_option(region) if region else ""
        first = self._month(first_month)
        codes = summary.kabupaten_of([prefix]) if prefix else summary.kabupaten_codes()
        verbose = options["verbosity"] >= 1
        if verbose:
            self.stdout.write(f"Menghitung ringkasan {len(codes)} kabupaten/kota…")

        def progress(index: int, total: int, done) -> None:
            if verbose:
                self.stdout.write(
                    f"[{index}/{total}] {regioncode.dotted(done.kabupaten_code)}: "
                    f"{done.months} bulan, {done.desa_months} baris desa-bulan, "
                    f"{done.desa_stages} desa-tahap, {done.desa_years} desa-tahun"
                )

        summary.refresh_many(codes, first, everywhere=not prefix, progress=progress)
        trail.record(
            None,
            "reports.summary.refresh",
            region_code=prefix,
            details={"kabupaten": len(codes), "first_month": first},
        )
        if verbose:
            self.stdout.write(f"Ringkasan {len(codes)} kabupaten/kota diperbarui.")

    def _month(self, text: str | None) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(f"{text}-01")
        except ValueError as exc:
            raise CommandError(f"Bulan tidak sah: {text!r}. Gunakan YYYY-MM.") from exc
