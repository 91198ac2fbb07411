"""The monitoring pages: figures, missing verifications, sanctions, forced exits, and their files."""

import csv
import io
from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.compliance import calendar, views_monitoring
from harapan.compliance.models import Sanction, SanctionKind
from harapan.lib.nik import mask_nik
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    METRO_DESA,
    make_family,
    make_user,
    sign_in,
)

from .test_monitoring import DESA_A2, MONTH, MonthFixture, pupil, toddler, verify

MONITORING = "compliance:monitoring"
SEPTEMBER = {"bulan": "2026-09"}
URL_NAMES = ["monitoring", "monitoring_xlsx", "missing_list", "missing_csv", "sanction_list",
             "forced_exit", "forced_exit_csv"]  # fmt: skip


def url(name: str) -> str:
    return reverse(f"compliance:{name}")


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def terminate(member, component, year=2026, stage=3, **kwargs):
    return Sanction.objects.create(
        member=member, region_code=member.region_code, component=component,
        kind=SanctionKind.TERMINATION, year=year, stage=stage, reason="Tidak patuh 3 bulan",
        computed=True, **kwargs,
    )  # fmt: skip


def suspend(member, component, year=2026, stage=4, **kwargs):
    return Sanction.objects.create(
        member=member, region_code=member.region_code, component=component,
        kind=SanctionKind.SUSPENSION, year=year, stage=stage, reason="Tidak patuh 1 bulan",
        computed=True, **kwargs,
    )  # fmt: skip


class AccessTest(MonthFixture):
    def test_every_page_needs_a_login(self):
        for name in URL_NAMES:
            response = self.client.get(url(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login"))

    def test_a_user_with_no_role_is_refused(self):
        self.client.force_login(make_user("tamu"))
        for name in URL_NAMES:
            assert self.client.get(url(name)).status_code == 403, name


class MonitoringPageTest(MonthFixture):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(url("monitoring"), params)

    def codes(self, response) -> list:
        return [row.code for row in response.context["rows"]]

    def test_it_defaults_to_the_previous_month(self):
        response = self.get(self.korkab)
        assert response.status_code == 200
        previous = calendar.add_months(calendar.month_start(timezone.localdate()), -1)
        assert response.context["month_text"] == calendar.month_label(previous)
        assert response.context["form"]["per"].value() == "kecamatan"

    def test_a_pendamping_sees_the_desa_of_their_own_caseload_only(self):
        response = self.get(self.pendamping_a, **SEPTEMBER)
        assert response.context["form"]["per"].value() == "desa"
        assert self.codes(response) == [DESA_A, DESA_A2]
        assert [r.owed for r in response.context["rows"]] == [3, 2]
        self.assertContains(response, "Kuripan")
        assert response.context["total"].owed == 5
        other = self.get(self.pendamping_b, **SEPTEMBER)
        assert self.codes(other) == [DESA_B]
        self.assertNotContains(other, "Kuripan")

    def test_a_korcam_sees_the_pendamping_of_their_kecamatan(self):
        response = self.get(self.korcam_a, **SEPTEMBER)
        assert [r.label for r in response.context["rows"]] == ["Pendamping A", "Pendamping A2"]
        self.assertNotContains(response, "Pendamping B")
        total = response.context["total"]
        assert (total.owed, total.verified, total.compliant, total.non_compliant) == (7, 5, 3, 1)

    def test_a_korkab_sees_kecamatan_with_names_totals_and_tiles(self):
        response = self.get(self.korkab, per="kecamatan", **SEPTEMBER)
        assert self.codes(response) == [KEC_A, "180602"]
        self.assertContains(response, "Kota Agung")
        self.assertContains(response, "Talang Padang")
        self.assertNotContains(response, "Metro")
        # 7 of 9 verified; 3 compliant of 6 judged.
        self.assertContains(response, "77,8%")
        self.assertContains(response, "50,0%")
        self.assertContains(response, "Jumlah")

    def test_families_without_a_pendamping_come_last(self):
        response = self.get(self.admin_pusat, per="pendamping", **SEPTEMBER)
        assert response.context["rows"][-1].key is None
        self.assertContains(response, "Belum ada pendamping")

    def test_it_refuses_a_future_month_a_bad_month_and_a_bad_grouping(self):
        next_month = calendar.add_months(calendar.month_start(timezone.localdate()), 1)
        for params, message in [
            ({"bulan": calendar.month_label(next_month)}, "Bulan verifikasi belum berjalan."),
            ({"bulan": "2026-13"}, "Bulan tidak valid"),
            ({"bulan": "kemarin"}, "Bulan tidak valid"),
            ({"per": "provinsi"}, "Masukkan pilihan yang valid"),
        ]:
            response = self.get(self.korkab, **params)
            self.assertContains(response, message)
            assert "rows" not in response.context

    def test_the_xlsx_has_the_same_figures_and_is_audited(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(url("monitoring_xlsx"), {"per": "desa", **SEPTEMBER})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content))["pemantauan"]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0][:4] == ["kode", "nama", "wajib_verifikasi", "terverifikasi"]
        assert rows[1] == [DESA_A, "Kuripan", 5, 4, 80.0, 2, 1, 1, 1, 66.7]
        assert rows[2][:4] == [DESA_A2, "Wilayah 1806012002", 2, 1]
        assert rows[3] == [None, "Jumlah", 7, 5, 71.4, 3, 1, 1, 2, 75.0]
        notes = load_workbook(io.BytesIO(response.content))["keterangan"]
        about = {r[0]: r[1] for r in notes.iter_rows(values_only=True)}
        # The month and the grouping by name, not 2026-09 and desa.
        assert (about["bulan"], about["per"]) == ("September 2026", "Desa/kelurahan")
        entry = AuditEntry.objects.get(action="compliance.monitoring.export")
        assert entry.actor == self.korcam_a
        assert entry.region_code == KEC_A
        assert entry.details == {"bulan": "2026-09", "per": "desa", "rows": 2}

    def test_the_xlsx_refuses_bad_input_and_records_nothing(self):
        self.client.force_login(self.korkab)
        response = self.client.get(url("monitoring_xlsx"), {"bulan": "2026-13"})
        assert response.status_code == 400
        self.assertContains(response, "Bulan tidak valid", status_code=400)
        assert not AuditEntry.objects.filter(action="compliance.monitoring.export").exists()


