"""The pemutakhiran pages: list, new request, detail and decision."""

from datetime import date

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from harapan.registry import changes
from harapan.registry.eligibility import component_for
from harapan.registry.models import ChangeRequest, ChangeStatus, Member
from harapan.testing import PersonaTestCase, make_family, make_member

NEW_NIK = "1806011503250001"


class ChangePagesTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.child = make_member(
            cls.family_a, birth_date=date(2015, 7, 1), school_level="sd", name="Budi"
        )

    def propose_school(self, level="smp", user=None, member=None):
        member = member or self.child
        return changes.request_change(
            member.family,
            "pendidikan",
            {"school_level": level},
            member=member,
            acting_user=user or self.pendamping_a,
        )

    def detail_url(self, request):
        return reverse("registry:change_detail", args=[request.pk])


class NewRequestPageTest(ChangePagesTestCase):
    def url(self, family=None, kind=""):
        url = reverse("registry:change_new", args=[(family or self.family_a).pk])
        return f"{url}?jenis={kind}" if kind else url

    def test_it_first_asks_what_changed(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url())
        self.assertContains(response, "Apa yang berubah?")
        self.assertContains(response, "?jenis=kelahiran")
        self.assertContains(response, "?jenis=pendidikan")

    def test_a_birth_is_requested_through_the_form(self):
        self.client.force_login(self.pendamping_a)
        self.assertContains(self.client.get(self.url(kind="kelahiran")), 'name="nik"')
        response = self.client.post(
            self.url(),
            {
                "jenis": "kelahiran",
                "nik": NEW_NIK,
                "name": "Bayi Harapan",
                "sex": "P",
                "birth_date": "2025-03-15",
                "relation": "anak",
                "note": "Akta kelahiran No. 123",
            },
        )
        request = ChangeRequest.objects.get()
        self.assertRedirects(response, self.detail_url(request))
        assert request.payload["nik"] == NEW_NIK and request.note == "Akta kelahiran No. 123"
        assert request.requested_by == self.pendamping_a
        assert not Member.objects.filter(nik=NEW_NIK).exists()

    def test_a_bad_nik_is_shown_on_the_form_in_indonesian(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            self.url(kind="kelahiran"),
            {"nik": "12345", "name": "Bayi", "sex": "L", "birth_date": "2025-03-15"},
        )
        assert response.status_code == 200
        self.assertContains(response, "NIK harus 16 angka.")
        assert not ChangeRequest.objects.exists()

    def test_a_school_level_is_requested_for_a_chosen_member(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            self.url(kind="pendidikan"), {"member": self.child.pk, "school_level": "smp"}
        )
        request = ChangeRequest.objects.get()
        self.assertRedirects(response, self.detail_url(request))
        assert (request.member, request.payload) == (self.child, {"school_level": "smp"})

    def test_the_member_list_holds_only_this_familys_members(self):
        stranger = self.family_a2.members.get()
        self.client.force_login(self.korcam_a)
        response = self.client.post(
            self.url(kind="pendidikan"), {"member": stranger.pk, "school_level": "smp"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["member"]
        assert not ChangeRequest.objects.exists()

    def test_pregnancy_is_offered_only_for_women(self):
        wife = make_member(self.family_a, relation="istri", sex="P", name="Siti Aminah")
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url(kind="kehamilan"))
        self.assertContains(response, "Siti Aminah")
        self.assertNotContains(response, "Budi")
        response = self.client.post(
            self.url(kind="kehamilan"), {"member": wife.pk, "pregnant": "ya"}
        )
        assert ChangeRequest.objects.get().payload == {"pregnant": True}

    def test_a_move_error_is_shown_on_its_field(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            self.url(kind="pindah"), {"region_code": "18.06.01.2999", "address": "Jl. Baru"}
        )
        assert response.context["form"].errors["region_code"] == [
            "Desa/kelurahan dengan kode 18.06.01.2999 tidak dikenal."
        ]

    def test_pendamping_b_cannot_open_pendamping_a_family(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(self.url(kind="kelahiran")).status_code == 404
        response = self.client.post(self.url(), {"jenis": "pendidikan", "member": self.child.pk})
        assert response.status_code == 404
        assert not ChangeRequest.objects.exists()

    def test_a_read_only_role_is_refused(self):
        self.client.force_login(self.korwil)
        assert self.client.get(self.url()).status_code == 403

    def test_an_exited_family_shows_why_and_no_form(self):
        family = make_family(pendamping=self.pendamping_a, status="keluar")
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url(family, "kelahiran"))
        self.assertContains(response, "KPM ini tidak aktif")
        self.assertNotContains(response, 'name="nik"')

    def test_it_needs_a_login(self):
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class DetailPageTest(ChangePagesTestCase):
    def test_it_shows_who_asked_and_the_proposed_value(self):
        request = self.propose_school()
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.detail_url(request))
        self.assertContains(response, "Diajukan oleh Pendamping A")
        self.assertContains(response, "SMP/sederajat")
        self.assertContains(response, "menunggu keputusan Koordinator kecamatan")
        assert not response.context["may_decide"]
        self.assertNotContains(response, "Setujui")

    def test_pendamping_of_another_kecamatan_gets_404(self):
        request = self.propose_school()
        self.client.force_login(self.pendamping_b)
        assert self.client.get(self.detail_url(request)).status_code == 404
        url = reverse("registry:change_approve", args=[request.pk])
        assert self.client.post(url).status_code == 404
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING

    def test_the_korcam_sees_the_decision_buttons(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        response = self.client.get(self.detail_url(request))
        assert response.context["may_decide"]
        self.assertContains(response, "Setujui dan mutakhirkan data")
        self.assertContains(response, "Alasan penolakan")

    def test_someone_in_scope_but_not_allowed_to_decide_gets_403(self):
        request = self.propose_school()
        self.client.force_login(self.pendamping_a)
        response = self.client.post(reverse("registry:change_approve", args=[request.pk]))
        assert response.status_code == 403
        response = self.client.post(
            reverse("registry:change_reject", args=[request.pk]), {"reason": "x"}
        )
        assert response.status_code == 403
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING

    @override_settings(HARAPAN_CHANGE_APPROVERS={"pendidikan": "korkab"})
    def test_the_korcam_gets_403_when_the_kind_is_set_to_korkab(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        assert not self.client.get(self.detail_url(request)).context["may_decide"]
        response = self.client.post(reverse("registry:change_approve", args=[request.pk]))
        assert response.status_code == 403

    def test_approving_applies_the_change_and_shows_who_decided(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        response = self.client.post(
            reverse("registry:change_approve", args=[request.pk]), follow=True
        )
        self.assertContains(response, "Permohonan disetujui")
        self.assertContains(response, "Disetujui oleh Korcam A")
        self.child.refresh_from_db()
        assert self.child.school_level == "smp"

    def test_approving_twice_says_it_is_already_decided(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        url = reverse("registry:change_approve", args=[request.pk])
        self.client.post(url)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Permohonan ini sudah diputuskan.")

    def test_rejecting_needs_a_reason(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        url = reverse("registry:change_reject", args=[request.pk])
        response = self.client.post(url, {"reason": ""})
        assert response.status_code == 400
        assert response.context["reject_form"].errors["reason"]
        assert ChangeRequest.objects.get(pk=request.pk).status == ChangeStatus.PENDING

    def test_a_rejected_request_says_why_and_who_rejected_it(self):
        request = self.propose_school()
        self.client.force_login(self.korcam_a)
        url = reverse("registry:change_reject", args=[request.pk])
        self.client.post(url, {"reason": "Rapor belum dilampirkan"})
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.detail_url(request))
        self.assertContains(response, "Ditolak oleh Korcam A")
        self.assertContains(response, "Rapor belum dilampirkan")
        self.child.refresh_from_db()
        assert self.child.school_level == "sd"

    def test_a_read_only_role_sees_a_masked_nik(self):
        request = changes.request_change(
            self.family_a,
            "kelahiran",
            {"nik": NEW_NIK, "name": "Bayi", "sex": "L", "birth_date": "2025-03-15"},
            acting_user=self.pendamping_a,
        )
        self.client.force_login(self.auditor)
        response = self.client.get(self.detail_url(request))
        self.assertNotContains(response, NEW_NIK)
        self.assertContains(response, "180601********01")


class ListPageTest(ChangePagesTestCase):
    url = reverse("registry:change_list")

    def listed(self, response) -> list[int]:
        return [change.pk for change in response.context["page"].object_list]

    def test_pending_requests_come_first(self):
        decided = self.propose_school("smp")
        changes.approve_change(decided, acting_user=self.korcam_a)
        waiting = self.propose_school("sma")
        older_waiting = ChangeRequest.objects.filter(pk=waiting.pk)
        older_waiting.update(requested_at=decided.requested_at.replace(year=2024))
        self.client.force_login(self.pendamping_a)
        assert self.listed(self.client.get(self.url)) == [waiting.pk, decided.pk]

    def test_it_filters_by_status(self):
        decided = self.propose_school("smp")
        changes.reject_change(decided, reason="Salah", acting_user=self.korcam_a)
        waiting = self.propose_school("sma")
        self.client.force_login(self.korcam_a)
        assert self.listed(self.client.get(self.url, {"status": "diajukan"})) == [waiting.pk]
        assert self.listed(self.client.get(self.url, {"status": "ditolak"})) == [decided.pk]

    def test_pendamping_b_does_not_see_pendamping_a_requests(self):
        mine = self.propose_school()
        theirs = self.propose_school(user=self.pendamping_b, member=self.family_b.members.get())
        self.client.force_login(self.pendamping_b)
        assert self.listed(self.client.get(self.url)) == [theirs.pk]
        self.client.force_login(self.korcam_a)
        assert self.listed(self.client.get(self.url)) == [mine.pk]

    @override_settings(HARAPAN_CHANGE_APPROVERS={"pendidikan": "korkab"})
    def test_a_korcam_lists_what_they_decide_and_what_they_asked(self):
        by_pendamping = self.propose_school()
        by_korcam = self.propose_school(user=self.korcam_a, member=self.family_a2.members.get())
        self.client.force_login(self.korcam_a)
        assert self.listed(self.client.get(self.url)) == [by_korcam.pk]
        self.client.force_login(self.korkab)
        listed = self.listed(self.client.get(self.url))
        assert sorted(listed) == sorted([by_pendamping.pk, by_korcam.pk])

    def test_the_query_count_does_not_grow_with_the_list(self):
        self.client.force_login(self.korcam_a)
        self.propose_school()
        # session, user, count, the page; the families' heads and desa (their names)
        with self.assertNumQueries(6):
            self.client.get(self.url)
        self.propose_school(user=self.korcam_a, member=self.family_a2.members.get())
        another = make_family(pendamping=self.pendamping_a)
        self.propose_school(member=another.members.get())
        with self.assertNumQueries(6):
            response = self.client.get(self.url)
        assert len(self.listed(response)) == 3


class WhatPaysThroughThePagesTest(ChangePagesTestCase):
    """Issue 11, item 8: severe disability, end to end through the pages."""

    def test_disabilitas_berat_is_requested_and_earns_only_after_approval(self):
        head = self.family_a.members.get(relation="kepala_keluarga")
        today = timezone.localdate()
        self.client.force_login(self.pendamping_a)
        url = reverse("registry:change_new", args=[self.family_a.pk])
        self.assertContains(self.client.get(f"{url}?jenis=disabilitas"), "Disabilitas berat")
        response = self.client.post(
            url, {"jenis": "disabilitas", "member": head.pk, "severe_disability": "ya"}
        )
        request = ChangeRequest.objects.get()
        self.assertRedirects(response, self.detail_url(request))
        assert component_for(Member.objects.get(pk=head.pk), today) is None
        self.client.force_login(self.korcam_a)
        response = self.client.get(self.detail_url(request))
        self.assertContains(
            response, "<td>Disabilitas berat</td><td>Tidak</td><td>Ya</td>", html=True
        )
        self.client.post(reverse("registry:change_approve", args=[request.pk]))
        assert component_for(Member.objects.get(pk=head.pk), today) == "disabilitas_berat"

    def test_every_field_that_pays_is_offered(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:change_new", args=[self.family_a.pk]))
        for kind in ("kelahiran", "kematian", "pindah", "kehamilan", "pendidikan",
                     "tanggal_lahir", "jenis_kelamin", "hubungan", "disabilitas", "rekening",
                     "desil"):  # fmt: skip
            self.assertContains(response, f"?jenis={kind}")

    def test_the_bank_form_starts_from_the_recorded_values(self):
        self.family_a.bank, self.family_a.kks_number = "BRI", "6013010000000001"
        self.family_a.save()
        self.client.force_login(self.pendamping_a)
        url = reverse("registry:change_new", args=[self.family_a.pk])
        form = self.client.get(f"{url}?jenis=rekening").context["form"]
        assert form["bank"].value() == "BRI"
        assert form["kks_number"].value() == "6013010000000001"


class NikWarningPagesTest(ChangePagesTestCase):
    """A newborn whose NIK encodes 11-11-2011: both people are warned."""

    WARNING = "NIK menyatakan 11-11-11, tanggal lahir 15-03-2025"

    def test_the_proposer_is_warned_on_submitting(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            reverse("registry:change_new", args=[self.family_a.pk]),
            {"jenis": "kelahiran", "nik": "1806011111110001", "name": "Bayi", "sex": "L",
             "birth_date": "2025-03-15", "relation": "anak"},
            follow=True,
        )  # fmt: skip
        assert ChangeRequest.objects.get().status == ChangeStatus.PENDING
        messages = [str(m) for m in response.context["messages"]]
        assert f"Periksa NIK: {self.WARNING}." in messages
        self.assertContains(response, self.WARNING)

    def test_the_approver_sees_it_on_the_decision_page(self):
        request = changes.request_change(
            self.family_a,
            "kelahiran",
            {"nik": "1806011111110001", "name": "Bayi", "sex": "L", "birth_date": "2025-03-15"},
            acting_user=self.pendamping_a,
        )
        self.client.force_login(self.korcam_a)
        response = self.client.get(self.detail_url(request))
        assert response.context["may_decide"]
        assert response.context["nik_warnings"] == [self.WARNING]
        self.assertContains(response, "Periksa NIK")
        self.assertContains(response, self.WARNING)

    def test_a_consistent_nik_shows_no_warning(self):
        request = changes.request_change(
            self.family_a,
            "kelahiran",
            {"nik": NEW_NIK, "name": "Bayi", "sex": "L", "birth_date": "2025-03-15"},
            acting_user=self.pendamping_a,
        )
        self.client.force_login(self.korcam_a)
        self.assertNotContains(self.client.get(self.detail_url(request)), "Periksa NIK")
