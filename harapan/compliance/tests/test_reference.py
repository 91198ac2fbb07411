"""The schools and health facilities imports: rules, all or nothing, upserts, scope, commands."""

import csv
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from harapan.audit.models import AuditEntry
from harapan.compliance.models import HealthFacility, School
from harapan.compliance.reference import FACILITIES, SCHOOLS, import_reference
from harapan.lib import tabular
from harapan.lib.tabular import FileProblem
from harapan.testing import DESA_A, DESA_B, METRO_DESA, PersonaTestCase, make_region

SCHOOL_HEADER = "npsn,nama,jenjang,kode_desa\n"
FACILITY_HEADER = "kode_desa,nama,jenis,kode_faskes\n"
GOOD_SCHOOLS = (
    SCHOOL_HEADER + "10800001,SD Negeri 1 Kuripan,sd,18.06.01.2001\n"
    "10800002,SMP Negeri 1 Kota Agung,SMP,1806012001\n"
    "10800003,SD Negeri 2 Talang Padang,sd,18.06.02.2001\n"
)
GOOD_FACILITIES = (
    FACILITY_HEADER + "18.06.01.2001,Posyandu Mawar,posyandu,\n"
    "1806012001,Puskesmas Kota Agung,puskesmas,P1806010101\n"
    "1806022001,Posyandu Melati,posyandu,\n"
)


