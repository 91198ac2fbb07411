"""Issue 13: a family is shown by its head, desa and ID on every page of the registry,
graduation and jobs apps, and figures and dates are written one way there."""

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from harapan.graduation import actions
from harapan.graduation.assessment import record_assessment
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.registry.batch import store_findings
from harapan.registry.changes import request_change
from harapan.registry.models import ChangeKind
from harapan.testing import DESA_A, PersonaTestCase, make_family

# A family named as registry/family_name.html names it.
SITI = (
    '<span class="family-name">Siti Aminah · Kuripan</span>'
    ' <span class="muted nowrap">KPM0000777</span>'
)


class FamilyNamesTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.siti = make_family(
            registry_id="KPM0000777", region_code=DESA_A, pendamping=cls.pendamping_a,
            members=[
                {"relation": "kepala_keluarga", "name": "Siti Aminah", "sex": "P",
                 "birth_date": date(1985, 5, 17)},
                {"relation": "anak", "name": "Budi", "birth_date": date(2016, 8, 1),
                 "school_level": "sd", "severe_disability": True},
            ],
        )  # fmt: skip
        cls.budi = cls.siti.members.get(name="Budi")
        cls.change = request_change(
            cls.siti, ChangeKind.SCHOOL, {"school_level": "smp"}, member=cls.budi,
            acting_user=cls.pendamping_a,
        )  # fmt: skip
        cls.proposal = actions.propose_exit(
            cls.siti, kind="pindah", reason="Pindah ke Jawa", exit_date=date(2026, 12, 20),
            acting_user=cls.pendamping_a,
        )  # fmt: skip
        record_assessment(
            cls.siti,
            {"monthly_income": 2_500_000, "poverty_line": 600_000, "steady_work": True,
             "assessed_on": date(2026, 11, 3)},
            acting_user=cls.pendamping_a,
        )  # fmt: skip
        # An implausible age for primary school gives the family a data finding.
        cls.siti.members.filter(pk=cls.budi.pk).update(birth_date=date(2023, 1, 1))
        store_findings("1806", timezone.localdate())

    def page(self, user, name, *args, **query):
        self.client.force_login(user)
        response = self.client.get(reverse(name, args=args), query)
        self.assertEqual(response.status_code, 200)
        return response

    def test_the_family_list_and_the_assignments_name_the_family(self):
        self.assertContains(self.page(self.korcam_a, "registry:family_list"), SITI, html=True)
        self.assertContains(self.page(self.korcam_a, "registry:assignments"), SITI, html=True)

    def test_the_family_page_is_titled_by_its_head_and_desa(self):
        response = self.page(self.korcam_a, "registry:family_detail", self.siti.pk)
        self.assertContains(response, "<title>Siti Aminah · Kuripan (KPM0000777) · SIM PKH</title>")
        self.assertContains(response, f"<h1>{SITI}</h1>", html=True)
        # The desa's code in its dotted form, dates and yes/no written one way.
        self.assertContains(response, "18.06.01.2001")
        self.assertContains(response, '<td class="nowrap">17 Mei 1985</td>', html=True)
        self.assertContains(response, "<td>Ya</td>", html=True)  # Budi's severe disability

    def test_the_correction_forms_name_the_family(self):
        edit = self.page(self.pendamping_a, "registry:family_edit", self.siti.pk)
        self.assertContains(edit, SITI, html=True)
        member = self.page(self.pendamping_a, "registry:member_edit", self.budi.pk)
        self.assertContains(member, SITI, html=True)

    def test_data_updates_name_the_family(self):
        self.assertContains(self.page(self.korcam_a, "registry:change_list"), SITI, html=True)
        detail = self.page(self.korcam_a, "registry:change_detail", self.change.pk)
        self.assertContains(detail, SITI, html=True)
        new = self.page(self.pendamping_a, "registry:change_new", self.siti.pk)
        self.assertContains(new, SITI, html=True)

    def test_proposals_name_the_family(self):
        self.assertContains(self.page(self.korcam_a, "graduation:proposal_list"), SITI, html=True)
        detail = self.page(self.korcam_a, "graduation:proposal_detail", self.proposal.pk)
        self.assertContains(detail, SITI, html=True)
        self.assertContains(detail, "20 Des 2026")

    def test_assessments_name_the_family(self):
        history = self.page(self.pendamping_a, "graduation:assessment_history", self.siti.pk)
        self.assertContains(history, SITI, html=True)
        self.assertContains(history, "3 Nov 2026")
        self.assertContains(history, "Rp 2.500.000 / Rp 600.000")
        self.assertContains(self.page(self.korkab, "graduation:readiness"), SITI, html=True)

    def test_data_findings_name_the_family(self):
        self.assertContains(self.page(self.korkab, "registry:data_findings"), SITI, html=True)

    def test_candidates_name_the_family(self):
        make_family(
            registry_id="KPM0000778", region_code=DESA_A, pendamping=self.pendamping_a,
            members=[{"relation": "kepala_keluarga", "name": "Joko Susilo",
                      "birth_date": date(1980, 1, 1)}],
        )  # fmt: skip
        response = self.page(self.korkab, "graduation:candidates", tanggal="2026-11-01")
        self.assertContains(
            response,
            '<span class="family-name">Joko Susilo · Kuripan</span>'
            ' <span class="muted nowrap">KPM0000778</span>',
            html=True,
        )
        self.assertContains(response, "<h1>Calon graduasi alamiah: 1 Nov 2026</h1>", html=True)


class RunFiguresTest(PersonaTestCase):
    def test_a_run_page_writes_its_figures_and_time_one_way(self):
        at = datetime(2026, 11, 30, 7, 5, tzinfo=timezone.get_current_timezone())
        run = Run.objects.create(
            kind=RunKind.REGISTRY_IMPORT, status=RunStatus.DONE, started_by=self.operator,
            title="registri.csv", region_code="1806", rows_read=20805, rows_checked=20805, rows_written=1234567,
            finished_at=at,
        )  # fmt: skip
        Run.objects.filter(pk=run.pk).update(created_at=at)
        self.client.force_login(self.operator)
        response = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(response, '<span class="figure">20.805</span>', html=True)
        self.assertContains(response, '<span class="figure">1.234.567</span>', html=True)
        self.assertContains(response, "30 Nov 2026 07.05")
        listed = self.client.get(reverse("jobs:run_list"))
        self.assertContains(listed, "30 Nov 2026 07.05")
