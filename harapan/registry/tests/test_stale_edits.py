"""Two users correcting one family or member from forms loaded at the same time.

The form carries the version of the record it was loaded from; saving it over
a newer version is refused (409), showing what the other saved beside what
this user typed. Nothing is lost and nothing is overwritten.
"""

from django.test import Client
from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.registry import changes
from harapan.registry.models import Family, Member
from harapan.testing import PersonaTestCase


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def loaded(client: Client, url: str) -> dict:
    """What the browser would send back untouched: every field of the form as shown."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {field.name: field.value() for field in form}


class StaleFamilyEditTest(PersonaTestCase):
    def setUp(self):
        self.url = reverse("registry:family_edit", args=[self.family_a.pk])
        self.pendamping, self.korcam = signed_in(self.pendamping_a), signed_in(self.korcam_a)

    def test_the_second_save_of_a_form_loaded_before_the_first_is_refused_showing_both(self):
        mine, theirs = loaded(self.pendamping, self.url), loaded(self.korcam, self.url)
        first = self.korcam.post(self.url, {**theirs, "address": "Jl. Melati 4"})
        assert first.status_code == 302

        second = self.pendamping.post(self.url, {**mine, "address": "Jl. Kenanga 9"})

        assert second.status_code == 409
        page = second.content.decode()
        assert "Data ini sudah diubah orang lain sejak formulir Anda dibuka" in page
        assert "Terakhir disimpan oleh Korcam A" in page
        assert "<td>Alamat</td><td>Jl. Melati 4</td><td>Jl. Kenanga 9</td>" in page
        # What this user typed is still in the input, ready to save knowingly.
        self.assertContains(second, 'value="Jl. Kenanga 9"', status_code=409)
        assert Family.objects.get(pk=self.family_a.pk).address == "Jl. Melati 4"
        entries = AuditEntry.objects.filter(action="registry.family.update")
        assert [e.changes for e in entries] == [{"address": ["", "Jl. Melati 4"]}]

    def test_saving_again_from_the_refusal_page_replaces_it_knowingly(self):
        mine, theirs = loaded(self.pendamping, self.url), loaded(self.korcam, self.url)
        self.korcam.post(self.url, {**theirs, "address": "Jl. Melati 4"})
        refused = self.pendamping.post(self.url, {**mine, "address": "Jl. Kenanga 9"})
        again = {field.name: field.value() for field in refused.context["form"]}
        assert again["address"] == "Jl. Kenanga 9"

        saved = self.pendamping.post(self.url, again)

        assert saved.status_code == 302
        assert Family.objects.get(pk=self.family_a.pk).address == "Jl. Kenanga 9"
        entries = AuditEntry.objects.filter(action="registry.family.update").order_by("id")
        assert [e.changes for e in entries] == [
            {"address": ["", "Jl. Melati 4"]},
            {"address": ["Jl. Melati 4", "Jl. Kenanga 9"]},
        ]

    def test_an_approved_move_makes_an_open_address_form_stale(self):
        mine = loaded(self.pendamping, self.url)
        request = changes.request_change(
            self.family_a, "pindah", {"region_code": self.family_a.region_code,
                                      "address": "Dusun Sukamaju RT 02"},
            acting_user=self.pendamping_a,
        )  # fmt: skip
        changes.approve_change(request, acting_user=self.korcam_a)

        refused = self.pendamping.post(self.url, {**mine, "address": "Jl. Kenanga 9"})

        assert refused.status_code == 409
        self.assertContains(
            refused, "<td>Alamat</td><td>Dusun Sukamaju RT 02</td><td>Jl. Kenanga 9</td>",
            status_code=409,
        )  # fmt: skip
        assert Family.objects.get(pk=self.family_a.pk).address == "Dusun Sukamaju RT 02"

    def test_typing_what_the_other_already_saved_is_no_conflict(self):
        mine, theirs = loaded(self.pendamping, self.url), loaded(self.korcam, self.url)
        self.korcam.post(self.url, {**theirs, "address": "Jl. Melati 4"})

        same = self.pendamping.post(self.url, {**mine, "address": "Jl. Melati 4"}, follow=True)

        self.assertContains(same, "Tidak ada yang berubah.")
        assert AuditEntry.objects.filter(action="registry.family.update").count() == 1

    def test_a_form_without_its_version_is_refused_and_saves_nothing(self):
        response = self.pendamping.post(self.url, {"address": "Jl. Kenanga 9"})

        self.assertContains(response, "Formulir ini sudah usang: muat ulang halaman")
        assert Family.objects.get(pk=self.family_a.pk).address == ""
        assert not AuditEntry.objects.filter(action="registry.family.update").exists()


class StaleMemberEditTest(PersonaTestCase):
    def setUp(self):
        self.head = self.family_a.members.get()
        self.head.name = "Muhamad Rizky"
        self.head.save()
        self.url = reverse("registry:member_edit", args=[self.head.pk])
        self.pendamping, self.korcam = signed_in(self.pendamping_a), signed_in(self.korcam_a)

    def test_the_second_save_of_a_form_loaded_before_the_first_is_refused_showing_both(self):
        mine, theirs = loaded(self.pendamping, self.url), loaded(self.korcam, self.url)
        assert self.korcam.post(self.url, {**theirs, "name": "Muhammad Rizki"}).status_code == 302

        second = self.pendamping.post(self.url, {**mine, "name": "Muhammad Rizky"})

        assert second.status_code == 409
        page = second.content.decode()
        assert "Data ini sudah diubah orang lain sejak formulir Anda dibuka" in page
        assert "<td>Nama</td><td>Muhammad Rizki</td><td>Muhammad Rizky</td>" in page
        self.assertContains(second, 'value="Muhammad Rizky"', status_code=409)
        # The page is still titled by the name as saved, not as typed.
        self.assertContains(second, "<h1>Koreksi data Muhammad Rizki</h1>", status_code=409)
        assert Member.objects.get(pk=self.head.pk).name == "Muhammad Rizki"
        entries = AuditEntry.objects.filter(action="registry.member.update")
        assert [e.changes for e in entries] == [{"name": ["Muhamad Rizky", "Muhammad Rizki"]}]
