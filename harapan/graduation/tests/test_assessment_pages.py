from datetime import date, timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.graduation import assessment
from harapan.graduation.models import Assessment, AssessmentRules
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_family


def post_data(**changes) -> dict:
    data = {"assessed_on": timezone.localdate().isoformat(), "monthly_income": "Rp 2.500.000",
            "poverty_line": "2.000.000", "housing": "on", "desil": "5", "notes": ""}  # fmt: skip
    data.update(changes)
    return data


def assess(family, user, **changes):
    base = {k: False for k in assessment.FLAGS}
    base.update(monthly_income=1, poverty_line=2, desil=None, assessed_on=date(2025, 1, 1))
    base.update(changes)
    return assessment.record_assessment(family, base, user)


class CreatePageTests(PersonaTestCase):
    def url(self, family):
        return reverse("graduation:assessment_create", kwargs={"family_pk": family.pk})

    def test_the_form_is_phone_friendly(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url(self.family_a))
        self.assertContains(response, 'inputmode="numeric"', count=2)
        self.assertContains(response, 'type="checkbox"', count=7)
        self.assertContains(response, 'name="viewport"')

    def test_saving_shows_the_score_against_the_threshold(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(self.url(self.family_a), post_data(), follow=True)
        saved = Assessment.objects.get()
        self.assertEqual((saved.monthly_income, saved.score), (2_500_000, 45))
        self.assertRedirects(response, reverse("graduation:assessment_history",
                                               kwargs={"family_pk": self.family_a.pk}))  # fmt: skip
        self.assertContains(response, "skor 45 dari 100, belum mencapai skor siap graduasi (70)")
        self.assertTrue(AuditEntry.objects.filter(action="graduation.assess").exists())

    def test_reaching_the_threshold_is_said(self):
        self.client.force_login(self.korcam_a)
        data = post_data(steady_work="on", business="on")
        response = self.client.post(self.url(self.family_a), data, follow=True)
        self.assertContains(response, "skor 70 dari 100, mencapai skor siap graduasi (70)")

    def test_bad_input_changes_nothing_and_says_why(self):
        self.client.force_login(self.pendamping_a)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        for change, message in [
            ({"monthly_income": "banyak"}, "Tulis jumlah rupiah dengan angka saja."),
            ({"poverty_line": "0"}, "Garis kemiskinan harus lebih dari 0."),
            ({"assessed_on": tomorrow}, "Tanggal penilaian belum tiba."),
            ({"desil": "12"}, "bukan salah satu dari pilihan"),
        ]:  # fmt: skip
            with self.subTest(change=change):
                response = self.client.post(self.url(self.family_a), post_data(**change))
                self.assertContains(response, message, status_code=400)
        self.assertFalse(Assessment.objects.exists())

    def test_others_get_403_or_404(self):
        for user, family, status in [
            (self.pendamping_a2, self.family_a, 404), (self.pendamping_b, self.family_a, 404),
            (self.korwil, self.family_a, 403), (self.auditor, self.family_a, 403),
            (self.korkab, self.family_a, 403), (self.korcam_a, self.family_b, 404),
        ]:  # fmt: skip
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.url(family)).status_code, status)
                self.assertEqual(self.client.post(self.url(family), post_data()).status_code,
                                 status)  # fmt: skip
        self.assertFalse(Assessment.objects.exists())

    def test_anonymous_is_sent_to_log_in(self):
        response = self.client.get(self.url(self.family_a))
        self.assertEqual(response.status_code, 302)


