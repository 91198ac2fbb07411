from django.urls import reverse

from harapan.accounts.models import ApiToken
from harapan.audit.models import AuditEntry
from harapan.testing import PersonaTestCase


class LoginPageTest(PersonaTestCase):
    def test_the_login_page_is_in_indonesian_by_default(self):
        response = self.client.get(reverse("login"))
        self.assertContains(response, "Masuk ke Harapan")
        self.assertContains(response, 'lang="id"')

    def test_a_browser_set_to_english_still_gets_indonesian(self):
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Masuk ke Harapan")
        self.assertContains(response, 'lang="id"')

    def test_a_wrong_password_says_so_in_indonesian_and_is_audited(self):
        response = self.client.post(
            reverse("login"), {"username": "pendamping_a", "password": "salah"}
        )
        self.assertContains(response, "Nama pengguna atau kata sandi salah")
        assert AuditEntry.objects.filter(action="auth.login_failed").exists()

    def test_signing_in_lands_on_home_with_the_scoped_count_and_is_audited(self):
        response = self.client.post(
            reverse("login"),
            {"username": "korcam_a", "password": "rahasia-uji-123"},
            follow=True,
        )
        self.assertContains(response, "Selamat datang")
        assert response.context["family_count"] == 2  # Kecamatan A's two families
        entry = AuditEntry.objects.get(action="auth.login")
        assert entry.actor == self.korcam_a

    def test_home_needs_a_login(self):
        response = self.client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_sign_in_page_leads_the_public_to_the_complaint_portal(self):
        response = self.client.get(reverse("login"))
        self.assertContains(
            response, '<a href="/pengaduan/" id="tautan-pengaduan">Ajukan atau lacak pengaduan</a>',
            html=True,
        )  # fmt: skip
        self.assertContains(
            response,
            '<a href="/pengaduan/lacak/" id="tautan-lacak">Lacak pengaduan dengan kode dan PIN</a>',
            html=True,
        )
        # Both open without signing in.
        self.assertEqual(self.client.get("/pengaduan/").status_code, 200)
        self.assertEqual(self.client.get("/pengaduan/lacak/").status_code, 200)

    def test_pages_reference_no_outside_assets(self):
        response = self.client.get(reverse("login"))
        html = response.content.decode()
        assert "http://" not in html and "https://" not in html and "//cdn" not in html


class ApiAuthTest(PersonaTestCase):
    def test_the_api_answers_a_session_user(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get("/api/v1/me")
        assert response.status_code == 200
        assert response.json() == {
            "username": "pendamping_a",
            "name": "Pendamping A",
            "role": "pendamping",
            "region": "180601",
        }

    def test_the_api_answers_a_token_and_refuses_a_bad_one(self):
        _, key = ApiToken.issue(self.operator, "integrasi bank")
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200
        assert response.json()["username"] == "operator"
        response = self.client.get("/api/v1/me", HTTP_AUTHORIZATION="Token salah")
        assert response.status_code == 401
        assert self.client.get("/api/v1/me").status_code == 401

    def test_the_openapi_schema_is_published(self):
        response = self.client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        assert response.json()["info"]["title"] == "Harapan API"
