"""The month's verification figures per pendamping, desa and kecamatan, against a hand count."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harapan.compliance import monitoring
from harapan.compliance.models import Source, Verification
from harapan.registry.models import Member
from harapan.testing import DESA_A, DESA_B, METRO_DESA, PersonaTestCase, make_family, make_member

MONTH = date(2026, 9, 1)
DESA_A2 = "1806012002"  # a second desa of Kecamatan A


def pupil(family, level="sd", **kwargs):
    born = {"sd": date(2016, 3, 1), "smp": date(2012, 3, 1)}[level]
    return make_member(family, birth_date=born, school_level=level, **kwargs)


def toddler(family):
    return make_member(family, birth_date=date(2023, 1, 1))


def expectant(family):
    return make_member(family, sex="P", birth_date=date(1995, 1, 1), pregnant=True,
                       relation="istri")  # fmt: skip


def elder(family):
    return make_member(family, birth_date=date(1950, 1, 1), relation="orang_tua")


def verify(member, commitment, result, month=MONTH):
    Verification.objects.create(
        member=member, region_code=member.region_code, commitment=commitment, month=month,
        result=result, reason="sakit" if result == "dikecualikan" else "",
        source=Source.FORM, recorded_at=timezone.now(),
    )  # fmt: skip


class MonthFixture(PersonaTestCase):
    """Ten owed commitments in September 2026, counted by hand:

    | family | pendamping | desa | owed: record |
    |---|---|---|---|
    | family_a | a | DESA_A | sd patuh, aud tidak_patuh, ibu_hamil none (August only) |
    | family_a3 | a | DESA_A2 | sd patuh, aud none (a record for another commitment) |
    | family_a2 | a2 | DESA_A | smp dikecualikan, lansia patuh |
    | family_b | b | DESA_B | sd tidak_patuh, aud tidak_patuh |
    | metro_family | — | METRO | lansia patuh |

    Not owed: a pupil of an exited family and a dead toddler.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family_a3 = make_family(region_code=DESA_A2, pendamping=cls.pendamping_a)
        verify(pupil(cls.family_a), "sd", "patuh")
        verify(toddler(cls.family_a), "anak_usia_dini", "tidak_patuh")
        cls.mother = expectant(cls.family_a)
        verify(cls.mother, "ibu_hamil", "patuh", month=date(2026, 8, 1))
        verify(pupil(cls.family_a3), "sd", "patuh")
        cls.toddler_a3 = toddler(cls.family_a3)
        verify(cls.toddler_a3, "sd", "patuh")
        verify(pupil(cls.family_a2, "smp"), "smp", "dikecualikan")
        verify(elder(cls.family_a2), "lansia", "patuh")
        verify(pupil(cls.family_b), "sd", "tidak_patuh")
        verify(toddler(cls.family_b), "anak_usia_dini", "tidak_patuh")
        verify(elder(cls.metro_family), "lansia", "patuh")
        exited = make_family(region_code=DESA_A, pendamping=cls.pendamping_a, status="keluar")
        verify(pupil(exited), "sd", "tidak_patuh")
        dead = toddler(cls.family_a)
        dead.alive = False
        dead.save()

    def figures(self, grouping, user=None):
        members = Member.objects.all() if user is None else Member.objects.visible_to(user)
        rows = monitoring.figures_by(MONTH, members, grouping)
        return {
            row.key: (row.owed, row.verified, row.compliant, row.non_compliant, row.excused)
            for row in rows
        }


