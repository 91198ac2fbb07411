from django.conf import settings
from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.testing import PASSWORD, PersonaTestCase


class LanguageTest(PersonaTestCase):
    """The profile decides the language; the browser's Accept-Language and cookie never do."""

    def test_a_user_without_a_choice_gets_indonesian_though_the_browser_asks_english(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, 'lang="id"')
        self.assertContains(response, "Selamat datang, Pendamping A")

    def test_the_language_cookie_does_not_decide_either(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Masuk ke Harapan")
        self.assertContains(response, 'lang="id"')

    def test_a_user_who_chose_english_reads_english_whatever_the_browser_says(self):
        self.pendamping_a.language = "en"
        self.pendamping_a.save(update_fields=["language"])
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="id")
        self.assertContains(response, 'lang="en"')
        self.assertContains(response, "Welcome, Pendamping A")


class ProfileTest(PersonaTestCase):
    def test_the_profile_shows_name_role_label_and_region_with_its_code(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("profile"))
        self.assertContains(response, "Korcam A")
        self.assertContains(response, "Koordinator kecamatan")
        self.assertContains(response, "Kota Agung (18.06.01)")
        self.assertContains(response, reverse("password_change"))

    def test_each_language_is_offered_by_its_own_name(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("profile"))
        self.assertContains(response, "Bahasa Indonesia")
        self.assertContains(response, "English")
        self.assertNotContains(response, "Inggris")

    def test_a_national_role_is_shown_as_all_of_indonesia(self):
        self.client.force_login(self.auditor)
        self.assertContains(self.client.get(reverse("profile")), "Seluruh Indonesia")

    def test_the_profile_needs_a_login(self):
        response = self.client.get(reverse("profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_choosing_english_saves_it_audits_it_and_the_next_page_is_english(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(reverse("profile"), {"language": "en"})
        assert response.status_code == 302
        self.pendamping_a.refresh_from_db()
        assert self.pendamping_a.language == "en"
        entry = AuditEntry.objects.get(action="accounts.user.language")
        assert entry.actor == self.pendamping_a
        assert entry.changes == {"language": ["", "en"]}
        page = self.client.get(response["Location"])
        self.assertContains(page, 'lang="en"')
        self.assertContains(page, "Sign out")

    def test_choosing_indonesian_again_switches_back(self):
        self.pendamping_a.language = "en"
        self.pendamping_a.save(update_fields=["language"])
        self.client.force_login(self.pendamping_a)
        self.client.post(reverse("profile"), {"language": "id"})
        self.pendamping_a.refresh_from_db()
        assert self.pendamping_a.language == "id"
        self.assertContains(self.client.get(reverse("profile")), 'lang="id"')

    def test_a_language_not_offered_is_refused_and_nothing_is_written(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(reverse("profile"), {"language": "fr"})
        assert response.status_code == 200
        self.assertContains(response, 'class="error"')
        self.pendamping_a.refresh_from_db()
        assert self.pendamping_a.language == ""
        assert not AuditEntry.objects.filter(action="accounts.user.language").exists()


class PasswordChangeTest(PersonaTestCase):
    NEW = "kata-sandi-baru-2026"

    def test_the_page_is_the_apps_own_with_django_s_form(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("password_change"))
        self.assertContains(response, "Ganti kata sandi")
        self.assertContains(response, 'class="brand"')
        self.assertContains(response, 'name="old_password"')
        self.assertContains(response, 'name="new_password2"')

    def test_changing_the_password_works_keeps_the_session_and_is_audited(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": self.NEW, "new_password2": self.NEW},
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.pendamping_a.refresh_from_db()
        assert self.pendamping_a.check_password(self.NEW)
        entry = AuditEntry.objects.get(action="auth.password_change")
        assert entry.actor == self.pendamping_a
        assert self.NEW not in str(entry.changes) + str(entry.details)
        self.assertContains(self.client.get(reverse("password_change_done")), "Kata sandi diganti")

    def test_a_wrong_old_password_changes_nothing(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": "salah", "new_password1": self.NEW, "new_password2": self.NEW},
        )
        assert response.status_code == 200
        self.assertContains(response, 'class="error"')
        self.pendamping_a.refresh_from_db()
        assert self.pendamping_a.check_password(PASSWORD)
        assert not AuditEntry.objects.filter(action="auth.password_change").exists()
