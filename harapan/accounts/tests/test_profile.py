from django.conf import settings
from django.urls import reverse

from harapan.testing import PersonaTestCase


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
