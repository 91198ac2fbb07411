"""Wrong API tokens from one address are throttled: 429 with Retry-After."""

from unittest import mock

from harapan.accounts.models import ApiToken
from harapan.testing import PersonaTestCase

SCANNER, PARTNER = "10.9.9.9", "10.1.2.3"
# 100 s into a 600 s window (1,800,000,000 is a multiple of 600): 500 s of it are left.
NOW = 1_800_000_100


@mock.patch("harapan.accounts.throttling.clock", return_value=NOW)
class ApiTokenThrottleTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.token, cls.key = ApiToken.issue(cls.operator, "integrasi bank")

    def me(self, key, address):
        return self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address)

    def test_ten_wrong_tokens_are_refused_as_wrong_then_the_address_waits(self, _now):
        for attempt in range(10):
            assert self.me(f"tebakan-{attempt}", SCANNER).status_code == 401
        response = self.me("tebakan-10", SCANNER)
        assert response.status_code == 429
        assert response["Retry-After"] == "500"
        assert "Terlalu banyak token API yang salah" in response.json()["detail"]

    def test_while_throttled_even_a_right_token_from_that_address_waits(self, _now):
        for attempt in range(10):
            self.me(f"tebakan-{attempt}", SCANNER)
        assert self.me(self.key, SCANNER).status_code == 429

    def test_a_right_token_from_another_address_is_unaffected(self, _now):
        for attempt in range(11):
            self.me(f"tebakan-{attempt}", SCANNER)
        response = self.me(self.key, PARTNER)
        assert response.status_code == 200
        assert response.json()["username"] == "operator"

    def test_the_next_window_starts_afresh(self, now):
        for attempt in range(11):
            self.me(f"tebakan-{attempt}", SCANNER)
        now.return_value = NOW + 500
        assert self.me(self.key, SCANNER).status_code == 200

    def test_right_tokens_and_session_users_are_not_counted(self, _now):
        for _ in range(12):
            assert self.me(self.key, SCANNER).status_code == 200
        assert self.me("tebakan", SCANNER).status_code == 401
