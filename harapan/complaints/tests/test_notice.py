"""The in-app notice of an escalation (DESIGN §8): on the home page of the user the
complaint was passed to, and only theirs, until they dismiss it."""

from django.urls import reverse

from harapan.audit.models import AuditEntry

from ..models import ComplaintNotice
from .base import ComplaintTestCase, file_complaint
from .test_escalation import escalate
from .test_sla import FRIDAY

HEADING = "pengaduan dinaikkan kepada Anda"


class EscalationNoticeTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.complaints = [
            file_complaint(family=cls.family_a, saluran="datang", received_at=FRIDAY,
                           acting_user=cls.korcam_a)[0]
            for _ in range(3)
        ]  # fmt: skip

    def home(self, user) -> str:
        self.client.force_login(user)
        return self.client.get(reverse("home")).content.decode()

    def test_the_new_handler_sees_the_escalated_complaints_and_nobody_else_does(self):
        escalate("2026-08-21T00:00")  # triage was due Thu 20 Aug: pendamping_a → korcam_a
        page = self.home(self.korcam_a)
        self.assertIn(f"3 {HEADING}", page)
        for complaint in self.complaints:
            self.assertIn(reverse("complaints:detail", args=[complaint.kode]), page)
        self.assertIn("dari Pendamping, 21 Agu 2026 00.00", page)
        for user in (self.pendamping_a, self.korkab, self.korcam_b, self.admin_pusat):
            with self.subTest(user=user.username):
                self.assertNotIn(HEADING, self.home(user))

    def test_no_notice_before_any_escalation(self):
        escalate("2026-08-20T23:59")
        self.assertNotIn(HEADING, self.home(self.korcam_a))

    def test_dismissing_removes_it_from_the_home_page_and_is_audited(self):
        escalate("2026-08-21T00:00")
        ids = list(ComplaintNotice.objects.values_list("pk", flat=True))
        self.client.force_login(self.korcam_a)
        done = self.client.post(reverse("complaints:notice_seen"), {"notice": ids})
        self.assertRedirects(done, reverse("home"), fetch_redirect_response=False)
        self.assertNotIn(HEADING, self.home(self.korcam_a))
        self.assertEqual(ComplaintNotice.objects.filter(seen_at__isnull=False).count(), 3)
        seen = AuditEntry.objects.filter(action="complaints.notice_seen", actor=self.korcam_a)
        self.assertEqual(sorted(seen.values_list("object_repr", flat=True)),
                         sorted(c.kode for c in self.complaints))  # fmt: skip

    def test_someone_else_cannot_dismiss_anothers_notice(self):
        escalate("2026-08-21T00:00")
        ids = list(ComplaintNotice.objects.values_list("pk", flat=True))
        self.client.force_login(self.korkab)
        self.client.post(reverse("complaints:notice_seen"), {"notice": ids})
        self.assertIn(f"3 {HEADING}", self.home(self.korcam_a))
        self.assertFalse(AuditEntry.objects.filter(action="complaints.notice_seen").exists())
