"""The monthly work plan on a 360-px phone: a pendamping writes and submits this month's
plan, the korcam accepts it, and the pendamping's page and home show plan against
realisation; no page scrolls sideways."""

import pytest
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.testing import KEC_A, make_user, sign_in
from harapan.tests.test_browser_roles import check_layout

from .plans import log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pendamping_plans_the_month_and_sees_it_against_realisation_on_a_phone(
    live_server, phone_page, screenshot_dir
):
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti")
    make_user("korcam", Role.KORCAM, KEC_A, first_name="Budi")
    page = phone_page
    sign_in(page, live_server.url, "siti")
    page.goto(f"{live_server.url}/kerja/rencana/")
    page.fill("#id_jumlah_kunjungan_rumah", "3")
    page.fill("#id_rincian_kunjungan_rumah", "KPM Dusun I")
    page.fill("#id_jumlah_pertemuan_p2k2", "2")
    check_layout(page, 360, screenshot_dir / "plan-360-form.png")
    page.click("#plan-submit")
    assert page.locator("#plan-status").inner_text() == "Diajukan"

    page.context.clear_cookies()
    sign_in(page, live_server.url, "korcam")
    page.goto(f"{live_server.url}/kerja/rencana/tinjau/")
    assert page.locator("[data-total]").get_attribute("data-total") == "1"
    page.click("#plan-review-list >> text=Siti")
    page.check("input[name=keputusan][value=terima]")
    page.click("#plan-review-submit")
    assert page.locator(".messages").inner_text().strip() == "Rencana kerja diterima."

    for _ in range(4):  # one more home visit than planned: 3 count
        log(siti, "kunjungan_rumah", timezone.localdate())
    page.context.clear_cookies()
    sign_in(page, live_server.url, "siti")
    row = page.locator('#home-plan tr[data-kind="kunjungan_rumah"]')
    assert [row.locator(f"td.{c}").inner_text() for c in ("planned", "counted")] == ["3", "3"]
    total = page.locator("#home-plan #plan-realisation-total td.counted")
    assert total.get_attribute("data-value") == "3"  # 3 home visits + 0 P2K2 meetings
    check_layout(page, 360, screenshot_dir / "plan-360-home.png")
    page.goto(f"{live_server.url}/kerja/rencana/")
    row = page.locator('tr[data-kind="kunjungan_rumah"]')
    assert [row.locator(f"td.{c}").inner_text() for c in ("planned", "done", "counted")] == [
        "3",
        "4",
        "3",
    ]
    check_layout(page, 360, screenshot_dir / "plan-360-page.png")
