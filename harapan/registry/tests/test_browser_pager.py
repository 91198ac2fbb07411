"""The family list's pager on a 360-px phone: tap targets, no sideways scroll, previous/next."""

from unittest import mock

import pytest
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.registry.views import families as families_view
from harapan.testing import KEC_A, make_family, make_user, sign_in

LIST = reverse("registry:family_list")


def shown_ids(page) -> list[str]:
    return page.locator("tbody tr td:first-child a .muted").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pager_fits_a_phone_and_moves_both_ways(live_server, phone_page, screenshot_dir):
    make_user("korcam_hp", Role.KORCAM, KEC_A)
    for n in range(125):
        make_family(registry_id=f"HP{n:04d}")
    page = phone_page
    sign_in(page, live_server.url, "korcam_hp")
    # Ten to a page: 125 families make 13 pages.
    with mock.patch.object(families_view, "PAGE_SIZE", 10):
        page.goto(f"{live_server.url}{LIST}?status=aktif&halaman=6")
        assert shown_ids(page) == [f"HP{n:04d}" for n in range(50, 60)]
        pager = page.locator("nav.pager")
        labels = pager.locator("li").all_inner_texts()
        assert labels == ["1", "…", "4", "5", "6", "7", "8", "…", "13"]
        page.screenshot(path=str(screenshot_dir / "family-list-pager-360px.png"), full_page=True)
        pager.screenshot(path=str(screenshot_dir / "family-list-pager-nav-360px.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        for target in pager.locator("a, .current").all():
            box = target.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44, target.inner_text()
        page.click("nav.pager a[rel=next]")
        assert shown_ids(page) == [f"HP{n:04d}" for n in range(60, 70)]
        assert "status=aktif" in page.url
        page.click("nav.pager a[rel=prev]")
        assert shown_ids(page) == [f"HP{n:04d}" for n in range(50, 60)]
        assert page.locator("nav.pager [aria-current=page]").inner_text() == "6"
        assert page.locator("p.total").get_attribute("data-total") == "125"
