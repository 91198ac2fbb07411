"""Wrong passwords lock one username from one address for a while (django-axes)."""

from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.urls import reverse

from harapan.accounts.throttling import client_ip
from harapan.audit.models import AuditEntry
from harapan.testing import PASSWORD, PersonaTestCase

OFFICE = "10.18.6.1"  # one Dinas Sosial office: everyone behind one NAT address


class LockOutTest(PersonaTestCase):
    def sign_in(self, username, password, address=OFFICE):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times, username="pendamping_a", address=OFFICE):
        for attempt in range(times):
            response = self.sign_in(username, f"salah-{attempt}", address)
            assert response.status_code in (200, 429)
        return response

    def assert_signed_in(self, response):
        assert response.status_code == 302, response.status_code
        assert response["Location"] == reverse("home")

    def cool_off(self, minutes, seconds=0):
        """As if that long had passed since the failures (the counts age from their time)."""
        AccessAttempt.objects.update(
            attempt_time=F("attempt_time") - timedelta(minutes=minutes, seconds=seconds)
        )

    def test_four_wrong_passwords_do_not_lock_and_the_right_one_still_works(self):
        response = self.fail(4)
        self.assertContains(response, "Nama pengguna atau kata sandi salah")
        self.assert_signed_in(self.sign_in("pendamping_a", PASSWORD))

    def test_the_fifth_wrong_password_locks_the_username_even_against_the_right_one(self):
        response = self.fail(5)
        assert response.status_code == 429
        response = self.sign_in("pendamping_a", PASSWORD)
        assert response.status_code == 429
        self.assertContains(response, "Masuk dikunci sementara", status_code=429)
        self.assertContains(response, "Silakan coba lagi setelah", status_code=429)
        self.assertContains(response, "SIM PKH", status_code=429)  # the app's layout
        assert self.client.get(reverse("home")).status_code == 302  # not signed in

    def test_the_page_says_when_to_try_again(self):
        self.fail(5)
        locked_at = AccessAttempt.objects.get().attempt_time
        response = self.sign_in("pendamping_a", PASSWORD)
        assert response.context["ends"] == locked_at + timedelta(minutes=15)
        self.assertContains(response, "(14\xa0menit lagi)", status_code=429)

    def test_a_colleague_behind_the_same_office_address_still_signs_in(self):
        self.fail(5, "pendamping_a")
        self.assert_signed_in(self.sign_in("pendamping_a2", PASSWORD))

    def test_the_same_username_from_another_address_is_not_locked(self):
        self.fail(5, "pendamping_a")
        self.assert_signed_in(self.sign_in("pendamping_a", PASSWORD, address="10.72.1.9"))

    def test_after_the_cool_off_the_right_password_works_again(self):
        self.fail(5)
        self.cool_off(minutes=14)
        assert self.sign_in("pendamping_a", PASSWORD).status_code == 429
        self.cool_off(minutes=1, seconds=1)  # 15 minutes and a second in all
        self.assert_signed_in(self.sign_in("pendamping_a", PASSWORD))

    def test_tries_during_the_lock_out_do_not_extend_it(self):
        self.fail(5)
        self.cool_off(minutes=10)
        self.fail(3)
        self.cool_off(minutes=5, seconds=1)
        self.assert_signed_in(self.sign_in("pendamping_a", PASSWORD))

    def test_a_lock_out_writes_one_audit_row_under_the_users_region(self):
        self.fail(4)
        assert not AuditEntry.objects.filter(action="auth.locked_out").exists()
        self.fail(1)
        self.fail(2)  # refused during the lock-out: failed sign-ins, not new lock-outs
        entry = AuditEntry.objects.get(action="auth.locked_out")
        assert entry.object_id == str(self.pendamping_a.pk)
        assert entry.region_code == "180601"
        assert entry.details["username"] == "pendamping_a"
        assert entry.details["ip"] == OFFICE
        assert entry.details["failures"] == 5
        locked_at = AccessAttempt.objects.get().attempt_time
        assert datetime.fromisoformat(entry.details["until"]) == locked_at + timedelta(minutes=15)
        assert AuditEntry.objects.filter(action="auth.login_failed").count() == 7

    def test_the_trail_names_the_lock_out_in_words(self):
        self.fail(5)
        self.client.force_login(self.auditor)
        response = self.client.get(reverse("audit:trail"))
        self.assertContains(response, "<td>Masuk dikunci sementara</td>")


class ClientAddressTest(PersonaTestCase):
    def request(self, forwarded):
        return RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    def test_without_trusted_proxies_the_peer_is_the_client(self):
        assert client_ip(self.request("6.6.6.6")) == "10.0.0.2"

    @override_settings(HARAPAN_TRUSTED_PROXIES=1)
    def test_behind_one_proxy_the_client_is_the_address_it_appended(self):
        assert client_ip(self.request("6.6.6.6, 36.72.1.5")) == "36.72.1.5"
