from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from harapan.registry.importing.cli import reading
from harapan.registry.importing.engine import import_registry


class Command(BaseCommand):
    help = (
        "Mengimpor berkas registri (CSV UTF-8 atau XLSX, satu baris per anggota keluarga) sesuai "
        "format DESIGN §12. Dengan galat apa pun tidak ada yang diimpor, kecuali --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .csv (UTF-8) atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="periksa saja, tanpa menyimpan")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="impor setiap keluarga yang tidak punya baris bergalat",
        )
        parser.add_argument(
            "--errors", metavar="OUT", help="tulis galat ke CSV baris,kolom,nilai,pesan"
        )

    def handle(self, *args, file, dry_run, skip_invalid, errors, verbosity, **options):
        bar = tqdm(desc="Membaca baris", unit=" baris", disable=verbosity < 1, mininterval=0.5)

        def progress(read=None, **_others):
            if read is not None:
                bar.update(read - bar.n)

        try:
            with reading(file, errors):
                result = import_registry(
                    file,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    errors_out=errors,
                    progress=progress,
                )
        finally:
            bar.close()
        plan = result.plan
        write = self.stdout.write
        write(f"Baris dibaca: {result.rows:,} · keluarga dalam berkas: {result.families:,}")
        if result.errors:
            write(
                f"Galat: {result.errors:,} pada {result.error_rows:,} baris, "
                f"{result.bad_families:,} keluarga"
                + (
                    f" (rincian di {errors})"
                    if errors
                    else " (pakai --errors FILE untuk rinciannya)"
                )
            )
        rejected = result.errors and not skip_invalid
        if rejected and not dry_run:
            write("Berkas ditolak: tidak ada yang diimpor.")
        verb, indent = ("telah" if result.imported else "akan"), ""
        if rejected:
            # The plan counts the good families only: what --skip-invalid would import.
            write("Bila keluarga bergalat dilewati (--skip-invalid), yang akan diimpor:")
            indent = "  "
        write(
            f"{indent}Keluarga {verb} ditambah: {plan.families_new:,}, "
            f"diubah: {plan.families_changed:,}, tetap: {plan.families_unchanged:,}"
        )
        write(
            f"{indent}Anggota {verb} ditambah: {plan.members_new:,}, "
            f"diubah: {plan.members_changed:,}, tetap: {plan.members_unchanged:,}"
        )
        if plan.members_missing:
            write(
                f"Anggota yang ada di basis data tetapi tidak ada di berkas (tidak dihapus): "
                f"{plan.members_missing:,}"
            )
            for registry_id, nik, name in plan.missing_sample[:20]:
                write(f"  {registry_id} {nik} {name}")
        if dry_run:
            write("Uji coba (--dry-run): tidak ada yang disimpan.")
        elif result.errors and not skip_invalid:
            raise CommandError(
                "Impor dibatalkan: berkas mengandung galat, tidak ada yang diimpor. "
                "Perbaiki berkas, atau pakai --skip-invalid untuk mengimpor keluarga yang benar "
                "saja."
            )
        elif result.errors:
            write(f"Keluarga bergalat dilewati: {result.bad_families:,}")
        if dry_run and result.errors:
            raise CommandError("Uji coba menemukan galat.")