class MissingListTest(MonthFixture):
    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(url("missing_list"), {**SEPTEMBER, **params})

    def test_a_pendamping_sees_their_missing_records_with_full_nik_and_links(self):
        response = self.get(self.pendamping_a)
        rows = response.context["rows"]
        assert [(m.pk, m.commitment) for m in rows] == [
            (self.mother.pk, "ibu_hamil"),
            (self.toddler_a3.pk, "anak_usia_dini"),
        ]
        self.assertContains(response, self.mother.name)
        self.assertContains(response, self.mother.nik)
        self.assertContains(response, reverse("registry:family_detail", args=[self.family_a.pk]))
        self.assertContains(response, "Ibu hamil/nifas")
        assert AuditEntry.objects.get(action="compliance.missing.view_nik").details == {
            "count": 2, "bulan": "2026-09"}  # fmt: skip

    def test_the_record_link_opens_the_family_month_page(self):
        response = self.get(self.pendamping_a)
        link = f"/verifikasi/keluarga/{self.family_a.pk}/2026-09/"
        assert response.context["rows"][0].month_url == link
        self.assertContains(response, f'href="{link}">Catat verifikasi')
        month_page = self.client.get(link)
        assert month_page.status_code == 200
        self.assertContains(month_page, self.mother.name)

    def test_another_pendamping_sees_none_of_them(self):
        response = self.get(self.pendamping_b)
        assert response.context["rows"] == []
        self.assertNotContains(response, self.mother.name)
        self.assertContains(response, "Semua komitmen bulan ini sudah diverifikasi.")

    def test_a_korwil_sees_masked_niks_and_nothing_is_logged(self):
        response = self.get(self.korwil)
        assert len(response.context["rows"]) == 2
        self.assertNotContains(response, self.mother.nik)
        self.assertContains(response, mask_nik(self.mother.nik))
        assert not AuditEntry.objects.filter(action="compliance.missing.view_nik").exists()

    def test_the_page_shows_the_first_rows_and_the_csv_has_them_all(self):
        with mock.patch.object(views_monitoring, "MAX_ROWS", 1):
            response = self.get(self.korcam_a)
        assert len(response.context["rows"]) == 1
        assert response.context["count"] == 2
        self.assertContains(response, "Menampilkan 1 dari 2 baris")
        response = self.client.get(url("missing_csv"), SEPTEMBER)
        rows = csv_rows(response)
        assert rows[0] == views_monitoring.MISSING_HEADER
        assert rows[1] == ["2026-09", self.family_a.registry_id, self.mother.nik,
                           self.mother.name, "ibu_hamil", DESA_A, "Pendamping A"]  # fmt: skip
        assert [r[4] for r in rows[1:]] == ["ibu_hamil", "anak_usia_dini"]
        entry = AuditEntry.objects.get(action="compliance.missing.export")
        assert entry.details == {"bulan": "2026-09", "rows": 2, "full_nik": True}

    def test_the_csv_masks_niks_for_a_korwil_and_keeps_to_scope(self):
        self.client.force_login(self.korwil)
        rows = csv_rows(self.client.get(url("missing_csv"), SEPTEMBER))
        assert rows[1][2] == mask_nik(self.mother.nik)
        self.client.force_login(self.pendamping_b)
        assert csv_rows(self.client.get(url("missing_csv"), SEPTEMBER)) == [
            views_monitoring.MISSING_HEADER
        ]


