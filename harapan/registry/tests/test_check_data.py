"""`harapan check_data`: each finding code finds exactly the planted rows (DESIGN §12)."""

import csv
import tempfile
from collections import defaultdict
from datetime import date
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from harapan.audit.models import AuditEntry
from harapan.registry import checks
from harapan.registry.checks import run_checks
from harapan.testing import DESA_A, DESA_B, KEC_A, KEC_B, METRO_DESA, make_family, make_nik

ON = date(2025, 7, 1)
HEAD = {"relation": "kepala_keluarga"}


def member(born: date, sex: str = "L", kecamatan: str = KEC_A, **kwargs) -> dict:
    """Member kwargs with a correct NIK (registered in `kecamatan`)."""
    return {"birth_date": born, "sex": sex, "nik": make_nik(kecamatan, born, sex), **kwargs}


def build_clean_registry() -> None:
    """Several plausible families that must produce no finding at all."""
    make_family(
        region_code=DESA_A,
        members=[
            HEAD,
            member(date(1988, 11, 3), "P", relation="istri", pregnant=True),
            member(date(2016, 2, 10), relation="anak", school_level="sd"),
            member(date(2012, 8, 20), "P", relation="anak", school_level="smp"),
            member(date(2003, 7, 2), relation="anak", school_level="sma"),  # 21, the last year
            member(date(2019, 7, 1), "P", relation="anak", school_level="sd"),  # 6 on the day
            member(date(2022, 1, 5), relation="anak", school_level="belum_sekolah"),
            # Registered in another kecamatan before moving in: normal (DESIGN §3).
            member(date(1999, 12, 31), "P", KEC_B, relation="menantu", school_level="lulus"),
        ],
    )
    make_family(
        region_code=DESA_B,
        members=[
            member(date(1950, 12, 31), "P", KEC_B, relation="kepala_keluarga"),  # an elder
            member(date(2001, 1, 1), "P", KEC_B, relation="cucu", school_level="tidak_sekolah"),
            member(date(1970, 7, 1), "P", KEC_B, relation="famili_lain", pregnant=True),  # 55
            member(date(1995, 4, 30), "L", KEC_B, relation="anak", severe_disability=True),
        ],
    )
    make_family(
        region_code=METRO_DESA,
        members=[
            member(date(1975, 3, 9), "L", "187201", relation="kepala_keluarga"),
            # Deceased but earning nothing were they alive: not a finding.
            member(
                date(1970, 1, 1),
                "L",
                "187201",
                relation="orang_tua",
                alive=False,
                died_on=date(2024, 3, 1),
            ),
        ],
    )
    # An exited family is history: its faults (no head, a NIK shared with an
    # active family, a deceased elder) are not reported.
    shared = make_family(region_code=DESA_A).members.get()
    make_family(
        region_code=DESA_A,
        status="keluar",
        exit_reason="ganda",
        members=[
            {"birth_date": shared.birth_date, "sex": shared.sex, "nik": shared.nik},
            member(date(1940, 1, 1), relation="orang_tua", alive=False),
        ],
    )


def by_code(findings) -> dict[str, set[tuple[str, str]]]:
    found = defaultdict(set)
    for finding in findings:
        found[finding.code].add((finding.registry_id, finding.nik))
    return dict(found)


class CleanRegistryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_clean_registry()

    def test_a_clean_registry_has_no_finding(self):
        self.assertEqual(list(run_checks(None, ON)), [])

    def test_the_command_writes_only_the_header(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "temuan.csv"
            call_command("check_data", "--out", str(out), "--date", "2025-07-01", verbosity=0)
            self.assertEqual(out.read_bytes(), b"kode,id_keluarga,nik,pesan\r\n")

    def test_a_malformed_nik_is_reported_not_fatal(self):
        # Import rejects these, but the checks must not break on one (no casts in SQL).
        family = make_family(
            members=[{"relation": "kepala_keluarga", "nik": "18O60117058"}]
        ).registry_id
        codes = {f.code for f in run_checks(None, ON) if f.registry_id == family}
        self.assertEqual(codes, {"NIK_TGL_LAHIR", "NIK_WILAYAH"})

    def test_the_date_decides_ages(self):
        # A day later the SMA pupil born 2 July 2003 is 22; a day earlier the SD
        # pupil born 1 July 2019 is still 5.
        later = list(run_checks(None, date(2025, 7, 2)))
        earlier = list(run_checks(None, date(2025, 6, 30)))
        self.assertEqual(
            [(f.code, f.message) for f in later],
            [("USIA_KOMPONEN", "Jenjang sma tercatat pada usia 22 tahun (seharusnya 6–21)")],
        )
        self.assertEqual(
            [(f.code, f.message) for f in earlier],
            [("USIA_KOMPONEN", "Jenjang sd tercatat pada usia 5 tahun (seharusnya 6–21)")],
        )


class PlantedRegistry(TestCase):
    """The clean registry plus each problem planted, in families named after it."""

    @classmethod
    def setUpTestData(cls):
        build_clean_registry()

        # NIK_DUPLIKAT: N1 in Kecamatan A and B, N2 in Kecamatan A and Kota Metro.
        cls.n1 = make_nik(KEC_A, date(2010, 1, 1), "L")
        cls.n2 = make_nik(KEC_A, date(2012, 3, 4), "P")
        n1 = {"nik": cls.n1, "birth_date": date(2010, 1, 1), "school_level": "smp"}
        n2 = {"nik": cls.n2, "birth_date": date(2012, 3, 4), "sex": "P", "school_level": "smp"}
        cls.dup_a = make_family(region_code=DESA_A, members=[HEAD, n1, n2]).registry_id
        cls.dup_b = make_family(region_code=DESA_B, members=[HEAD, n1]).registry_id
        cls.dup_metro = make_family(region_code=METRO_DESA, members=[HEAD, n2]).registry_id

        # NIK_TGL_LAHIR, by day, by day of a woman's NIK, and by year.
        cls.tgl = make_family(
            region_code=DESA_A,
            members=[
                {
                    "relation": "kepala_keluarga",
                    "birth_date": date(1985, 5, 18),
                    "nik": "1806011705859901",
                },
                {
                    "sex": "P",
                    "relation": "istri",
                    "birth_date": date(1990, 5, 18),
                    "nik": "1806015705909902",
                },
                {"relation": "anak", "birth_date": date(2005, 5, 17), "nik": "1806011705959903"},
            ],
        ).registry_id

        # NIK_JENIS_KELAMIN: a woman's day for a man, a man's day for a woman.
        cls.sex = make_family(
            region_code=DESA_A,
            members=[
                {
                    "relation": "kepala_keluarga",
                    "birth_date": date(1980, 2, 3),
                    "nik": "1806014302809904",
                },
                {
                    "sex": "P",
                    "relation": "istri",
                    "birth_date": date(1982, 6, 7),
                    "nik": "1806010706829905",
                },
            ],
        ).registry_id

        # NIK_WILAYAH: an unknown province, and a kabupaten code with no kecamatan.
        cls.wil = make_family(
            region_code=DESA_B,
            members=[
                {
                    "relation": "kepala_keluarga",
                    "birth_date": date(1970, 10, 10),
                    "nik": "1899011010709906",
                },
                {
                    "sex": "P",
                    "relation": "istri",
                    "birth_date": date(1972, 1, 20),
                    "nik": "1806006001729907",
                },
            ],
        ).registry_id

        # USIA_KOMPONEN.
        cls.age = make_family(
            region_code=DESA_A,
            members=[
                member(date(1980, 1, 1), relation="kepala_keluarga", pregnant=True),
                member(date(1969, 7, 1), "P", relation="istri", pregnant=True),  # 56
                member(date(2016, 1, 1), "P", relation="anak", school_level="sd", pregnant=True),
                member(date(2020, 1, 1), relation="anak", school_level="sd"),  # 5
                member(date(2003, 7, 1), relation="anak", school_level="sma"),  # 22 on the day
                # Deceased: their stale school level is not reported.
                member(date(1995, 1, 1), relation="anak", school_level="sd", alive=False),
            ],
        )

        # KEPALA_KELUARGA: none, and two.
        cls.no_head = make_family(
            region_code=DESA_B,
            members=[
                member(date(1990, 1, 1), "P", KEC_B, relation="istri"),
                member(date(2015, 1, 1), "L", KEC_B, relation="anak"),
            ],
        ).registry_id
        cls.two_heads = make_family(region_code=DESA_A, members=[HEAD, HEAD]).registry_id

        # MENINGGAL_MENERIMA: a deceased elder and a deceased SD pupil.
        cls.dead = make_family(
            region_code=DESA_A,
            members=[
                HEAD,
                member(
                    date(1940, 1, 1), relation="orang_tua", alive=False, died_on=date(2025, 1, 10)
                ),
                member(date(2015, 5, 5), relation="anak", school_level="sd", alive=False),
            ],
        )


class PlantedProblemTests(PlantedRegistry):
    def found(self, region=None):
        return by_code(run_checks(region, ON))

    def messages(self, code):
        return {f.nik: f.message for f in run_checks(None, ON) if f.code == code}

    def test_it_finds_only_the_planted_codes(self):
        self.assertEqual(sorted(self.found()), sorted(checks.CHECKS))

    def test_it_lists_every_member_row_of_a_duplicated_nik(self):
        self.assertEqual(
            self.found()["NIK_DUPLIKAT"],
            {
                (self.dup_a, self.n1),
                (self.dup_b, self.n1),
                (self.dup_a, self.n2),
                (self.dup_metro, self.n2),
            },
        )
        self.assertEqual(
            {f.message for f in run_checks("1872", ON) if f.code == "NIK_DUPLIKAT"},
            {f"NIK yang sama tercatat di keluarga {self.dup_a}"},
        )

    def test_a_duplicate_in_another_kabupaten_is_still_a_duplicate(self):
        self.assertEqual(
            self.found("18.06")["NIK_DUPLIKAT"],
            {(self.dup_a, self.n1), (self.dup_b, self.n1), (self.dup_a, self.n2)},
        )

    def test_it_compares_the_nik_date_less_forty_with_the_birth_date(self):
        self.assertEqual(
            self.messages("NIK_TGL_LAHIR"),
            {
                "1806011705859901": "NIK menyatakan 17-05-85, tanggal lahir 18-05-1985",
                "1806015705909902": "NIK menyatakan 17-05-90, tanggal lahir 18-05-1990",
                "1806011705959903": "NIK menyatakan 17-05-95, tanggal lahir 17-05-2005",
            },
        )
        self.assertEqual({rid for rid, _ in self.found()["NIK_TGL_LAHIR"]}, {self.tgl})

    def test_it_checks_the_nik_day_against_the_sex(self):
        self.assertEqual(
            self.found()["NIK_JENIS_KELAMIN"],
            {(self.sex, "1806014302809904"), (self.sex, "1806010706829905")},
        )

    def test_it_flags_a_nik_region_that_is_no_known_kecamatan(self):
        self.assertEqual(
            self.found()["NIK_WILAYAH"],
            {(self.wil, "1899011010709906"), (self.wil, "1806006001729907")},
        )

    def test_it_flags_school_levels_and_pregnancies_at_implausible_ages(self):
        living = self.age.members.filter(alive=True).exclude(birth_date=date(1980, 1, 1))
        expected = {(self.age.registry_id, m.nik) for m in self.age.members.filter(alive=True)}
        self.assertEqual(self.found()["USIA_KOMPONEN"], expected)
        messages = self.messages("USIA_KOMPONEN")
        by_birth = {m.birth_date: messages[m.nik] for m in living}
        self.assertEqual(
            by_birth[date(2020, 1, 1)], "Jenjang sd tercatat pada usia 5 tahun (seharusnya 6–21)"
        )
        self.assertEqual(
            by_birth[date(2003, 7, 1)], "Jenjang sma tercatat pada usia 22 tahun (seharusnya 6–21)"
        )
        self.assertEqual(
            by_birth[date(1969, 7, 1)], "Hamil/nifas tercatat pada usia 56 tahun (wajar 10–55)"
        )
        self.assertEqual(
            by_birth[date(2016, 1, 1)], "Hamil/nifas tercatat pada usia 9 tahun (wajar 10–55)"
        )
        head = self.age.members.get(relation="kepala_keluarga")
        self.assertEqual(messages[head.nik], "Hamil/nifas tercatat untuk laki-laki")

    def test_it_flags_a_family_without_a_head_or_with_several(self):
        findings = [f for f in run_checks(None, ON) if f.code == "KEPALA_KELUARGA"]
        self.assertEqual(
            [tuple(f) for f in findings],
            sorted(
                [
                    (
                        "KEPALA_KELUARGA",
                        self.no_head,
                        "",
                        "Keluarga tidak memiliki kepala keluarga",
                    ),
                    (
                        "KEPALA_KELUARGA",
                        self.two_heads,
                        "",
                        "Keluarga memiliki 2 kepala keluarga (seharusnya 1)",
                    ),
                ]
            ),
        )

    def test_it_flags_deceased_members_who_would_still_earn_a_component(self):
        dead = {m.birth_date: m.nik for m in self.dead.members.filter(alive=False)}
        self.assertEqual(
            self.found()["MENINGGAL_MENERIMA"],
            {(self.dead.registry_id, nik) for nik in dead.values()},
        )
        messages = self.messages("MENINGGAL_MENERIMA")
        self.assertEqual(
            messages[dead[date(1940, 1, 1)]],
            "ART tercatat meninggal (10-01-2025) tetapi datanya masih memenuhi komponen "
            "lansia pada 01-07-2025",
        )
        self.assertIn("komponen sd pada", messages[dead[date(2015, 5, 5)]])

    def test_the_region_limits_the_scan(self):
        findings = list(run_checks("18.06.01", ON))
        self.assertTrue(findings)
        ids = {f.registry_id for f in findings}
        self.assertNotIn(self.dup_b, ids)
        self.assertNotIn(self.wil, ids)
        self.assertNotIn(self.dup_metro, ids)
        self.assertEqual(
            self.found("180601")["NIK_DUPLIKAT"], {(self.dup_a, self.n1), (self.dup_a, self.n2)}
        )
        self.assertEqual(self.found("1872"), {"NIK_DUPLIKAT": {(self.dup_metro, self.n2)}})

    def test_it_runs_one_query_per_check(self):
        # Set-based: the count does not grow with the number of families.
        with self.assertNumQueries(len(checks.CHECKS)):
            list(run_checks(None, ON))


class CommandTests(PlantedRegistry):
    def run_command(self, *args):
        out = Path(self.tmp.name) / "temuan.csv"
        call_command("check_data", "--out", str(out), *args, stdout=self.stdout)
        return out

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.stdout = StringIO()

    def test_it_writes_the_contract_csv(self):
        out = self.run_command("--region", "18.06", "--date", "2025-07-01")
        text = out.read_bytes().decode("utf-8")
        self.assertTrue(text.startswith("kode,id_keluarga,nik,pesan\r\n"))
        rows = list(csv.reader(text.splitlines()))
        self.assertEqual(rows[0], ["kode", "id_keluarga", "nik", "pesan"])
        self.assertEqual(rows[1:], [list(f) for f in run_checks("1806", ON)])
        self.assertEqual(rows[1][0], "NIK_DUPLIKAT")
        self.assertIn("NIK_DUPLIKAT: 3 temuan", self.stdout.getvalue())
        self.assertIn("JUMLAH", self.stdout.getvalue())

    def test_it_accepts_an_undotted_region_and_records_an_audit_entry(self):
        out = self.run_command("--region", "1806", "--date", "2025-07-01")
        entry = AuditEntry.objects.get(action="registry.check_data")
        self.assertEqual(entry.region_code, "1806")
        rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))[1:]
        self.assertEqual(entry.details["total"], len(rows))
        self.assertEqual(entry.details["counts"]["NIK_DUPLIKAT"], 3)
        self.assertEqual(entry.details["date"], "2025-07-01")

    def test_an_unknown_region_is_refused(self):
        with self.assertRaisesMessage(CommandError, "Wilayah 99.99 tidak ditemukan"):
            self.run_command("--region", "99.99")
        self.assertFalse((Path(self.tmp.name) / "temuan.csv").exists())

    def test_an_invalid_region_code_is_refused(self):
        with self.assertRaisesMessage(CommandError, "Kode wilayah tidak sah"):
            self.run_command("--region", "18.6")

    def test_an_invalid_date_is_refused(self):
        with self.assertRaisesMessage(CommandError, "Tanggal tidak sah"):
            self.run_command("--date", "31-12-2025")
