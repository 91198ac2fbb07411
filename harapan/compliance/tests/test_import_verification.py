"""`harapan import_verification`: bulk verification records, all or nothing (DESIGN §5, §12)."""

import csv
import tempfile
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from harapan.audit.models import AuditEntry
from harapan.compliance import actions
from harapan.compliance.actions import Entry
from harapan.compliance.importing import import_verification
from harapan.compliance.models import ComplianceRules, School, Verification
from harapan.lib import tabular
from harapan.lib.tabular import FileProblem
from harapan.registry.models import FamilyStatus
from harapan.testing import DESA_A, PersonaTestCase, make_family, make_member

HEADER = "nik,bulan,komitmen,hasil,persen_kehadiran,alasan"


class VerificationFileCase(PersonaTestCase):
    """A pupil, a toddler and a mother in Kecamatan A, an elder in B, a pupil in Metro."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        cls.toddler = make_member(cls.family_a, birth_date=date(2024, 1, 10))
        cls.mother = make_member(
            cls.family_a2, sex="P", birth_date=date(1995, 6, 1), relation="istri", pregnant=True
        )
        cls.elder = make_member(cls.family_b, birth_date=date(1950, 1, 1), relation="orang_tua")
        cls.metro_pupil = make_member(
            cls.metro_family, birth_date=date(2012, 8, 1), school_level="smp"
        )
        cls.school = School.objects.create(
            npsn="10800001", name="SD Negeri 1 Kuripan", level="sd", region_code=DESA_A
        )

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())

    def write(self, *lines: str, header: str = HEADER, name: str = "verifikasi.csv") -> Path:
        path = self.dir / name
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        return path

    def good_file(self) -> Path:
        return self.write(
            f"{self.pupil.nik},2026-01,sd,,90,",
            f"{self.pupil.nik},2026-02,sd,,60,",
            f"{self.toddler.nik},2026-01,anak_usia_dini,patuh,,",
            f"{self.elder.nik},2026-01,lansia,dikecualikan,,sakit di rumah sakit",
            f"{self.mother.nik},2026-01,ibu_hamil,tidak_patuh,,",
        )

    def errors_of(self, path: Path) -> list[list[str]]:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))


class GoodFileTests(VerificationFileCase):
    def test_it_imports_every_record_with_results_derived_from_attendance(self):
        result = import_verification(self.good_file(), acting_user=self.operator)
        assert result.ok and result.imported
        assert (result.rows, result.members, result.months) == (5, 4, ["2026-01", "2026-02"])
        assert result.derived == 2 and result.replaced == 0
        assert result.by_result == {"patuh": 2, "tidak_patuh": 2, "dikecualikan": 1}
        records = {(v.member_id, v.month): v for v in Verification.objects.all()}
        assert len(records) == 5
        january = records[(self.pupil.pk, date(2026, 1, 1))]
        assert (january.result, january.attendance, january.commitment) == ("patuh", 90, "sd")
        assert records[(self.pupil.pk, date(2026, 2, 1))].result == "tidak_patuh"
        excused = records[(self.elder.pk, date(2026, 1, 1))]
        assert (excused.result, excused.reason) == ("dikecualikan", "sakit di rumah sakit")
        assert excused.region_code == self.family_b.region_code
        assert {(v.source, v.recorded_by_id) for v in records.values()} == {
            ("impor", self.operator.pk)
        }

    def test_every_record_written_gets_an_audit_row_and_the_file_a_summary(self):
        import_verification(self.good_file(), acting_user=self.operator, file_name="jan.csv")
        entries = AuditEntry.objects.filter(action="compliance.verification.import")
        per_record = entries.filter(object_type="compliance.verification")
        ids = {str(pk) for pk in Verification.objects.values_list("pk", flat=True)}
        assert {e.object_id for e in per_record} == ids and per_record.count() == 5
        pupil_january = Verification.objects.get(member=self.pupil, month=date(2026, 1, 1))
        assert per_record.get(object_id=str(pupil_january.pk)).object_repr == str(pupil_january)
        summary = entries.get(object_type="")
        assert summary.actor == self.operator
        assert summary.details["berkas"] == "jan.csv" and summary.details["rows"] == 5

    def test_reimporting_a_month_replaces_it_and_again_changes_nothing(self):
        actions.record_month(
            [Entry(member=self.toddler, commitment="anak_usia_dini", result="tidak_patuh")],
            date(2026, 1, 1), acting_user=self.pendamping_a,
        )  # fmt: skip
        first = import_verification(self.good_file())
        assert first.replaced == 1
        toddler = Verification.objects.get(member=self.toddler)
        assert (toddler.result, toddler.source, toddler.recorded_by) == ("patuh", "impor", None)
        changed = self.write(f"{self.pupil.nik},2026-01,sd,,50,", name="ulang.csv")
        again = import_verification(changed)
        assert again.replaced == 1 and Verification.objects.count() == 5
        assert Verification.objects.get(member=self.pupil, month=date(2026, 1, 1)).result == (
            "tidak_patuh"
        )
        import_verification(changed)
        rows = list(Verification.objects.order_by("member_id", "month").values_list(
            "member_id", "commitment", "month", "result", "attendance"))  # fmt: skip
        import_verification(changed)
        assert list(Verification.objects.order_by("member_id", "month").values_list(
            "member_id", "commitment", "month", "result", "attendance")) == rows  # fmt: skip

    def test_it_reads_semicolons_any_header_case_and_order_and_the_optional_columns(self):
        path = self.write(
            f"sd;{self.pupil.nik};70;2026-03;patuh;{self.school.npsn};rapor bulan Maret",
            header="KOMITMEN;NIK;Persen_Kehadiran;bulan;Hasil;NPSN;catatan",
        )
        import_verification(path)
        record = Verification.objects.get()
        # An explicit result wins over the attendance it would be derived from.
        assert (record.result, record.attendance) == ("patuh", 70)
        assert (record.school, record.evidence) == (self.school, "rapor bulan Maret")

    def test_the_attendance_threshold_is_the_years_parameter(self):
        ComplianceRules.objects.create(year=2026, attendance_threshold=60)
        import_verification(self.write(f"{self.pupil.nik},2026-02,sd,,60,"))
        assert Verification.objects.get().result == "patuh"

    def test_a_dry_run_checks_everything_and_writes_nothing(self):
        import_verification(self.good_file())
        audit_rows = AuditEntry.objects.count()
        before = list(Verification.objects.values_list("pk", "result", "recorded_at"))
        result = import_verification(self.good_file(), dry_run=True, acting_user=self.operator)
        assert result.ok and not result.imported and result.replaced == 5
        assert list(Verification.objects.values_list("pk", "result", "recorded_at")) == before
        assert AuditEntry.objects.count() == audit_rows

    def test_it_reports_rows_read_checked_and_written_once_per_step(self):
        heard = []
        import_verification(self.good_file(), progress=lambda **said: heard.append(said))
        assert heard == [
            {"phase": tabular.READING}, {"read": 5}, {"phase": tabular.MATCHING}, {"checked": 5},
            {"phase": tabular.WRITING}, {"written": 5},
        ]  # fmt: skip
        heard.clear()
        import_verification(self.write(f"{self.pupil.nik},2026-01,sd,rajin,,"),
                            progress=lambda **said: heard.append(said))  # fmt: skip
        assert heard[-1] == {"checked": 1}  # a rejected file writes nothing


class BadFileTests(VerificationFileCase):
    def test_every_kind_of_bad_row_is_named_by_its_line_and_nothing_is_loaded(self):
        import_verification(self.write(f"{self.toddler.nik},2026-01,anak_usia_dini,patuh,,"))
        assert Verification.objects.count() == 1
        twice = make_member(self.family_a, birth_date=date(2016, 1, 1), school_level="sd")
        make_member(make_family(region_code=DESA_A), nik=twice.nik, birth_date=date(2016, 1, 1))
        exited = make_family(region_code=DESA_A, status=FamilyStatus.EXITED)
        gone = make_member(exited, birth_date=date(2016, 1, 1), school_level="sd")
        p = self.pupil.nik
        path = self.write(
            f"{p},2026-01,sd,patuh,,",  # 2: good
            f"{p[:15]},2026-01,sd,patuh,,",  # 3: NIK of 15 digits
            f"{p},2026-13,sd,patuh,,",  # 4: no such month
            f"{p},2099-01,sd,patuh,,",  # 5: month not begun
            f"{p},2026-02,kuliah,patuh,,",  # 6: unknown commitment
            f"{p},2026-03,sd,rajin,,",  # 7: unknown result
            f"{p},2026-04,sd,,,",  # 8: neither result nor attendance
            f"{p},2026-05,sd,,120,",  # 9: attendance over 100
            f"{self.elder.nik},2026-01,lansia,,90,",  # 10: attendance for a health check
            f"{self.elder.nik},2026-02,lansia,dikecualikan,,",  # 11: excused without reason
            "3171010101010001,2026-01,sd,patuh,,",  # 12: NIK not in the registry
            f"{twice.nik},2026-01,sd,patuh,,",  # 13: NIK in two active families
            f"{gone.nik},2026-01,sd,patuh,,",  # 14: family no longer active
            f"{self.toddler.nik},2026-02,sd,patuh,,",  # 15: a toddler owes no school attendance
            f"{p},2026-01,sd,tidak_patuh,,",  # 16: same as line 2
            f"{p},2026-06,sd,patuh,,,99999999",  # 17: unknown NPSN
            header=HEADER + ",npsn",
        )
        out = self.dir / "galat.csv"
        result = import_verification(path, errors_out=out)
        assert not result.ok and not result.imported
        found = {(int(line), column) for line, column, _value, _message in result.error_lines}
        assert found == {
            (3, "nik"), (4, "bulan"), (5, "bulan"), (6, "komitmen"), (7, "hasil"), (8, "hasil"),
            (9, "persen_kehadiran"), (10, "persen_kehadiran"), (11, "alasan"), (12, "nik"),
            (13, "nik"), (14, "nik"), (15, "komitmen"), (16, "nik"), (17, "npsn"),
        }  # fmt: skip
        messages = {int(line): message for line, _c, _v, message in result.error_lines}
        assert "2 keluarga aktif" in messages[13] and "perbaiki registri" in messages[13]
        assert "tidak terdaftar" in messages[14]
        assert "komitmen anggota ini anak_usia_dini, bukan sd" in messages[15]
        assert "baris 2" in messages[16]
        assert (result.errors, result.error_rows) == (15, 15)
        written = self.errors_of(out)
        assert written[0] == ["baris", "kolom", "nilai", "pesan"]
        assert [int(row[0]) for row in written[1:]] == sorted(line for line, _ in found)
        assert Verification.objects.count() == 1
        assert Verification.objects.get().month == date(2026, 1, 1)

    def test_a_member_without_a_component_that_month_owes_nothing(self):
        # Born in March 2015, the pupil was not yet six in January 2021.
        path = self.write(f"{self.pupil.nik},2021-01,sd,patuh,,")
        result = import_verification(path)
        assert [row[1] for row in result.error_lines] == ["komitmen"]
        assert "tidak memiliki komponen PKH" in result.error_lines[0][3]

    def test_a_file_without_the_required_columns_is_refused_whole(self):
        out = self.dir / "galat.csv"
        with pytest.raises(FileProblem, match="bulan"):
            import_verification(self.write(f"{self.pupil.nik},sd,patuh", header="nik,komitmen,hasil"),
                                errors_out=out)  # fmt: skip
        assert self.errors_of(out)[1][0] == "1"
        with pytest.raises(FileProblem, match="hasil atau persen_kehadiran"):
            import_verification(
                self.write(f"{self.pupil.nik},2026-01,sd", header="nik,bulan,komitmen")
            )
        with pytest.raises(FileProblem, match="tidak berisi"):
            import_verification(self.write())
        assert not Verification.objects.exists()


class CommandTests(VerificationFileCase):
    def test_it_imports_records_the_user_and_prints_a_summary(self):
        out = self.run_command(str(self.good_file()), "--user", "operator")
        assert "Baris dibaca: 5" in out and "dikecualikan 1" in out
        assert "catatan lama yang diganti: 0" in out
        assert set(Verification.objects.values_list("recorded_by", flat=True)) == {self.operator.pk}

    def test_a_bad_file_exits_non_zero_with_the_error_count_and_writes_the_errors(self):
        out = self.dir / "galat.csv"
        path = self.write(f"{self.pupil.nik},2026-01,sd,rajin,,", "0000,2026-01,sd,patuh,,")
        with pytest.raises(CommandError, match="2 galat pada 2 baris") as failed:
            self.run_command(str(path), "--errors", str(out))
        assert failed.value.returncode == 1
        assert [row[0] for row in self.errors_of(out)] == ["baris", "2", "3"]
        assert not Verification.objects.exists()

    def test_a_dry_run_says_so_and_writes_nothing(self):
        out = self.run_command(str(self.good_file()), "--dry-run")
        assert "tidak ada yang disimpan" in out
        assert not Verification.objects.exists()

    def test_a_renamed_binary_is_refused_and_the_attempt_is_on_the_record(self):
        path = self.dir / "jan.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        with pytest.raises(CommandError, match="isinya data biner"):
            self.run_command(str(path))
        entry = AuditEntry.objects.get(action="compliance.verification.import")
        assert (entry.details["berkas"], entry.details["rejected"]) == ("jan.csv", True)
        assert "isinya data biner" in entry.details["reason"]

    def test_a_missing_file_or_unknown_user_is_a_clear_error(self):
        with pytest.raises(CommandError, match="tidak ditemukan"):
            self.run_command(str(self.dir / "tidak-ada.csv"))
        with pytest.raises(CommandError, match="Pengguna aktif 'siapa'"):
            self.run_command(str(self.good_file()), "--user", "siapa")
        with pytest.raises(CommandError, match="Berkas ditolak"):
            self.run_command(str(self.write("x", header="nama")))

    def run_command(self, *args: str) -> str:
        out = self.dir / "stdout.txt"
        with open(out, "w", encoding="utf-8") as handle:
            call_command("import_verification", *args, stdout=handle, verbosity=0)
        return out.read_text(encoding="utf-8")
