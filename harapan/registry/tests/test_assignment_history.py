"""Who was a family's pendamping on a past day: every change of hands leaves a row."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from harapan.registry import actions, assignment_history, changes
from harapan.registry.models import ChangeKind, ChangeRequest, Family, PastAssignment
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)


def pendamping_on(day: date, *families) -> list:
    on = Family.objects.annotate(then=assignment_history.pendamping_on(day))
    found = dict(on.filter(pk__in=[f.pk for f in families]).values_list("pk", "then"))
    return [found[f.pk] for f in families]


class PastAssignmentTest(PersonaTestCase):
    def test_a_family_that_never_changed_hands_had_its_pendamping_on_any_day(self):
        assert pendamping_on(date(2020, 1, 31), self.family_a, self.family_b) == [
            self.pendamping_a.pk, self.pendamping_b.pk]  # fmt: skip
        assert not PastAssignment.objects.exists()

    def test_an_assignment_keeps_the_old_pendamping_for_the_days_before(self):
        loose = make_family(region_code=DESA_A)
        families = Family.objects.filter(pk__in=[self.family_a.pk, loose.pk])
        assert (
            actions.assign_pendamping(families, self.pendamping_a2, acting_user=self.korcam_a) == 2
        )
        a2 = self.pendamping_a2.pk
        assert pendamping_on(YESTERDAY, self.family_a, loose) == [self.pendamping_a.pk, None]
        assert pendamping_on(TODAY, self.family_a, loose) == [a2, a2]
        # family_a2 already had pendamping_a2: it did not change hands.
        assert not PastAssignment.objects.filter(family=self.family_a2).exists()

    def test_two_handovers_on_different_days_each_answer_for_their_own_days(self):
        PastAssignment.objects.create(family=self.family_a, pendamping=None,
                                      until=date(2026, 3, 1))  # fmt: skip
        PastAssignment.objects.create(family=self.family_a, pendamping=self.pendamping_a2,
                                      until=date(2026, 6, 1))  # fmt: skip
        days = [date(2026, 2, 28), date(2026, 3, 1), date(2026, 5, 31), date(2026, 6, 1)]
        assert [pendamping_on(day, self.family_a)[0] for day in days] == [
            None, self.pendamping_a2.pk, self.pendamping_a2.pk, self.pendamping_a.pk]  # fmt: skip

    @pytest.fixture(autouse=True)
    def _tmp(self, tmp_path):
        self.tmp = tmp_path

    def test_a_registry_import_naming_another_pendamping_records_the_handover(self):
        path = self.tmp / "registri.csv"
        kk = f"{DESA_A[:6]}0101000001"
        path.write_text(
            "id_keluarga,no_kk,kode_desa,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,"
            f"pendamping\n{self.family_a.registry_id},{kk},{DESA_A},1806011505800101,Warga,L,"
            "1980-05-15,kepala_keluarga,pendamping_a2\n",
            encoding="utf-8",
        )
        call_command("import_registry", str(path), "--verbosity", "0")
        assert pendamping_on(YESTERDAY, self.family_a) == [self.pendamping_a.pk]
        assert pendamping_on(TODAY, self.family_a) == [self.pendamping_a2.pk]
        assert PastAssignment.objects.count() == 1

    def test_a_move_to_another_kecamatan_records_the_handover(self):
        request = ChangeRequest.objects.create(
            family=self.family_a, region_code=DESA_A, kind=ChangeKind.MOVE,
            payload={"region_code": DESA_B, "address": "Jl. Baru 7"},
            requested_by=self.pendamping_a,
        )  # fmt: skip
        changes.approve_change(request, acting_user=self.korcam_a, pendamping=None)
        assert pendamping_on(YESTERDAY, self.family_a) == [self.pendamping_a.pk]
        assert pendamping_on(TODAY, self.family_a) == [None]
