"""The month recording pages: a family's month and a school class's month (DESIGN §5)."""

import tempfile
from datetime import date
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.compliance import actions, calendar
from harapan.compliance.actions import Entry
from harapan.compliance.importing import import_verification
from harapan.compliance.models import HealthFacility, MemberService, School, Verification
from harapan.testing import DESA_A, PersonaTestCase, make_member

THIS_MONTH = calendar.month_start(timezone.localdate())
LAST_MONTH = calendar.add_months(THIS_MONTH, -1)


def years_ago(years: int) -> date:
    return LAST_MONTH.replace(year=LAST_MONTH.year - years)


def make_school(region_code: str = DESA_A, level: str = "sd", **kwargs) -> School:
    kwargs.setdefault("npsn", f"1080{School.objects.count() + 1:04d}")
    kwargs.setdefault("name", f"SD Negeri {School.objects.count() + 1} Kuripan")
    return School.objects.create(region_code=region_code, level=level, **kwargs)


def make_facility(region_code: str = DESA_A, **kwargs) -> HealthFacility:
    kwargs.setdefault("name", f"Posyandu Melati {HealthFacility.objects.count() + 1}")
    kwargs.setdefault("kind", "posyandu")
    return HealthFacility.objects.create(region_code=region_code, **kwargs)


def link(member, school=None, facility=None) -> MemberService:
    return MemberService.objects.create(
        member=member, region_code=member.region_code, school=school, facility=facility
    )


def family_url(family, month: date = LAST_MONTH) -> str:
    return reverse("compliance:month_family", args=[family.pk, calendar.month_label(month)])


def school_url(school, month: date = LAST_MONTH) -> str:
    return reverse("compliance:month_school", args=[school.pk, calendar.month_label(month)])


