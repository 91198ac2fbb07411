from django.core.management.base import BaseCommand, CommandError
from django_tasks import TaskResultStatus

from harapan.benefits import tasks
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.stages import stage_for
from harapan.lib import regioncode
from harapan.regions.options import region_option


class Command(BaseCommand):
    help = (
        "Menghitung penetapan bantuan satu tahap (DESIGN §4) untuk keluarga yang belum punya; "
        "--recompute mengganti yang sudah ada dan melaporkan perubahannya. --fan-out membaginya "
        "menjadi satu tugas per kabupaten untuk worker (`harapan db_worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--stage", type=int, required=True)
        parser.add_argument("--region", help="kode wilayah (bertitik atau tidak); kosong = semua")
        parser.add_argument("--recompute", action="store_true")
        parser.add_argument(
            "--fan-out", action="store_true",
            help="antrekan satu tugas per kabupaten; worker mengerjakannya bersamaan",
        )  # fmt: skip
        parser.add_argument(
            "--wait", action="store_true",
            help="dengan --fan-out: tunggu semua tugas selesai dan cetak jumlahnya",
        )  # fmt: skip

    def handle(self, *args, year, stage, region, recompute, fan_out, wait, **options):
        if wait and not fan_out:
            raise CommandError("--wait hanya berlaku bersama --fan-out.")
        target = stage_for(year, stage, create=True)
        region = region_option(region)
        if fan_out:
            return self.fan_out(target, region, recompute, wait)
        self.stdout.write(f"Menghitung {target} (acuan usia {target.reference_date:%d-%m-%Y})…")
        # Another run holding the stage: ClaimRefused, a CommandError (exit code 1).
        result = compute_entitlements(target, region=region, recompute=recompute)
        sanctions = result.sanctions
        self.stdout.write(
            f"Sanksi verifikasi: {sanctions.suspended:,} penangguhan dan "
            f"{sanctions.terminated:,} pembatalan baru, {sanctions.removed:,} dihapus, "
            f"{sanctions.in_force:,} berlaku pada tahap ini"
        )
        self.report(vars(result), recompute)

    def fan_out(self, target, region, recompute, wait):
        results = tasks.fan_out(target, region=region, recompute=recompute)
        self.stdout.write(
            f"{target}: {len(results):,} tugas per kabupaten diantrekan untuk worker "
            "(`harapan db_worker`)."
        )
        if not wait or not results:
            return

        def finished(result, done):
            region = regioncode.dotted(result.args[2])
            state = "selesai" if result.status == TaskResultStatus.SUCCESSFUL else "GAGAL"
            self.stdout.write(f"  {region} {state} ({done:,}/{len(results):,})")

        self.report(tasks.wait_for(results, on_finish=finished), recompute)

    def report(self, result: dict, recompute: bool):
        if recompute:
            self.stdout.write(f"Penetapan lama diganti: {result['replaced']:,} keluarga")
        self.stdout.write(
            f"Penetapan baru: {result['families']:,} keluarga, "
            f"{result['paid_families']:,} menerima, total Rp {result['total']:,}"
        )
        if recompute:
            self.stdout.write(f"Berubah: {result['changed_count']:,} keluarga")
            for registry_id, old, new in result["changed"][:50]:
                self.stdout.write(f"  {registry_id}: Rp {old:,} → Rp {new:,}")
