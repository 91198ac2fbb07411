from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.benefits import kks
from harapan.benefits.models import KksCustody, KksHolder, KksStatus
from harapan.registry import changes
from harapan.registry.models import ChangeKind, ChangeRequest, Family
from harapan.testing import DESA_A, PersonaTestCase, make_family

TODAY = timezone.localdate()


def days_ago(n: int):
    return TODAY - timedelta(days=n)


class RecordTest(PersonaTestCase):
    def record(self, family=None, user=None, **kwargs):
        kwargs.setdefault("status", KksStatus.HELD_BY_KPM)
        kwargs.setdefault("since", days_ago(10))
        return kks.record_kks_status(
            family or self.family_a, acting_user=user or self.pendamping_a, **kwargs
        )

    def test_it_records_each_status(self):
        cases = [
            {"status": KksStatus.HELD_BY_KPM},
            {
                "status": KksStatus.HELD_BY_OTHER,
                "holder": KksHolder.RELATIVE,
                "holder_name": "Siti",
            },
            {"status": KksStatus.LOST, "note": "Hilang saat banjir"},
            {"status": KksStatus.BLOCKED},
            {"status": KksStatus.REPLACED},
        ]
        for n, case in enumerate(cases):
            entry = self.record(since=days_ago(20 - n), **case)
            assert entry.status == case["status"]
            assert entry.family == self.family_a
            assert entry.region_code == DESA_A
            assert entry.recorded_by == self.pendamping_a
            assert kks.latest_entry(self.family_a) == entry
        assert self.family_a.kks_history.count() == len(cases)
        assert AuditEntry.objects.filter(action="benefits.kks.record").count() == len(cases)

    def test_the_record_is_audited_with_the_family_region(self):
        entry = self.record(status=KksStatus.LOST, note="Jatuh di pasar")
        audit = AuditEntry.objects.get(action="benefits.kks.record")
        assert audit.actor == self.pendamping_a
        assert audit.region_code == DESA_A
        assert audit.object_type == "benefits.kkscustody"
        assert audit.object_id == str(entry.pk)
        assert audit.details["family"] == self.family_a.registry_id
        assert audit.details["status"] == "hilang"

    def test_the_history_reads_newest_first_by_date_then_by_entry(self):
        first = self.record(status=KksStatus.HELD_BY_KPM, since=days_ago(30))
        lost = self.record(status=KksStatus.LOST, since=days_ago(5))
        # The same day twice: the later entry is the card's status now.
        back = self.record(status=KksStatus.HELD_BY_KPM, since=days_ago(5))
        assert list(self.family_a.kks_history.order_by("-since", "-id")) == [back, lost, first]
        assert kks.latest_entry(self.family_a) == back

    def test_a_pendamping_holding_the_card_is_a_violation_and_audited_as_one(self):
        entry = self.record(status=KksStatus.HELD_BY_OTHER, holder=KksHolder.PENDAMPING)
        assert entry.is_violation
        audit = AuditEntry.objects.get(action="benefits.kks.violation")
        assert audit.object_id == str(entry.pk)
        assert audit.region_code == DESA_A
        assert audit.details["holder"] == "pendamping"
        assert audit.details["pendamping"] == self.pendamping_a.pk

    def test_a_group_leader_holding_the_card_is_a_violation_too(self):
        entry = self.record(
            status=KksStatus.HELD_BY_OTHER, holder=KksHolder.GROUP_LEADER, holder_name="Bu Rini"
        )
        assert entry.is_violation
        assert AuditEntry.objects.filter(action="benefits.kks.violation").count() == 1

    def test_a_relative_holding_the_card_is_not_a_violation(self):
        entry = self.record(
            status=KksStatus.HELD_BY_OTHER, holder=KksHolder.RELATIVE, holder_name="Pak Darto"
        )
        assert not entry.is_violation
        assert not AuditEntry.objects.filter(action="benefits.kks.violation").exists()

    def assert_rejected(self, field: str, message: str, **kwargs):
        with pytest.raises(ValidationError) as caught:
            self.record(**kwargs)
        assert caught.value.message_dict[field] == [message]

    def test_it_requires_a_holder_when_someone_else_holds_the_card(self):
        self.assert_rejected(
            "holder", "Pilih siapa yang memegang kartu.", status=KksStatus.HELD_BY_OTHER
        )
        assert not KksCustody.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_it_requires_the_name_of_a_relative_official_or_other_holder(self):
        for holder in (KksHolder.RELATIVE, KksHolder.VILLAGE_OFFICIAL, KksHolder.OTHER):
            self.assert_rejected(
                "holder_name",
                "Tuliskan nama pemegang kartu.",
                status=KksStatus.HELD_BY_OTHER,
                holder=holder,
                holder_name="  ",
            )

    def test_it_needs_no_name_when_the_pendamping_holds_the_card(self):
        entry = self.record(status=KksStatus.HELD_BY_OTHER, holder=KksHolder.PENDAMPING)
        entry.refresh_from_db()
        assert (entry.status, entry.holder, entry.holder_name) == (
            "dipegang_lain",
            "pendamping",
            "",
        )
        assert kks.latest_entry(self.family_a) == entry
        assert AuditEntry.objects.filter(action="benefits.kks.record").count() == 1

    def test_it_refuses_a_holder_when_the_card_is_not_held_by_someone_else(self):
        self.assert_rejected(
            "holder",
            "Pemegang hanya diisi bila kartu dipegang orang lain.",
            status=KksStatus.LOST,
            holder=KksHolder.RELATIVE,
        )

    def test_it_refuses_a_date_in_the_future(self):
        self.assert_rejected(
            "since", "Tanggal tidak boleh di masa depan.", since=TODAY + timedelta(days=1)
        )
        self.record(since=TODAY)

    def test_it_refuses_a_date_before_the_previous_entry(self):
        self.record(status=KksStatus.LOST, since=date(2025, 3, 12))
        self.assert_rejected(
            "since",
            "Tanggal tidak boleh sebelum catatan terakhir (12 Mar 2025).",
            since=date(2025, 3, 11),
        )
        assert self.family_a.kks_history.count() == 1

    def test_it_refuses_an_unknown_status(self):
        self.assert_rejected("status", "Status kartu tidak dikenal.", status="dijual")

    def test_a_replacement_proposes_the_new_card_number_for_approval(self):
        # No KKS decides where the money goes: it changes only through an approved
        # data update (issue 11, item 8), never at once from the card record.
        self.family_a.kks_number = "6013010000000001"
        self.family_a.bank = "BRI"
        self.family_a.save()
        entry = self.record(status=KksStatus.REPLACED, kks_number="6013 0100 0000 0002")
        self.family_a.refresh_from_db()
        assert self.family_a.kks_number == "6013010000000001"
        assert entry.kks_number == "6013010000000002"
        request = ChangeRequest.objects.get(family=self.family_a)
        assert request.kind == ChangeKind.PAYMENT
        assert request.payload == {"bank": "BRI", "kks_number": "6013010000000002"}
        assert not AuditEntry.objects.filter(action="registry.family.update").exists()
        changes.approve_change(request, acting_user=self.korkab)
        self.family_a.refresh_from_db()
        assert self.family_a.kks_number == "6013010000000002"

    def test_a_replacement_without_a_new_number_keeps_the_old_one(self):
        Family.objects.filter(pk=self.family_a.pk).update(kks_number="6013010000000001")
        entry = self.record(status=KksStatus.REPLACED)
        assert entry.kks_number == "6013010000000001"
        assert not AuditEntry.objects.filter(action="registry.family.update").exists()

    def test_only_a_replacement_carries_a_new_card_number(self):
        self.assert_rejected(
            "kks_number",
            "No KKS baru hanya diisi bila kartu diganti.",
            status=KksStatus.LOST,
            kks_number="6013010000000002",
        )

    def test_a_card_number_has_only_digits(self):
        self.assert_rejected(
            "kks_number",
            "No KKS hanya boleh berisi angka.",
            status=KksStatus.REPLACED,
            kks_number="60I3",
        )

    def test_a_failed_replacement_leaves_the_family_untouched(self):
        Family.objects.filter(pk=self.family_a.pk).update(kks_number="6013010000000001")
        with pytest.raises(ValidationError):
            self.record(
                status=KksStatus.REPLACED,
                kks_number="6013010000000002",
                since=TODAY + timedelta(days=1),
            )
        self.family_a.refresh_from_db()
        assert self.family_a.kks_number == "6013010000000001"

    def test_a_pendamping_of_another_kecamatan_may_not_record(self):
        with pytest.raises(PermissionDenied):
            self.record(user=self.pendamping_b)
        assert not KksCustody.objects.exists()

    def test_read_only_roles_may_not_record(self):
        for user in (self.auditor, self.korwil):
            with pytest.raises(PermissionDenied):
                self.record(user=user)

    def test_a_korcam_records_for_a_family_of_their_kecamatan(self):
        entry = self.record(user=self.korcam_a, family=self.family_a2, status=KksStatus.BLOCKED)
        assert entry.recorded_by == self.korcam_a