class MonthPageCase(PersonaTestCase):
    """family_a has a head, an SD pupil and a toddler, linked to a school and a posyandu."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.school = make_school(name="SD Negeri 1 Kuripan")
        cls.posyandu = make_facility(name="Posyandu Mawar")
        cls.pupil = make_member(cls.family_a, name="Budi", birth_date=years_ago(9),
                                school_level="sd")  # fmt: skip
        cls.toddler = make_member(cls.family_a, name="Ani", birth_date=years_ago(2), sex="P")
        link(cls.pupil, school=cls.school)
        link(cls.toddler, facility=cls.posyandu)

    def post(self, url, rows: dict, user=None):
        self.client.force_login(user or self.pendamping_a)
        data = {}
        for member, fields in rows.items():
            data.update({f"m{member.pk}-{name}": value for name, value in fields.items()})
        return self.client.post(url, data)


class FamilyMonthPageTest(MonthPageCase):
    def test_it_asks_for_each_member_who_owes_a_commitment_with_the_duty(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(family_url(self.family_a))
        assert response.status_code == 200
        rows = response.context["rows"]
        assert [(r.member, r.commitment) for r in rows] == [
            (self.pupil, "sd"), (self.toddler, "anak_usia_dini")]  # fmt: skip
        self.assertContains(response, "Kehadiran sekolah")
        self.assertContains(response, "Penimbangan/imunisasi di posyandu atau puskesmas")
        # Percentages only for the pupil, with the phone's digit pad.
        self.assertContains(response, f'name="m{self.pupil.pk}-attendance"')
        self.assertNotContains(response, f'name="m{self.toddler.pk}-attendance"')
        self.assertContains(response, 'inputmode="numeric"')
        # Common excuse reasons offered; the school and posyandu preselected.
        self.assertContains(response, '<option value="bencana alam">')
        self.assertContains(response, f'<option value="{self.school.pk}" selected>')
        self.assertContains(response, f'<option value="{self.posyandu.pk}" selected>')

    def test_another_pendampings_family_is_not_found(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(family_url(self.family_a)).status_code == 404
        response = self.post(family_url(self.family_a), {self.toddler: {"result": "patuh"}},
                             user=self.pendamping_b)  # fmt: skip
        assert response.status_code == 404
        self.client.force_login(self.pendamping_a)
        assert self.client.get(family_url(self.family_b)).status_code == 404
        assert not Verification.objects.exists()

    def test_the_current_month_link_of_another_pendampings_family_is_not_found(self):
        # Found by the access matrix: it redirected (302) whatever the family.
        self.client.force_login(self.pendamping_b)
        current = reverse("compliance:month_family_current", args=[self.family_a.pk])
        assert self.client.get(current).status_code == 404

    def test_a_read_only_role_sees_the_month_without_a_form(self):
        actions.record_month([Entry(member=self.toddler, commitment="anak_usia_dini",
                                    result="patuh", facility=self.posyandu)],
                             LAST_MONTH, acting_user=self.pendamping_a)  # fmt: skip
        self.client.force_login(self.korwil)
        response = self.client.get(family_url(self.family_a))
        assert response.status_code == 200
        self.assertContains(response, "Budi")
        self.assertContains(response, "Posyandu Mawar")
        self.assertContains(response, "Belum diverifikasi.")
        self.assertNotContains(response, "Simpan verifikasi")
        self.assertNotContains(response, f'name="m{self.pupil.pk}-result"')
        response = self.post(family_url(self.family_a), {self.pupil: {"result": "patuh"}},
                             user=self.korwil)  # fmt: skip
        assert response.status_code == 403
        assert Verification.objects.count() == 1

    def test_saving_records_the_filled_members_derives_results_and_audits(self):
        response = self.post(family_url(self.family_a), {
            self.pupil: {"attendance": "90", "place": self.school.pk},
            self.toddler: {"result": "patuh", "place": self.posyandu.pk, "evidence": "KMS"},
        })  # fmt: skip
        self.assertRedirects(response, family_url(self.family_a), fetch_redirect_response=False)
        pupil = Verification.objects.get(member=self.pupil)
        assert (pupil.month, pupil.result, pupil.attendance, pupil.school) == (
            LAST_MONTH, "patuh", 90, self.school)  # fmt: skip
        assert pupil.recorded_by == self.pendamping_a and pupil.source == "formulir"
        toddler = Verification.objects.get(member=self.toddler)
        assert (toddler.result, toddler.facility, toddler.evidence) == (
            "patuh", self.posyandu, "KMS")  # fmt: skip
        assert AuditEntry.objects.filter(action="compliance.verification.record").count() == 2
        page = self.client.get(family_url(self.family_a))
        self.assertContains(page, "2 catatan baru atau berubah")

    def test_attendance_below_the_threshold_is_recorded_as_non_compliance(self):
        self.post(family_url(self.family_a), {self.pupil: {"attendance": "60"}})
        assert Verification.objects.get().result == "tidak_patuh"

    def test_a_member_left_blank_is_not_verified_yet(self):
        self.post(family_url(self.family_a), {
            self.pupil: {"place": self.school.pk},  # only the preselected school
            self.toddler: {"result": "tidak_patuh", "place": self.posyandu.pk},
        })  # fmt: skip
        assert list(Verification.objects.values_list("member", "result")) == [
            (self.toddler.pk, "tidak_patuh")]  # fmt: skip

    def test_a_bad_row_saves_nothing_and_the_message_shows_next_to_it(self):
        response = self.post(family_url(self.family_a), {
            self.pupil: {"result": "dikecualikan", "reason": "  "},
            self.toddler: {"result": "patuh", "evidence": "buku KIA"},
        })  # fmt: skip
        assert response.status_code == 200
        assert not Verification.objects.exists()
        assert not AuditEntry.objects.filter(action="compliance.verification.record").exists()
        self.assertContains(response, "Belum ada yang disimpan")
        pupil_row, toddler_row = response.context["rows"]
        assert pupil_row.form.non_field_errors() == [
            "Alasan pengecualian wajib diisi (mis. sakit, bencana)."]  # fmt: skip
        assert not toddler_row.form.errors
        # The input is kept for the user to correct.
        self.assertContains(response, 'value="buku KIA"')
        self.assertContains(response, f'value="patuh" id="id_m{self.toddler.pk}-result_0" checked')

    def test_an_out_of_range_percentage_is_refused(self):
        response = self.post(family_url(self.family_a), {self.pupil: {"attendance": "150"}})
        assert not Verification.objects.exists()
        assert response.context["rows"][0].form.errors["attendance"]
        response = self.post(family_url(self.family_a), {self.pupil: {"attendance": "9x"}})
        self.assertContains(response, "Tulis kehadiran sebagai angka 0–100")

    def test_an_attendance_for_a_toddler_is_ignored_not_recorded(self):
        # The field does not exist for a health commitment; a forged one is dropped.
        self.post(
            family_url(self.family_a), {self.toddler: {"result": "patuh", "attendance": "50"}}
        )
        assert Verification.objects.get().attendance is None

    def test_the_page_is_prefilled_from_the_months_records(self):
        actions.record_month([Entry(member=self.pupil, commitment="sd", attendance=70,
                                    school=self.school, evidence="rekap wali kelas")],
                             LAST_MONTH, acting_user=self.pendamping_a)  # fmt: skip
        self.client.force_login(self.pendamping_a)
        response = self.client.get(family_url(self.family_a))
        self.assertContains(response, 'value="70"')
        self.assertContains(response, 'value="rekap wali kelas"')
        derived = f'value="tidak_patuh" id="id_m{self.pupil.pk}-result_1" checked'
        self.assertContains(response, derived)
        self.assertContains(response, "Tercatat: Formulir oleh Pendamping A")
        # Saving it again unchanged writes nothing new.
        self.post(family_url(self.family_a), {
            self.pupil: {"result": "tidak_patuh", "attendance": "70", "place": self.school.pk,
                         "evidence": "rekap wali kelas"}})  # fmt: skip
        assert AuditEntry.objects.filter(action="compliance.verification.record").count() == 1

    def test_it_moves_between_months_but_not_into_the_future(self):
        self.client.force_login(self.pendamping_a)
        current = reverse("compliance:month_family_current", args=[self.family_a.pk])
        self.assertRedirects(self.client.get(current), family_url(self.family_a))
        response = self.client.get(family_url(self.family_a))
        self.assertContains(
            response, family_url(self.family_a, calendar.add_months(LAST_MONTH, -1))
        )
        self.assertContains(response, family_url(self.family_a, THIS_MONTH))
        response = self.client.get(family_url(self.family_a, THIS_MONTH))
        assert response.context["next_key"] is None
        self.assertNotContains(response, 'rel="next"')

    def test_a_future_or_malformed_month_is_refused(self):
        self.client.force_login(self.pendamping_a)
        future = family_url(self.family_a, calendar.add_months(THIS_MONTH, 1))
        assert self.client.get(future).status_code == 404
        assert self.post(future, {self.toddler: {"result": "patuh"}}).status_code == 404
        bad = reverse("compliance:month_family", args=[self.family_a.pk, "2025-13"])
        assert self.client.get(bad).status_code == 404
        assert not Verification.objects.exists()

    def test_its_query_count_does_not_grow_with_the_family(self):
        self.client.force_login(self.pendamping_a)
        with CaptureQueriesContext(connection) as small:
            self.client.get(family_url(self.family_a))
        for n in range(4):
            link(make_member(self.family_a, birth_date=years_ago(8 + n), school_level="sd"),
                 school=self.school)  # fmt: skip
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(family_url(self.family_a))
        assert len(response.context["rows"]) == 6
        assert len(large) == len(small)


class SchoolMonthPageTest(MonthPageCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A pupil of the same school in another pendamping's caseload.
        cls.other_pupil = make_member(cls.family_a2, name="Citra", birth_date=years_ago(10),
                                      school_level="sd")  # fmt: skip
        link(cls.other_pupil, school=cls.school)
        cls.empty_school = make_school(name="SD Negeri 9 Kuripan")

    def test_the_choice_lists_schools_with_a_visible_pupil(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("compliance:school_choice"))
        assert [(s, s.pupil_count) for s in response.context["schools"]] == [(self.school, 1)]
        self.assertContains(response, school_url(self.school))
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("compliance:school_choice"))
        assert [(s, s.pupil_count) for s in response.context["schools"]] == [(self.school, 2)]
        self.client.force_login(self.pendamping_b)
        response = self.client.get(reverse("compliance:school_choice"))
        assert list(response.context["schools"]) == []

    def test_the_class_lists_only_the_users_pupils_who_owe_school(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(school_url(self.school))
        assert [row.member for row in response.context["rows"]] == [self.pupil]
        self.assertContains(response, 'inputmode="numeric"')
        self.client.force_login(self.pendamping_b)
        assert self.client.get(school_url(self.school)).status_code == 404
        assert self.client.get(school_url(self.empty_school)).status_code == 404

    def test_saving_the_class_derives_each_result_from_attendance(self):
        self.client.force_login(self.korcam_a)
        response = self.post(school_url(self.school), {
            self.pupil: {"attendance": "80"},
            self.other_pupil: {"result": "dikecualikan", "reason": "sakit"},
        }, user=self.korcam_a)  # fmt: skip
        self.assertRedirects(response, school_url(self.school), fetch_redirect_response=False)
        records = {v.member: v for v in Verification.objects.all()}
        assert (records[self.pupil].result, records[self.pupil].school) == (
            "tidak_patuh", self.school)  # fmt: skip
        assert (records[self.other_pupil].result, records[self.other_pupil].reason) == (
            "dikecualikan", "sakit")  # fmt: skip

    def test_a_bad_row_in_the_class_saves_nothing(self):
        response = self.post(school_url(self.school), {
            self.pupil: {"attendance": "95"},
            self.other_pupil: {"attendance": "101"},
        }, user=self.korcam_a)  # fmt: skip
        assert response.status_code == 200
        assert not Verification.objects.exists()
        self.assertContains(response, 'value="95"')

    def test_a_read_only_role_sees_the_class_without_a_form(self):
        self.client.force_login(self.auditor)
        response = self.client.get(school_url(self.school))
        assert response.status_code == 200
        self.assertNotContains(response, "Simpan kehadiran")
        self.assertContains(response, "belum diverifikasi")


def prefilled(response) -> dict[str, str]:
    """What the browser sends back from the page as it was shown: every prefilled field."""
    data = {}
    for row in response.context["rows"]:
        for field in row.form:
            if field.value() not in (None, ""):
                data[field.html_name] = str(field.value())
    return data


class ImportedMonthTest(MonthPageCase):
    """A month imported from a file, then corrected on the family page for two members."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.baby = make_member(cls.family_a, name="Dewi", birth_date=years_ago(1), sex="P")
        cls.teen = make_member(cls.family_a, name="Eko", birth_date=years_ago(13),
                               school_level="smp")  # fmt: skip

    def import_month(self):
        month = calendar.month_label(LAST_MONTH)
        lines = ["nik,bulan,komitmen,hasil,persen_kehadiran,alasan",
                 f"{self.pupil.nik},{month},sd,,90,",
                 f"{self.toddler.nik},{month},anak_usia_dini,patuh,,",
                 f"{self.baby.nik},{month},anak_usia_dini,patuh,,",
                 f"{self.teen.nik},{month},smp,,95,"]  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "verifikasi.csv"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            assert import_verification(path, acting_user=self.korcam_a).imported
        return {v.member: v for v in Verification.objects.all()}

    def test_saving_two_changed_members_writes_and_counts_only_those_two(self):
        imported = self.import_month()
        assert len(imported) == 4
        self.client.force_login(self.pendamping_a)
        data = prefilled(self.client.get(family_url(self.family_a)))
        # The pupil and the toddler are shown with their usual school and posyandu,
        # which the file did not name; the pendamping changes only Dewi and Eko.
        data[f"m{self.baby.pk}-result"] = "tidak_patuh"
        data[f"m{self.teen.pk}-attendance"] = "60"
        del data[f"m{self.teen.pk}-result"]
        response = self.client.post(family_url(self.family_a), data)
        self.assertRedirects(response, family_url(self.family_a), fetch_redirect_response=False)
        page = self.client.get(family_url(self.family_a))
        self.assertContains(page, "2 catatan baru atau berubah")

        records = {v.member: v for v in Verification.objects.all()}
        for member in (self.pupil, self.toddler):
            before, after = imported[member], records[member]
            assert (after.source, after.recorded_by, after.recorded_at) == (
                "impor", self.korcam_a, before.recorded_at)  # fmt: skip
            assert (after.result, after.school, after.facility) == (before.result, None, None)
        for member, result in ((self.baby, "tidak_patuh"), (self.teen, "tidak_patuh")):
            assert (records[member].result, records[member].source) == (result, "formulir")
            assert records[member].recorded_by == self.pendamping_a
        assert records[self.teen].attendance == 60
        audited = AuditEntry.objects.filter(action="compliance.verification.record")
        assert sorted(audited.values_list("object_id", flat=True)) == sorted(
            [str(records[self.baby].pk), str(records[self.teen].pk)]
        )

    def test_sending_the_imported_month_back_unchanged_writes_nothing(self):
        self.import_month()
        self.client.force_login(self.pendamping_a)
        data = prefilled(self.client.get(family_url(self.family_a)))
        self.client.post(family_url(self.family_a), data)
        page = self.client.get(family_url(self.family_a))
        self.assertContains(page, "Tidak ada isian baru atau perubahan: belum ada yang disimpan.")
        assert set(Verification.objects.values_list("source", "recorded_by")) == {
            ("impor", self.korcam_a.pk)}  # fmt: skip
        assert not AuditEntry.objects.filter(action="compliance.verification.record").exists()
