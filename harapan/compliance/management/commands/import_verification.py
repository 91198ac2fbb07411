from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from harapan.compliance.importing import import_verification
from harapan.registry.importing.cli import reading, refuse_on_errors


class Command(BaseCommand):
    help = (
        "Mengimpor verifikasi komitmen secara massal, CSV "
        "nik,bulan,komitmen,hasil,persen_kehadiran,alasan (opsional npsn, catatan; DESIGN §12). "
        "Dengan galat apa pun tidak ada yang diimpor. Impor ulang bulan seorang anggota "
        "menggantikan catatannya."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv (UTF-8, pemisah , atau ;) atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")
        parser.add_argument(
            "--errors", metavar="OUT", help="tulis galat ke CSV baris,kolom,nilai,pesan"
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="pengguna yang dicatat sebagai pencatat verifikasi"
        )

    def handle(self, *args, file, dry_run, errors, user, verbosity, **options):
        acting_user = self._user(user) if user else None
        bar = tqdm(desc="Membaca baris", unit=" baris", disable=verbosity < 1, mininterval=0.5)

        def progress(*, read=None, **_rest):
            if read is not None:
                bar.update(read - bar.n)

        try:
            with reading(file, errors):
                result = import_verification(
                    file, acting_user=acting_user, dry_run=dry_run, errors_out=errors,
                    progress=progress,
                )  # fmt: skip
        finally:
            bar.close()
        write = self.stdout.write
        write(
            f"Baris dibaca: {result.rows:,} · anggota: {result.members:,} · "
            f"bulan: {', '.join(result.months) or '—'}"
        )
        refuse_on_errors(write, result, errors)
        results = ", ".join(f"{name} {count:,}" for name, count in sorted(result.by_result.items()))
        write(f"Hasil: {results} (dari persen kehadiran: {result.derived:,})")
        if dry_run:
            write(
                f"Uji coba (--dry-run): tidak ada yang disimpan; {result.replaced:,} catatan lama "
                "akan diganti."
            )
            return
        write(
            f"Disimpan: {result.rows:,} catatan verifikasi; catatan lama yang diganti: "
            f"{result.replaced:,}. Sanksi dihitung ulang dengan `harapan compute_sanctions`."
        )

    @staticmethod
    def _user(username: str):
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Pengguna aktif '{username}' tidak ada.") from exc
