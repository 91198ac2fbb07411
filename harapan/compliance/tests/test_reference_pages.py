"""The schools and facilities pages, their upload, and a family's school/facility link page."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.compliance.models import HealthFacility, MemberService, School
from harapan.jobs.models import Run, RunKind, RunStatus
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    METRO_DESA,
    PersonaTestCase,
    make_family,
    make_member,
    make_user,
    queued_run,
    refusal_on_record,
    run_due_tasks,
    run_queued_here,
    sign_in,
    xlsx_bomb,
)

SCHOOLS = reverse("compliance:reference_list", args=["sekolah"])
FACILITIES = reverse("compliance:reference_list", args=["faskes"])
NEW_SCHOOL = reverse("compliance:reference_new", args=["sekolah"])
NEW_FACILITY = reverse("compliance:reference_new", args=["faskes"])
UPLOAD_SCHOOLS = reverse("compliance:reference_upload", args=["sekolah"])


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1)


def upload(text: str, name: str = "sekolah.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class ReferenceCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sd_a = School.objects.create(
            npsn="10800001", name="SD Negeri 1 Kuripan", level="sd", region_code=DESA_A
        )
        cls.smp_a = School.objects.create(
            npsn="10800002", name="SMP Negeri 1 Kota Agung", level="smp", region_code=DESA_A
        )
        cls.closed_a = School.objects.create(
            npsn="10800004",
            name="SD Negeri 9 Kuripan",
            level="sd",
            region_code=DESA_A,
            active=False,
        )
        cls.sd_b = School.objects.create(
            npsn="10800003", name="SD Negeri 1 Sinar Semendo", level="sd", region_code=DESA_B
        )
        cls.sd_metro = School.objects.create(
            npsn="10800005", name="SD Negeri 1 Metro", level="sd", region_code=METRO_DESA
        )
        cls.posyandu_a = HealthFacility.objects.create(
            name="Posyandu Mawar", kind="posyandu", region_code=DESA_A
        )
        cls.posyandu_b = HealthFacility.objects.create(
            name="Posyandu Melati", kind="posyandu", region_code=DESA_B
        )

    def listed(self, user, url=SCHOOLS, **query) -> set[str]:
        self.client.force_login(user)
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        return {row.name for row in response.context["page"]}


class ListTests(ReferenceCase):
    def test_an_operator_sees_the_schools_of_their_kabupaten(self):
        self.assertEqual(
            self.listed(self.operator),
            {
                "SD Negeri 1 Kuripan",
                "SMP Negeri 1 Kota Agung",
                "SD Negeri 9 Kuripan",
                "SD Negeri 1 Sinar Semendo",
            },
        )

    def test_a_pendamping_sees_only_their_kecamatan(self):
        self.assertEqual(self.listed(self.pendamping_b), {"SD Negeri 1 Sinar Semendo"})
        self.assertEqual(self.listed(self.pendamping_b, FACILITIES), {"Posyandu Melati"})
        self.assertNotIn("SD Negeri 1 Sinar Semendo", self.listed(self.pendamping_a))

    def test_admin_pusat_sees_every_region(self):
        self.assertIn("SD Negeri 1 Metro", self.listed(self.admin_pusat))

    def test_read_only_roles_get_no_edit_links(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(SCHOOLS)
        self.assertNotContains(response, NEW_SCHOOL)
        self.assertNotContains(response, UPLOAD_SCHOOLS)
        self.client.force_login(self.operator)
        response = self.client.get(SCHOOLS)
        self.assertContains(response, NEW_SCHOOL)
        self.assertContains(response, UPLOAD_SCHOOLS)

    def test_visitors_log_in_and_users_without_a_role_are_refused(self):
        self.assertEqual(self.client.get(SCHOOLS).status_code, 302)
        self.client.force_login(make_user("tanpa_peran"))
        self.assertEqual(self.client.get(SCHOOLS).status_code, 403)

    def test_it_filters_by_desa_code_and_name(self):
        self.assertEqual(
            self.listed(self.operator, wilayah="18.06.02"), {"SD Negeri 1 Sinar Semendo"}
        )
        self.assertEqual(self.listed(self.operator, cari="smp"), {"SMP Negeri 1 Kota Agung"})
        self.assertEqual(self.listed(self.operator, cari="10800003"), {"SD Negeri 1 Sinar Semendo"})

    def test_a_region_outside_the_users_own_shows_an_error_and_nothing(self):
        self.client.force_login(self.operator)
        response = self.client.get(SCHOOLS, {"wilayah": "18.72"})
        self.assertContains(response, "di luar wilayah Anda")
        self.assertEqual(len(response.context["page"].object_list), 0)

    def test_it_pages_in_a_fixed_number_of_queries(self):
        School.objects.bulk_create(
            School(
                npsn=f"{10810000 + n}", name=f"SD Tambahan {n:02d}", level="sd", region_code=DESA_A
            )
            for n in range(60)
        )
        self.client.force_login(self.operator)
        # session, user, count, page, desa names, the operator's recent uploads
        with self.assertNumQueries(6):
            response = self.client.get(SCHOOLS, {"wilayah": "180601"})
        self.assertEqual(len(response.context["page"].object_list), 50)
        self.assertContains(response, "wilayah=180601&amp;halaman=2")
        second = self.client.get(SCHOOLS, {"wilayah": "180601", "halaman": 2})
        self.assertEqual(len(second.context["page"].object_list), 13)


class EditTests(ReferenceCase):
    def post_school(self, user, **data):
        self.client.force_login(user)
        values = {
            "npsn": "10800100",
            "name": "SD Negeri 3 Kuripan",
            "level": "sd",
            "region_code": "18.06.01.2001",
            "active": "on",
        }
        return self.client.post(NEW_SCHOOL, {**values, **data})

    def test_an_operator_creates_a_school_and_it_is_audited(self):
        response = self.post_school(self.operator)
        self.assertRedirects(response, SCHOOLS)
        school = School.objects.get(npsn="10800100")
        self.assertEqual((school.region_code, school.active), (DESA_A, True))
        entry = AuditEntry.objects.get(action="compliance.school.create")
        self.assertEqual((entry.actor, entry.object_id), (self.operator, str(school.pk)))

    def test_it_refuses_bad_npsn_taken_npsn_and_desa_outside_or_unknown(self):
        cases = [
            ({"npsn": "1080010"}, "NPSN harus tepat 8 angka"),
            ({"npsn": "10800001"}, "NPSN ini sudah dipakai SD Negeri 1 Kuripan"),
            ({"region_code": "18.72.01.1001"}, "Desa ini di luar wilayah Anda"),
            ({"region_code": "1806019999"}, "tidak ada di daftar wilayah"),
            ({"region_code": "180601"}, "Kode desa harus 10 angka"),
            ({"level": "paud"}, "paud"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post_school(self.operator, **data)
                self.assertContains(response, message)
                self.assertFalse(School.objects.filter(name="SD Negeri 3 Kuripan").exists())

    def test_read_only_roles_cannot_create_or_edit(self):
        for user in (self.pendamping_a, self.korcam_a, self.korkab, self.auditor):
            with self.subTest(user=user.username):
                self.assertEqual(self.post_school(user).status_code, 403)
                edit = reverse("compliance:reference_edit", args=["sekolah", self.sd_a.pk])
                self.assertEqual(self.client.get(edit).status_code, 403)
        self.assertFalse(School.objects.filter(npsn="10800100").exists())

    def test_an_operator_edits_a_school_of_their_region_only(self):
        self.client.force_login(self.operator)
        edit = reverse("compliance:reference_edit", args=["sekolah", self.sd_a.pk])
        page = self.client.get(edit)
        self.assertContains(page, 'value="18.06.01.2001"')
        data = {
            "npsn": "10800001",
            "name": "SD Negeri 1 Kuripan Raya",
            "level": "sd",
            "region_code": DESA_A,
            "active": "",
        }
        self.assertRedirects(self.client.post(edit, data), SCHOOLS)
        self.sd_a.refresh_from_db()
        self.assertEqual((self.sd_a.name, self.sd_a.active), ("SD Negeri 1 Kuripan Raya", False))
        entry = AuditEntry.objects.get(action="compliance.school.update")
        self.assertEqual(entry.changes["name"], ["SD Negeri 1 Kuripan", "SD Negeri 1 Kuripan Raya"])
        metro = reverse("compliance:reference_edit", args=["sekolah", self.sd_metro.pk])
        self.assertEqual(self.client.get(metro).status_code, 404)

    def test_a_facility_name_is_unique_in_its_desa_whatever_the_case(self):
        self.client.force_login(self.operator)
        data = {
            "name": "posyandu  mawar",
            "kind": "posyandu",
            "code": "",
            "region_code": DESA_A,
            "active": "on",
        }
        response = self.client.post(NEW_FACILITY, data)
        self.assertContains(response, "Fasilitas bernama ini sudah ada di desa tersebut")
        response = self.client.post(NEW_FACILITY, {**data, "region_code": DESA_B})
        self.assertRedirects(response, FACILITIES)
        self.assertEqual(
            HealthFacility.objects.get(region_code=DESA_B, name__iexact="posyandu mawar").name,
            "posyandu mawar",
        )

    def test_admin_pusat_may_create_anywhere(self):
        response = self.post_school(self.admin_pusat, region_code=METRO_DESA)
        self.assertRedirects(response, SCHOOLS)


class UploadTests(ReferenceCase):
    def uploaded(self, text: str, url: str = UPLOAD_SCHOOLS) -> Run:
        """Upload as the operator: the request only queues the run; then the task runs it."""
        self.client.force_login(self.operator)
        schools, facilities = School.objects.count(), HealthFacility.objects.count()
        run = queued_run(self, self.client.post(url, {"file": upload(text)}))
        # Nothing read in the request.
        self.assertEqual((School.objects.count(), HealthFacility.objects.count()),
                         (schools, facilities))  # fmt: skip
        self.assertEqual(run_queued_here(), 1)
        run.refresh_from_db()
        return run

    def test_the_request_queues_a_run_and_the_task_imports_the_schools(self):
        # One new school, one renamed (SD Negeri 1 Kuripan), one as it was (SD Negeri 1 Sinar
        # Semendo).
        text = (
            "npsn,nama,jenjang,kode_desa\n10800200,SD Baru,sd,18.06.02.2001\n"
            "10800001,SD Negeri 1 Kuripan Raya,sd,1806012001\n"
            "10800003,SD Negeri 1 Sinar Semendo,sd,1806022001\n"
        )
        run = self.uploaded(text)
        self.assertEqual((run.kind, run.title, run.region_code, run.status),
                         (RunKind.SCHOOLS_IMPORT, "sekolah.csv", "1806", RunStatus.DONE))  # fmt: skip
        self.assertEqual((run.rows_read, run.rows_checked, run.rows_written), (3, 3, 2))
        self.assertEqual(School.objects.get(npsn="10800200").region_code, DESA_B)
        self.assertEqual(School.objects.get(npsn="10800001").name, "SD Negeri 1 Kuripan Raya")
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertEqual(page.context["figures"],
                         [("Baris dibaca", 3), ("Baru", 1), ("Diubah", 1), ("Tetap", 1)])  # fmt: skip
        self.assertContains(page, "3 baris diimpor: 1 baru, 1 diubah, 1 tetap.")
        self.assertContains(page, f'href="{SCHOOLS}"')
        listed = self.client.get(SCHOOLS)
        self.assertEqual(list(listed.context["runs"]), [run])
        self.assertEqual(list(self.client.get(FACILITIES).context["runs"]), [])

    def test_an_operator_uploads_facilities(self):
        text = "kode_desa,nama,jenis,kode_faskes\n1806022001,Puskesmas Sinar,puskesmas,P01\n"
        run = self.uploaded(text, reverse("compliance:reference_upload", args=["faskes"]))
        self.assertEqual((run.kind, run.status), (RunKind.FACILITIES_IMPORT, RunStatus.DONE))
        self.assertEqual(HealthFacility.objects.get(code="P01").region_code, DESA_B)
        self.assertEqual(run.figures, [["Baris dibaca", 1], ["Baru", 1], ["Diubah", 0],
                                       ["Tetap", 0]])  # fmt: skip
        self.assertEqual(run.result_url, FACILITIES)

    def test_a_row_outside_the_region_rejects_the_file_and_the_errors_download(self):
        text = (
            "npsn,nama,jenjang,kode_desa\n10800200,SD Baru,sd,1806022001\n"
            "10800201,SD Metro Baru,sd,1872011001\n"
        )
        run = self.uploaded(text)
        self.assertEqual(run.status, RunStatus.REJECTED)
        self.assertEqual(run.errors, [[3, "kode_desa", "18.72.01.1001",
                                       "Desa ini di luar wilayah Anda (1806)"]])  # fmt: skip
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, "tidak ada yang diimpor")
        self.assertContains(page, "Desa ini di luar wilayah Anda (1806)")
        self.assertFalse(School.objects.filter(npsn__in=["10800200", "10800201"]).exists())
        errors = self.client.get(reverse("jobs:run_errors", args=[run.pk]))
        lines = errors.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "baris,kolom,nilai,pesan")
        self.assertTrue(lines[1].startswith("3,kode_desa,18.72.01.1001,"))
        self.assertEqual(len(lines), 2)

    def test_a_file_that_is_not_csv_is_refused_and_one_without_columns_rejected(self):
        self.client.force_login(self.operator)
        response = self.client.post(UPLOAD_SCHOOLS, {"file": upload("x", "sekolah.pdf")})
        self.assertContains(response, "Berkas harus .csv atau .xlsx")
        self.assertFalse(Run.objects.exists())
        run = self.uploaded("nama\nSD\n")
        self.assertEqual(run.status, RunStatus.REJECTED)
        page = self.client.get(reverse("jobs:run_detail", args=[run.pk]))
        self.assertContains(page, "Kolom wajib tidak ada")

    def test_a_zip_bomb_is_refused_at_the_door_and_recorded(self):
        self.client.force_login(self.operator)
        bomb = SimpleUploadedFile("sekolah.xlsx", xlsx_bomb(40, header=("npsn", "nama")))
        response = self.client.post(UPLOAD_SCHOOLS, {"file": bomb})
        self.assertContains(response, "ciri bom zip")
        self.assertFalse(Run.objects.exists())
        reason = refusal_on_record(self.operator, RunKind.SCHOOLS_IMPORT, "sekolah.xlsx")
        self.assertIn("ciri bom zip", reason)

    def test_read_only_roles_cannot_upload(self):
        self.client.force_login(self.korkab)
        text = "npsn,nama,jenjang,kode_desa\n10800200,SD Baru,sd,1806022001\n"
        self.assertEqual(self.client.post(UPLOAD_SCHOOLS, {"file": upload(text)}).status_code, 403)
        self.assertFalse(Run.objects.exists())
        self.assertFalse(School.objects.filter(npsn="10800200").exists())


class MemberServiceTests(ReferenceCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        family = cls.family_a
        cls.pupil = make_member(
            family, name="Ani", birth_date=years_ago(9), school_level="sd", sex="P"
        )
        cls.toddler = make_member(family, name="Budi", birth_date=years_ago(2))
        cls.late = make_member(family, name="Cici", birth_date=years_ago(3), alive=False)
        cls.url = reverse("compliance:member_service", args=[family.pk])

    def post(self, user, choices: dict):
        self.client.force_login(user)
        data = {f"anggota_{member.pk}": value for member, value in choices.items()}
        return self.client.post(self.url, data)

    def test_it_lists_the_members_owing_a_commitment_with_their_choices(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url)
        rows = {row.member.name: row for row in response.context["form"].rows}
        self.assertEqual(set(rows), {"Ani", "Budi"})  # not the head, not the deceased
        self.assertEqual(rows["Ani"].options, [self.sd_a])  # active SD of Kecamatan A only
        self.assertEqual(rows["Budi"].options, [self.posyandu_a])
        self.assertContains(response, self.pupil.nik)

    def test_saving_links_each_member_and_audits_it(self):
        response = self.post(
            self.pendamping_a, {self.pupil: self.sd_a.pk, self.toddler: self.posyandu_a.pk}
        )
        self.assertRedirects(response, self.url)
        self.assertEqual(MemberService.objects.get(member=self.pupil).school, self.sd_a)
        self.assertEqual(MemberService.objects.get(member=self.toddler).facility, self.posyandu_a)
        self.assertEqual(AuditEntry.objects.filter(action="compliance.service.link").count(), 2)

    def test_a_school_of_the_wrong_level_or_kecamatan_is_refused_and_nothing_saved(self):
        for school in (self.smp_a, self.sd_b, self.closed_a):
            with self.subTest(school=school.name):
                response = self.post(
                    self.pendamping_a, {self.pupil: school.pk, self.toddler: self.posyandu_a.pk}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Pilihan sekolah tidak sah")
                self.assertFalse(MemberService.objects.exists())

    def test_a_facility_of_another_kecamatan_is_refused(self):
        response = self.post(self.pendamping_a, {self.toddler: self.posyandu_b.pk})
        self.assertContains(response, "Pilihan faskes tidak sah")
        self.assertFalse(MemberService.objects.exists())

    def test_a_link_no_longer_allowed_stays_until_changed(self):
        MemberService.objects.create(member=self.pupil, region_code=DESA_A, school=self.closed_a)
        self.client.force_login(self.pendamping_a)
        self.assertContains(self.client.get(self.url), "tidak lagi dapat dipilih")
        response = self.post(
            self.pendamping_a, {self.pupil: self.closed_a.pk, self.toddler: self.posyandu_a.pk}
        )
        self.assertRedirects(response, self.url)
        service = MemberService.objects.get(member=self.pupil)
        self.assertEqual(service.school, self.closed_a)

    def test_the_page_costs_the_same_queries_whatever_the_familys_size(self):
        self.client.force_login(self.pendamping_a)
        with CaptureQueriesContext(connection) as small:
            self.client.get(self.url)
        for n in range(4):
            make_member(self.family_a, birth_date=years_ago(8 + n), school_level="sd")
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["form"].rows), 6)
        self.assertEqual(len(small), len(large))

    def test_another_pendamping_cannot_see_the_family(self):
        self.client.force_login(self.pendamping_b)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.post(self.pendamping_b, {self.pupil: self.sd_a.pk}).status_code, 404)
        self.assertFalse(MemberService.objects.exists())

    def test_read_only_roles_see_masked_niks_and_cannot_save(self):
        self.client.force_login(self.korwil)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, self.pupil.nik)
        self.assertNotContains(response, 'name="anggota_')
        self.assertEqual(self.post(self.korwil, {self.pupil: self.sd_a.pk}).status_code, 403)
        self.assertFalse(MemberService.objects.exists())

    def test_a_family_without_commitments_says_so(self):
        family = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("compliance:member_service", args=[family.pk]))
        self.assertContains(response, "Tidak ada anggota yang memiliki komitmen")

    def test_the_korcam_links_for_any_family_of_the_kecamatan(self):
        response = self.post(self.korcam_a, {self.pupil: self.sd_a.pk})
        self.assertRedirects(response, self.url)
        self.assertEqual(MemberService.objects.get(member=self.pupil).school, self.sd_a)
        self.assertEqual(self.korcam_a.role, Role.KORCAM)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_fit_a_360px_phone(live_server, phone_page, screenshot_dir, tmp_path):
    make_user("operator_hp", Role.OPERATOR, "1806")
    pendamping = make_user("siti", Role.PENDAMPING, KEC_A)
    family = make_family(pendamping=pendamping)
    make_member(family, name="Ani", birth_date=years_ago(9), school_level="sd")
    School.objects.create(npsn="10800001", name="SD Negeri 1 Kuripan Kecamatan Kota Agung",
                          level="sd", region_code=DESA_A)  # fmt: skip
    bad = tmp_path / "sekolah.csv"
    bad.write_text("npsn,nama,jenjang,kode_desa\n123,SD Rusak Sekali,tk,1872011001\n", "utf-8")
    page = phone_page

    sign_in(page, live_server.url, "operator_hp")
    page.goto(f"{live_server.url}{SCHOOLS}")
    page.set_input_files("#id_file", str(bad))
    page.click("form[enctype] button[type=submit].primary")
    page.wait_for_selector("text=Menunggu giliran")  # the run's page, refreshing itself
    run_due_tasks()
    page.wait_for_selector("text=Berkas ditolak")
    page.screenshot(path=str(screenshot_dir / "reference-schools-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert not School.objects.filter(npsn="123").exists()

    page.context.clear_cookies()
    sign_in(page, live_server.url, "siti")
    page.goto(f"{live_server.url}{reverse('compliance:member_service', args=[family.pk])}")
    page.select_option(
        "select[name^=anggota_]", label="SD Negeri 1 Kuripan Kecamatan Kota Agung (18.06.01.2001)"
    )
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=1 anggota diperbarui")
    page.screenshot(path=str(screenshot_dir / "member-service-360px.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert MemberService.objects.get().school.npsn == "10800001"
