"""A pendamping logs a home visit from a 360-px phone and sees it in the month's log
(Playwright, Debian's Chromium)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from harapan.fieldwork.models import Activity
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pendamping_logs_a_home_visit_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    family = make_family(region_code=DESA_A, pendamping=pendamping,
                         members=[{"relation": "kepala_keluarga", "name": "Sri Wahyuni",
                                   "sex": "P"}])  # fmt: skip
    page = phone_page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": -5.4321, "longitude": 105.2612})
    sign_in(page, live_server.url, "siti")
    page.goto(live_server.url + reverse("fieldwork:activity_new"))
    # The day starts at today; the type, the family of the caseload and a note are typed.
    assert page.input_value("#id_on") == timezone.localdate().isoformat()
    page.select_option("#id_kind", label="Kunjungan rumah")
    page.fill("#id_family", family.registry_id)
    page.fill("#id_note", "Ibu hamil sudah periksa ke posyandu")
    page.click("#use-location")
    page.wait_for_function("document.getElementById('id_location').value !== ''")
    assert page.input_value("#id_location") == "-5.432100,105.261200"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "activity_form_360.png"), full_page=True)
    page.click("text=Simpan kegiatan")
    page.wait_for_selector(".messages li.success")

    # The month's log, with the visit in it, named by the head of family.
    row = page.locator("#activities tbody tr").first
    assert "Kunjungan rumah" in row.inner_text() and "Sri Wahyuni" in row.inner_text()
    assert page.get_attribute("[data-total]", "data-total") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "activity_list_360.png"), full_page=True)
    visit = Activity.objects.get()
    assert (visit.pendamping, visit.family, visit.kind, visit.location) == (
        pendamping,
        family,
        "kunjungan_rumah",
        "-5.432100,105.261200",
    )
