from datetime import date

from django.core.management.base import BaseCommand, CommandError

from harapan.exports import csv_writer
from harapan.graduation.candidates import CandidateList
from harapan.outfile import out_file
from harapan.regions.options import region_option
from harapan.registry.models import Family

HEADER = ["id_keluarga", "jenis", "alasan", "tanggal_perkiraan"]


class Command(BaseCommand):
    help = (
        "Menulis calon graduasi alamiah (DESIGN §12): KPM aktif tanpa komponen pada tanggal D, "
        "lalu KPM yang diperkirakan kehilangan komponen terakhirnya dalam 12 bulan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="tanggal acuan, TTTT-BB-HH")
        parser.add_argument("--out", required=True, help="berkas CSV keluaran")
        parser.add_argument("--region", help="kode wilayah (bertitik atau tidak); kosong = semua")

    def handle(self, *args, date: str, out: str, region: str | None, **options):
        day = _parse(date)
        families = Family.objects.all()
        if prefix := region_option(region):
            families = families.filter(region_code__startswith=prefix)
        now = soon = 0
        with out_file(out) as handle:
            writer = csv_writer(handle)
            writer.writerow(HEADER)
            for row in CandidateList(day, families):
                writer.writerow([row.registry_id, "alamiah", row.reason,
                                 row.exit_on.isoformat() if row.exit_on else ""])  # fmt: skip
                if row.exit_on is None:
                    now += 1
                else:
                    soon += 1
        self.stdout.write(
            f"Tanpa komponen pada {day.isoformat()}: {now:,} KPM; diperkirakan keluar dalam "
            f"12 bulan: {soon:,} KPM. Ditulis ke {out}."
        )


def _parse(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Tanggal tidak sah: {text!r}. Tulis sebagai TTTT-BB-HH.") from exc
