"""The proposal pages (issue 17): propose from a gap, the list, record an outcome."""

from datetime import date, timedelta

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from harapan.display import formats
from harapan.programs import actions
from harapan.programs.models import Outcome, Participation, Proposal, Status
from harapan.testing import PersonaTestCase, list_total, make_family

TODAY = timezone.localdate()
LIST = reverse("programs:proposal_list")


def propose_url(**query) -> str:
    return f"{reverse('programs:propose')}?{urlencode(query)}"


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


class ProposalPagesTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family = make_family(
            [{"relation": "kepala_keluarga", "name": "Siti Aminah"},
             {"birth_date": date(2012, 3, 3), "school_level": "smp", "name": "Ani"}],
            pendamping=cls.pendamping_a,
        )  # fmt: skip
        cls.ani = cls.family.members.get(name="Ani")

    def pip_url(self, **extra) -> str:
        return propose_url(celah="PIP", keluarga=self.family.registry_id, nik=self.ani.nik,
                           **extra)  # fmt: skip


class ProposePageTest(ProposalPagesTestCase):
    def test_the_form_names_the_family_member_and_programme_and_defaults_to_today(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.pip_url())
        self.assertContains(response, "Program Indonesia Pintar (PIP)")
        self.assertContains(response, "Anak sekolah tanpa PIP")
        self.assertContains(response, "Siti Aminah · Kuripan")
        self.assertContains(response, "<strong>Ani</strong>", html=False)
        self.assertContains(response, f'value="{TODAY.isoformat()}"')
        self.assertContains(response, "Sekolah/madrasah")  # a channel's label

    def test_bpnt_is_proposed_for_the_family(self):
        self.client.force_login(self.korcam_a)
        url = propose_url(celah="BPNT", keluarga=self.family.registry_id, nik="")
        self.assertContains(self.client.get(url), "<strong>Keluarga</strong>", html=False)
        response = self.client.post(url, {"proposed_on": TODAY.isoformat(), "channel": "desa"})
        self.assertRedirects(response, LIST)
        proposal = Proposal.objects.get()
        self.assertEqual((proposal.programme, proposal.nik, proposal.proposed_by),
                         ("bpnt", "", self.korcam_a))  # fmt: skip

    def test_posting_saves_and_returns_to_a_local_next(self):
        self.client.force_login(self.pendamping_a)
        family_page = reverse("registry:family_detail", args=[self.family.pk])
        day = TODAY - timedelta(days=3)
        response = self.client.post(
            self.pip_url(next=family_page),
            {"proposed_on": day.isoformat(), "channel": "sekolah", "note": "SMP Negeri 2"},
        )
        self.assertRedirects(response, family_page)
        proposal = Proposal.objects.get()
        self.assertEqual((proposal.member, proposal.programme, proposal.proposed_on,
                          proposal.channel, proposal.note),
                         (self.ani, "pip", day, "sekolah", "SMP Negeri 2"))  # fmt: skip
        self.assertEqual(messages_of(response), ["Usulan program dicatat."])

    def test_a_next_on_another_site_goes_to_the_list(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(self.pip_url(next="https://contoh.example/"),
                                    {"proposed_on": TODAY.isoformat(), "channel": "sekolah"})  # fmt: skip
        self.assertRedirects(response, LIST)

    def test_a_refusal_is_a_message_and_nothing_is_saved(self):
        actions.propose(self.pendamping_a, self.family, self.ani, "pip", TODAY, "sekolah")
        self.client.force_login(self.pendamping_a)
        response = self.client.post(self.pip_url(),
                                    {"proposed_on": TODAY.isoformat(), "channel": "sekolah"})  # fmt: skip
        self.assertEqual(response.status_code, 200)
        self.assertEqual(messages_of(response), [
            "Sudah ada usulan Program Indonesia Pintar (PIP) yang menunggu hasil untuk Ani."
        ])  # fmt: skip
        self.assertEqual(Proposal.objects.count(), 1)

    def test_a_form_error_is_a_message(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(self.pip_url(), {"proposed_on": TODAY.isoformat()})
        self.assertEqual(messages_of(response), ["Pilih saluran usulan."])
        self.assertEqual(Proposal.objects.count(), 0)

    def test_a_family_outside_the_scope_is_not_found(self):
        self.client.force_login(self.pendamping_b)
        self.assertEqual(self.client.get(self.pip_url()).status_code, 404)
        self.client.force_login(self.korcam_a)
        url = propose_url(celah="BPNT", keluarga=self.family_b.registry_id, nik="")
        self.assertEqual(self.client.post(url, {"channel": "desa"}).status_code, 404)
        self.assertEqual(Proposal.objects.count(), 0)

    def test_who_only_reads_cannot_post(self):
        for user in (self.auditor, self.korwil):
            self.client.force_login(user)
            response = self.client.post(self.pip_url(),
                                        {"proposed_on": TODAY.isoformat(), "channel": "sekolah"})  # fmt: skip
            self.assertEqual(response.status_code, 403)
        self.assertEqual(Proposal.objects.count(), 0)

    def test_another_pendamping_of_the_kecamatan_is_refused(self):
        self.client.force_login(self.pendamping_a2)  # does not see the family: 404
        self.assertEqual(self.client.get(self.pip_url()).status_code, 404)

    def test_without_a_family_it_sends_to_the_list(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("programs:propose"))
        self.assertRedirects(response, LIST)
        self.assertEqual(messages_of(response),
                         ["Pilih KPM dari daftar celah atau halaman keluarganya."])  # fmt: skip

    def test_an_unknown_gap_or_a_nik_of_another_family_is_not_found(self):
        self.client.force_login(self.pendamping_a)
        url = propose_url(celah="KIP", keluarga=self.family.registry_id, nik="")
        self.assertEqual(self.client.get(url).status_code, 404)
        stranger = self.family_a.members.get()
        url = propose_url(celah="PBI", keluarga=self.family.registry_id, nik=stranger.nik)
        self.assertEqual(self.client.get(url).status_code, 404)


class ProposalListTest(ProposalPagesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        head = cls.family.members.get(name="Siti Aminah")
        p = cls.pendamping_a
        # Open: Ani's PIP (40 days ago), Siti's PBI (today), the family's BPNT (31 days).
        cls.pip = actions.propose(p, cls.family, cls.ani, "pip", TODAY - timedelta(40), "sekolah")
        actions.propose(p, cls.family, head, "pbi_jkn", TODAY, "faskes_bpjs")
        actions.propose(p, cls.family, None, "bpnt", TODAY - timedelta(31), "desa")
        # Decided: an electricity subsidy, accepted 20 days ago.
        listrik = actions.propose(p, cls.family, None, "subsidi_listrik", TODAY - timedelta(60),
                                  "desa")  # fmt: skip
        actions.record_outcome(p, listrik, Outcome.ACCEPTED, TODAY - timedelta(20))
        # Elsewhere: family_b's BPNT, out of pendamping_a's scope.
        actions.propose(cls.pendamping_b, cls.family_b, None, "bpnt", TODAY, "desa")

    def total(self, user, **query) -> int:
        self.client.force_login(user)
        return list_total(self.client.get(LIST, query))

    def test_the_filters_give_the_totals_counted_by_hand(self):
        self.assertEqual(self.total(self.pendamping_a), 4)
        self.assertEqual(self.total(self.pendamping_a, status="semua"), 4)
        self.assertEqual(self.total(self.pendamping_a, status="terbuka"), 3)
        self.assertEqual(self.total(self.pendamping_a, status="selesai"), 1)
        self.assertEqual(self.total(self.pendamping_a, programme="bpnt"), 1)
        self.assertEqual(self.total(self.pendamping_a, lama="1"), 2)  # 40 and 31 days
        self.assertEqual(self.total(self.korkab), 5)
        self.assertEqual(self.total(self.korkab, programme="bpnt"), 2)

    def test_rows_show_labels_and_newest_first(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(LIST)
        html = response.content.decode()
        for text in ("Siti Aminah · Kuripan", "PBI-JKN/KIS", "Puskesmas/BPJS Kesehatan",
                     "Menunggu hasil", "Subsidi listrik", "Diterima",
                     formats.day(TODAY - timedelta(20))):  # fmt: skip
            self.assertIn(text, html)
        order = [html.index(label) for label in ("PBI-JKN/KIS</td>", "Sembako/BPNT</td>",
                                                 "Program Indonesia Pintar (PIP)</td>",
                                                 "Subsidi listrik</td>")]  # fmt: skip
        self.assertEqual(order, sorted(order))
        self.assertIn(reverse("programs:proposal_outcome", args=[self.pip.pk]), html)

    def test_who_only_reads_sees_the_list_without_outcome_links(self):
        self.client.force_login(self.auditor)
        response = self.client.get(LIST)
        self.assertEqual(list_total(response), 5)
        self.assertNotContains(response, reverse("programs:proposal_outcome", args=[self.pip.pk]))


class OutcomePageTest(ProposalPagesTestCase):
    def setUp(self):
        self.proposal = actions.propose(self.pendamping_a, self.family, self.ani, "pip",
                                        TODAY - timedelta(days=5), "sekolah")  # fmt: skip
        self.url = reverse("programs:proposal_outcome", args=[self.proposal.pk])

    def test_recording_acceptance_adds_the_participation(self):
        self.client.force_login(self.pendamping_a)
        self.assertContains(self.client.get(self.url), "Simpan hasil")
        response = self.client.post(self.url, {"outcome": "diterima",
                                               "outcome_on": TODAY.isoformat()})  # fmt: skip
        self.assertRedirects(response, LIST)
        participation = Participation.objects.get()
        self.assertEqual((participation.member, participation.status, participation.starts_on),
                         (self.ani, Status.RECEIVING, TODAY))  # fmt: skip
        page = self.client.get(self.url)
        self.assertNotContains(page, "Simpan hasil")
        self.assertContains(page, "<strong>Diterima</strong>", html=False)

    def test_a_refusal_is_a_message(self):
        self.client.force_login(self.korcam_a)
        before = TODAY - timedelta(days=6)
        response = self.client.post(self.url, {"outcome": "ditolak",
                                               "outcome_on": before.isoformat()})  # fmt: skip
        self.assertEqual(messages_of(response),
                         ["Tanggal hasil tidak boleh sebelum tanggal usulan."])  # fmt: skip
        self.assertEqual(Participation.objects.count(), 0)

    def test_out_of_scope_is_not_found_and_who_only_reads_is_forbidden(self):
        data = {"outcome": "diterima", "outcome_on": TODAY.isoformat()}
        self.client.force_login(self.pendamping_b)
        self.assertEqual(self.client.post(self.url, data).status_code, 404)
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.assertEqual(Participation.objects.count(), 0)
