from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.testing import PersonaTestCase
from harapan.workdays.calendar import add_working_days
from harapan.workdays.models import CollectiveLeave

WIB = ZoneInfo("Asia/Jakarta")


class CollectiveLeaveAdminTest(PersonaTestCase):
    def setUp(self):
        self.client.force_login(self.admin_pusat)

    def test_an_admin_adds_a_cuti_bersama_and_the_deadline_moves_and_it_is_audited(self):
        # Mon 21 Dec 10:00, 3 days: Tue 22, Wed 23, Thu 24 ...
        received = datetime(2026, 12, 21, 10, 0, tzinfo=WIB)
        assert add_working_days(received, 3) == datetime(2026, 12, 24, 23, 59, 59, tzinfo=WIB)
        response = self.client.post(
            reverse("admin:workdays_collectiveleave_add"),
            {"date": "2026-12-24", "description": "Cuti bersama Hari Raya Natal"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        # ... with Thu 24 off and Fri 25 Natal: Tue 22, Wed 23, Mon 28.
        assert add_working_days(received, 3) == datetime(2026, 12, 28, 23, 59, 59, tzinfo=WIB)
        listing = self.client.get(reverse("admin:workdays_collectiveleave_changelist"))
        assert "Cuti bersama Hari Raya Natal" in listing.content.decode()
        entry = AuditEntry.objects.get(action="workdays.collectiveleave.add")
        assert entry.actor == self.admin_pusat
        assert entry.object_repr == "2026-12-24 Cuti bersama Hari Raya Natal"

    def test_a_change_and_a_delete_are_audited(self):
        leave = CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti")
        response = self.client.post(
            reverse("admin:workdays_collectiveleave_change", args=[leave.pk]),
            {"date": "2026-12-28", "description": "Cuti"},
        )
        assert response.status_code == 302
        change = AuditEntry.objects.get(action="workdays.collectiveleave.change")
        assert change.changes == {"date": ["2026-12-24", "2026-12-28"]}
        response = self.client.post(
            reverse("admin:workdays_collectiveleave_delete", args=[leave.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not CollectiveLeave.objects.exists()
        deleted = AuditEntry.objects.get(action="workdays.collectiveleave.delete")
        assert deleted.details["date"] == "2026-12-28"

    def test_a_weekend_or_a_repeated_date_is_refused_with_a_message(self):
        CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Cuti")
        url = reverse("admin:workdays_collectiveleave_add")
        response = self.client.post(url, {"date": "2026-12-26", "description": "Sabtu"})
        assert response.status_code == 200
        assert "hari Sabtu atau Minggu" in response.content.decode()
        response = self.client.post(url, {"date": "2026-12-24", "description": "Lagi"})
        assert response.status_code == 200
        assert list(CollectiveLeave.objects.values_list("date", flat=True)) == [date(2026, 12, 24)]
        assert not AuditEntry.objects.filter(action="workdays.collectiveleave.add").exists()
