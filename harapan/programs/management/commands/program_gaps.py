from datetime import date

from django.core.management.base import BaseCommand, CommandError

from harapan.audit import trail
from harapan.exports import csv_writer
from harapan.outfile import out_file
from harapan.programs.gaps import GAP_HEADER, csv_line, gap_rows
from harapan.regions.options import region_option
from harapan.registry.models import Family, Member


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Tanggal tidak sah: {text!r}. Gunakan YYYY-MM-DD.") from exc


class Command(BaseCommand):
    help = "Menulis CSV celah,id_keluarga,nik,diusulkan celah program komplementer (DESIGN §12)."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="tanggal D (YYYY-MM-DD)")
        parser.add_argument("--out", required=True)
        parser.add_argument("--region", help="hanya wilayah ini (kode bertitik atau tidak)")

    def handle(self, *args, date, out, region, **options):
        day = _day(date)
        region = region_option(region)
        members, families = Member.objects.all(), Family.objects.all()
        if region:
            members = members.filter(region_code__startswith=region)
            families = families.in_region(region)
        with out_file(out) as handle:
            writer = csv_writer(handle)
            writer.writerow(GAP_HEADER)
            count = 0
            for row in gap_rows(day, members, families):
                writer.writerow(csv_line(row))
                count += 1
        details = {"rows": count, "file": out, "tanggal": day.isoformat(), "wilayah": region}
        trail.record(None, "programs.gaps.export", details=details, region_code=region)
        self.stdout.write(f"{count:,} baris celah ditulis ke {out}")
