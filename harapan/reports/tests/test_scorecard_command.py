"""`harapan scorecard` (DESIGN §12): the CSV of the hand-counted example, and refusals."""

import pytest
from django.core.management import CommandError, call_command

from harapan.audit.models import AuditEntry
from harapan.testing import csv_rows

from .base import ScorecardFixture


class ScorecardCommandTest(ScorecardFixture):
    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.out = tmp_path / "kinerja.csv"

    def run_command(self, *args) -> list[list[str]]:
        call_command("scorecard", *args, "--out", str(self.out))
        return csv_rows(self.out.read_bytes())

    def test_the_csv_is_the_design_header_and_a_line_per_pendamping(self):
        rows = self.run_command("--year", "2025", "--month", "6", "--region", "18.06.01")
        assert rows == [
            ["wilayah", "pendamping", "kpm_aktif", "wajib_verifikasi", "terverifikasi",
             "pertemuan_p2k2", "kehadiran_p2k2", "gsm", "target_gsm", "alamiah",
             "pengaduan_selesai", "pengaduan_tepat_waktu", "pemutakhiran", "kks_tidak_di_kpm",
             "rencana", "realisasi"],
            # tests/base.py counts each figure.
            ["180601", "pendamping_a", "4", "2", "1", "1", "66.7", "1", "4", "1", "2", "1",
             "2", "1", "5", "4"],
            ["180601", "pendamping_a2", "1", "0", "0", "0", "", "0", "4", "0", "0", "0", "0",
             "0", "0", "0"],
        ]  # fmt: skip
        event = AuditEntry.objects.get(action="reports.scorecard.export")
        assert event.details["rows"] == 2 and event.details["wilayah"] == "180601"

    def test_a_kabupaten_roll_up_has_an_empty_pendamping(self):
        rows = self.run_command("--year", "2025", "--month", "6", "--per", "kabupaten")
        # a, a2 and b: 4 + 1 + 1 active; targets 4 + 4 + 2.
        assert rows[1] == ["1806", "", "6", "2", "1", "1", "66.7", "1", "10", "1", "2", "1",
                           "2", "1", "5", "4"]  # fmt: skip

    def test_bad_input_is_refused_in_indonesian_and_writes_nothing(self):
        for args, message in [
            (["--year", "dua ribu"], "Tahun tidak sah"),
            (["--year", "2025", "--month", "13"], "Bulan harus antara 1 dan 12"),
            (["--year", "2999"], "belum dimulai"),
            (["--year", "2025", "--per", "desa"], "Pengelompokan tidak dikenal"),
            (["--year", "2025", "--region", "99.99"], "tidak ditemukan"),
        ]:
            with pytest.raises(CommandError, match=message):
                self.run_command(*args)
        assert not self.out.exists()
        assert not AuditEntry.objects.filter(action="reports.scorecard.export").exists()
