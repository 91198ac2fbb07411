"""The optional second factor (TOTP) for korkab, operator, admin pusat and auditor."""

from base64 import b32encode

from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from harapan.audit.models import AuditEntry
from harapan.testing import PASSWORD, PersonaTestCase


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or that many 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {code_of(device, steps) for steps in (-1, 0, 1)}  # the tolerance of one step
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


class EnrolmentTest(PersonaTestCase):
    def test_only_korkab_operator_admin_pusat_and_auditor_are_offered_it(self):
        for user in [self.korkab, self.operator, self.admin_pusat, self.auditor]:
            self.client.force_login(user)
            self.assertContains(self.client.get(reverse("profile")), "Verifikasi dua langkah")
        for user in [self.pendamping_a, self.korcam_a, self.korwil]:
            self.client.force_login(user)
            self.assertNotContains(self.client.get(reverse("profile")), "dua langkah")
            assert self.client.post(reverse("second_factor_start")).status_code == 403
            assert not TOTPDevice.objects.filter(user=user).exists()

    def test_enrolment_shows_the_otpauth_address_and_a_qr_then_a_right_code_confirms(self):
        self.client.force_login(self.korkab)
        self.client.post(reverse("second_factor_start"))
        device = TOTPDevice.objects.get(user=self.korkab)
        assert not device.confirmed
        response = self.client.get(reverse("profile"))
        self.assertContains(response, "otpauth://totp/Harapan%20PKH%3Akorkab?secret=")
        self.assertContains(response, "<svg")
        key = b32encode(device.bin_key).decode()  # to type by hand, in groups of four
        self.assertContains(response, f"{key[:4]} {key[4:8]} {key[8:12]} ")
        response = self.client.post(reverse("second_factor_confirm"), {"code": code_of(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        entry = AuditEntry.objects.get(action="auth.second_factor.enrol")
        assert (entry.actor, entry.region_code) == (self.korkab, "1806")
        self.assertContains(self.client.get(reverse("profile")), "Aktif sejak")

    def test_a_wrong_code_does_not_confirm(self):
        self.client.force_login(self.operator)
        self.client.post(reverse("second_factor_start"))
        device = TOTPDevice.objects.get(user=self.operator)
        response = self.client.post(reverse("second_factor_confirm"), {"code": wrong_code(device)})
        self.assertContains(response, "Kode salah atau sudah kedaluwarsa", status_code=400)
        device.refresh_from_db()
        assert not device.confirmed
        assert not AuditEntry.objects.filter(action="auth.second_factor.enrol").exists()


class SignInWithSecondFactorTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.device = TOTPDevice.objects.create(user=cls.korkab, name="ponsel", confirmed=True)

    def sign_in(self):
        return self.client.post(
            reverse("login"), {"username": "korkab", "password": PASSWORD}, follow=True
        )

    def test_after_the_password_every_page_waits_for_the_code(self):
        response = self.sign_in()
        self.assertContains(response, "Masukkan kode verifikasi")
        response = self.client.get(reverse("registry:family_list"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('second_factor_verify')}?next=%2Fkpm%2F"
        assert self.client.get("/api/v1/me").status_code == 302

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # no doubling wait between the two tries
    def test_a_wrong_code_is_refused_and_audited_and_the_right_one_opens_the_page(self):
        self.sign_in()
        verify = f"{reverse('second_factor_verify')}?next=%2Fkpm%2F"
        response = self.client.post(verify, {"code": wrong_code(self.device)})
        self.assertContains(response, "Kode salah atau sudah kedaluwarsa")
        assert self.client.get(reverse("registry:family_list")).status_code == 302
        assert AuditEntry.objects.filter(action="auth.second_factor.failed").count() == 1
        response = self.client.post(verify, {"code": code_of(self.device)})
        assert response.status_code == 302
        assert response["Location"] == reverse("registry:family_list")
        assert self.client.get(reverse("registry:family_list")).status_code == 200

    def test_the_code_page_sends_nowhere_outside_the_app(self):
        self.sign_in()
        verify = f"{reverse('second_factor_verify')}?next=https://contoh.example/"
        response = self.client.post(verify, {"code": code_of(self.device)})
        assert response["Location"] == reverse("home")

    def test_a_user_without_a_device_is_not_asked(self):
        response = self.client.post(
            reverse("login"), {"username": "operator", "password": PASSWORD}, follow=True
        )
        self.assertContains(response, "Selamat datang")

    def test_disabling_needs_a_right_code_and_is_audited(self):
        self.sign_in()
        verify = reverse("second_factor_verify")
        assert self.client.post(verify, {"code": code_of(self.device)}).status_code == 302
        response = self.client.post(reverse("second_factor_disable"), {"code": ""})
        assert response.status_code == 400
        response = self.client.post(
            reverse("second_factor_disable"), {"code": wrong_code(self.device)}
        )
        assert response.status_code == 400
        assert TOTPDevice.objects.filter(user=self.korkab).exists()
        with override_settings(OTP_TOTP_THROTTLE_FACTOR=0):
            response = self.client.post(
                # the next step's code: the one just used is never accepted twice
                reverse("second_factor_disable"),
                {"code": code_of(self.device, 1)},
            )
        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=self.korkab).exists()
        entry = AuditEntry.objects.get(action="auth.second_factor.disable")
        assert entry.actor == self.korkab


class LostPhoneTest(PersonaTestCase):
    def test_an_admin_removes_the_device_of_a_user_who_lost_their_phone_audited(self):
        device = TOTPDevice.objects.create(user=self.korkab, name="ponsel", confirmed=True)
        self.client.force_login(self.admin_pusat)
        page = reverse("admin:accounts_secondfactordevice_change", args=[device.pk])
        response = self.client.get(page)
        self.assertContains(response, "Korkab")
        self.assertNotContains(response, device.key)  # the secret stays secret
        delete = reverse("admin:accounts_secondfactordevice_delete", args=[device.pk])
        assert self.client.post(delete, {"post": "yes"}).status_code == 302
        assert not TOTPDevice.objects.filter(user=self.korkab).exists()
        entry = AuditEntry.objects.get(action="accounts.secondfactordevice.delete")
        assert entry.actor == self.admin_pusat
        assert entry.details["key"] == "***"

    def test_django_otps_own_admin_which_shows_the_secret_is_not_there(self):
        self.client.force_login(self.admin_pusat)
        assert self.client.get("/admin/otp_totp/totpdevice/").status_code == 404
