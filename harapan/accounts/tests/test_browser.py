import pytest

from harapan.testing import KEC_A, make_family, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signing_in_works_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    make_family(pendamping=pendamping)
    page = phone_page
    page.goto(f"{live_server.url}/masuk/")
    page.fill("#id_username", "siti")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Selamat datang")
    page.screenshot(path=str(screenshot_dir / "home-360px.png"), full_page=True)
    # Nothing sticks out sideways on a phone: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.inner_text(".tile .figure >> nth=0") == "1"
    # The stylesheet is served by the app itself (no CDN) and applied.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).display") == "flex"
