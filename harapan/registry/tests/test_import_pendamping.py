"""The optional `pendamping` column of the registry import (DESIGN §12)."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from harapan.registry.models import Family
from harapan.testing import DESA_A, DESA_B, PersonaTestCase

HEADER = ("id_keluarga,no_kk,kode_desa,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,"
          "pendamping")  # fmt: skip


def row(registry_id, desa, nik, relation="kepala_keluarga", pendamping=""):
    kk = f"{desa[:6]}0101{registry_id[-6:]:0>6}"
    return f"{registry_id},{kk},{desa},{nik},Warga {nik[-4:]},L,1980-05-15,{relation},{pendamping}"


class ImportPendampingTest(PersonaTestCase):
    def run_import(self, tmp_path_lines, *args):
        path = self.tmp / "registri.csv"
        path.write_text("\n".join([HEADER, *tmp_path_lines]) + "\n", encoding="utf-8")
        errors = self.tmp / "galat.csv"
        out = StringIO()
        call_command("import_registry", str(path), "--errors", str(errors), "--verbosity", "0",
                     *args, stdout=out)  # fmt: skip
        return out.getvalue()

    def errors(self) -> list[tuple[int, str, str]]:
        with open(self.tmp / "galat.csv", encoding="utf-8", newline="") as handle:
            return [(int(r["baris"]), r["kolom"], r["pesan"]) for r in csv.DictReader(handle)]

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def test_the_pendamping_column_assigns_each_family(self):
        self.run_import([
            row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_a"),
            row("KPM-100001", DESA_A, "1806011505800102", "anak", pendamping="pendamping_a"),
            row("KPM-100002", DESA_B, "1806021505800103", pendamping="pendamping_b"),
            row("KPM-100003", DESA_A, "1806011505800104"),
        ])  # fmt: skip
        assigned = dict(Family.objects.filter(registry_id__startswith="KPM-1").values_list(
            "registry_id", "pendamping__username"))  # fmt: skip
        assert assigned == {
            "KPM-100001": "pendamping_a", "KPM-100002": "pendamping_b", "KPM-100003": None,
        }  # fmt: skip

    def test_an_unknown_username_is_an_error_and_nothing_is_imported(self):
        with pytest.raises(CommandError, match="tidak ada yang diimpor"):
            self.run_import([
                row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_a"),
                row("KPM-100002", DESA_A, "1806011505800102", pendamping="tidak_ada"),
            ])  # fmt: skip
        assert self.errors() == [(3, "pendamping", "Pengguna tidak_ada tidak dikenal")]
        assert not Family.objects.filter(registry_id__startswith="KPM-1").exists()

    def test_a_pendamping_of_another_kecamatan_or_a_coordinator_is_an_error(self):
        with pytest.raises(CommandError):
            self.run_import([
                row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_b"),
                row("KPM-100002", DESA_A, "1806011505800102", pendamping="korcam_a"),
            ])  # fmt: skip
        found = self.errors()
        assert [(line, column) for line, column, _ in found] == [
            (2, "pendamping"), (3, "pendamping")]  # fmt: skip
        assert "bukan pendamping aktif di kecamatan keluarga ini (180601)" in found[0][2]

    def test_rows_of_one_family_must_name_the_same_pendamping(self):
        with pytest.raises(CommandError):
            self.run_import([
                row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_a"),
                row("KPM-100001", DESA_A, "1806011505800102", "anak", pendamping="pendamping_a2"),
            ])  # fmt: skip
        assert [(line, column) for line, column, _ in self.errors()] == [(3, "pendamping")]

    def test_a_re_import_with_the_column_empty_keeps_the_pendamping(self):
        self.run_import([row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_a")])
        self.run_import([row("KPM-100001", DESA_A, "1806011505800101")])
        assert Family.objects.get(registry_id="KPM-100001").pendamping == self.pendamping_a
        self.run_import([row("KPM-100001", DESA_A, "1806011505800101", pendamping="pendamping_a2")])
        assert Family.objects.get(registry_id="KPM-100001").pendamping == self.pendamping_a2
