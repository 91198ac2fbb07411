"""`harapan program_gaps --date D [--region CODE] --out FILE` (DESIGN §12)."""

import tempfile
from datetime import date
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase

from harapan.audit.models import AuditEntry
from harapan.programs.models import Participation, Proposal, Source, Status
from harapan.testing import DESA_A, DESA_B, make_family, make_user

D = "2026-11-02"


def run(*args) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "celah.csv"
        call_command("program_gaps", "--date", D, "--out", str(out), *args, stdout=open(
            Path(folder) / "log", "w"))  # fmt: skip
        return out.read_text(encoding="utf-8").splitlines()


class ProgramGapsCsv(TestCase):
    @classmethod
    def setUpTestData(cls):
        by = make_user("pendamping_csv", "pendamping", DESA_A)
        cls.kuripan = make_family(
            [
                {"nik": "1806010101800001", "relation": "kepala_keluarga",
                 "birth_date": date(1980, 1, 1)},
                {"nik": "1806010101150002", "birth_date": date(2015, 1, 1), "school_level": "sd"},
            ],
            registry_id="KPM8000001", region_code=DESA_A,
        )  # fmt: skip
        head = cls.kuripan.members.get(relation="kepala_keluarga")
        pupil = cls.kuripan.members.get(school_level="sd")
        Participation.objects.create(
            family=cls.kuripan, member=head, nik=head.nik, region_code=DESA_A,
            programme="pbi_jkn", starts_on=date(2024, 1, 1), status=Status.RECEIVING,
            source=Source.IMPORT,
        )  # fmt: skip
        Proposal.objects.create(
            family=cls.kuripan, member=pupil, nik=pupil.nik, region_code=DESA_A,
            programme="pip", proposed_on=date(2026, 10, 1), channel="sekolah", proposed_by=by,
        )  # fmt: skip
        make_family(
            [{"nik": "1806020202500003", "relation": "kepala_keluarga",
              "birth_date": date(1950, 2, 2)}],
            registry_id="KPM8000002", region_code=DESA_B,
        )  # fmt: skip

    def test_the_csv_of_every_gap(self):
        self.assertEqual(
            run(),
            [
                "celah,id_keluarga,nik,diusulkan",
                "PIP,KPM8000001,1806010101150002,ya",
                "PBI,KPM8000001,1806010101150002,tidak",
                "PBI,KPM8000002,1806020202500003,tidak",
                "BPNT,KPM8000001,,tidak",
                "BPNT,KPM8000002,,tidak",
                "ATENSI,KPM8000002,1806020202500003,tidak",
            ],
        )
        entry = AuditEntry.objects.get(action="programs.gaps.export")
        self.assertEqual(entry.details["rows"], 6)

    def test_a_region_keeps_its_families_and_members(self):
        self.assertEqual(
            run("--region", "18.06.02"),
            [
                "celah,id_keluarga,nik,diusulkan",
                "PBI,KPM8000002,1806020202500003,tidak",
                "BPNT,KPM8000002,,tidak",
                "ATENSI,KPM8000002,1806020202500003,tidak",
            ],
        )

    def test_a_bad_date_is_refused(self):
        with self.assertRaisesMessage(CommandError, "Tanggal tidak sah"):
            call_command("program_gaps", "--date", "2-11-2026", "--out", "/tmp/x.csv")


class ProgramGapsQueries(TestCase):
    """The command reads the registry in a fixed number of queries, whatever its size."""

    # The year's rules (the year and its index), the four lists, the audit row; on
    # PostgreSQL also the transaction that plans the lists' cursors for every row
    # (bulk.reading_to_the_end: savepoint, the setting read, set and put back, release).
    QUERIES = 2 + 4 + 1 + (5 if connection.vendor == "postgresql" else 0)

    def families(self, n: int) -> None:
        for _ in range(n):
            make_family([{"relation": "kepala_keluarga"}, {"school_level": "sd",
                                                            "birth_date": date(2016, 1, 1)}])  # fmt: skip

    def test_two_families(self):
        self.families(2)
        with self.assertNumQueries(self.QUERIES):
            lines = run()
        self.assertEqual(len(lines), 1 + 2 * (1 + 2 + 1))

    def test_twenty_families(self):
        self.families(20)
        with self.assertNumQueries(self.QUERIES):
            lines = run()
        self.assertEqual(len(lines), 1 + 20 * (1 + 2 + 1))
