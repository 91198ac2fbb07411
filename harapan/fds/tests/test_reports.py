"""The P2K2 figures: module coverage per region and meetings per pendamping (DESIGN §6)."""

from datetime import date

import pytest

from harapan.fds import actions, reports
from harapan.fds.actions import Mark
from harapan.fds.models import Group, Meeting, Module, Session
from harapan.registry.models import Family, FamilyStatus
from harapan.testing import DESA_A, DESA_B, KEC_A, KEC_B, METRO_DESA, PersonaTestCase, make_family

MARCH = date(2025, 3, 1)


class ReportFixture(PersonaTestCase):
    """Two desa, two groups, five months of meetings.

    Desa A, group Melati (pendamping_a): family_a, f2, f3, f4 and f5; S1–S5
    held monthly from January. f3 missed S3 without leave, f4 was excused
    at S2; f5 attended everything but has since left the programme. So of
    the four active families, family_a and f2 completed module 1 (S1–S4);
    nobody completed module 2 (only S5 was taught). family_a2 lives in desa
    A too but is in no group.

    Desa B, group Mawar (pendamping_b): family_b and fb2, S1–S3 all present.

    March, besides the held S3 meetings: Melati has one meeting cancelled
    and one still planned.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        more = [make_family(region_code=DESA_A, pendamping=cls.pendamping_a) for _ in range(4)]
        cls.melati_families = [cls.family_a, *more]
        cls.f3, cls.f4, cls.f5 = more[1], more[2], more[3]
        cls.fb2 = make_family(region_code=DESA_B, pendamping=cls.pendamping_b)
        cls.melati = cls.make_group("Melati", DESA_A, cls.pendamping_a, cls.melati_families)
        cls.mawar = cls.make_group("Mawar", DESA_B, cls.pendamping_b, [cls.family_b, cls.fb2])
        cls.hold(cls.melati, date(2025, 1, 10), 1)
        cls.hold(cls.melati, date(2025, 2, 10), 2, {cls.f4.pk: "izin"})
        cls.hold(cls.melati, date(2025, 3, 10), 3, {cls.f3.pk: "absen"})
        cls.hold(cls.melati, date(2025, 4, 10), 4)
        cls.hold(cls.melati, date(2025, 5, 10), 5)
        for n, day in enumerate([date(2025, 1, 12), date(2025, 2, 12), date(2025, 3, 12)]):
            cls.hold(cls.mawar, day, n + 1)
        cancelled, _planned = actions.plan_meetings(
            cls.melati, [date(2025, 3, 20), date(2025, 3, 27)], acting_user=cls.pendamping_a
        )
        actions.cancel_meeting(cancelled, "Banjir", acting_user=cls.pendamping_a)
        Family.objects.filter(pk=cls.f5.pk).update(status=FamilyStatus.EXITED)

    @classmethod
    def make_group(cls, name, desa, pendamping, families) -> Group:
        group = actions.save_group(
            Group(name=name, region_code=desa, pendamping=pendamping), acting_user=pendamping
        )
        for family in families:
            actions.assign_family(group, family, on=date(2025, 1, 1), acting_user=pendamping)
        return group

    @classmethod
    def hold(cls, group, day, session_number, presence_by_family=None) -> Meeting:
        presence_by_family = presence_by_family or {}
        [meeting] = actions.plan_meetings(group, [day], acting_user=group.pendamping)
        marks = [Mark(f.pk, presence_by_family.get(f.pk, "hadir"), "Ibu")
                 for f in actions.members_on(group, day)]  # fmt: skip
        return actions.record_meeting(
            meeting, held_on=day, place="Balai desa",
            session=Session.objects.get(number=session_number), facilitator=group.pendamping,
            notes="", marks=marks, acting_user=group.pendamping,
        )  # fmt: skip


def figures(coverage: reports.Coverage) -> dict:
    """{region code: (active families, [completed per module, …])}, modules in curriculum order."""
    return {
        row.code: (row.families, [share.completed for share in row.shares]) for row in coverage.rows
    }


def active_families(user):
    return Family.objects.visible_to(user).active()


class ModuleCoverageTest(ReportFixture):
    def test_a_pendamping_sees_half_their_families_through_module_one(self):
        coverage = reports.module_coverage(reports.DESA, active_families(self.pendamping_a))
        assert [m.number for m in coverage.modules] == [1, 2, 3, 4, 5]
        assert figures(coverage) == {DESA_A: (4, [2, 0, 0, 0, 0])}
        [module_1, module_2, *_] = coverage.rows[0].shares
        assert (module_1.completed, module_1.families, module_1.percent) == (2, 4, 50.0)
        assert module_2.percent == 0.0

    def test_desa_level_counts_every_active_family_of_each_desa(self):
        coverage = reports.module_coverage(reports.DESA, active_families(self.admin_pusat))
        # family_a2 in desa A is in no group; f5 has left the programme.
        assert figures(coverage) == {
            DESA_A: (5, [2, 0, 0, 0, 0]),
            DESA_B: (2, [0, 0, 0, 0, 0]),
            METRO_DESA: (1, [0, 0, 0, 0, 0]),
        }
        assert coverage.rows[0].shares[0].percent == 40.0
        assert coverage.rows[1].shares[0].percent == 0.0
        total = coverage.total
        assert (total.families, [s.completed for s in total.shares]) == (8, [2, 0, 0, 0, 0])

    def test_kecamatan_and_kabupaten_levels_add_their_desa_up(self):
        by_kecamatan = reports.module_coverage(reports.KECAMATAN, active_families(self.korkab))
        assert figures(by_kecamatan) == {KEC_A: (5, [2, 0, 0, 0, 0]), KEC_B: (2, [0, 0, 0, 0, 0])}
        by_kabupaten = reports.module_coverage(reports.KABUPATEN, active_families(self.admin_pusat))
        assert figures(by_kabupaten) == {"1806": (7, [2, 0, 0, 0, 0]), "1872": (1, [0, 0, 0, 0, 0])}
        assert by_kabupaten.rows[0].shares[0].percent == pytest.approx(200 / 7)

    def test_a_korcam_sees_only_their_kecamatan(self):
        coverage = reports.module_coverage(reports.DESA, active_families(self.korcam_a))
        assert figures(coverage) == {DESA_A: (5, [2, 0, 0, 0, 0])}

    def test_only_the_active_sessions_of_a_module_are_required(self):
        # With S3 retired, the family that missed it has completed module 1 too.
        Session.objects.filter(number=3).update(active=False)
        coverage = reports.module_coverage(reports.DESA, active_families(self.pendamping_a))
        assert figures(coverage) == {DESA_A: (4, [3, 0, 0, 0, 0])}

    def test_a_module_with_no_active_session_or_itself_inactive_is_left_out(self):
        Session.objects.filter(module__number=5).update(active=False)
        Module.objects.filter(number=4).update(active=False)
        coverage = reports.module_coverage(reports.DESA, active_families(self.pendamping_a))
        assert [m.number for m in coverage.modules] == [1, 2, 3]
        assert figures(coverage) == {DESA_A: (4, [2, 0, 0])}

    def test_a_module_whose_every_session_was_attended_is_complete(self):
        for n, day in enumerate([date(2025, 6, 10), date(2025, 7, 10)]):
            self.hold(self.melati, day, n + 6)
        coverage = reports.module_coverage(reports.DESA, active_families(self.pendamping_a))
        # f3 was absent only at S3: module 2 is complete for all four.
        assert figures(coverage) == {DESA_A: (4, [2, 4, 0, 0, 0])}

    def test_a_user_who_sees_nothing_gets_no_rows(self):
        coverage = reports.module_coverage(reports.DESA, Family.objects.none())
        assert coverage.rows == [] and coverage.total.families == 0
        assert coverage.total.shares[0].percent is None

    def test_it_takes_three_queries_whatever_the_data(self):
        with self.assertNumQueries(3):
            reports.module_coverage(reports.KECAMATAN, active_families(self.admin_pusat))
        self.hold(self.mawar, date(2025, 4, 12), 4)
        with self.assertNumQueries(3):
            reports.module_coverage(reports.KECAMATAN, active_families(self.admin_pusat))


def meeting_figures(user, month=MARCH) -> dict:
    rows = reports.meetings_by_pendamping(month, Meeting.objects.visible_to(user))
    return {
        row.key: (row.planned, row.held, row.cancelled, row.present, row.excused, row.absent)
        for row in rows
    }


class MeetingsByPendampingTest(ReportFixture):
    def test_it_counts_a_months_plans_meetings_held_cancelled_and_attendance(self):
        assert meeting_figures(self.admin_pusat) == {
            self.pendamping_a.pk: (3, 1, 1, 4, 0, 1),
            self.pendamping_b.pk: (1, 1, 0, 2, 0, 0),
        }
        rows = reports.meetings_by_pendamping(MARCH, Meeting.objects.all())
        row_a = next(r for r in rows if r.key == self.pendamping_a.pk)
        assert row_a.held_share == pytest.approx(100 / 3)
        assert row_a.attendance_rate == 80.0
        total = reports.meetings_total(rows)
        assert (total.planned, total.held, total.cancelled) == (4, 2, 1)
        assert total.held_share == 50.0
        assert total.attendance_rate == pytest.approx(600 / 7)

    def test_excused_families_count_against_attendance_but_not_as_absent(self):
        assert meeting_figures(self.admin_pusat, date(2025, 2, 1))[self.pendamping_a.pk] == (
            1, 1, 0, 4, 1, 0)  # fmt: skip

    def test_a_month_without_meetings_has_no_rows_and_no_rates(self):
        assert meeting_figures(self.admin_pusat, date(2024, 12, 1)) == {}
        total = reports.meetings_total([])
        assert total.held_share is None and total.attendance_rate is None

    def test_each_role_sees_the_meetings_of_its_own_groups_or_region(self):
        assert list(meeting_figures(self.pendamping_a)) == [self.pendamping_a.pk]
        assert list(meeting_figures(self.pendamping_b)) == [self.pendamping_b.pk]
        assert meeting_figures(self.pendamping_a2) == {}
        assert list(meeting_figures(self.korcam_a)) == [self.pendamping_a.pk]
        assert len(meeting_figures(self.korwil)) == 2

    def test_it_takes_one_query_whatever_the_data(self):
        with self.assertNumQueries(1):
            reports.meetings_by_pendamping(MARCH, Meeting.objects.all())
        actions.plan_meetings(self.mawar, [date(2025, 3, 28)], acting_user=self.pendamping_b)
        with self.assertNumQueries(1):
            assert len(reports.meetings_by_pendamping(MARCH, Meeting.objects.all())) == 2
