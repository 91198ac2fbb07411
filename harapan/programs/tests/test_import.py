"""`harapan import_programs`: participations in bulk, all or nothing, and a re-import changes
nothing (DESIGN §9, §12; issue 17)."""

import csv
import tempfile
from datetime import date
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from harapan.audit.models import AuditEntry
from harapan.programs.importing import import_programs
from harapan.programs.models import Participation
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family, make_member

HEADER = "id_keluarga,nik,program,mulai,selesai,status"
ACTION = "programs.participation.import"
PROGRAMMES = (
    "pip, pbi_jkn, atensi, bpnt, subsidi_listrik, subsidi_lpg, sertifikat_tanah, uep, kube, "
    "rutilahu"
)


class ParticipationFileCase(PersonaTestCase):
    """A pupil and the head of family A, the elder of family B, in Tanggamus."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.head_a = cls.family_a.members.get(relation="kepala_keluarga")
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        cls.elder = make_member(cls.family_b, birth_date=date(1950, 1, 1), relation="orang_tua")

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())

    def write(self, *lines: str, name: str = "program.csv") -> Path:
        path = self.dir / name
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        return path

    def good_lines(self) -> list[str]:
        a, b = self.family_a.registry_id, self.family_b.registry_id
        return [
            f"{a},{self.pupil.nik},pip,2025-07-01,,menerima",
            f"{a},{self.head_a.nik},pbi_jkn,2024-01-01,2026-12-31,menerima",
            f"{a},,bpnt,2025-01-01,,menerima",
            f"{b},,subsidi_listrik,2026-03-01,,diusulkan",
            f"{b},{self.elder.nik},ATENSI,2026-02-01,2026-02-28,ditolak",
        ]

    def good_file(self) -> Path:
        return self.write(*self.good_lines())

    def recorded(self) -> set[tuple]:
        """Every participation as (family, member, nik, programme, start, end, status, desa,
        source, recorded by, recorded at)."""
        return set(
            Participation.objects.values_list(
                "family__registry_id", "member_id", "nik", "programme", "starts_on", "ends_on",
                "status", "region_code", "source", "recorded_by_id", "recorded_at",
            )
        )  # fmt: skip

    def errors_of(self, path: Path) -> list[list[str]]:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle))


class GoodFileTests(ParticipationFileCase):
    def test_it_imports_every_participation_on_its_family_and_member(self):
        result = import_programs(self.good_file(), acting_user=self.operator)
        assert result.ok and result.imported
        # Counted by hand: five rows, two families, all new.
        assert (result.rows, result.families) == (5, 2)
        assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
        a, b, op = self.family_a.registry_id, self.family_b.registry_id, self.operator.pk
        rows = {row[:10] for row in self.recorded()}
        assert rows == {
            (a, self.pupil.pk, self.pupil.nik, "pip", date(2025, 7, 1), None, "menerima",
             DESA_A, "impor", op),
            (a, self.head_a.pk, self.head_a.nik, "pbi_jkn", date(2024, 1, 1),
             date(2026, 12, 31), "menerima", DESA_A, "impor", op),
            (a, None, "", "bpnt", date(2025, 1, 1), None, "menerima", DESA_A, "impor", op),
            (b, None, "", "subsidi_listrik", date(2026, 3, 1), None, "diusulkan", DESA_B,
             "impor", op),
            (b, self.elder.pk, self.elder.nik, "atensi", date(2026, 2, 1), date(2026, 2, 28),
             "ditolak", DESA_B, "impor", op),
        }  # fmt: skip

    def test_the_file_gets_one_audit_row_with_its_counts(self):
        import_programs(self.good_file(), acting_user=self.operator, file_name="program.csv")
        entry = AuditEntry.objects.get(action=ACTION)
        assert entry.actor == self.operator and entry.region_code == "1806"
        assert entry.details["berkas"] == "program.csv"
        counts = {key: entry.details[key] for key in ("rows", "created", "updated", "unchanged")}
        assert counts == {"rows": 5, "created": 5, "updated": 0, "unchanged": 0}

    def test_reimporting_the_same_file_changes_nothing(self):
        import_programs(self.good_file())
        before = self.recorded()
        again = import_programs(self.good_file(), acting_user=self.operator)
        assert again.ok and again.imported
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
        # Not a row rewritten: not even its recorder or its time.
        assert self.recorded() == before

    def test_a_changed_end_or_status_updates_that_participation_only(self):
        import_programs(self.good_file())
        before = {row[3]: row for row in self.recorded()}
        a = self.family_a.registry_id
        changed = self.write(
            f"{a},{self.pupil.nik},pip,2025-07-01,2026-06-30,menerima",
            f"{a},,bpnt,2025-01-01,,ditolak",
            f"{a},{self.head_a.nik},pbi_jkn,2024-01-01,2026-12-31,menerima",
            name="ubah.csv",
        )
        result = import_programs(changed, acting_user=self.korkab)
        assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
        after = {row[3]: row for row in self.recorded()}
        assert Participation.objects.count() == 5
        pip = Participation.objects.get(programme="pip")
        assert (pip.ends_on, pip.status, pip.recorded_by) == (
            date(2026, 6, 30),
            "menerima",
            self.korkab,
        )
        bpnt = Participation.objects.get(programme="bpnt")
        assert (bpnt.ends_on, bpnt.status, bpnt.recorded_by) == (None, "ditolak", self.korkab)
        for untouched in ("pbi_jkn", "subsidi_listrik", "atensi"):
            assert after[untouched] == before[untouched], untouched

    def test_a_new_start_of_the_same_programme_is_a_new_participation(self):
        import_programs(self.good_file())
        a = self.family_a.registry_id
        result = import_programs(self.write(f"{a},{self.pupil.nik},pip,2026-07-01,,menerima"))
        assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
        starts = Participation.objects.filter(programme="pip").values_list("starts_on", flat=True)
        assert sorted(starts) == [date(2025, 7, 1), date(2026, 7, 1)]

    def test_a_dry_run_counts_and_writes_nothing(self):
        result = import_programs(self.good_file(), dry_run=True)
        assert result.ok and not result.imported
        assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
        assert not Participation.objects.exists()
        assert not AuditEntry.objects.filter(action=ACTION).exists()

    def test_a_workbook_imports_as_the_csv_does(self):
        book = Workbook()
        sheet = book.active
        sheet.append(HEADER.split(","))
        sheet.append([self.family_a.registry_id, self.pupil.nik, "pip", date(2025, 7, 1), None,
                      "menerima"])  # fmt: skip
        path = self.dir / "program.xlsx"
        book.save(path)
        result = import_programs(path)
        assert result.ok and result.created == 1
        assert Participation.objects.get().starts_on == date(2025, 7, 1)

    def test_its_queries_do_not_grow_with_the_families(self):
        def queries(families: int) -> int:
            lines = [f"{make_family().registry_id},,bpnt,2026-01-01,,menerima"
                     for _ in range(families)]  # fmt: skip
            path = self.write(*lines, name=f"{families}.csv")
            with CaptureQueriesContext(connection) as captured:
                result = import_programs(path)
            assert result.created == families
            return len(captured)

        assert queries(2) == queries(7)


class CommandTests(ParticipationFileCase):
    def test_the_command_imports_and_reports_its_counts(self):
        out = self.dir / "out.txt"
        with open(out, "w") as stdout:
            call_command("import_programs", str(self.good_file()), stdout=stdout, verbosity=0)
        text = out.read_text()
        assert "Baris dibaca: 5 · keluarga: 2" in text
        assert "Kepesertaan program disimpan: baru 5 · diubah 0 · tetap 0." in text
        assert Participation.objects.count() == 5
        assert {p.recorded_by for p in Participation.objects.all()} == {None}

    def test_the_command_dry_run_writes_nothing(self):
        out = self.dir / "out.txt"
        with open(out, "w") as stdout:
            call_command("import_programs", str(self.good_file()), "--dry-run", stdout=stdout,
                         verbosity=0)  # fmt: skip
        assert "tidak ada yang disimpan; akan menjadi baru 5 · diubah 0 · tetap 0" in (
            out.read_text()
        )
        assert not Participation.objects.exists()


class BadFileTests(ParticipationFileCase):
    """Each bad row refuses the whole file: the good rows beside it are not written either,
    and a participation already recorded is left as it was."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The file's pip row would end it: a refused file must not.
        Participation.objects.create(
            family=cls.family_a, member=cls.pupil, nik=cls.pupil.nik, region_code=DESA_A,
            programme="pip", starts_on=date(2025, 7, 1), status="menerima", source="pendamping",
        )  # fmt: skip

    def refused(self, bad_line: str) -> list[list[str]]:
        """Import the good file with `bad_line` as its line 7: refused, nothing changed; the
        errors file's lines."""
        before = self.recorded()
        lines = self.good_lines()
        lines[0] = lines[0].replace(",,menerima", ",2026-06-30,menerima")
        path = self.write(*lines, bad_line)
        errors = self.dir / "galat.csv"
        with self.assertRaises(CommandError) as refused:
            call_command("import_programs", str(path), "--errors", str(errors), verbosity=0,
                         stdout=open(self.dir / "out.txt", "w"))  # fmt: skip
        assert "tidak ada yang diimpor" in str(refused.exception)
        assert self.recorded() == before
        rejected = AuditEntry.objects.get(action=ACTION)
        assert rejected.details["rejected"] is True
        header, *rows = self.errors_of(errors)
        assert header == ["baris", "kolom", "nilai", "pesan"]
        return rows

    def test_an_unknown_programme(self):
        a = self.family_a.registry_id
        assert self.refused(f"{a},,kip,2026-01-01,,menerima") == [
            ["7", "program", "kip", f"Program tidak dikenal; pilih salah satu: {PROGRAMMES}"]
        ]

    def test_a_nik_that_is_not_a_member_of_the_family(self):
        # The elder is family B's: not family A's, though registered.
        a = self.family_a.registry_id
        assert self.refused(f"{a},{self.elder.nik},pbi_jkn,2026-01-01,,menerima") == [
            ["7", "nik", self.elder.nik, f"NIK bukan anggota keluarga {a}"]
        ]

    def test_an_end_before_the_start(self):
        b = self.family_b.registry_id
        assert self.refused(f"{b},,bpnt,2026-03-01,2026-02-28,menerima") == [
            ["7", "selesai", "2026-02-28",
             "Tanggal selesai sebelum tanggal mulai 2026-03-01: urutan tanggal terbalik"]
        ]  # fmt: skip

    def test_a_family_level_programme_given_a_nik(self):
        b = self.family_b.registry_id
        assert self.refused(f"{b},{self.elder.nik},bpnt,2026-01-01,,menerima") == [
            ["7", "nik", self.elder.nik,
             "Program bpnt untuk keluarga, bukan anggota: kosongkan nik"]
        ]  # fmt: skip

    def test_a_member_level_programme_without_a_nik(self):
        b = self.family_b.registry_id
        assert self.refused(f"{b},,pbi_jkn,2026-01-01,,menerima") == [
            ["7", "nik", "", "Program pbi_jkn untuk anggota: isi NIK anggotanya"]
        ]

    def test_an_unknown_family(self):
        assert self.refused("KPM9999999,,bpnt,2026-01-01,,menerima") == [
            ["7", "id_keluarga", "KPM9999999", "ID keluarga tidak terdaftar"]
        ]

    def test_a_date_in_another_format_or_not_in_the_calendar(self):
        b = self.family_b.registry_id
        assert self.refused(f"{b},,bpnt,01/03/2026,2026-02-30,menerima") == [
            ["7", "mulai", "01/03/2026", "Tanggal mulai harus ditulis TTTT-BB-HH, mis. 2026-01-31"],
            ["7", "selesai", "2026-02-30", "Tanggal selesai 2026-02-30 tidak ada di kalender: "
                                           "bulan 2 tahun 2026 hanya sampai tanggal 28"],
        ]  # fmt: skip

    def test_an_unknown_status(self):
        b = self.family_b.registry_id
        assert self.refused(f"{b},,bpnt,2026-01-01,,aktif") == [
            ["7", "status", "aktif", "Status harus menerima, diusulkan atau ditolak"]
        ]

    def test_the_same_key_twice(self):
        # Line 4 is family A's bpnt from 2025-01-01; a second line for it says another end.
        a = self.family_a.registry_id
        assert self.refused(f"{a},,BPNT,2025-01-01,2025-12-31,menerima") == [
            ["7", "mulai", "2025-01-01",
             "id_keluarga, nik, program dan mulai yang sama sudah ada di baris 4"]
        ]  # fmt: skip

    def test_every_bad_line_is_listed(self):
        a, b = self.family_a.registry_id, self.family_b.registry_id
        path = self.write(
            f"{a},,kip,2026-01-01,,menerima",
            f"{a},{self.pupil.nik},pip,2026-01-01,,menerima",
            f"{b},{self.pupil.nik},pip,2026-01-01,,menerima",
            "KPM0000000,,uep,2026-01-01,,menerima",
        )
        errors = self.dir / "galat.csv"
        result = import_programs(path, errors_out=errors)
        assert (
            not result.ok and not result.imported and (result.errors, result.error_rows) == (3, 3)
        )
        assert self.errors_of(errors)[1:] == [
            ["2", "program", "kip", f"Program tidak dikenal; pilih salah satu: {PROGRAMMES}"],
            ["4", "nik", self.pupil.nik, f"NIK bukan anggota keluarga {b}"],
            ["5", "id_keluarga", "KPM0000000", "ID keluarga tidak terdaftar"],
        ]
        assert Participation.objects.count() == 1
