"""Commands fail loudly (issue 11): a refusal is a clear message and exit 1, and writes nothing.

Read-only commands create no row: each test counts every table before and
after. The one row an export adds on purpose is its audit entry (STYLE.md).
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from harapan.audit.models import AuditEntry
from harapan.benefits.models import BenefitIndex, BenefitYear, Entitlement, Stage
from harapan.testing import KEC_A, KEC_B, PersonaTestCase, make_member

NEXT_YEAR = date.today().year + 1
MISSING_FOLDER = "/nonexistent/dir/x.csv"


def row_counts() -> dict[str, int]:
    """The number of rows of every table, by model."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def added_rows(before: dict[str, int]) -> dict[str, int]:
    """The tables that gained (or lost) rows since `before`, and by how many."""
    after = row_counts()
    return {label: after[label] - n for label, n in before.items() if after[label] != n}


def run(*args) -> None:
    call_command(*args, stdout=StringIO(), stderr=StringIO())


class CommandRefusalTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # One paid component: family_a's toddler, 750,000 a stage (DESIGN §4).
        make_member(cls.family_a, birth_date=date(2023, 1, 5), school_level="belum_sekolah")

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        self.out = self.folder / "keluar.csv"

    def export(self, *args):
        run("export_entitlements", "--out", str(self.out), *args)

    # --year ---------------------------------------------------------------

    def test_compute_refuses_a_year_after_next_year_and_creates_nothing(self):
        before = row_counts()
        with self.assertRaisesMessage(
            CommandError,
            f"Tahun 2150 ditolak: indeks bantuan hanya sampai tahun depan ({NEXT_YEAR})",
        ):
            run("compute_entitlements", "--year", "2150", "--stage", "1")
        assert added_rows(before) == {}
        assert not BenefitYear.objects.filter(year__gt=NEXT_YEAR).exists()

    def test_compute_takes_next_year_and_not_the_year_after(self):
        with self.assertRaisesMessage(CommandError, f"Tahun {NEXT_YEAR + 1} ditolak"):
            run("compute_entitlements", "--year", str(NEXT_YEAR + 1), "--stage", "1")
        run("compute_entitlements", "--year", str(NEXT_YEAR), "--stage", "1")
        # family_a, family_a2, family_b and metro_family.
        assert Entitlement.objects.filter(stage__year=NEXT_YEAR).count() == 4

    def test_compute_sanctions_refuses_a_year_after_next_year(self):
        with self.assertRaisesMessage(CommandError, "Tahun 2150 ditolak"):
            run("compute_sanctions", "--year", "2150", "--stage", "1")

    def test_export_refuses_a_year_after_next_year_and_creates_nothing(self):
        before = row_counts()
        with self.assertRaisesMessage(CommandError, "Tahun 2150 ditolak"):
            self.export("--year", "2150", "--stage", "1")
        assert added_rows(before) == {}
        assert not self.out.exists()

    def test_export_does_not_create_a_missing_index_year(self):
        BenefitYear.objects.filter(year=NEXT_YEAR).delete()
        before = row_counts()
        with self.assertRaisesMessage(
            CommandError, f"Tahap 1 {NEXT_YEAR} belum ada di indeks bantuan: belum pernah dihitung"
        ):
            self.export("--year", str(NEXT_YEAR), "--stage", "1")
        assert added_rows(before) == {}
        assert not BenefitYear.objects.filter(year=NEXT_YEAR).exists()
        assert not BenefitIndex.objects.filter(year=NEXT_YEAR).exists()
        assert not Stage.objects.filter(year=NEXT_YEAR).exists()

    # A stage never computed --------------------------------------------------

    def test_export_of_a_stage_never_computed_says_so_and_writes_nothing(self):
        with self.assertRaisesMessage(
            CommandError, "Penetapan Tahap 3 2025 belum pernah dihitung. Jalankan `harapan "
            "compute_entitlements --year 2025 --stage 3` dulu."
        ):  # fmt: skip
            self.export("--year", "2025", "--stage", "3")
        assert list(self.folder.iterdir()) == []

    def test_export_of_a_region_never_computed_says_so(self):
        run("compute_entitlements", "--year", "2025", "--stage", "3", "--region", KEC_B)
        with self.assertRaisesMessage(
            CommandError, "Penetapan Tahap 3 2025 di wilayah 18.06.01 belum pernah dihitung"
        ):
            self.export("--year", "2025", "--stage", "3", "--region", KEC_A)
        assert list(self.folder.iterdir()) == []

    def test_a_refused_export_keeps_the_file_already_there(self):
        self.out.write_text("hasil lama\n", encoding="utf-8")
        with self.assertRaises(CommandError):
            self.export("--year", "2025", "--stage", "3")
        assert self.out.read_text(encoding="utf-8") == "hasil lama\n"
        assert list(self.folder.iterdir()) == [self.out]

    # --region ---------------------------------------------------------------

    def test_export_refuses_an_unknown_region_and_writes_nothing(self):
        run("compute_entitlements", "--year", "2025", "--stage", "3")
        with self.assertRaisesMessage(CommandError, "Wilayah 99 tidak ditemukan"):
            self.export("--year", "2025", "--stage", "3", "--region", "99")
        with self.assertRaisesMessage(CommandError, "Kode wilayah tidak sah: 'abc'"):
            self.export("--year", "2025", "--stage", "3", "--region", "abc")
        assert list(self.folder.iterdir()) == []

    def test_generate_registry_refuses_an_unknown_region(self):
        with self.assertRaisesMessage(CommandError, "Wilayah 99 tidak ditemukan"):
            run("generate_registry", "--families", "2", "--region", "99", "--out", str(self.out))
        assert list(self.folder.iterdir()) == []

    # Read-only commands create nothing -------------------------------------

    def test_export_writes_the_stage_and_adds_only_its_audit_row(self):
        run("compute_entitlements", "--year", "2025", "--stage", "3")
        before = row_counts()
        self.export("--year", "2025", "--stage", "3", "--region", KEC_A)
        assert added_rows(before) == {"audit.AuditEntry": 1}
        assert AuditEntry.objects.filter(action="benefits.entitlements.export").count() == 1
        with open(self.out, encoding="utf-8", newline="") as handle:
            assert list(csv.reader(handle)) == [
                ["id_keluarga", "tahun", "tahap", "komponen", "jumlah"],
                [self.family_a.registry_id, "2025", "3", "anak_usia_dini", "750000"],
            ]

    def test_graduation_candidates_and_check_data_create_nothing(self):
        before = row_counts()
        run("graduation_candidates", "--date", "2025-07-01", "--out", str(self.out))
        assert added_rows(before) == {}
        run("check_data", "--out", str(self.folder / "temuan.csv"), "--date", "2025-07-01")
        assert added_rows(before) == {"audit.AuditEntry": 1}
        assert AuditEntry.objects.filter(action="registry.check_data").count() == 1

    # --out that cannot be written ------------------------------------------

    def out_commands(self, out: str) -> list[list[str]]:
        return [
            ["export_entitlements", "--year", "2025", "--stage", "3", "--out", out],
            ["graduation_candidates", "--date", "2025-07-01", "--out", out],
            ["check_data", "--out", out],
            ["generate_registry", "--families", "2", "--region", KEC_A, "--out", out],
        ]

    def test_every_command_refuses_an_out_file_in_a_missing_folder(self):
        run("compute_entitlements", "--year", "2025", "--stage", "3")
        for args in self.out_commands(MISSING_FOLDER):
            with (
                self.subTest(args[0]),
                self.assertRaisesMessage(
                    CommandError,
                    f"Tidak dapat menulis {MISSING_FOLDER}: folder /nonexistent/dir tidak ada.",
                ),
            ):
                run(*args)

    def test_every_command_refuses_an_out_that_is_a_folder(self):
        run("compute_entitlements", "--year", "2025", "--stage", "3")
        for args in self.out_commands(str(self.folder)):
            with (
                self.subTest(args[0]),
                self.assertRaisesMessage(
                    CommandError,
                    f"Tidak dapat menulis {self.folder}: itu sebuah folder, bukan berkas.",
                ),
            ):
                run(*args)
        assert list(self.folder.iterdir()) == []

    def test_every_import_refuses_an_errors_file_it_cannot_write_before_reading(self):
        source = self.folder / "masuk.csv"
        source.write_text("kolom,lain\n1,2\n", encoding="utf-8")
        imports = [
            ["import_registry", str(source)],
            ["import_verification", str(source)],
            ["import_disbursement", str(source), "--year", "2025", "--stage", "3"],
            ["import_schools", str(source)],
            ["import_health_facilities", str(source)],
        ]
        before = row_counts()
        for args in imports:
            with (
                self.subTest(args[0]),
                self.assertRaisesMessage(
                    CommandError,
                    f"Tidak dapat menulis {MISSING_FOLDER}: folder /nonexistent/dir tidak ada.",
                ),
            ):
                run(*args, "--errors", MISSING_FOLDER)
        assert added_rows(before) == {}


# Through the real console script: a refusal exits 1 with the message, no traceback.
# These refusals come before any query, so an empty database file will do.


def harapan(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("harapan")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kosong.sqlite3'}"}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["compute_entitlements", "--year", "2150", "--stage", "1"],
            f"Tahun 2150 ditolak: indeks bantuan hanya sampai tahun depan ({NEXT_YEAR}).",
        ),
        (
            ["export_entitlements", "--year", "2025", "--stage", "3", "--out", MISSING_FOLDER],
            f"Tidak dapat menulis {MISSING_FOLDER}: folder /nonexistent/dir tidak ada.",
        ),
        (
            ["graduation_candidates", "--date", "2025-07-01", "--out", MISSING_FOLDER],
            f"Tidak dapat menulis {MISSING_FOLDER}: folder /nonexistent/dir tidak ada.",
        ),
    ],
    ids=["year", "export-out", "candidates-out"],
)
def test_the_console_script_exits_1_with_the_message(tmp_path, args, message):
    result = harapan(tmp_path, *args)
    assert result.returncode == 1
    assert result.stderr.strip() == f"CommandError: {message}"
    assert result.stdout == ""