class ReferenceImportCase(PersonaTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def write(self, text: str, name: str = "data.csv") -> Path:
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return path

    def load(self, text: str, kind=SCHOOLS, **kwargs):
        return import_reference(self.write(text), kind, **kwargs)

    def errors_of(self, text: str, kind=SCHOOLS, **kwargs) -> list[tuple]:
        result = self.load(text, kind, **kwargs)
        self.assertFalse(result.imported)
        return [(line, column, message) for line, column, _value, message in result.errors]


class SchoolImportTests(ReferenceImportCase):
    def test_a_good_file_creates_every_school_with_undotted_desa_codes(self):
        result = self.load(GOOD_SCHOOLS, acting_user=self.operator)
        self.assertTrue(result.imported)
        self.assertEqual((result.rows, result.created, result.updated), (3, 3, 0))
        smp = School.objects.get(npsn="10800002")
        self.assertEqual(
            (smp.name, smp.level, smp.region_code, smp.active),
            ("SMP Negeri 1 Kota Agung", "smp", DESA_A, True),
        )
        self.assertEqual(School.objects.get(npsn="10800001").region_code, DESA_A)

    def test_it_reports_rows_read_checked_and_written_once_per_step(self):
        heard = []
        self.load(GOOD_SCHOOLS, progress=lambda **said: heard.append(said))
        self.assertEqual(heard, [
            {"phase": tabular.READING}, {"read": 3}, {"phase": tabular.MATCHING}, {"checked": 3},
            {"phase": tabular.WRITING}, {"written": 3},
        ])  # fmt: skip
        heard.clear()
        # The same file again: three rows checked, none to write.
        self.load(GOOD_SCHOOLS, progress=lambda **said: heard.append(said))
        self.assertEqual(heard[-2:], [{"phase": tabular.WRITING}, {"written": 0}])

    def test_an_xlsx_workbook_imports_like_the_csv(self):
        workbook = Workbook()
        for line in GOOD_SCHOOLS.strip().splitlines():
            workbook.active.append(next(csv.reader([line])))
        path = self.dir / "sekolah.xlsx"
        workbook.save(path)
        result = import_reference(path, SCHOOLS, acting_user=self.operator)
        self.assertEqual((result.imported, result.created), (True, 3))
        self.assertEqual(School.objects.get(npsn="10800002").region_code, DESA_A)

    def test_each_school_and_the_import_itself_are_audited(self):
        self.load(GOOD_SCHOOLS, acting_user=self.operator)
        created = AuditEntry.objects.filter(action="compliance.school.create")
        self.assertEqual(created.count(), 3)
        entry = created.get(object_id=str(School.objects.get(npsn="10800003").pk))
        self.assertEqual(entry.object_repr, "SD Negeri 2 Talang Padang (10800003)")
        self.assertEqual((entry.region_code, entry.actor), (DESA_B, self.operator))
        self.assertEqual(entry.details["via"], "impor")
        summary = AuditEntry.objects.get(action="compliance.school.import")
        self.assertEqual(summary.details["created"], 3)
        self.assertFalse(summary.details["rejected"])

    def test_re_importing_the_same_file_changes_nothing(self):
        self.load(GOOD_SCHOOLS)
        audited = AuditEntry.objects.count()
        result = self.load(GOOD_SCHOOLS)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 0, 3))
        self.assertEqual(School.objects.count(), 3)
        # Only the summary of the second run: no object changed.
        self.assertEqual(AuditEntry.objects.count(), audited + 1)

    def test_a_school_upserts_by_npsn_and_its_change_is_audited(self):
        self.load(GOOD_SCHOOLS)
        changed = GOOD_SCHOOLS.replace("SD Negeri 1 Kuripan", "SD Negeri 1 Kuripan Baru")
        result = self.load(changed)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 1, 2))
        self.assertEqual(School.objects.get(npsn="10800001").name, "SD Negeri 1 Kuripan Baru")
        self.assertEqual(AuditEntry.objects.filter(action="compliance.school.update").count(), 1)

    def test_an_import_leaves_a_school_closed_by_hand_closed(self):
        self.load(GOOD_SCHOOLS)
        School.objects.filter(npsn="10800001").update(active=False)
        self.load(GOOD_SCHOOLS)
        self.assertFalse(School.objects.get(npsn="10800001").active)

    def test_it_rejects_each_bad_value_with_its_column(self):
        text = (
            SCHOOL_HEADER + "1080001,SD Tujuh Angka,sd,1806012001\n"
            "1080000A,SD Huruf,sd,1806012001\n"
            "10800010,,sd,1806012001\n"
            "10800011,SD Jenjang,paud,1806012001\n"
            "10800012,SD Kecamatan,sd,18.06.01\n"
            "10800013,SD Tak Dikenal,sd,1806019999\n"
            "10800014,SD Ngawur,sd,desa-kuripan\n"
        )
        errors = self.errors_of(text)
        self.assertEqual(
            [(line, column) for line, column, _ in errors],
            [
                (2, "npsn"),
                (3, "npsn"),
                (4, "nama"),
                (5, "jenjang"),
                (6, "kode_desa"),
                (7, "kode_desa"),
                (8, "kode_desa"),
            ],
        )
        messages = dict(((line, column), message) for line, column, message in errors)
        self.assertEqual(messages[(2, "npsn")], "NPSN harus tepat 8 angka")
        self.assertEqual(messages[(5, "jenjang")], "Jenjang harus sd, smp atau sma")
        self.assertIn("10 angka", messages[(6, "kode_desa")])
        self.assertIn("tidak ada di daftar wilayah", messages[(7, "kode_desa")])
        self.assertFalse(School.objects.exists())

    def test_a_npsn_twice_in_the_file_is_an_error_naming_the_first_line(self):
        text = SCHOOL_HEADER + "10800001,SD A,sd,1806012001\n10800001,SD B,sd,1806012001\n"
        self.assertEqual(
            self.errors_of(text),
            [(3, "npsn", "NPSN ini sudah ada di baris 2: satu sekolah satu baris")],
        )

    def test_one_bad_row_imports_nothing_and_the_errors_file_says_why(self):
        out = self.dir / "galat.csv"
        text = GOOD_SCHOOLS + "123,SD Rusak,sd,1806012001\n"
        result = self.load(text, errors_out=out, acting_user=self.operator)
        self.assertFalse(result.imported)
        self.assertFalse(School.objects.exists())
        with open(out, encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
        self.assertEqual(
            lines,
            [
                ["baris", "kolom", "nilai", "pesan"],
                ["5", "npsn", "123", "NPSN harus tepat 8 angka"],
            ],
        )
        # The rejected attempt is on the record; no school is.
        summary = AuditEntry.objects.get(action="compliance.school.import")
        self.assertTrue(summary.details["rejected"])
        self.assertFalse(AuditEntry.objects.filter(action="compliance.school.create").exists())

    def test_a_dry_run_counts_but_writes_nothing(self):
        result = self.load(GOOD_SCHOOLS, dry_run=True)
        self.assertEqual((result.created, result.imported), (3, False))
        self.assertFalse(School.objects.exists())
        self.assertFalse(AuditEntry.objects.exists())

    def test_a_file_without_its_columns_is_refused_whole(self):
        out = self.dir / "galat.csv"
        with self.assertRaisesMessage(FileProblem, "Kolom wajib tidak ada"):
            self.load("npsn,nama\n10800001,SD A\n", errors_out=out)
        self.assertIn("jenjang, kode_desa", out.read_text(encoding="utf-8"))
        with self.assertRaisesMessage(FileProblem, "tidak berisi satu baris data"):
            self.load(SCHOOL_HEADER)

    def test_it_writes_in_a_handful_of_queries_whatever_the_size(self):
        def queries(count: int, first: int) -> int:
            rows = "".join(f"{first + n:08d},SD {first + n},sd,1806012001\n" for n in range(count))
            with CaptureQueriesContext(connection) as captured:
                result = self.load(SCHOOL_HEADER + rows, acting_user=self.operator)
            self.assertEqual(result.created, count)
            return len(captured)

        self.assertEqual(queries(3, 10800100), queries(60, 10800200))

    def test_a_file_longer_than_one_query_chunk_imports_whole(self):
        rows = "".join(f"{10801000 + n},SD {n},sd,1806012001\n" for n in range(1000))
        self.assertEqual(self.load(SCHOOL_HEADER + rows).created, 1000)
        self.assertEqual(self.load(SCHOOL_HEADER + rows).unchanged, 1000)
        self.assertEqual(AuditEntry.objects.filter(action="compliance.school.create").count(), 1000)


class ScopedImportTests(ReferenceImportCase):
    def test_rows_outside_the_uploaders_region_are_errors(self):
        text = SCHOOL_HEADER + "10800001,SD A,sd,1806012001\n10800002,SD Metro,sd,18.72.01.1001\n"
        errors = self.errors_of(text, scope_prefix="1806")
        self.assertEqual(errors, [(3, "kode_desa", "Desa ini di luar wilayah Anda (1806)")])
        self.assertFalse(School.objects.exists())

    def test_an_operator_cannot_pull_another_regions_school_in_by_its_npsn(self):
        School.objects.create(npsn="10800009", name="SD Metro", level="sd", region_code=METRO_DESA)
        text = SCHOOL_HEADER + "10800009,SD Pindahan,sd,1806012001\n"
        errors = self.errors_of(text, scope_prefix="1806")
        # Not where the school is registered (18.72.01.1001): only that it is not in scope.
        self.assertEqual(errors, [(2, "npsn", "Sekolah ini tidak ditemukan di wilayah Anda")])
        self.assertEqual(School.objects.get().region_code, METRO_DESA)

    def test_the_whole_region_imports_within_scope(self):
        result = self.load(GOOD_SCHOOLS, scope_prefix="1806")
        self.assertEqual(result.created, 3)


class FacilityImportTests(ReferenceImportCase):
    def test_a_good_file_creates_facilities_with_and_without_a_code(self):
        result = self.load(GOOD_FACILITIES, FACILITIES, acting_user=self.operator)
        self.assertEqual(result.created, 3)
        puskesmas = HealthFacility.objects.get(name="Puskesmas Kota Agung")
        self.assertEqual(
            (puskesmas.kind, puskesmas.code, puskesmas.region_code),
            ("puskesmas", "P1806010101", DESA_A),
        )
        self.assertEqual(HealthFacility.objects.get(name="Posyandu Mawar").code, "")
        self.assertEqual(
            AuditEntry.objects.filter(action="compliance.healthfacility.create").count(), 3
        )

    def test_a_facility_upserts_by_desa_and_name_whatever_the_case(self):
        self.load(GOOD_FACILITIES, FACILITIES)
        text = FACILITY_HEADER + "1806012001,POSYANDU  MAWAR,posyandu,PY01\n"
        result = self.load(text, FACILITIES)
        self.assertEqual((result.created, result.updated), (0, 1))
        mawar = HealthFacility.objects.get(region_code=DESA_A, kind="posyandu")
        self.assertEqual((mawar.name, mawar.code), ("POSYANDU MAWAR", "PY01"))
        self.assertEqual(HealthFacility.objects.count(), 3)

    def test_the_same_name_in_another_desa_is_another_facility(self):
        make_region("1806012002", "Pekon Lain")
        text = (
            FACILITY_HEADER
            + "1806012001,Posyandu Mawar,posyandu,\n1806012002,Posyandu Mawar,posyandu,\n"
        )
        self.assertEqual(self.load(text, FACILITIES).created, 2)

    def test_re_importing_the_same_file_changes_nothing(self):
        self.load(GOOD_FACILITIES, FACILITIES)
        result = self.load(GOOD_FACILITIES, FACILITIES)
        self.assertEqual((result.created, result.updated, result.unchanged), (0, 0, 3))

    def test_it_rejects_bad_kinds_codes_and_duplicates(self):
        text = (
            FACILITY_HEADER + "1806012001,Posyandu Mawar,posyandu,\n"
            "1806012001,posyandu mawar,posyandu,\n"
            "1806012001,Bidan Desa,bidan,\n"
            "1806012001,Puskesmas,puskesmas,P-18 06\n"
            "1872011001,Posyandu Metro,posyandu,\n"
        )
        errors = self.errors_of(text, FACILITIES, scope_prefix="1806")
        self.assertEqual(
            [(line, column) for line, column, _ in errors],
            [(3, "nama"), (4, "jenis"), (5, "kode_faskes"), (6, "kode_desa")],
        )
        self.assertIn("sudah ada di baris 2", errors[0][2])
        self.assertIn("posyandu, puskesmas", errors[1][2])
        self.assertFalse(HealthFacility.objects.exists())


class CommandTests(ReferenceImportCase):
    def test_import_schools_reports_what_it_did(self):
        out = self.enterContext(tempfile.SpooledTemporaryFile(mode="w+"))
        call_command("import_schools", str(self.write(GOOD_SCHOOLS)), stdout=out)
        out.seek(0)
        self.assertIn("baru 3", out.read())
        self.assertEqual(School.objects.count(), 3)

    def test_import_health_facilities_dry_run_saves_nothing(self):
        out = self.enterContext(tempfile.SpooledTemporaryFile(mode="w+"))
        path = self.write(GOOD_FACILITIES)
        call_command("import_health_facilities", str(path), "--dry-run", stdout=out)
        out.seek(0)
        self.assertIn("tidak ada yang disimpan", out.read())
        self.assertFalse(HealthFacility.objects.exists())

    def test_errors_exit_non_zero_and_go_to_the_errors_file(self):
        errors = self.dir / "galat.csv"
        path = self.write(SCHOOL_HEADER + "1,SD,sd,1806012001\n")
        out = self.enterContext(tempfile.SpooledTemporaryFile(mode="w+"))
        with self.assertRaisesMessage(CommandError, "tidak ada yang diimpor"):
            call_command("import_schools", str(path), "--errors", str(errors), stdout=out)
        self.assertIn("NPSN harus tepat 8 angka", errors.read_text(encoding="utf-8"))

    def test_a_missing_file_is_a_clear_error(self):
        with self.assertRaisesMessage(CommandError, "Berkas tidak ditemukan"):
            call_command("import_schools", str(self.dir / "tidak-ada.csv"))
