"""The handling pages on a 360-px phone: a pendamping triages, responds and resolves a
complaint; no page scrolls sideways."""

import pytest

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in
from harapan.tests.test_browser_roles import check_layout

from .base import file_complaint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pendamping_handles_a_complaint_on_a_360px_phone(live_server, phone_page,
                                                           screenshot_dir):  # fmt: skip
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti")
    complaint, _pin = file_complaint(family=make_family(region_code=DESA_A, pendamping=siti))
    page = phone_page
    sign_in(page, live_server.url, "siti")
    page.goto(f"{live_server.url}/pengaduan/kelola/")
    check_layout(page, 360, screenshot_dir / "complaints-360-list.png")
    assert page.locator("[data-total]").get_attribute("data-total") == "1"

    page.click(f"text={complaint.kode}")
    page.click("#triage-button")
    assert page.locator(".messages").inner_text().strip() == "Pengaduan ditriase."
    page.fill("#id_response", "Kami cek ke bank penyalur.")
    page.click("#respond-button")
    assert page.locator("#complaint-status").inner_text() == "Ditanggapi"
    page.select_option("#id_decision", "diterima")
    page.fill("#id_resolution", "Dana sudah masuk ke rekening.")
    page.click("#resolve-button")
    assert page.locator("#complaint-status").inner_text() == "Selesai"
    check_layout(page, 360, screenshot_dir / "complaints-360-detail.png")