def add(family, status, days, user, **kwargs) -> KksCustody:
    """An entry written straight to the table, for query tests."""
    return KksCustody.objects.create(
        family=family,
        region_code=family.region_code,
        status=status,
        since=days_ago(days),
        recorded_by=user,
        **kwargs,
    )


class QueryTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = cls.pendamping_a
        cls.violating = make_family(region_code=DESA_A, pendamping=p)
        add(cls.violating, KksStatus.HELD_BY_KPM, 40, p)
        add(cls.violating, KksStatus.HELD_BY_OTHER, 5, p, holder=KksHolder.PENDAMPING)
        cls.lost = make_family(region_code=DESA_A, pendamping=p)
        add(cls.lost, KksStatus.LOST, 8, p)
        cls.returned = make_family(region_code=DESA_A, pendamping=p)
        add(cls.returned, KksStatus.LOST, 20, p)
        add(cls.returned, KksStatus.HELD_BY_KPM, 2, p)
        # Same date: the later entry wins, and it says the card is back.
        cls.same_day = make_family(region_code=DESA_A, pendamping=p)
        add(cls.same_day, KksStatus.BLOCKED, 3, p)
        add(cls.same_day, KksStatus.HELD_BY_KPM, 3, p)
        # An older entry dated later wins over a newer entry dated earlier.
        cls.backdated = make_family(region_code=DESA_A, pendamping=p)
        add(cls.backdated, KksStatus.REPLACED, 1, p)
        add(cls.backdated, KksStatus.HELD_BY_KPM, 9, p)
        cls.other_a2 = add(cls.family_a2, KksStatus.LOST, 4, cls.pendamping_a2).family
        cls.leader_a2 = make_family(region_code=DESA_A, pendamping=cls.pendamping_a2)
        add(cls.leader_a2, KksStatus.HELD_BY_OTHER, 6, cls.pendamping_a2, holder="ketua_kelompok")
        add(cls.family_b, KksStatus.HELD_BY_OTHER, 6, cls.pendamping_b, holder="pendamping")
        add(cls.metro_family, KksStatus.LOST, 6, cls.admin_pusat)

    def test_current_custody_annotates_every_family_in_one_query(self):
        families = Family.objects.filter(
            pk__in=[self.violating.pk, self.returned.pk, self.backdated.pk, self.family_a.pk]
        )
        with CaptureQueriesContext(connection) as queries:
            rows = {f.pk: f for f in kks.current_custody(families)}
        assert len(queries) == 1
        assert rows[self.violating.pk].kks_status == "dipegang_lain"
        assert rows[self.violating.pk].kks_holder == "pendamping"
        assert rows[self.violating.pk].kks_since == days_ago(5)
        assert rows[self.violating.pk].kks_violation
        assert rows[self.returned.pk].kks_status == "dipegang_kpm"
        assert not rows[self.returned.pk].kks_violation
        assert rows[self.backdated.pk].kks_status == "diganti"
        # No entry: the KPM is taken to hold the card.
        assert rows[self.family_a.pk].kks_status is None
        assert not rows[self.family_a.pk].kks_violation

    def test_the_list_holds_exactly_the_families_whose_card_is_away_now(self):
        listed = list(kks.not_in_kpm_hands(self.korkab))
        assert {f.pk for f in listed} == {
            self.violating.pk,
            self.lost.pk,
            self.backdated.pk,
            self.family_a2.pk,
            self.leader_a2.pk,
            self.family_b.pk,
        }

    def test_a_card_lost_then_returned_is_not_listed(self):
        listed = {f.pk for f in kks.not_in_kpm_hands(self.korcam_a)}
        assert self.returned.pk not in listed
        assert self.same_day.pk not in listed

    def test_a_pendamping_sees_only_their_caseload(self):
        assert {f.pk for f in kks.not_in_kpm_hands(self.pendamping_a)} == {
            self.violating.pk,
            self.lost.pk,
            self.backdated.pk,
        }
        assert {f.pk for f in kks.not_in_kpm_hands(self.pendamping_b)} == {self.family_b.pk}

    def test_a_korcam_sees_the_kecamatan_grouped_by_pendamping_violations_first(self):
        listed = list(kks.not_in_kpm_hands(self.korcam_a))
        assert [f.pendamping_id for f in listed] == [
            self.pendamping_a.pk,
            self.pendamping_a.pk,
            self.pendamping_a.pk,
            self.pendamping_a2.pk,
            self.pendamping_a2.pk,
        ]
        assert listed[0] == self.violating
        assert listed[3] == self.leader_a2
        assert kks.not_in_kpm_hands_counts(kks.not_in_kpm_hands(self.korcam_a)) == {
            "total": 5,
            "violations": 2,
        }

    def test_nobody_out_of_scope_sees_anything(self):
        assert not kks.not_in_kpm_hands(AnonymousUser()).exists()