class HistoryPageTests(PersonaTestCase):
    def url(self, family):
        return reverse("graduation:assessment_history", kwargs={"family_pk": family.pk})

    def test_it_lists_the_history_latest_first(self):
        assess(self.family_a, self.pendamping_a, assessed_on=date(2025, 1, 1), notes="pertama")
        assess(self.family_a, self.pendamping_a, assessed_on=date(2025, 4, 1), notes="kedua")
        self.client.force_login(self.korkab)
        response = self.client.get(self.url(self.family_a))
        self.assertEqual([a.notes for a in response.context["history"]], ["kedua", "pertama"])
        self.assertNotContains(response, "Catat penilaian baru")  # korkab only reads

    def test_pendamping_b_cannot_see_it(self):
        self.client.force_login(self.pendamping_b)
        self.assertEqual(self.client.get(self.url(self.family_a)).status_code, 404)

    def test_query_count_does_not_grow(self):
        self.client.force_login(self.pendamping_a)
        assess(self.family_a, self.pendamping_a)
        self.client.get(self.url(self.family_a))
        # session, user, family, its name (head, desa), rules, history
        with self.assertNumQueries(7) as first:
            self.client.get(self.url(self.family_a))
        for _ in range(4):
            assess(self.family_a, self.pendamping_a)
        with self.assertNumQueries(len(first)):
            self.client.get(self.url(self.family_a))


class ReadinessPageTests(PersonaTestCase):
    url = reverse("graduation:readiness")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        assess(cls.family_a, cls.pendamping_a, monthly_income=3, steady_work=True,
               business=True, assets=True, housing=True)  # 70: ready  # fmt: skip
        assess(cls.family_a2, cls.pendamping_a2, housing=True)
        assess(cls.family_b, cls.pendamping_b, savings=True)

    def registry_ids(self, response):
        return [f.registry_id for _, rows in response.context["groups"] for f in rows]

    def test_a_pendamping_sees_only_their_families(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(self.url)
        self.assertEqual(self.registry_ids(response), [self.family_a.registry_id])
        self.assertContains(response, "Siap")
        self.assertNotContains(response, self.family_b.registry_id)

    def test_coordinators_see_their_region_grouped_by_pendamping(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(self.url)
        groups = [(name, [f.pk for f in rows]) for name, rows in response.context["groups"]]
        self.assertEqual(groups, [(str(self.pendamping_a), [self.family_a.pk]),
                                  (str(self.pendamping_a2), [self.family_a2.pk])])  # fmt: skip
        self.client.force_login(self.korkab)
        self.assertEqual(len(self.client.get(self.url).context["groups"]), 3)

    def test_read_only_roles_see_it_without_forms(self):
        self.client.force_login(self.korwil)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, '<form method="post"')

    def test_exited_families_drop_out(self):
        type(self.family_a).objects.filter(pk=self.family_a.pk).update(status="keluar")
        self.client.force_login(self.pendamping_a)
        self.assertEqual(self.registry_ids(self.client.get(self.url)), [])

    def test_query_count_does_not_grow(self):
        self.client.force_login(self.korkab)
        self.client.get(self.url)
        # session, user, rules, ranking, the families' names (heads, desa), scope region, rules
        with self.assertNumQueries(8) as first:
            self.client.get(self.url)
        for region, pendamping in [(DESA_A, self.pendamping_a), (DESA_B, self.pendamping_b)] * 3:
            family = make_family(region_code=region, pendamping=pendamping)
            assess(family, pendamping, housing=True)
            assess(family, pendamping, savings=True)
        with self.assertNumQueries(len(first)):
            response = self.client.get(self.url)
        self.assertEqual(len(self.registry_ids(response)), 9)

    def test_the_export_is_scoped_and_audited(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("graduation:readiness_xlsx"))
        sheet = load_workbook(BytesIO(response.content))["kesiapan"]
        lines = list(sheet.values)
        self.assertEqual(lines[0][:2], ("pendamping", "id_keluarga"))
        self.assertEqual([line[1] for line in lines[1:]],
                         [self.family_a.registry_id, self.family_a2.registry_id])  # fmt: skip
        self.assertEqual(lines[1][6], "ya")
        entry = AuditEntry.objects.get(action="graduation.readiness.export")
        self.assertEqual(entry.details["rows"], 2)

    def test_the_threshold_is_configurable(self):
        AssessmentRules.objects.create(threshold=5)
        self.client.force_login(self.korcam_a)
        rows = [f for _, group in self.client.get(self.url).context["groups"] for f in group]
        self.assertTrue(all(f.ready for f in rows))

    def test_a_user_without_role_is_refused(self):
        from harapan.testing import make_user

        self.client.force_login(make_user("tanpa_peran"))
        self.assertEqual(self.client.get(self.url).status_code, 403)
