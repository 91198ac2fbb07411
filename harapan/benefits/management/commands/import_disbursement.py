from django.core.management.base import BaseCommand

from harapan.benefits.disbursement import import_disbursement
from harapan.benefits.stages import stage_for
from harapan.registry.importing.cli import reading, refuse_on_errors


class Command(BaseCommand):
    help = (
        "Mengimpor berkas rekonsiliasi bank/PT Pos satu tahap, CSV "
        "id_keluarga,no_kks,jumlah,tanggal,status (DESIGN §12). Dengan galat apa pun tidak ada "
        "yang diimpor. Impor ulang menggantikan baris tahap itu untuk keluarga yang sama."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv (UTF-8) atau .xlsx")
        parser.add_argument("--year", type=int, required=True, help="tahun, mis. 2025")
        parser.add_argument("--stage", type=int, required=True, help="tahap 1–4")
        parser.add_argument(
            "--errors", metavar="OUT", help="tulis galat ke CSV baris,kolom,nilai,pesan"
        )

    def handle(self, *args, file, year, stage, errors, **options):
        target = stage_for(year, stage)
        with reading(file, errors):
            result = import_disbursement(file, stage=target, errors_out=errors)
        write = self.stdout.write
        write(f"Baris dibaca: {result.rows:,} · cocok dengan keluarga: {result.matched:,} · "
              f"tidak cocok: {result.unmatched:,}")  # fmt: skip
        refuse_on_errors(write, result, errors)
        write(
            f"Diimpor ke {target} (impor #{result.batch_id}); baris lama yang diganti: "
            f"{result.replaced:,}"
        )
