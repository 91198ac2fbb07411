"""`import_disbursement` and the stage reconciliation (DESIGN §10, §12)."""

import csv
import tempfile
from datetime import date, datetime
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from harapan.audit.models import AuditEntry
from harapan.benefits.disbursement import Kind, import_disbursement, reconcile
from harapan.benefits.models import Disbursement, DisbursementImport, Entitlement, Stage
from harapan.lib import tabular
from harapan.lib.tabular import FileProblem
from harapan.registry.models import FamilyStatus
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family

HEADER = "id_keluarga,no_kks,jumlah,tanggal,status"


def stage_iii() -> Stage:
    return Stage.objects.select_related("year").get(year__year=2025, number=3)


def entitle(family, total: int, stage: Stage | None = None) -> Entitlement:
    return Entitlement.objects.create(
        family=family,
        stage=stage or stage_iii(),
        region_code=family.region_code,
        total=total,
        computed_at=timezone.now(),
    )


class DisbursementCase(PersonaTestCase):
    """One stage with every kind of mismatch, and two correct payments.

    | family       | entitled | file                        | kinds              |
    |--------------|----------|-----------------------------|--------------------|
    | family_a     | 750,000  | 750,000 berhasil 2025-08-15 | correct            |
    | kks_family   | 225,000  | by KKS only, 225,000        | correct            |
    | family_a2    | 1,000,000| 900,000 berhasil            | tidak tepat jumlah |
    | family_b     | 600,000  | 600,000 berhasil 2025-10-20 | tidak tepat waktu  |
    | exited       | 750,000  | 750,000 berhasil            | tidak tepat sasaran|
    | no_entitle   | 0        | 500,000 berhasil            | tidak tepat sasaran|
    | (unknown)    | —        | 300,000 berhasil            | tidak tepat sasaran|
    | unpaid       | 500,000  | —                           | belum tersalur     |
    | failed       | 300,000  | 300,000 gagal               | belum tersalur, gagal/retur |
    | returned     | 0        | 100,000 retur               | gagal/retur        |
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stage = stage_iii()
        cls.kks_family = make_family(region_code=DESA_A, kks_number="5000111122223333")
        cls.exited = make_family(region_code=DESA_A, status=FamilyStatus.EXITED)
        cls.no_entitle = make_family(region_code=DESA_A)
        cls.unpaid = make_family(region_code=DESA_A)
        cls.failed = make_family(region_code=DESA_A)
        cls.returned = make_family(region_code=DESA_A)
        for family, total in [
            (cls.family_a, 750_000), (cls.kks_family, 225_000), (cls.family_a2, 1_000_000),
            (cls.family_b, 600_000), (cls.exited, 750_000), (cls.no_entitle, 0),
            (cls.unpaid, 500_000), (cls.failed, 300_000), (cls.returned, 0),
            (cls.metro_family, 0),
        ]:  # fmt: skip
            entitle(family, total, cls.stage)

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())

    def write(self, *rows: str, name="bayar.csv", header=HEADER) -> Path:
        path = self.tmp / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    def full_file(self) -> Path:
        return self.write(
            f"{self.family_a.registry_id},,750000,2025-08-15,berhasil",
            ",5000111122223333,225000,2025-08-15,berhasil",
            f"{self.family_a2.registry_id},,900000,2025-08-15,berhasil",
            f"{self.family_b.registry_id},,600000,2025-10-20,berhasil",
            f"{self.exited.registry_id},,750000,2025-08-15,berhasil",
            f"{self.no_entitle.registry_id},,500000,2025-08-15,berhasil",
            "TIDAKADA0001,9999000011112222,300000,2025-08-15,berhasil",
            f"{self.failed.registry_id},,300000,2025-08-15,gagal",
            f"{self.returned.registry_id},,100000,2025-08-16,RETUR",
        )

    def double_file(self) -> Path:
        """Two families paid twice; see DoublePaymentTests for the hand count."""
        return self.write(
            f"{self.family_a.registry_id},,750000,2025-08-15,berhasil",
            f"{self.family_a.registry_id},,750000,2025-08-20,berhasil",
            f"{self.kks_family.registry_id},,100000,2025-08-15,berhasil",
            ",5000111122223333,125000,2025-09-01,berhasil",
            f"{self.family_a2.registry_id},,1000000,2025-08-15,gagal",
            f"{self.family_a2.registry_id},,1000000,2025-08-18,berhasil",
            f"{self.family_b.registry_id},,600000,2025-09-30,berhasil",
        )

    def import_file(self, path, **kwargs):
        kwargs.setdefault("stage", self.stage)
        return import_disbursement(path, **kwargs)


class ImportTests(DisbursementCase):
    def test_the_command_imports_a_good_file_and_matches_by_id_or_kks(self):
        call_command("import_disbursement", str(self.full_file()), year=2025, stage=3, verbosity=0)
        self.assertEqual(Disbursement.objects.count(), 9)
        by_kks = Disbursement.objects.get(kks_number="5000111122223333")
        self.assertEqual(by_kks.family, self.kks_family)
        self.assertEqual(by_kks.region_code, DESA_A)
        unknown = Disbursement.objects.get(registry_id="TIDAKADA0001")
        self.assertIsNone(unknown.family)
        self.assertEqual(unknown.region_code, "")
        self.assertEqual(Disbursement.objects.get(family=self.returned).status, "retur")
        batch = DisbursementImport.objects.get()
        self.assertEqual((batch.rows, batch.stage), (9, self.stage))
        entry = AuditEntry.objects.get(action="benefits.disbursement.import")
        self.assertEqual(entry.details["rows"], 9)

    def test_it_reports_rows_read_checked_and_written_once_per_step(self):
        heard = []
        self.import_file(self.full_file(), progress=lambda **said: heard.append(said))
        self.assertEqual(heard, [
            {"phase": tabular.READING}, {"read": 9}, {"phase": tabular.MATCHING}, {"checked": 9},
            {"phase": tabular.WRITING}, {"written": 9},
        ])  # fmt: skip
        heard.clear()
        bad = self.write(",,750000,2025-08-15,berhasil", name="buruk.csv")
        self.import_file(bad, progress=lambda **said: heard.append(said))
        self.assertEqual(heard[-1], {"checked": 1})  # a rejected file writes nothing

    def test_it_rejects_a_file_with_bad_rows_and_loads_nothing(self):
        good = f"{self.family_a.registry_id},,750000,2025-08-15,berhasil"
        path = self.write(
            good,
            ",,750000,2025-08-15,berhasil",
            f"{self.family_a2.registry_id},,750.000,2025-08-15,berhasil",
            f"{self.family_b.registry_id},,-5,15/08/2025,lunas",
            f"{self.exited.registry_id},12AB,100,2025-02-30,gagal",
            good,
        )
        out = self.tmp / "galat.csv"
        with self.assertRaisesMessage(CommandError, "tidak ada yang diimpor"):
            call_command(
                "import_disbursement", str(path), year=2025, stage=3, errors=str(out), verbosity=0
            )
        self.assertEqual(Disbursement.objects.count(), 0)
        self.assertEqual(DisbursementImport.objects.count(), 0)
        with open(out, encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        self.assertEqual(rows[0], ["baris", "kolom", "nilai", "pesan"])
        found = {(r[0], r[1], r[2]) for r in rows[1:]}
        self.assertEqual(
            found,
            {
                ("3", "id_keluarga", ""),
                ("4", "jumlah", "750.000"),
                ("5", "jumlah", "'-5"),  # a formula start, neutralised for a spreadsheet
                ("5", "status", "lunas"),
                ("6", "no_kks", "12AB"),
                ("6", "tanggal", "2025-02-30"),
            },
        )
        self.assertTrue(all(r[3] for r in rows[1:]), "every error says what is wrong")
        # The attempt is audited even though nothing was written.
        entry = AuditEntry.objects.get(action="benefits.disbursement.import")
        self.assertTrue(entry.details["rejected"])

    def test_a_day_first_date_imports_as_in_the_registry_file(self):
        path = self.write(
            f"{self.family_a.registry_id},,750000,15/08/2025,berhasil",
            f"{self.family_b.registry_id},,600000,20-10-2025,berhasil",
        )
        self.assertTrue(self.import_file(path).imported)
        paid = dict(Disbursement.objects.values_list("family_id", "paid_on"))
        self.assertEqual(
            paid, {self.family_a.pk: date(2025, 8, 15), self.family_b.pk: date(2025, 10, 20)}
        )

    def test_an_impossible_date_is_not_blamed_on_the_format(self):
        path = self.write(
            f"{self.family_a.registry_id},,750000,2025-02-30,berhasil",
            f"{self.family_b.registry_id},,600000,2025.08.15,berhasil",
        )
        result = self.import_file(path)
        self.assertEqual(
            [line[3] for line in result.error_lines],
            ["Tanggal 2025-02-30 tidak ada di kalender: bulan 2 tahun 2025 hanya sampai tanggal 28",
             "Tanggal harus ditulis YYYY-MM-DD, DD-MM-YYYY atau DD/MM/YYYY"],
        )  # fmt: skip

    def test_an_xlsx_workbook_imports_like_the_csv(self):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Status", "ID_Keluarga", "no_kks", "jumlah", "tanggal"])
        sheet.append(["berhasil", self.family_a.registry_id, None, 750000, datetime(2025, 8, 15)])
        sheet.append(["gagal", None, "5000111122223333", 225000, "16/08/2025"])
        path = self.tmp / "bank.xlsx"
        workbook.save(path)
        call_command("import_disbursement", str(path), year=2025, stage=3, verbosity=0)
        rows = Disbursement.objects.order_by("line").values_list(
            "line", "family_id", "amount", "paid_on", "status"
        )
        self.assertEqual(
            list(rows),
            [(2, self.family_a.pk, 750000, date(2025, 8, 15), "berhasil"),
             (3, self.kks_family.pk, 225000, date(2025, 8, 16), "gagal")],
        )  # fmt: skip

    def test_a_kks_number_typed_as_a_number_in_excel_is_refused_with_the_reason(self):
        workbook = Workbook()
        workbook.active.append(list(HEADER.split(",")))
        workbook.active.append([None, 5000111122223333, 225000, "2025-08-15", "berhasil"])
        path = self.tmp / "bank.xlsx"
        workbook.save(path)
        result = self.import_file(path)
        self.assertEqual([line[:2] for line in result.error_lines], [[2, "no_kks"]])
        self.assertIn("tersimpan sebagai bilangan di Excel", result.error_lines[0][3])

    def test_it_rejects_a_file_without_the_required_columns(self):
        path = self.write("KPM1,100,2025-08-15", header="id_keluarga,jumlah,tanggal")
        out = self.tmp / "galat.csv"
        with self.assertRaisesMessage(CommandError, "status"):
            call_command(
                "import_disbursement", str(path), year=2025, stage=3, errors=str(out), verbosity=0
            )
        rows = list(csv.reader(out.open(encoding="utf-8")))
        self.assertEqual(rows[1][0], "1")
        self.assertEqual(Disbursement.objects.count(), 0)

    def test_it_reads_a_semicolon_file_with_columns_in_any_order_and_a_bom(self):
        path = self.tmp / "excel.csv"
        path.write_text(
            "\ufeffSTATUS;Tanggal;Jumlah;ID_Keluarga;catatan\n"
            f"berhasil;2025-08-15;750000;{self.family_a.registry_id};ok\n",
            encoding="utf-8",
        )
        result = self.import_file(path)
        self.assertTrue(result.imported)
        self.assertEqual(Disbursement.objects.get().family, self.family_a)

    def test_a_kks_number_held_by_two_families_matches_neither(self):
        make_family(region_code=DESA_A, kks_number="7777")
        make_family(region_code=DESA_B, kks_number="7777")
        self.import_file(self.write(",7777,750000,2025-08-15,berhasil"))
        self.assertIsNone(Disbursement.objects.get().family)

    def test_reimporting_the_same_file_replaces_the_earlier_lines(self):
        self.import_file(self.full_file())
        self.import_file(self.full_file())
        self.assertEqual(DisbursementImport.objects.count(), 2)
        self.assertEqual(Disbursement.objects.count(), 9)
        latest = DisbursementImport.objects.order_by("-pk").first()
        self.assertEqual(set(Disbursement.objects.values_list("batch", flat=True)), {latest.pk})

    def test_a_later_file_replaces_only_the_families_it_names(self):
        self.import_file(self.full_file())
        result = self.import_file(
            self.write(f"{self.failed.registry_id},,300000,2025-09-01,berhasil", name="ulang.csv")
        )
        self.assertEqual(result.replaced, 1)
        self.assertEqual(Disbursement.objects.count(), 9)
        self.assertEqual(Disbursement.objects.get(family=self.failed).status, "berhasil")
        self.assertEqual(Disbursement.objects.get(family=self.family_a).amount, 750_000)

    def test_an_operator_cannot_load_payments_of_another_kabupaten(self):
        path = self.write(
            f"{self.family_a.registry_id},,750000,2025-08-15,berhasil",
            f"{self.metro_family.registry_id},,750000,2025-08-15,berhasil",
        )
        result = self.import_file(path, acting_user=self.operator, scope_prefix="1806")
        self.assertFalse(result.imported)
        self.assertEqual([r[:2] for r in result.error_lines], [[3, "id_keluarga"]])
        self.assertEqual(Disbursement.objects.count(), 0)

    def test_an_empty_file_is_a_file_problem(self):
        with self.assertRaises(FileProblem):
            self.import_file(self.write())


class ReconciliationTests(DisbursementCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

    def setUp(self):
        super().setUp()
        self.import_file(self.full_file(), acting_user=self.operator, scope_prefix="1806")

    def flagged(self, result, kind) -> set[str]:
        rows = result.rows[kind]
        if kind == Kind.UNPAID:
            return {e.family.registry_id for e in rows}
        return {line.family.registry_id if line.family else line.registry_id for line in rows}

    def test_every_kind_of_mismatch_is_flagged_exactly(self):
        result = reconcile(self.stage, user=self.admin_pusat)
        self.assertEqual(
            self.flagged(result, Kind.NOT_TARGETED),
            {self.exited.registry_id, self.no_entitle.registry_id, "TIDAKADA0001"},
        )
        self.assertEqual(self.flagged(result, Kind.WRONG_AMOUNT), {self.family_a2.registry_id})
        self.assertEqual(self.flagged(result, Kind.LATE), {self.family_b.registry_id})
        self.assertEqual(
            self.flagged(result, Kind.UNPAID),
            {self.unpaid.registry_id, self.failed.registry_id},
        )
        self.assertEqual(
            self.flagged(result, Kind.FAILED),
            {self.failed.registry_id, self.returned.registry_id},
        )
        self.assertEqual(
            result.counts,
            {Kind.NOT_TARGETED: 3, Kind.WRONG_AMOUNT: 1, Kind.LATE: 1, Kind.DOUBLE: 0,
             Kind.UNPAID: 2, Kind.FAILED: 2},
        )  # fmt: skip
        self.assertEqual(
            result.sums,
            {Kind.NOT_TARGETED: 1_550_000, Kind.WRONG_AMOUNT: 900_000, Kind.LATE: 600_000,
             Kind.DOUBLE: 0, Kind.UNPAID: 800_000, Kind.FAILED: 400_000},
        )  # fmt: skip
        self.assertEqual(result.correct_lines, 2)
        self.assertEqual(result.paid_lines, 7)
        self.assertEqual(result.paid_sum, 4_025_000)
        self.assertEqual(result.entitled_families, 7)
        self.assertEqual(result.entitled_sum, 4_125_000)

    def test_a_paid_retry_clears_belum_tersalur(self):
        self.import_file(
            self.write(f"{self.unpaid.registry_id},,500000,2025-09-01,berhasil", name="b.csv")
        )
        result = reconcile(self.stage, user=self.admin_pusat)
        self.assertEqual(self.flagged(result, Kind.UNPAID), {self.failed.registry_id})

    def test_another_stage_is_untouched(self):
        other = Stage.objects.get(year__year=2025, number=2)
        result = reconcile(other, user=self.admin_pusat)
        self.assertEqual(result.paid_lines, 0)
        self.assertEqual(sum(result.counts.values()), 0)

    def test_pendamping_b_sees_only_their_own_family(self):
        result = reconcile(self.stage, user=self.pendamping_b)
        self.assertEqual(result.paid_lines, 1)
        self.assertEqual(self.flagged(result, Kind.LATE), {self.family_b.registry_id})
        self.assertEqual(sum(result.counts.values()), 1)
        self.assertEqual(result.entitled_families, 1)

    def test_pendamping_a_does_not_see_family_b_or_unmatched_lines(self):
        result = reconcile(self.stage, user=self.pendamping_a)
        self.assertEqual(result.paid_lines, 1)
        self.assertEqual(result.correct_lines, 1)
        self.assertEqual(sum(result.counts.values()), 0)

    def test_unmatched_lines_are_seen_by_the_operator_of_the_uploaders_region_only(self):
        def unknown(user):
            return self.flagged(reconcile(self.stage, user=user), Kind.NOT_TARGETED)

        self.assertIn("TIDAKADA0001", unknown(self.operator))
        self.assertIn("TIDAKADA0001", unknown(self.admin_pusat))
        self.assertNotIn("TIDAKADA0001", unknown(self.korkab))
        self.assertNotIn("TIDAKADA0001", unknown(self.korcam_a))

    def test_a_user_without_a_role_sees_nothing(self):
        from harapan.testing import make_user

        result = reconcile(self.stage, user=make_user("tanpa_peran"))
        self.assertEqual((result.paid_lines, result.entitled_families), (0, 0))


class DoublePaymentTests(DisbursementCase):
    """Two successful payments to one family for one stage (DESIGN §10).

    | family     | entitled  | file                                   | kinds                   |
    |------------|-----------|----------------------------------------|-------------------------|
    | family_a   | 750,000   | 750,000 berhasil twice                 | ganda, tidak tepat jumlah (1,500,000 ≠ 750,000) |
    | kks_family | 225,000   | 100,000 + 125,000 berhasil             | ganda only (sum = 225,000) |
    | family_a2  | 1,000,000 | 1,000,000 gagal, then 1,000,000 berhasil | gagal/retur; the berhasil one is correct |
    | family_b   | 600,000   | 600,000 berhasil on time               | correct                 |
    """

    def setUp(self):
        super().setUp()
        self.import_file(self.double_file(), acting_user=self.operator, scope_prefix="1806")

    def test_two_successful_payments_are_a_double_payment_and_never_on_target(self):
        result = reconcile(self.stage, user=self.admin_pusat)
        double = result.rows[Kind.DOUBLE]
        self.assertEqual(
            sorted((line.family.registry_id, line.amount) for line in double),
            sorted([(self.family_a.registry_id, 750_000), (self.family_a.registry_id, 750_000),
                    (self.kks_family.registry_id, 100_000),
                    (self.kks_family.registry_id, 125_000)]),
        )  # fmt: skip
        # family_a: 750,000 + 750,000 = 1,500,000 against 750,000: both lines are
        # tidak tepat jumlah. kks_family: 100,000 + 125,000 = 225,000 = entitled.
        self.assertEqual(
            {line.family.registry_id for line in result.rows[Kind.WRONG_AMOUNT]},
            {self.family_a.registry_id},
        )
        self.assertEqual(
            result.counts,
            {Kind.NOT_TARGETED: 0, Kind.WRONG_AMOUNT: 2, Kind.LATE: 0, Kind.DOUBLE: 4,
             Kind.UNPAID: 3, Kind.FAILED: 1},
        )  # fmt: skip
        self.assertEqual(
            result.sums,
            {Kind.NOT_TARGETED: 0, Kind.WRONG_AMOUNT: 1_500_000, Kind.LATE: 0,
             Kind.DOUBLE: 1_725_000, Kind.UNPAID: 1_550_000, Kind.FAILED: 1_000_000},
        )  # fmt: skip
        # 2 + 2 + 1 + 1 successful lines; only family_a2's and family_b's are on target.
        self.assertEqual(result.paid_lines, 6)
        self.assertEqual(result.paid_sum, 3_325_000)
        self.assertEqual(result.correct_lines, 2)
