"""The complementary-programme pages on a 360-px phone, in Chromium: a pendamping finds a
pupil without PIP on the gap list, proposes them, and the gap shows the proposal; the
operator's upload page fits the screen too (no horizontal scrolling on any of them)."""

from datetime import date

import pytest

from harapan.accounts.roles import Role
from harapan.programs.models import Proposal
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in
from harapan.tests.test_browser_roles import check_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pendamping_proposes_a_pupil_from_the_gap_list(live_server, phone_page,
                                                         screenshot_dir):  # fmt: skip
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti", last_name="Aminah")
    today = date.today()
    family = make_family(
        members=[{"relation": "kepala_keluarga", "name": "Rudi Maulana"},
                 {"name": "Wati Maulana", "school_level": "sd",
                  "birth_date": today.replace(year=today.year - 9, day=1)}],
        region_code=DESA_A, pendamping=siti,
    )  # fmt: skip
    page = phone_page
    sign_in(page, live_server.url, "siti")

    page.goto(f"{live_server.url}/program/celah/")
    check_layout(page, 360, screenshot_dir / "programmes-360-summary.png")
    page.goto(f"{live_server.url}/program/celah/daftar/?celah=PIP&diusulkan=tidak")
    check_layout(page, 360, screenshot_dir / "programmes-360-gap-list.png")
    assert page.locator("[data-total]").first.get_attribute("data-total") == "1"

    page.click("table a >> text=Usulkan")
    check_layout(page, 360, screenshot_dir / "programmes-360-propose.png")
    assert page.locator("text=Wati Maulana").count() == 1
    page.select_option("select[name=channel]", "sekolah")
    page.click("button[type=submit] >> text=Simpan usulan")
    page.wait_for_load_state()
    check_layout(page, 360, screenshot_dir / "programmes-360-proposals.png")

    proposal = Proposal.objects.get()
    assert (proposal.family, proposal.programme, proposal.channel) == (family, "pip", "sekolah")
    page.goto(f"{live_server.url}/program/celah/daftar/?celah=PIP&diusulkan=ya")
    assert page.locator("[data-total]").first.get_attribute("data-total") == "1"
    assert page.locator("table >> text=Diusulkan").count() == 1

    page.goto(f"{live_server.url}/kpm/{family.pk}/")
    check_layout(page, 360, screenshot_dir / "programmes-360-family.png")


def test_the_upload_page_fits_a_phone(live_server, phone_page, screenshot_dir):
    make_user("operator", Role.OPERATOR, KEC_A[:4])
    sign_in(phone_page, live_server.url, "operator")
    phone_page.goto(f"{live_server.url}/program/impor/")
    check_layout(phone_page, 360, screenshot_dir / "programmes-360-upload.png")
