from unittest import mock

from django.test import RequestFactory, override_settings
from django.urls import reverse

from harapan import views
from harapan.testing import PersonaTestCase


class ErrorPageTest(PersonaTestCase):
    """403, 404 and 500 are the app's own: layout, Indonesian, a way home (DESIGN §11)."""

    def assert_app_page(self, response, status: int, heading: str):
        assert response.status_code == status
        self.assertContains(response, heading, status_code=status)
        self.assertContains(response, 'lang="id"', status_code=status)
        self.assertContains(response, '<a class="brand" href="/">Harapan</a>', status_code=status)
        self.assertContains(
            response, '<a class="button primary" href="/">Kembali ke Beranda</a>',
            status_code=status,
        )  # fmt: skip

    def test_a_missing_page_for_a_signed_in_user_has_the_menu(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get("/kpm/999999/", HTTP_ACCEPT_LANGUAGE="en")
        self.assert_app_page(response, 404, "Halaman tidak ditemukan")
        self.assertContains(response, 'aria-label="Menu utama"', status_code=404)

    def test_a_missing_page_for_a_visitor_asking_english_is_indonesian(self):
        response = self.client.get("/tidak-ada/", HTTP_ACCEPT_LANGUAGE="en")
        self.assert_app_page(response, 404, "Halaman tidak ditemukan")
        self.assertNotContains(response, "Not Found", status_code=404)

    def test_a_refused_page_says_why_in_indonesian_with_the_layout(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:assignments"), HTTP_ACCEPT_LANGUAGE="en")
        self.assert_app_page(response, 403, "Akses ditolak")
        self.assertContains(
            response, "Hanya koordinator yang menugaskan pendamping.", status_code=403
        )
        self.assertContains(response, 'aria-label="Menu utama"', status_code=403)

    def test_a_refusal_without_a_reason_gets_a_general_one(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:import_upload"))
        self.assert_app_page(response, 403, "Akses ditolak")
        self.assertContains(
            response, "Peran Anda tidak dapat membuka halaman ini.", status_code=403
        )

    def test_a_user_who_chose_english_gets_the_error_page_in_english(self):
        # (The page's own sentences wait for the English catalogue; the layout's are in it.)
        self.pendamping_a.language = "en"
        self.pendamping_a.save(update_fields=["language"])
        self.client.force_login(self.pendamping_a)
        response = self.client.get("/kpm/999999/")
        assert response.status_code == 404
        self.assertContains(response, 'lang="en"', status_code=404)
        self.assertContains(response, "Sign out", status_code=404)


@override_settings(ROOT_URLCONF="harapan.tests.urls_with_a_broken_page")
class ServerErrorTest(PersonaTestCase):
    def test_a_failing_page_answers_the_apps_500_page_with_the_layout(self):
        self.client.raise_request_exception = False
        self.client.force_login(self.korkab)
        response = self.client.get("/rusak/", HTTP_ACCEPT_LANGUAGE="en")
        self.assert_500(response)
        self.assertContains(response, 'aria-label="Menu utama"', status_code=500)

    def test_a_visitor_gets_it_too(self):
        self.client.raise_request_exception = False
        self.assert_500(self.client.get("/rusak/"))

    def assert_500(self, response):
        assert response.status_code == 500
        self.assertContains(response, "Terjadi kesalahan", status_code=500)
        self.assertContains(response, 'lang="id"', status_code=500)
        self.assertContains(response, '<a class="brand" href="/">Harapan</a>', status_code=500)
        self.assertContains(response, "Kembali ke Beranda", status_code=500)

    def test_a_request_that_never_reached_authentication_still_gets_the_page(self):
        request = RequestFactory().get("/")  # no user, no session: minimal context
        response = views.server_error(request)
        assert response.status_code == 500
        assert "Terjadi kesalahan" in response.content.decode()

    def test_when_the_page_itself_fails_the_answer_is_still_a_plain_500(self):
        request = RequestFactory().get("/")
        with mock.patch.object(views, "render", side_effect=RuntimeError("template broke")):
            response = views.server_error(request)
        assert response.status_code == 500
        assert "Terjadi kesalahan (500)" in response.content.decode()
