"""GSM targets and progress, roll-ups and the year's exits by kind on a small known example."""

from datetime import date

from harapan.accounts.roles import Role
from harapan.graduation import targets
from harapan.graduation.models import Target
from harapan.registry.models import Family, FamilyStatus
from harapan.testing import DESA_A, DESA_B, METRO_DESA, PersonaTestCase, make_family, make_user

Y = 2025


def exited(reason: str, on: date, **kwargs) -> Family:
    return make_family(status=FamilyStatus.EXITED, exit_reason=reason, exit_date=on, **kwargs)


class TargetExample(PersonaTestCase):
    """Kec A: pendamping_a (3 GSM this year, 1 last year, 1 alamiah), pendamping_a2 (none).
    Kec B: pendamping_b (2 GSM) with a regional target of 5 against the national 12.
    Kota Metro: one GSM without a pendamping; plus a paksa and a deceased exit in A."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Target.objects.create(region_code="", year=Y, per_pendamping=12)
        Target.objects.create(region_code="180602", year=Y, per_pendamping=5)
        Target.objects.create(region_code="", year=Y - 1, per_pendamping=20)
        a, a2, b = cls.pendamping_a, cls.pendamping_a2, cls.pendamping_b
        for day in (date(Y, 1, 1), date(Y, 6, 15), date(Y, 12, 31)):
            exited("sejahtera_mandiri", day, region_code=DESA_A, pendamping=a)
        exited("sejahtera_mandiri", date(Y - 1, 12, 31), region_code=DESA_A, pendamping=a)
        exited("alamiah", date(Y, 3, 1), region_code=DESA_A, pendamping=a)
        exited("sejahtera_mandiri", date(Y, 2, 1), region_code=DESA_B, pendamping=b)
        exited("sejahtera_mandiri", date(Y, 4, 1), region_code=DESA_B, pendamping=b)
        exited("sejahtera_mandiri", date(Y, 5, 1), region_code=METRO_DESA)
        exited("paksa", date(Y, 7, 1), region_code=DESA_A, pendamping=a)
        exited("meninggal", date(Y, 8, 1), region_code=DESA_A, pendamping=a2)
        exited("alamiah", date(Y + 1, 1, 1), region_code=DESA_A, pendamping=a)


class TargetFigureTests(TargetExample):
    def test_target_for_takes_the_longest_prefix_of_the_year(self):
        self.assertEqual(targets.target_for("180601", Y), 12)
        self.assertEqual(targets.target_for("180602", Y), 5)
        self.assertEqual(targets.target_for("1806022001", Y), 5)
        self.assertEqual(targets.target_for("180602", Y - 1), 20)
        self.assertEqual(targets.target_for("180602", 2019), 10)
        self.assertEqual(targets.target_for("", 2019), 10)
        self.assertEqual(targets.target_for(None, Y), 12)

    def test_progress_per_pendamping(self):
        rows = targets.progress(Y, targets.pendamping_in_scope(self.korkab),
                                Family.objects.visible_to(self.korkab))  # fmt: skip
        got = {r.code: (r.achieved, r.target, r.share) for r in rows}
        self.assertEqual(got, {
            "pendamping_a": (3, 12, 25.0),
            "pendamping_a2": (0, 12, 0.0),
            "pendamping_b": (2, 5, 40.0),
        })  # fmt: skip

    def test_last_year_counts_only_last_year(self):
        rows = targets.progress(Y - 1, targets.pendamping_in_scope(self.admin_pusat))
        got = {r.code: (r.achieved, r.target) for r in rows}
        self.assertEqual(got["pendamping_a"], (1, 20))
        self.assertEqual(got["pendamping_b"], (0, 20))

    def test_kecamatan_rollup(self):
        roll = targets.rollup(Y, targets.KECAMATAN, self.korkab)
        got = [(r.code, r.label, r.pendamping, r.target, r.achieved) for r in roll.rows]
        self.assertEqual(got, [("180601", "Kota Agung", 2, 24, 3),
                               ("180602", "Talang Padang", 1, 5, 2)])  # fmt: skip
        total = roll.total
        self.assertEqual((total.pendamping, total.target, total.achieved), (3, 29, 5))
        self.assertAlmostEqual(total.share, 500 / 29)

    def test_kabupaten_rollup_nationally(self):
        roll = targets.rollup(Y, targets.KABUPATEN, self.admin_pusat)
        got = [(r.code, r.pendamping, r.target, r.achieved, r.share) for r in roll.rows]
        self.assertEqual(got, [("1806", 3, 29, 5, 500 / 29), ("1872", 0, 0, 1, None)])
        self.assertEqual((roll.total.target, roll.total.achieved), (29, 6))

    def test_annual_totals_by_kind(self):
        totals = targets.annual_totals(Y, Family.objects.visible_to(self.admin_pusat))
        counts = {k.kind: k.count for k in totals.kinds}
        self.assertEqual(counts, {"alamiah": 1, "sejahtera_mandiri": 6, "paksa": 1,
                                  "meninggal": 1, "pindah": 0, "ganda": 0,
                                  "tidak_ditemukan": 0, "menolak": 0})  # fmt: skip
        self.assertEqual((totals.graduations, totals.data_exits, totals.total), (8, 1, 9))
        self.assertEqual(totals.mandiri_share, 75.0)
        self.assertEqual(totals.alamiah_share, 12.5)
        self.assertEqual(totals.paksa_share, 12.5)

    def test_annual_totals_reproduce_the_2020_national_split(self):
        totals = targets.AnnualTotals(Y, [
            targets.KindCount("alamiah", "", 837_531, True),
            targets.KindCount("sejahtera_mandiri", "", 341_773, True),
        ])  # fmt: skip
        self.assertEqual(totals.graduations, 1_179_304)
        self.assertAlmostEqual(totals.mandiri_share, 28.98, places=2)

    def test_annual_totals_of_an_empty_year_are_zero(self):
        totals = targets.annual_totals(2010, Family.objects.all())
        self.assertEqual((totals.total, totals.mandiri_share), (0, None))
        self.assertEqual(len(totals.kinds), 8)


class ScopeTests(TargetExample):
    def test_a_pendamping_follows_only_themself(self):
        rows = targets.progress(Y, targets.pendamping_in_scope(self.pendamping_b),
                                Family.objects.visible_to(self.pendamping_b))  # fmt: skip
        self.assertEqual([(r.code, r.achieved, r.target) for r in rows], [("pendamping_b", 2, 5)])
        roll = targets.rollup(Y, targets.KECAMATAN, self.pendamping_b)
        self.assertEqual([(r.code, r.pendamping, r.target, r.achieved) for r in roll.rows],
                         [("180602", 1, 5, 2)])  # fmt: skip

    def test_a_korcam_follows_their_kecamatan(self):
        codes = {r.code for r in targets.progress(Y, targets.pendamping_in_scope(self.korcam_a))}
        self.assertEqual(codes, {"pendamping_a", "pendamping_a2"})
        roll = targets.rollup(Y, targets.KABUPATEN, self.korcam_a)
        self.assertEqual([(r.code, r.pendamping, r.target, r.achieved) for r in roll.rows],
                         [("1806", 2, 24, 3)])  # fmt: skip
        totals = targets.annual_totals(Y, Family.objects.visible_to(self.korcam_a))
        self.assertEqual((totals.mandiri, totals.graduations, totals.total), (3, 5, 6))

    def test_a_user_without_a_role_follows_nobody(self):
        nobody = make_user("tanpa_peran")
        self.assertFalse(targets.pendamping_in_scope(nobody).exists())
        self.assertEqual(targets.rollup(Y, targets.KECAMATAN, nobody).rows, [])
        self.assertEqual(targets.home_progress(nobody, Y), {})

    def test_a_coordinator_without_a_region_follows_nobody(self):
        lost = make_user("korkab_tanpa_wilayah", Role.KORKAB)
        self.assertFalse(targets.pendamping_in_scope(lost).exists())

    def test_home_progress(self):
        mine = targets.home_progress(self.pendamping_a, Y)
        self.assertEqual((mine["own"], mine["achieved"], mine["target"], mine["share"]),
                         (True, 3, 12, 25.0))  # fmt: skip
        region = targets.home_progress(self.korkab, Y)
        self.assertEqual((region["own"], region["achieved"], region["target"],
                          region["pendamping"]), (False, 5, 29, 3))  # fmt: skip

    def test_home_progress_in_a_fixed_number_of_queries(self):
        # A pendamping's own row needs no look-up of the pendamping (the home page is light).
        with self.assertNumQueries(2):
            targets.home_progress(self.pendamping_a, Y)
        with self.assertNumQueries(3):
            targets.home_progress(self.korkab, Y)
