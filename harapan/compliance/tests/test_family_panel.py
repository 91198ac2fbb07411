"""The verification panel of the family page, and lifting a sanction from it."""

from unittest import mock

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.compliance import actions, calendar
from harapan.compliance.actions import Entry
from harapan.compliance.models import Sanction, SanctionKind
from harapan.compliance.panels import compliance_panel
from harapan.registry import panels as registry_panels
from harapan.testing import PersonaTestCase, make_member

from .test_month_pages import LAST_MONTH, THIS_MONTH, family_url, years_ago

TODAY = timezone.localdate()


def lift_url(sanction) -> str:
    return reverse("compliance:sanction_lift", args=[sanction.pk])


def make_sanction(member, kind=SanctionKind.TERMINATION, **kwargs) -> Sanction:
    year, stage = calendar.stage_of(TODAY)
    kwargs.setdefault("year", year)
    kwargs.setdefault("stage", stage)
    kwargs.setdefault("reason", "Tidak patuh 3 bulan berturut-turut")
    return Sanction.objects.create(member=member, region_code=member.region_code,
                                   component="sd", kind=kind, computed=True, **kwargs)  # fmt: skip


class FamilyPanelTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, name="Budi", birth_date=years_ago(9),
                                school_level="sd")  # fmt: skip
        actions.record_month([Entry(member=cls.pupil, commitment="sd", attendance=92)],
                             LAST_MONTH, acting_user=cls.pendamping_a)  # fmt: skip
        cls.termination = make_sanction(cls.pupil)
        cls.lifted = make_sanction(cls.pupil, SanctionKind.SUSPENSION, reason="Tidak patuh 1 bulan")
        actions.lift_sanction(cls.lifted, "Salah catat sekolah", acting_user=cls.korkab)

    def panel(self, user) -> str:
        request = RequestFactory().get("/")
        request.user = user
        return compliance_panel(request, self.family_a)

    def test_it_shows_recent_months_per_member_and_the_sanctions(self):
        html = self.panel(self.pendamping_a)
        assert "Budi" in html and "SD/sederajat" in html
        assert '<abbr title="Patuh">✓</abbr>' in html  # last month, attendance 92 %
        assert '<abbr title="Belum diverifikasi">?</abbr>' in html  # this month
        assert family_url(self.family_a, THIS_MONTH) in html
        assert reverse("compliance:month_family_current", args=[self.family_a.pk]) in html
        assert "Pembatalan · SD/sederajat" in html and "berlaku" in html
        assert "Tidak patuh 3 bulan berturut-turut" in html
        assert "Dicabut oleh Korkab" in html and "Salah catat sekolah" in html

    def test_only_a_coordinator_gets_a_lift_form_and_only_for_a_sanction_in_force(self):
        assert lift_url(self.termination) not in self.panel(self.pendamping_a)
        html = self.panel(self.korcam_a)
        assert lift_url(self.termination) in html
        assert lift_url(self.lifted) not in html
        assert 'name="csrfmiddlewaretoken"' in html

    def test_a_past_suspension_is_history_not_in_force(self):
        year, stage = calendar.from_ordinal(calendar.ordinal(*calendar.stage_of(TODAY)) - 1)
        past = make_sanction(self.pupil, SanctionKind.SUSPENSION, year=year, stage=stage)
        html = self.panel(self.korcam_a)
        assert lift_url(past) not in html and "selesai" in html

    def test_a_family_with_no_commitment_says_so(self):
        request = RequestFactory().get("/")
        request.user = self.pendamping_b
        html = compliance_panel(request, self.family_b)
        assert "Tidak ada anggota yang memiliki komitmen" in html
        assert "Tidak ada sanksi." in html

    def test_its_query_count_does_not_grow_with_the_family(self):
        # members, the year's rules (year and index), records, sanctions
        with self.assertNumQueries(5):
            self.panel(self.korcam_a)
        for n in range(4):
            pupil = make_member(self.family_a, birth_date=years_ago(8 + n), school_level="sd")
            make_sanction(pupil)
        with self.assertNumQueries(5):
            html = self.panel(self.korcam_a)
        assert html.count("Cabut sanksi</button>") == 5

    def test_the_family_page_shows_it_once_registered(self):
        others = [p for p in registry_panels._panels if p is not compliance_panel]
        with mock.patch.object(registry_panels, "_panels", [*others, compliance_panel]):
            self.client.force_login(self.korcam_a)
            response = self.client.get(reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(response, "Verifikasi komitmen")
        self.assertContains(response, lift_url(self.termination))


class SanctionLiftTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, birth_date=years_ago(9), school_level="sd")
        cls.sanction = make_sanction(cls.pupil)

    def lift(self, user, reason):
        self.client.force_login(user)
        return self.client.post(lift_url(self.sanction), {"reason": reason})

    def test_a_korcam_lifts_it_with_a_reason_and_is_sent_back_to_the_family(self):
        response = self.lift(self.korcam_a, "Anak kembali bersekolah")
        family_page = reverse("registry:family_detail", args=[self.family_a.pk])
        self.assertRedirects(response, family_page, fetch_redirect_response=False)
        self.sanction.refresh_from_db()
        assert self.sanction.lifted_by == self.korcam_a
        assert self.sanction.lift_reason == "Anak kembali bersekolah"
        entry = AuditEntry.objects.get(action="compliance.sanction.lift")
        assert entry.actor == self.korcam_a
        self.assertContains(self.client.get(family_page), "Sanksi dicabut")

    def test_a_pendamping_may_not_lift_it(self):
        assert self.lift(self.pendamping_a, "Anak kembali bersekolah").status_code == 403
        self.client.force_login(self.pendamping_a)
        assert self.client.get(lift_url(self.sanction)).status_code == 403
        self.sanction.refresh_from_db()
        assert self.sanction.lifted_at is None

    def test_a_coordinator_elsewhere_does_not_find_it(self):
        assert self.lift(self.pendamping_b, "x").status_code == 404
        self.sanction.refresh_from_db()
        assert self.sanction.lifted_at is None

    def test_an_empty_reason_is_refused_with_a_message(self):
        response = self.lift(self.korcam_a, "   ")
        assert response.status_code == 400
        self.assertContains(response, "Alasan pencabutan wajib diisi.", status_code=400)
        self.sanction.refresh_from_db()
        assert self.sanction.lifted_at is None
        assert not AuditEntry.objects.filter(action="compliance.sanction.lift").exists()

    def test_a_sanction_lifted_already_shows_who_lifted_it(self):
        self.lift(self.korcam_a, "Anak kembali bersekolah")
        response = self.lift(self.korkab, "lagi")
        assert response.status_code == 400
        self.assertContains(response, "Sanksi ini sudah dicabut", status_code=400)
        self.assertContains(response, "Korcam A", status_code=400)
        self.sanction.refresh_from_db()
        assert self.sanction.lift_reason == "Anak kembali bersekolah"
