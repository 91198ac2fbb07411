"""Plan against realisation (DESIGN §9 `rencana` / `realisasi`), counted by hand."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from harapan.accounts.roles import Role
from harapan.fieldwork.realisation import realisation_of, realisation_of_many
from harapan.testing import KEC_A, PersonaTestCase, make_user

from .plans import log, make_plan

MARCH = date(2026, 3, 1)
HOME, P2K2, VERIFY, SOCIAL = "kunjungan_rumah", "pertemuan_p2k2", "verifikasi", "sosialisasi"


class PlanAgainstRealisation(PersonaTestCase):
    """pendamping_a's accepted plan of March 2026: 3 home visits, 2 P2K2 meetings,
    1 verification. Done in March: 4 home visits typed (one more than planned), 1 P2K2
    meeting recorded by the P2K2 app (a source), 1 verification month recorded (a source),
    2 socialisations typed (not planned). Not March's: a home visit on 28 February and one
    on 1 April; pendamping_a2's home visit in March.

    By hand: home visits 3 planned, 4 done, 3 counted; P2K2 2, 1, 1; verification 1, 1, 1;
    socialisation 0, 2, 0. rencana 3 + 2 + 1 = 6, realisasi 3 + 1 + 1 = 5 (83,3 %).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.pendamping_a
        cls.plan = make_plan(
            p, MARCH, {HOME: 3, P2K2: 2, VERIFY: 1}, reviewer=cls.korcam_a, today=date(2026, 2, 25)
        )
        for day in (2, 9, 16, 31):
            log(p, HOME, date(2026, 3, day), family=cls.family_a)
        log(p, P2K2, date(2026, 3, 5), source="fds.meeting:17", subject="Kelompok Melati")
        log(p, VERIFY, date(2026, 3, 10), source="compliance.month:2026-02")
        log(p, SOCIAL, date(2026, 3, 11), subject="Desa Sukamaju")
        log(p, SOCIAL, date(2026, 3, 12), subject="Desa Sukamulya")
        log(p, HOME, date(2026, 2, 28))
        log(p, HOME, date(2026, 4, 1))
        log(cls.pendamping_a2, HOME, date(2026, 3, 3))

    def figures(self, realisation):
        return {row.kind: (row.planned, row.done, row.counted) for row in realisation.rows}

    def test_realisation_counts_at_most_the_planned_number_per_type(self):
        realisation = realisation_of(self.pendamping_a, MARCH)
        assert self.figures(realisation) == {
            HOME: (3, 4, 3),
            P2K2: (2, 1, 1),
            VERIFY: (1, 1, 1),
            SOCIAL: (0, 2, 0),
        }
        assert (realisation.rencana, realisation.realisasi) == (6, 5)
        assert round(realisation.percent, 1) == 83.3

    def test_manual_entries_count_typed_or_recorded_elsewhere(self):
        """A typed entry (no source) and one recorded from another app (a source) both
        count: one more P2K2 meeting typed by hand fills the plan's second meeting."""
        log(self.pendamping_a, P2K2, date(2026, 3, 20), subject="Kelompok Mawar")
        realisation = realisation_of(self.pendamping_a, MARCH)
        assert self.figures(realisation)[P2K2] == (2, 2, 2)
        assert (realisation.rencana, realisation.realisasi) == (6, 6)

    def test_a_plan_not_yet_accepted_is_shown_but_is_not_the_rencana(self):
        other = make_user("pendamping_a3", Role.PENDAMPING, KEC_A)
        make_plan(other, MARCH, {HOME: 2}, today=date(2026, 3, 1))  # submitted, not reviewed
        log(other, HOME, date(2026, 3, 4))
        realisation = realisation_of(other, MARCH)
        assert not realisation.accepted
        assert self.figures(realisation) == {HOME: (2, 1, 1)}
        assert (realisation.planned, realisation.counted) == (2, 1)
        assert (realisation.rencana, realisation.realisasi) == (0, 0)

    def test_without_a_plan_the_work_done_shows_and_counts_nothing(self):
        realisation = realisation_of(self.pendamping_a2, MARCH)
        assert realisation.status == ""
        assert self.figures(realisation) == {HOME: (0, 1, 0)}
        assert (realisation.rencana, realisation.realisasi, realisation.percent) == (0, 0, None)

    def test_many_pendamping_take_two_queries_whatever_their_number(self):
        """One query of plans with their lines, one aggregate of activities."""
        ids = [self.pendamping_a.pk, self.pendamping_a2.pk, self.pendamping_b.pk]
        with CaptureQueriesContext(connection) as few:
            found = realisation_of_many(ids, MARCH)
        more = [make_user(f"pendamping_x{n}", Role.PENDAMPING, KEC_A) for n in range(5)]
        for user in more:
            make_plan(user, MARCH, {HOME: 1}, reviewer=self.korcam_a, today=MARCH)
            log(user, HOME, date(2026, 3, 2))
        with CaptureQueriesContext(connection) as many:
            found_many = realisation_of_many(ids + [u.pk for u in more], MARCH)
        assert (len(few), len(many)) == (2, 2)
        assert (found[self.pendamping_a.pk].rencana, found[self.pendamping_a.pk].realisasi) == (
            6,
            5,
        )
        assert self.pendamping_b.pk not in found  # no plan, nothing done
        assert [(found_many[u.pk].rencana, found_many[u.pk].realisasi) for u in more] == [
            (1, 1)
        ] * 5
