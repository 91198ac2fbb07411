"""A session unused for an hour (SESSION_COOKIE_AGE) is signed out; use keeps it open."""

from datetime import timedelta
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from harapan.testing import PersonaTestCase


class IdleSessionTest(PersonaTestCase):
    def setUp(self):
        self.start = timezone.now()
        self.client.force_login(self.korcam_a)

    def home_after(self, minutes):
        at = self.start + timedelta(minutes=minutes)
        with mock.patch("django.utils.timezone.now", return_value=at):
            return self.client.get(reverse("home"))

    def test_a_session_idle_longer_than_an_hour_is_signed_out(self):
        response = self.home_after(61)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_session_idle_for_less_than_an_hour_stays_signed_in(self):
        assert self.home_after(59).status_code == 200

    def test_each_use_starts_the_hour_again(self):
        assert self.home_after(50).status_code == 200
        assert self.home_after(100).status_code == 200  # 50 minutes after the last use
        assert self.home_after(150).status_code == 200
        assert self.home_after(211).status_code == 302  # 61 minutes idle
