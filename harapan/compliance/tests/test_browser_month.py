"""A pendamping records a family's month on a 360-px phone (Playwright, Debian's Chromium)."""

import pytest
from django.utils.formats import date_format

from harapan.compliance.models import Verification
from harapan.testing import KEC_A, make_family, make_member, make_user, sign_in

from .test_month_pages import LAST_MONTH, family_url, link, make_facility, make_school, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pendamping_records_a_month_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    family = make_family(pendamping=pendamping)
    pupil = make_member(family, name="Budi Santoso", birth_date=years_ago(9), school_level="sd")
    toddler = make_member(family, name="Ani Lestari", birth_date=years_ago(2), sex="P")
    link(pupil, school=make_school(name="SD Negeri 1 Kuripan"))
    link(toddler, facility=make_facility(name="Posyandu Mawar"))

    page = phone_page
    sign_in(page, live_server.url, "siti")

    page.goto(live_server.url + family_url(family))
    page.fill(f"#id_m{pupil.pk}-attendance", "92")
    page.check(f"#id_m{toddler.pk}-result_0")  # Patuh
    page.fill(f"#id_m{toddler.pk}-evidence", "Buku KIA ditimbang 9,5 kg")
    page.click("text=Simpan verifikasi")
    page.wait_for_selector(".messages li.success")
    month = date_format(LAST_MONTH, "F Y")
    assert f"Verifikasi bulan {month} disimpan" in page.inner_text(".messages")
    # Saved and shown again, the pupil's result derived from the attendance.
    assert page.is_checked(f"#id_m{pupil.pk}-result_0")
    assert page.input_value(f"#id_m{pupil.pk}-attendance") == "92"

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "month_page_360.png"), full_page=True)
    results = dict(Verification.objects.values_list("member__name", "result"))
    assert results == {"Budi Santoso": "patuh", "Ani Lestari": "patuh"}
