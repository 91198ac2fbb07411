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
