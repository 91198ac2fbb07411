from django.core.management.base import BaseCommand
from tqdm import tqdm

from harapan.display.formats import number
from harapan.programs.importing import import_programs
from harapan.registry.importing.cli import reading, refuse_on_errors


class Command(BaseCommand):
    help = (
        "Mengimpor kepesertaan program komplementer, CSV "
        "id_keluarga,nik,program,mulai,selesai,status (nik kosong untuk program tingkat "
        "keluarga; tanggal TTTT-BB-HH, selesai boleh kosong; DESIGN §12). Dengan galat apa pun "
        "tidak ada yang diimpor. Baris yang sama diimpor ulang tidak mengubah apa pun."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv (UTF-8, pemisah , atau ;) atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")
        parser.add_argument(
            "--errors", metavar="OUT", help="tulis galat ke CSV baris,kolom,nilai,pesan"
        )

    def handle(self, *args, file, dry_run, errors, verbosity, **options):
        bar = tqdm(desc="Membaca baris", unit=" baris", disable=verbosity < 1, mininterval=0.5)

        def progress(*, read=None, **_rest):
            if read is not None:
                bar.update(read - bar.n)

        try:
            with reading(file, errors):
                result = import_programs(
                    file, dry_run=dry_run, errors_out=errors, progress=progress
                )
        finally:
            bar.close()
        write = self.stdout.write
        write(f"Baris dibaca: {number(result.rows)} · keluarga: {number(result.families)}")
        refuse_on_errors(write, result, errors)
        counts = (
            f"baru {number(result.created)} · diubah {number(result.updated)} · "
            f"tetap {number(result.unchanged)}"
        )
        if dry_run:
            write(f"Uji coba (--dry-run): tidak ada yang disimpan; akan menjadi {counts}.")
            return
        write(f"Kepesertaan program disimpan: {counts}.")