class SanctionListTest(MonthFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a_pupil = cls.family_a.members.get(school_level="sd")
        cls.suspended = suspend(a_pupil, "sd")
        cls.terminated = terminate(cls.toddler_a3, "anak_usia_dini")
        b_pupil = cls.family_b.members.get(school_level="sd")
        cls.terminated_b = terminate(b_pupil, "sd", stage=2)
        suspend(b_pupil, "sd", stage=3)  # another stage's: not in force in stage 4
        lifted = terminate(cls.mother, "ibu_hamil")
        lifted.lifted_at = timezone.now()
        lifted.save()

    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(url("sanction_list"), params)

    def test_it_defaults_to_the_current_stage_and_lists_what_is_in_force(self):
        response = self.get(self.korkab)
        year, stage = calendar.stage_of(timezone.localdate())
        assert (response.context["year"], response.context["stage"]) == (year, stage)
        assert {s.pk for s in response.context["rows"]} == {
            self.suspended.pk, self.terminated.pk, self.terminated_b.pk}  # fmt: skip
        self.assertContains(response, self.toddler_a3.name)
        self.assertContains(response, "Anak usia dini")
        self.assertContains(response, "Tidak patuh 3 bulan")
        self.assertContains(response, reverse("registry:family_detail", args=[self.family_a.pk]))

    def test_it_filters_by_kind_and_stage(self):
        response = self.get(self.korkab, tahun=2026, tahap=4, jenis="pembatalan")
        assert {s.pk for s in response.context["rows"]} == {
            self.terminated.pk, self.terminated_b.pk}  # fmt: skip
        response = self.get(self.korkab, tahun=2026, tahap=2)
        assert [s.pk for s in response.context["rows"]] == [self.terminated_b.pk]

    def test_it_keeps_to_the_caseload_and_the_region(self):
        pks = {s.pk for s in self.get(self.pendamping_a, tahun=2026, tahap=4).context["rows"]}
        assert pks == {self.suspended.pk, self.terminated.pk}
        pks = {s.pk for s in self.get(self.korcam_a, tahun=2026, tahap=4).context["rows"]}
        assert pks == {self.suspended.pk, self.terminated.pk}
        pks = {s.pk for s in self.get(self.pendamping_b, tahun=2026, tahap=4).context["rows"]}
        assert pks == {self.terminated_b.pk}

    def test_it_refuses_a_bad_stage(self):
        response = self.get(self.korkab, tahun=2026, tahap=5)
        self.assertContains(response, "Masukkan pilihan yang valid")
        assert "rows" not in response.context


class ForcedExitTest(MonthFixture):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Every component of family_a3 terminated from stage 3 on: a candidate in stage 4.
        terminate(cls.family_a3.members.get(school_level="sd"), "sd")
        terminate(cls.toddler_a3, "anak_usia_dini")
        # family_b keeps its toddler's component: not a candidate.
        terminate(cls.family_b.members.get(school_level="sd"), "sd")

    def get(self, user, name="forced_exit", **params):
        self.client.force_login(user)
        return self.client.get(url(name), {"tahun": 2026, "tahap": 4, **params})

    def test_it_lists_families_whose_every_component_is_terminated(self):
        response = self.get(self.korkab)
        assert [f.pk for f in response.context["rows"]] == [self.family_a3.pk]
        self.assertContains(response, "Anak usia dini, SD/sederajat")
        self.assertContains(response, reverse("registry:family_detail", args=[self.family_a3.pk]))
        assert self.get(self.korkab, tahap=2).context["rows"] == []

    def test_it_keeps_to_scope(self):
        assert len(self.get(self.pendamping_a).context["rows"]) == 1
        assert len(self.get(self.korcam_a).context["rows"]) == 1
        assert self.get(self.pendamping_b).context["rows"] == []
        assert self.get(self.pendamping_a2).context["rows"] == []

    def test_the_csv_follows_the_contract_and_is_audited(self):
        response = self.get(self.korcam_a, name="forced_exit_csv")
        assert csv_rows(response) == [
            ["id_keluarga", "kode_desa", "pendamping", "komponen_dibatalkan"],
            [self.family_a3.registry_id, DESA_A2, "Pendamping A", "anak_usia_dini;sd"],
        ]
        entry = AuditEntry.objects.get(action="compliance.forced_exit.export")
        assert entry.details == {"tahun": 2026, "tahap": 4, "rows": 1}
        self.client.force_login(self.pendamping_b)
        assert len(csv_rows(self.get(self.pendamping_b, name="forced_exit_csv"))) == 1


class QueryCountTest(TestCase):
    """Each page costs the same number of queries for 3 families as for 30."""

    @classmethod
    def setUpTestData(cls):
        cls.pendamping = make_user("pendamping_q", Role.PENDAMPING, KEC_A)
        cls.korkab = make_user("korkab_q", Role.KORKAB, "1806")
        make_family(region_code=METRO_DESA)

    def add_families(self, n: int) -> None:
        for i in range(n):
            desa = DESA_A if i % 2 else DESA_A2
            family = make_family(region_code=desa, pendamping=self.pendamping)
            child = pupil(family)
            verify(child, "sd", "patuh" if i % 3 else "tidak_patuh")
            little = toddler(family)  # left unverified: a missing record
            terminate(child, "sd")
            terminate(little, "anak_usia_dini")
            suspend(child, "sd")

    def queries(self, user) -> dict[str, int]:
        self.client.force_login(user)
        counts = {}
        pages = [("monitoring", {"per": g, **SEPTEMBER}) for g in ("pendamping", "desa",
                 "kecamatan")]  # fmt: skip
        pages += [("monitoring_xlsx", SEPTEMBER), ("missing_list", SEPTEMBER),
                  ("missing_csv", SEPTEMBER), ("sanction_list", {"tahun": 2026, "tahap": 4}),
                  ("forced_exit", {"tahun": 2026, "tahap": 4}),
                  ("forced_exit_csv", {"tahun": 2026, "tahap": 4})]  # fmt: skip
        for name, params in pages:
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(url(name), params)
            assert response.status_code == 200, name
            counts[f"{name} {params.get('per', '')}"] = len(captured)
        return counts

    def test_the_query_count_does_not_grow_with_the_families(self):
        self.add_families(3)
        few = [self.queries(user) for user in (self.pendamping, self.korkab)]
        self.add_families(27)
        many = [self.queries(user) for user in (self.pendamping, self.korkab)]
        assert few == many

    def test_the_fixture_fills_every_page(self):
        self.add_families(3)
        self.client.force_login(self.korkab)
        assert len(self.client.get(url("missing_list"), SEPTEMBER).context["rows"]) == 3
        assert len(self.client.get(url("forced_exit"), {"tahun": 2026, "tahap": 4})
                   .context["rows"]) == 3  # fmt: skip
        sanctions = self.client.get(url("sanction_list"), {"tahun": 2026, "tahap": 4})
        assert len(sanctions.context["rows"]) == 9


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_fit_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", Role.PENDAMPING, KEC_A)
    for _ in range(3):
        family = make_family(pendamping=pendamping)
        verify(pupil(family), "sd", "patuh")
        toddler(family)
    page = phone_page
    sign_in(page, live_server.url, "siti")
    for name in ("monitoring", "missing_list", "sanction_list", "forced_exit"):
        page.goto(f"{live_server.url}{url(name)}?bulan={MONTH:%Y-%m}")
        page.screenshot(path=str(screenshot_dir / f"compliance-{name}-360px.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name
    page.goto(f"{live_server.url}{url('monitoring')}?bulan={MONTH:%Y-%m}&per=desa")
    assert page.inner_text("tfoot th >> nth=1") == "6"


def test_the_month_chooser_allows_this_month_but_not_the_next():
    this_month = calendar.month_start(timezone.localdate())
    assert views_monitoring.MonthForm({"bulan": calendar.month_label(this_month)}).is_valid()
    later = calendar.add_months(this_month, 1)
    assert not views_monitoring.MonthForm({"bulan": calendar.month_label(later)}).is_valid()
    form = views_monitoring.MonthForm(SEPTEMBER)
    assert form.is_valid() and form.cleaned_data["bulan"] == MONTH


class EmptyScope(TestCase):
    def test_a_coordinator_without_a_region_sees_an_empty_table_not_an_error(self):
        lost = make_user("korcam_tanpa_wilayah", "korcam")
        self.client.force_login(lost)
        assert self.client.get(reverse("compliance:monitoring")).status_code == 200
