"""A move takes the family's whole record with it (issue 11, item 9).

End to end through the real pages and API: the pendamping asks, the korcam
decides on the decision page, and afterwards every row that carries the
family's desa code is where the family is.
"""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.compliance import actions as compliance_actions
from harapan.compliance.actions import Entry
from harapan.compliance.batch import compute_sanctions
from harapan.compliance.models import Sanction, Verification
from harapan.registry import changes, moving
from harapan.registry.models import ChangeRequest, ChangeStatus, Family, Member
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_B,
    METRO_DESA,
    PersonaTestCase,
    make_member,
    make_region,
    make_user,
)

MONTH = "2025-04"


class MoveTestCase(PersonaTestCase):
    """family_a (pendamping_a, Kota Agung) has a pupil who missed school in April 2025."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
        cls.korkab_metro = make_user("korkab_metro", Role.KORKAB, "1872")
        cls.pendamping_metro = make_user("pendamping_metro", Role.PENDAMPING, "187201")
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        compliance_actions.record_month(
            [Entry(member=cls.pupil, commitment="sd", attendance=40)],
            date(2025, 4, 1),
            acting_user=cls.pendamping_a,
        )
        compute_sanctions(2025, 3)

    def request_move(self, desa: str) -> ChangeRequest:
        self.client.force_login(self.pendamping_a)
        self.client.post(
            reverse("registry:change_new", args=[self.family_a.pk]),
            {"jenis": "pindah", "region_code": desa, "address": "Jl. Baru 7"},
        )
        return ChangeRequest.objects.get(kind="pindah")

    def approve(self, request: ChangeRequest, pendamping=None, user=None):
        self.client.force_login(user or self.korcam_a)
        data = {"pendamping": pendamping.pk if pendamping else ""}
        return self.client.post(reverse("registry:change_approve", args=[request.pk]), data)

    def verification_families(self, user) -> list[str]:
        self.client.force_login(user)
        body = self.client.get("/api/v1/verifications", {"month": MONTH}).json()
        return [item["id_keluarga"] for item in body["items"]]

    def sanction_families(self, user) -> list[str]:
        self.client.force_login(user)
        body = self.client.get("/api/v1/sanctions", {"year": 2025, "stage": 3}).json()
        return [item["id_keluarga"] for item in body]

    def detail_status(self, user) -> int:
        self.client.force_login(user)
        return self.client.get(
            reverse("registry:family_detail", args=[self.family_a.pk])
        ).status_code


class MoveToAnotherKecamatanTest(MoveTestCase):
    def test_the_family_and_its_verifications_move_to_the_new_korcam_and_pendamping(self):
        ours = [self.family_a.registry_id]
        # Before: the old kecamatan sees the pupil's verification and sanction.
        assert self.verification_families(self.korcam_a) == ours
        assert self.verification_families(self.korcam_b) == []
        request = self.request_move("18.06.02.2001")
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("registry:change_detail", args=[request.pk]))
        # Only the pendamping of the new kecamatan are offered, not the old one.
        assert list(page.context["move_form"].fields["pendamping"].queryset) == [self.pendamping_b]
        self.assertContains(page, "Pendamping di kecamatan tujuan")

        response = self.approve(request, pendamping=self.pendamping_b)

        # The request moved with the family: the old korcam lands on their list.
        self.assertRedirects(response, reverse("registry:change_list"))
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.pendamping) == (DESA_B, self.pendamping_b)
        assert self.verification_families(self.korcam_a) == []
        assert self.verification_families(self.pendamping_a) == []
        assert self.verification_families(self.korcam_b) == ours
        assert self.verification_families(self.pendamping_b) == ours
        assert self.sanction_families(self.korcam_a) == []
        assert self.sanction_families(self.korcam_b) == ours
        assert self.detail_status(self.pendamping_a) == 404
        assert self.detail_status(self.korcam_a) == 404
        assert self.detail_status(self.pendamping_b) == 200
        assert self.detail_status(self.korcam_b) == 200
        self.client.force_login(self.korcam_b)
        listed = self.client.get(reverse("registry:family_list")).context["families"]
        assert self.family_a.registry_id in {f.registry_id for f in listed}
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.APPROVED

    def test_the_move_is_audited_in_both_regions_and_shown_in_the_history(self):
        request = self.request_move(DESA_B)
        self.approve(request, pendamping=self.pendamping_b)
        approval = AuditEntry.objects.get(action="registry.change.approve")
        assert approval.region_code == DESA_A
        expected_changes = {
            "region_code": [DESA_A, DESA_B],
            "address": ["", "Jl. Baru 7"],
            "pendamping_id": [self.pendamping_a.pk, self.pendamping_b.pk],
        }
        assert approval.changes == expected_changes
        move = AuditEntry.objects.get(action="registry.family.move")
        assert move.region_code == DESA_B
        assert move.actor == self.korcam_a
        assert move.changes == expected_changes
        # The head and the pupil, the move request itself, April's one verification
        # and the stage III suspension it led to.
        assert move.details == {
            "change_request": request.pk,
            "from": DESA_A,
            "rows": {
                "registry.member": 2,
                "registry.changerequest": 1,
                "compliance.verification": 1,
                "compliance.sanction": 1,
            },
        }
        self.client.force_login(self.korcam_b)
        history = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(history, "memindahkan domisili keluarga beserta datanya: ")
        self.assertContains(history, "Kode desa 18.06.01.2001 → 18.06.02.2001")
        self.assertContains(history, "Pendamping Pendamping A → Pendamping B")

    def test_with_no_pendamping_chosen_the_family_is_unassigned(self):
        request = self.request_move(DESA_B)
        self.approve(request)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.pendamping) == (DESA_B, None)
        assert self.detail_status(self.pendamping_a) == 404
        assert self.verification_families(self.pendamping_a) == []
        assert self.verification_families(self.korcam_b) == [self.family_a.registry_id]

    def test_a_pendamping_of_the_old_kecamatan_is_refused_and_nothing_moves(self):
        request = self.request_move(DESA_B)
        response = self.approve(request, pendamping=self.pendamping_a)
        self.assertRedirects(
            response, reverse("registry:change_detail", args=[request.pk]), target_status_code=200
        )
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.pendamping) == (DESA_A, self.pendamping_a)
        assert set(Verification.objects.values_list("region_code", flat=True)) == {DESA_A}
        # The action checks it too, whatever the page sent.
        with self.assertRaisesMessage(Exception, "Pilih pendamping yang bertugas"):
            changes.approve_change(request, acting_user=self.korcam_a, pendamping=self.pendamping_a)
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING
        assert not AuditEntry.objects.filter(action="registry.family.move").exists()


class MoveToAnotherKabupatenTest(MoveTestCase):
    def test_the_new_korkab_sees_the_record_and_the_old_one_no_longer_does(self):
        ours = [self.family_a.registry_id]
        assert self.verification_families(self.korkab) == ours
        request = self.request_move(METRO_DESA)
        self.approve(request, pendamping=self.pendamping_metro)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.pendamping) == (METRO_DESA, self.pendamping_metro)
        assert self.verification_families(self.korkab) == []
        assert self.sanction_families(self.korkab) == []
        assert self.detail_status(self.korkab) == 404
        assert self.verification_families(self.korkab_metro) == ours
        assert self.sanction_families(self.korkab_metro) == ours
        assert self.verification_families(self.pendamping_metro) == ours
        assert self.detail_status(self.korkab_metro) == 200
        assert self.verification_families(self.pendamping_a) == []


class MoveWithinTheKecamatanTest(MoveTestCase):
    def test_the_pendamping_stays_when_the_kecamatan_does(self):
        other_desa = "1806012002"
        make_region(other_desa, "Pekon Doh")
        request = self.request_move(other_desa)
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("registry:change_detail", args=[request.pk]))
        assert page.context["move_form"]["pendamping"].value() == self.pendamping_a.pk
        self.approve(request)
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.region_code, family.pendamping) == (other_desa, self.pendamping_a)
        assert self.verification_families(self.pendamping_a) == [self.family_a.registry_id]
        assert set(Member.objects.filter(family=family).values_list("region_code", flat=True)) == {
            other_desa
        }


class SetBasedTest(MoveTestCase):
    def test_each_table_is_moved_with_one_update_whatever_the_number_of_rows(self):
        pupils = [
            make_member(self.family_a, birth_date=date(2014, 1, 1), school_level="sd")
            for _ in range(3)
        ]
        compliance_actions.record_month(
            [Entry(member=p, commitment="sd", attendance=90) for p in pupils],
            date(2025, 5, 1),
            acting_user=self.pendamping_a,
        )
        request = changes.request_change(
            self.family_a, "pindah", {"region_code": DESA_B, "address": ""},
            acting_user=self.pendamping_a,
        )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            changes.approve_change(request, acting_user=self.korcam_a)
        tables = [q["sql"].split()[1] for q in queries if q["sql"].startswith("UPDATE")]
        assert tables.count('"compliance_verification"') == 1
        assert tables.count('"registry_member"') == 1
        # 1 in April + 3 in May, all moved.
        assert Verification.objects.filter(region_code=DESA_B).count() == 4
        assert not Sanction.objects.exclude(region_code=DESA_B).exists()

    def test_every_model_carrying_a_familys_desa_code_is_found(self):
        found = {
            model._meta.label_lower: path for model, path in moving.rows_that_follow_the_family()
        }
        assert found == {
            "registry.member": "family",
            "registry.changerequest": "family",
            # A stored finding follows its family to the new desa, and so to its new scope.
            "registry.datafinding": "family",
            "compliance.memberservice": "member__family",
            "compliance.verification": "member__family",
            "compliance.sanction": "member__family",
            "benefits.entitlement": "family",
            "benefits.entitlementline": "member__family",
            "benefits.disbursement": "family",
            "benefits.kkscustody": "family",
            "fds.membership": "family",
            "fds.attendance": "family",
            "graduation.exitproposal": "family",
            "graduation.assessment": "family",
            "graduation.followupvisit": "family",
            # A complaint naming the family follows it to its new desa, and so to its new scope.
            "complaints.complaint": "family",
            # Programme participations and proposals follow the family to its new desa.
            "programs.participation": "family",
            "programs.proposal": "family",
        }
