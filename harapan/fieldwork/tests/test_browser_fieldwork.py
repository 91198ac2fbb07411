"""Acceptance of issue 16 in the browser: a pendamping at 360 px logs a home visit and sees
the month's plan against realisation, on the plan page and on the home page (Playwright,
Debian's Chromium). No page scrolls sideways."""

import pytest
from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.fieldwork.models import Activity
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in
from harapan.tests.test_browser_roles import check_layout

from .plans import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def figures(page, scope: str, cells: tuple[str, ...]) -> list[str]:
    row = page.locator(f'{scope} tr[data-kind="kunjungan_rumah"]')
    return [row.locator(f"td.{cell}").inner_text() for cell in cells]


def test_a_pendamping_logs_a_home_visit_and_sees_the_plan_against_realisation_at_360px(
    live_server, phone_page, screenshot_dir
):
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti")
    korcam = make_user("korcam", Role.KORCAM, KEC_A)
    family = make_family(region_code=DESA_A, pendamping=siti,
                         members=[{"relation": "kepala_keluarga", "name": "Sri Wahyuni",
                                   "sex": "P"}])  # fmt: skip
    today = timezone.localdate()
    make_plan(siti, today.replace(day=1), {"kunjungan_rumah": 3}, reviewer=korcam, today=today)
    page = phone_page
    sign_in(page, live_server.url, "siti")

    page.goto(live_server.url + reverse("fieldwork:activity_new"))
    assert page.input_value("#id_on") == today.isoformat()
    page.select_option("#id_kind", label="Kunjungan rumah")
    page.fill("#id_family", family.registry_id)
    page.fill("#id_note", "Balita sudah ditimbang di posyandu")
    check_layout(page, 360, screenshot_dir / "fieldwork-360-visit-form.png")
    page.click("text=Simpan kegiatan")
    page.wait_for_selector(".messages li.success")
    assert Activity.objects.filter(pendamping=siti, kind="kunjungan_rumah").count() == 1

    # The plan page: 3 home visits planned, 1 done, 1 counted.
    page.goto(live_server.url + reverse("fieldwork:plan"))
    assert figures(page, "#plan-realisation", ("planned", "done", "counted")) == ["3", "1", "1"]
    check_layout(page, 360, screenshot_dir / "fieldwork-360-plan.png")

    # The home page: the same, 1 of 3.
    page.goto(live_server.url + "/")
    assert figures(page, "#home-plan", ("planned", "counted")) == ["3", "1"]
    check_layout(page, 360, screenshot_dir / "fieldwork-360-home.png")