class FiguresTest(MonthFixture):
    def test_it_counts_per_pendamping(self):
        assert self.figures(monitoring.PENDAMPING) == {
            self.pendamping_a.pk: (5, 3, 2, 1, 0),
            self.pendamping_a2.pk: (2, 2, 1, 0, 1),
            self.pendamping_b.pk: (2, 2, 0, 2, 0),
            None: (1, 1, 1, 0, 0),
        }

    def test_it_counts_per_desa(self):
        assert self.figures(monitoring.DESA) == {
            DESA_A: (5, 4, 2, 1, 1),
            DESA_A2: (2, 1, 1, 0, 0),
            DESA_B: (2, 2, 0, 2, 0),
            METRO_DESA: (1, 1, 1, 0, 0),
        }

    def test_it_counts_per_kecamatan(self):
        assert self.figures(monitoring.KECAMATAN) == {
            "180601": (7, 5, 3, 1, 1),
            "180602": (2, 2, 0, 2, 0),
            "187201": (1, 1, 1, 0, 0),
        }

    def test_shares_and_rates_leave_excused_records_out_of_compliance(self):
        rows = monitoring.figures_by(MONTH, Member.objects.all(), monitoring.KECAMATAN)
        kec_a = next(row for row in rows if row.key == "180601")
        assert kec_a.share_verified == 100 * 5 / 7
        assert kec_a.compliance_rate == 75.0
        assert kec_a.missing == 2
        whole = monitoring.total(rows)
        assert (whole.owed, whole.verified, whole.compliant, whole.non_compliant) == (10, 8, 4, 3)
        assert whole.excused == 1
        assert whole.share_verified == 80.0
        assert whole.compliance_rate == 100 * 4 / 7

    def test_a_group_with_only_excused_records_has_no_compliance_rate(self):
        only_excused = monitoring.Figures(key="x", owed=2, verified=1, excused=1)
        assert only_excused.compliance_rate is None
        assert only_excused.share_verified == 50.0
        assert monitoring.Figures(key="y").share_verified is None

    def test_it_counts_only_the_scoped_members(self):
        assert self.figures(monitoring.DESA, self.pendamping_a) == {
            DESA_A: (3, 2, 1, 1, 0),
            DESA_A2: (2, 1, 1, 0, 0),
        }
        assert self.figures(monitoring.KECAMATAN, self.korcam_a) == {"180601": (7, 5, 3, 1, 1)}
        assert self.figures(monitoring.PENDAMPING, self.pendamping_b) == {
            self.pendamping_b.pk: (2, 2, 0, 2, 0)
        }

    def test_a_month_with_no_records_owes_everything(self):
        rows = monitoring.figures_by(date(2026, 7, 1), Member.objects.all(), monitoring.KECAMATAN)
        whole = monitoring.total(rows)
        assert (whole.owed, whole.verified, whole.compliance_rate) == (10, 0, None)

    def test_it_counts_in_one_query_whatever_the_grouping(self):
        for grouping in monitoring.GROUPINGS:
            with CaptureQueriesContext(connection) as queries:
                monitoring.figures_by(MONTH, Member.objects.all(), grouping)
            counting = [q for q in queries if "compliance_verification" in q["sql"]]
            # The others read the year's eligibility rules.
            assert len(counting) == 1 and len(queries) <= 3, grouping


class MissingTest(MonthFixture):
    def missing(self, user=None, month=MONTH):
        members = Member.objects.all() if user is None else Member.objects.visible_to(user)
        return {(m.pk, m.commitment) for m in monitoring.missing(month, members)}

    def test_it_lists_owed_commitments_with_no_record_of_that_commitment(self):
        assert self.missing() == {
            (self.mother.pk, "ibu_hamil"),
            (self.toddler_a3.pk, "anak_usia_dini"),
        }

    def test_it_lists_only_the_scoped_members(self):
        assert self.missing(self.pendamping_b) == set()
        assert self.missing(self.pendamping_a2) == set()
        assert self.missing(self.korcam_a) == self.missing(self.pendamping_a)
        assert len(self.missing(self.pendamping_a)) == 2

    def test_its_count_agrees_with_the_figures(self):
        rows = monitoring.figures_by(MONTH, Member.objects.all(), monitoring.DESA)
        assert monitoring.total(rows).missing == len(self.missing())
