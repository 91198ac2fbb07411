"""The complementary-programmes section of the family page (issue 17)."""

from datetime import date, timedelta
from unittest import mock

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from harapan.display import formats
from harapan.programs import actions
from harapan.programs.models import Outcome, Participation, Source, Status
from harapan.programs.panels import programs_panel
from harapan.registry import panels as registry_panels
from harapan.registry.models import FamilyStatus
from harapan.testing import PersonaTestCase, make_family, make_member

TODAY = timezone.localdate()


class FamilyPanelTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Siti (41) heads it; Budi is at SD with PIP; Ani at SMP without it; Nenek is 80.
        cls.family = make_family(
            [{"relation": "kepala_keluarga", "name": "Siti Aminah"},
             {"birth_date": date(2014, 3, 3), "school_level": "sd", "name": "Budi"},
             {"birth_date": date(2012, 3, 3), "school_level": "smp", "name": "Ani"},
             {"relation": "lainnya", "birth_date": date(1946, 1, 1), "name": "Nenek"}],
            pendamping=cls.pendamping_a,
        )  # fmt: skip
        cls.budi = cls.family.members.get(name="Budi")
        cls.ani = cls.family.members.get(name="Ani")
        cls.nenek = cls.family.members.get(name="Nenek")
        cls.pip = Participation.objects.create(
            family=cls.family, member=cls.budi, nik=cls.budi.nik,
            region_code=cls.family.region_code, programme="pip", starts_on=date(2025, 7, 14),
            status=Status.RECEIVING, source=Source.IMPORT,
        )  # fmt: skip
        Participation.objects.create(
            family=cls.family, region_code=cls.family.region_code, programme="bpnt",
            starts_on=date(2024, 1, 1), ends_on=date(2025, 12, 31), status=Status.RECEIVING,
            source=Source.IMPORT,
        )  # fmt: skip
        # Ani is proposed to PIP (pending); the family's electricity subsidy was rejected.
        cls.pending = actions.propose(cls.pendamping_a, cls.family, cls.ani, "pip",
                                      TODAY - timedelta(days=5), "sekolah", "")  # fmt: skip
        listrik = actions.propose(cls.pendamping_a, cls.family, None, "subsidi_listrik",
                                  TODAY - timedelta(days=9), "desa", "")  # fmt: skip
        actions.record_outcome(cls.pendamping_a, listrik, Outcome.REJECTED,
                               TODAY - timedelta(days=2))  # fmt: skip

    def panel(self, user, family=None) -> str:
        request = RequestFactory().get("/")
        request.user = user
        return programs_panel(request, family or self.family)

    def propose_link(self, gap, nik="") -> str:
        back = reverse("registry:family_detail", args=[self.family.pk])
        query = {"celah": gap, "keluarga": self.family.registry_id, "nik": nik, "next": back}
        return (reverse("programs:propose") + "?" + urlencode(query)).replace("&", "&amp;")

    def test_it_lists_participations_gaps_and_proposals(self):
        html = self.panel(self.pendamping_a)
        # Participations: Budi's PIP (import), the family's ended BPNT, the rejected subsidy.
        assert "Program Indonesia Pintar (PIP)</td>\n        <td>Budi" in html
        assert "14 Jul 2025 – sekarang" in html
        assert "1 Jan 2024 – 31 Des 2025" in html
        assert html.count("Impor data") == 2 and html.count("Dicatat pendamping") == 1
        assert html.count("<td>Ditolak</td>") == 1
        # Gaps today: Ani (PIP, proposed), PBI for all four, BPNT (ended), ATENSI for Nenek.
        assert "Anak sekolah tanpa PIP: <strong>Ani</strong>" in html
        assert "usulan menunggu hasil" in html
        assert self.propose_link("PIP", self.ani.nik) not in html  # pending: no second one
        assert "Anak sekolah tanpa PIP: <strong>Budi" not in html  # he receives PIP
        for member in self.family.members.all():
            assert self.propose_link("PBI", member.nik) in html
        assert self.propose_link("BPNT") in html
        assert self.propose_link("ATENSI", self.nenek.nik) in html
        assert html.count("Usulkan</a>") == 6  # 4 PBI, BPNT, ATENSI
        # Proposals: Ani's pending one links to its outcome; the subsidy's rejection.
        assert reverse("programs:proposal_outcome", args=[self.pending.pk]) in html
        assert "Subsidi listrik — Keluarga" in html
        assert f'<strong>Ditolak</strong> <span class="nowrap">{self.day(2)}</span>' in html

    def day(self, days_ago: int) -> str:
        return formats.day(TODAY - timedelta(days=days_ago))

    def test_who_only_reads_gets_no_links(self):
        html = self.panel(self.auditor)
        assert "Anak sekolah tanpa PIP: <strong>Ani</strong>" in html
        assert "Usulkan</a>" not in html
        assert reverse("programs:proposal_outcome", args=[self.pending.pk]) not in html

    def test_an_exited_family_gets_no_proposal_links(self):
        self.family.status, self.family.exit_date = FamilyStatus.EXITED, TODAY
        self.family.save()
        assert "Usulkan</a>" not in self.panel(self.pendamping_a)

    def test_a_family_with_nothing_recorded_says_so(self):
        html = self.panel(self.pendamping_b, self.family_b)
        assert "Belum ada kepesertaan program komplementer" in html
        assert "Belum ada usulan program." in html

    def test_its_query_count_does_not_grow_with_the_family(self):
        # participations, proposals, the year's rules (year and index), the members' gaps,
        # the BPNT gap
        with self.assertNumQueries(6):
            self.panel(self.pendamping_a)
        for n in range(3):
            make_member(self.family, birth_date=date(2013 + n, 1, 1), school_level="sd")
        with self.assertNumQueries(6):
            html = self.panel(self.pendamping_a)
        assert html.count("Usulkan</a>") == 12  # 3 more PIP and 3 more PBI

    def test_the_family_page_shows_it_once_registered(self):
        others = [p for p in registry_panels._panels if p is not programs_panel]
        with mock.patch.object(registry_panels, "_panels", [*others, programs_panel]):
            self.client.force_login(self.pendamping_a)
            response = self.client.get(reverse("registry:family_detail", args=[self.family.pk]))
        self.assertContains(response, "Program komplementer")
        self.assertContains(response, self.propose_link("BPNT"))
