"""`escalate_complaints` with a controlled clock; every moment counted by hand on 2026's
calendar (holidays: Mon 17 Aug Kemerdekaan, Tue 25 Aug Maulid Nabi; triage 3 working
days, a working day ends 23:59:59 WIB)."""

from io import StringIO

from django.core.management import call_command
from django.core.management.base import CommandError

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.jobs.claims import ClaimRefused, claimed
from harapan.testing import DESA_A, make_user

from ..models import Complaint, ComplaintNotice, Level, Status
from .base import ComplaintTestCase, file_complaint
from .test_sla import FRIDAY, wib


def escalate(now: str) -> str:
    out = StringIO()
    call_command("escalate_complaints", "--now", now, stdout=out)
    return out.getvalue().strip()


class EscalationTest(ComplaintTestCase):
    def received_friday(self, **kwargs) -> Complaint:
        if "accused" not in kwargs:
            kwargs.setdefault("family", self.family_a)
        complaint, _pin = file_complaint(saluran="datang", received_at=FRIDAY,
                                         acting_user=self.korcam_a, **kwargs)  # fmt: skip
        return complaint

    def assert_held(self, complaint, level, handler, started):
        complaint.refresh_from_db()
        self.assertEqual((complaint.tingkat, complaint.handler, complaint.step_started_at),
                         (level, handler, started))  # fmt: skip

    def test_a_breached_complaint_climbs_one_level_a_run_up_to_korwil_and_no_further(self):
        complaint = self.received_friday()
        self.assert_held(complaint, Level.PENDAMPING, self.pendamping_a, FRIDAY)
        # Triage due Thu 20 Aug 23:59:59 (Tue 18, Wed 19, Thu 20).
        self.assertEqual(escalate("2026-08-20T23:59"), "0 pengaduan dinaikkan satu tingkat.")
        self.assertEqual(escalate("2026-08-21T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORCAM, self.korcam_a, wib(2026, 8, 21, 0, 0))
        # Restarted Fri 21: Mon 24 (1), Tue 25 Maulid Nabi, Wed 26 (2), Thu 27 (3).
        self.assertEqual(escalate("2026-08-27T23:59"), "0 pengaduan dinaikkan satu tingkat.")
        self.assertEqual(escalate("2026-08-28T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORKAB, self.korkab, wib(2026, 8, 28, 0, 0))
        # Restarted Fri 28: Mon 31 (1), Tue 1 Sep (2), Wed 2 Sep (3).
        self.assertEqual(escalate("2026-09-02T23:59"), "0 pengaduan dinaikkan satu tingkat.")
        self.assertEqual(escalate("2026-09-03T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORWIL, self.korwil, wib(2026, 9, 3, 0, 0))
        # Restarted Thu 3 Sep: Fri 4, Mon 7, Tue 8; breached from Wed 9 Sep, and it stays.
        self.assertEqual(escalate("2026-09-09T00:00"), "0 pengaduan dinaikkan satu tingkat.")
        self.assertEqual(escalate("2026-12-01T00:00"), "0 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORWIL, self.korwil, wib(2026, 9, 3, 0, 0))
        complaint.refresh_from_db()
        self.assertEqual(complaint.status, Status.RECEIVED)  # the breached step starts again
        moves = AuditEntry.objects.filter(action="complaints.escalate", object_id=str(complaint.pk))
        self.assertEqual(
            sorted((row.details["dari"], row.details["ke"]) for row in moves),
            [("korcam", "korkab"), ("korkab", "korwil"), ("pendamping", "korcam")],
        )
        # Each move left a notice on the home page of the level that received it.
        notices = ComplaintNotice.objects.filter(complaint=complaint).order_by("created_at")
        self.assertEqual(
            [(n.user, n.kind, n.from_level, n.created_at, n.seen_at) for n in notices],
            [(self.korcam_a, "eskalasi", "pendamping", wib(2026, 8, 21, 0, 0), None),
             (self.korkab, "eskalasi", "korcam", wib(2026, 8, 28, 0, 0), None),
             (self.korwil, "eskalasi", "korkab", wib(2026, 9, 3, 0, 0), None)],
        )  # fmt: skip

    def test_a_resolved_or_unbreached_complaint_is_left_where_it_is(self):
        breached = self.received_friday()
        resolved = self.received_friday()
        Complaint.objects.filter(pk=resolved.pk).update(status=Status.RESOLVED)
        # Triaged Wed 19 Aug 10:00: response due in 5 (Thu 20 .. Thu 27, less Tue 25).
        triaged = self.received_friday()
        Complaint.objects.filter(pk=triaged.pk).update(
            status=Status.TRIAGED, step_started_at=wib(2026, 8, 19, 10, 0)
        )
        self.assertEqual(escalate("2026-08-21T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(breached, Level.KORCAM, self.korcam_a, wib(2026, 8, 21, 0, 0))
        self.assert_held(resolved, Level.PENDAMPING, self.pendamping_a, FRIDAY)
        self.assert_held(triaged, Level.PENDAMPING, self.pendamping_a, wib(2026, 8, 19, 10, 0))
        # Only the complaint that moved has a notice.
        self.assertEqual(list(ComplaintNotice.objects.values_list("complaint", "user")),
                         [(breached.pk, self.korcam_a.pk)])  # fmt: skip

    def test_a_complaint_passed_to_a_level_with_nobody_leaves_no_notice(self):
        complaint = self.received_friday()
        for user in (self.korcam_a, self.korkab, self.korwil):
            user.is_active = False
            user.save(update_fields=["is_active"])
        self.assertEqual(escalate("2026-08-21T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORCAM, None, wib(2026, 8, 21, 0, 0))
        self.assertFalse(ComplaintNotice.objects.exists())

    def test_a_conduct_complaint_climbs_the_accused_pendampings_chain(self):
        # The accused works in Kota Metro (1872); the desa is in Kabupaten 1806.
        accused = make_user("pendamping_metro", Role.PENDAMPING, "187201")
        korcam_metro = make_user("korcam_metro", Role.KORCAM, "187201")
        korkab_metro = make_user("korkab_metro", Role.KORKAB, "1872")
        complaint = self.received_friday(
            kategori="perilaku_pendamping", region_code=DESA_A, accused=accused
        )
        self.assert_held(complaint, Level.KORCAM, korcam_metro, FRIDAY)
        self.assertEqual(escalate("2026-08-21T00:00"), "1 pengaduan dinaikkan satu tingkat.")
        self.assert_held(complaint, Level.KORKAB, korkab_metro, wib(2026, 8, 21, 0, 0))

    def test_a_bad_now_is_refused_in_indonesian(self):
        with self.assertRaisesMessage(CommandError, "Waktu tidak sah"):
            escalate("21-08-2026 00:00")

    def test_a_run_under_way_refuses_a_second_one(self):
        self.received_friday()
        with claimed("complaints.escalate", "", what="Eskalasi pengaduan"):
            with self.assertRaises(ClaimRefused):
                escalate("2026-08-21T00:00")
        self.assertEqual(Complaint.objects.get().tingkat, Level.PENDAMPING)
