from datetime import date
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from harapan.audit.models import AuditEntry
from harapan.workdays.models import CollectiveLeave


class LoadCollectiveLeaveTest(TestCase):
    def test_it_enters_the_skb_days_of_2026_and_keeps_what_the_admin_wrote(self):
        CollectiveLeave.objects.create(date=date(2026, 12, 24), description="Diisi admin")
        out = StringIO()
        call_command("load_collective_leave", "2026", stdout=out)
        # SKB cuti bersama 2026: Imlek 16 Feb; Nyepi 18 Mar; Idul Fitri 20, 23, 24 Mar;
        # Kenaikan Yesus Kristus 15 May; Idul Adha 28 May; Natal 24 Dec.
        assert list(CollectiveLeave.objects.values_list("date", flat=True)) == [
            date(2026, 2, 16), date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23),
            date(2026, 3, 24), date(2026, 5, 15), date(2026, 5, 28), date(2026, 12, 24),
        ]  # fmt: skip
        assert CollectiveLeave.objects.get(date=date(2026, 12, 24)).description == "Diisi admin"
        assert CollectiveLeave.objects.get(date=date(2026, 2, 16)).description == (
            "Cuti Bersama Tahun Baru Imlek"
        )
        assert AuditEntry.objects.filter(action="workdays.collective_leave.load").count() == 7
        assert "16 Feb 2026: Cuti Bersama Tahun Baru Imlek" in out.getvalue()
        assert out.getvalue().endswith("Cuti bersama 2026: 7 hari baru.\n")

        call_command("load_collective_leave", "2026", stdout=StringIO())
        assert CollectiveLeave.objects.count() == 8

    def test_the_days_of_2025_are_those_of_its_skb(self):
        call_command("load_collective_leave", "2025", stdout=StringIO())
        # Imlek 28 Jan; Nyepi 28 Mar; Idul Fitri 2, 3, 4, 7 Apr; Waisak 13 May; Kenaikan
        # 30 May; Idul Adha 9 Jun; Kemerdekaan 18 Aug; Natal 26 Dec.
        assert list(CollectiveLeave.objects.values_list("date", flat=True)) == [
            date(2025, 1, 28), date(2025, 3, 28), date(2025, 4, 2), date(2025, 4, 3),
            date(2025, 4, 4), date(2025, 4, 7), date(2025, 5, 13), date(2025, 5, 30),
            date(2025, 6, 9), date(2025, 8, 18), date(2025, 12, 26),
        ]  # fmt: skip
