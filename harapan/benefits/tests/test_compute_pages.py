"""The compute page: the request enqueues, a task computes, the run page shows the figures."""

from datetime import date

from django.urls import reverse

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import BenefitIndex, Entitlement, Stage
from harapan.compliance import actions
from harapan.compliance.actions import Entry
from harapan.compliance.models import Sanction
from harapan.jobs.claims import holder_id
from harapan.jobs.models import Claim, Run, RunKind, RunStatus
from harapan.testing import PersonaTestCase, make_member, run_queued_here

URL = reverse("benefits:compute")


class ComputePage(PersonaTestCase):
    """Tanggamus (18.06) holds family_a, family_a2 and family_b; Kota Metro metro_family.

    Every head of family earns nothing; family_a also has an SD pupil, who
    earns Rp 225,000 in stage 3 of 2025 (Rp 900,000 a year).
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pupil = make_member(cls.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        cls.stage = Stage.objects.select_related("year").get(year_id=2025, number=3)

    def post(self, user, **data):
        self.client.force_login(user)
        return self.client.post(URL, {"year": 2025, "stage": 3, "aksi": "penetapan", **data})

    def run_page(self, run):
        return self.client.get(reverse("jobs:run_detail", args=[run.pk]))

    def test_an_operator_starts_a_computation_of_their_kabupaten_which_a_task_does(self):
        response = self.post(self.operator, region="1872")  # no such field for an operator
        run = Run.objects.get()
        self.assertRedirects(response, reverse("jobs:run_detail", args=[run.pk]))
        assert Entitlement.objects.count() == 0  # only enqueued
        assert (run.kind, run.region_code, run.status) == (
            RunKind.ENTITLEMENTS, "1806", RunStatus.QUEUED)  # fmt: skip
        assert run.title == "Tahap 3 2025, wilayah 18.06"

        assert run_queued_here() == 1

        computed = Entitlement.objects.filter(stage=self.stage)
        assert sorted(computed.values_list("family__registry_id", flat=True)) == sorted(
            f.registry_id for f in (self.family_a, self.family_a2, self.family_b)
        )
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        assert run.figures[:3] == [
            ["Keluarga ditetapkan", 3], ["Keluarga menerima bantuan", 1],
            ["Total bantuan (Rp)", 225_000],
        ]  # fmt: skip
        assert run.rows_written == 3
        page = self.run_page(run).content.decode()
        assert "Selesai" in page
        assert '<th scope="row">Total bantuan (Rp)</th><td class="num">225.000</td>' in page
        assert f"{reverse('benefits:entitlement_list')}?year=2025&amp;stage=3" in page

    def test_admin_pusat_computes_the_region_they_choose_or_the_whole_country(self):
        self.post(self.admin_pusat, region="1872")
        run_queued_here()
        assert list(Entitlement.objects.values_list("family_id", flat=True)) == [
            self.metro_family.pk
        ]
        self.post(self.admin_pusat, region="")
        run_queued_here()
        national = Run.objects.order_by("pk").last()
        assert (national.region_code, national.title) == ("", "Tahap 3 2025, seluruh Indonesia")
        assert national.figures[0] == ["Keluarga ditetapkan", 3]  # Metro's was already done
        assert Entitlement.objects.count() == 4

    def test_recomputing_replaces_the_stage_and_counts_the_families_that_changed(self):
        compute_entitlements(self.stage)
        make_member(self.family_b, birth_date=date(2012, 2, 2), school_level="smp")
        self.post(self.admin_pusat, region="18", recompute="on")
        run = Run.objects.get()
        assert run.kind == RunKind.ENTITLEMENTS_RECOMPUTE
        run_queued_here()
        run.refresh_from_db()
        figures = dict(run.figures)
        assert figures["Penetapan lama diganti"] == 4  # Lampung: Tanggamus' 3 and Metro's
        assert figures["Keluarga yang penetapannya berubah"] == 1  # family_b: + Rp 375,000
        assert figures["Total bantuan (Rp)"] == 225_000 + 375_000  # family_a's SD, b's SMP

    def test_computing_only_the_sanctions_writes_no_entitlement(self):
        actions.record_month(
            [Entry(member=self.pupil, commitment="sd", result="tidak_patuh", reason="bolos")],
            date(2025, 5, 1), acting_user=self.pendamping_a,
        )  # fmt: skip
        self.post(self.operator, aksi="sanksi")
        run = Run.objects.get()
        assert (run.kind, run.params) == (RunKind.SANCTIONS, {"year": 2025, "stage": 3})
        assert not Sanction.objects.exists()
        run_queued_here()
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        assert run.figures == [
            ["Penangguhan baru", 1], ["Pembatalan baru", 0],
            ["Sanksi dihapus karena data verifikasi berubah", 0],
            ["Sanksi berlaku pada tahap ini", 1],
        ]  # fmt: skip
        assert Sanction.objects.get().member == self.pupil
        assert not Entitlement.objects.exists()
        assert "tahun=2025&amp;tahap=3" in self.run_page(run).content.decode()

    def test_a_refused_claim_fails_the_run_with_its_message(self):
        Claim.objects.create(
            scope=f"benefits.entitlements:{self.stage.pk}", region_code="18",
            holder=holder_id(), started_by="admin_pusat",
        )  # fmt: skip
        self.post(self.operator)
        run_queued_here()
        run = Run.objects.get()
        assert run.status == RunStatus.FAILED
        assert not Entitlement.objects.exists()
        page = self.run_page(run).content.decode()
        assert (
            "Penetapan 2025 tahap 3 untuk wilayah 18.06 tidak dapat dimulai: wilayah 18 "
            "sedang dikerjakan oleh admin_pusat sejak "
        ) in page

    def test_a_year_without_an_index_is_refused_with_a_message(self):
        BenefitIndex.objects.filter(year_id=2025).delete()
        response = self.post(self.operator)
        assert response.status_code == 200
        self.assertContains(response, "Tahun 2025 belum punya indeks bantuan")
        assert not Run.objects.exists()

    def test_roles_without_the_right_get_403_and_no_menu_link(self):
        for user in (self.pendamping_a, self.korcam_a, self.korkab, self.korwil, self.auditor):
            self.client.force_login(user)
            assert self.client.get(URL).status_code == 403, user
            assert self.post(user).status_code == 403, user
            assert URL not in self.client.get(reverse("home")).content.decode()
        assert not Run.objects.exists()
        self.client.force_login(self.operator)
        assert URL in self.client.get(reverse("home")).content.decode()

    def test_the_page_lists_the_recent_computations_of_the_users_region(self):
        self.post(self.admin_pusat, region="")
        self.post(self.operator, aksi="sanksi")
        page = self.client.get(URL).content.decode()  # as the operator
        assert "Hitung sanksi: Tahap 3 2025, wilayah 18.06" in page
        assert "seluruh Indonesia" not in page.split("Perhitungan terakhir")[1]
        self.client.force_login(self.admin_pusat)
        page = self.client.get(URL).content.decode()
        assert "Hitung penetapan: Tahap 3 2025, seluruh Indonesia" in page
        assert '<option value="1806">18.06 KAB. TANGGAMUS</option>' in page
