import pytest

from harapan.testing import KEC_A, make_family, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_works_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    make_family(pendamping=pendamping)
    page = phone_page
    sign_in(page, live_server.url, "siti")
    page.screenshot(path=str(screenshot_dir / "home-360px.png"), full_page=True)
    # Nothing sticks out sideways on a phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.inner_text(".tile .figure >> nth=0") == "1"
    # The stylesheet is served by the app itself (no CDN) and applied.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"


def test_a_korkab_turns_on_the_second_step_on_a_phone(live_server, phone_page, screenshot_dir):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from harapan.accounts.tests.test_second_factor import code_of

    make_user("budi", "korkab", "1806")
    page = phone_page
    sign_in(page, live_server.url, "budi")
    page.goto(f"{live_server.url}/profil/")
    page.click("text=Aktifkan verifikasi dua langkah")
    page.wait_for_selector(".qr svg")
    page.screenshot(path=str(screenshot_dir / "second-factor-360px.png"), full_page=True)
    # The QR and the long otpauth:// address fit the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.querySelector('.qr svg').getBoundingClientRect().width") > 150
    device = TOTPDevice.objects.get(user__username="budi")
    page.fill("#id_code", code_of(device))
    page.click("text=Konfirmasi dan aktifkan")
    page.wait_for_selector("text=Aktif sejak")
    # The next sign-in asks for the code before the home page.
    page.click("summary:has-text('Menu')")
    page.click("details.menu .account summary")
    page.click("button:has-text('Keluar')")
    page.fill("#id_username", "budi")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Masukkan kode verifikasi")
    page.fill("#id_code", code_of(device, 1))  # the code just used is not accepted twice
    page.click("text=Lanjutkan")
    page.wait_for_selector("text=Keluar", state="attached")
    assert page.url.rstrip("/") == live_server.url
