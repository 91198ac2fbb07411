"""Each role's pages in Chromium at the size they are used: a pendamping's phone, a korkab's desk.

Screenshots go to test-artifacts/. Every page: no horizontal scrolling, a one-line header,
menu targets at least 44 px high, and each to-do count on home equal to the total of the list
it links to (the home to-do contract, COMMON.md / DESIGN §11).
"""

from datetime import date

import pytest

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_LINE = 64  # px: the brand and the menu button, one row


@pytest.fixture
def desk_page(browser):
    """A 1280 × 800 office screen, its browser set to English (the app stays Indonesian)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def years_ago(years: int) -> date:
    today = date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def check_layout(page, width: int, shot) -> None:
    page.screenshot(path=str(shot), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("header.topbar").bounding_box()["height"] <= ONE_LINE
    assert page.get_attribute("html", "lang") == "id"


def check_targets(page) -> int:
    """Every visible menu summary, link and button is >= 44 px high; how many there are."""
    targets = page.locator(".menu nav summary, .menu nav a, .menu nav button")
    seen = 0
    for index in range(targets.count()):
        box = targets.nth(index).bounding_box()
        if box and targets.nth(index).is_visible():
            assert box["height"] >= 44, targets.nth(index).inner_text()
            seen += 1
    return seen


def todo_items(page) -> list[tuple[int, str]]:
    """(count, link) of each to-do on home."""
    links = page.locator("section.todo li a")
    items = []
    for index in range(links.count()):
        link = links.nth(index)
        count = int(link.locator("span.count[data-count]").get_attribute("data-count"))
        items.append((count, link.get_attribute("href")))
    return items


def check_todo_counts(page, base_url: str, items: list[tuple[int, str]]) -> None:
    for count, href in items:
        page.goto(base_url + href if href.startswith("/") else href)
        total = int(page.locator("[data-total]").first.get_attribute("data-total"))
        assert total == count, href


def test_a_pendamping_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti", last_name="Aminah")
    # A toddler owes this month's posyandu visit, not yet recorded: on the to-do.
    make_family(
        members=[{"relation": "kepala_keluarga"},
                 {"relation": "anak", "birth_date": years_ago(2)}],
        region_code=DESA_A, pendamping=siti,
    )  # fmt: skip
    make_family(region_code=DESA_A, pendamping=siti)
    page = phone_page
    sign_in(page, live_server.url, "siti")

    check_layout(page, 360, screenshot_dir / "pendamping-360-home.png")
    items = todo_items(page)

    page.click(".menu > summary")
    page.click(".groups summary >> text=Keluarga")
    assert page.locator(".groups a >> text=Daftar KPM").is_visible()
    assert page.locator(".groups a >> text=Rekonsiliasi").count() == 0  # office work
    assert check_targets(page) >= 8  # 7 group summaries (6 tasks, Siti's own) and a link
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "pendamping-360-menu.png"))

    page.click(".groups a >> text=Daftar KPM")
    check_layout(page, 360, screenshot_dir / "pendamping-360-families.png")
    assert page.locator('summary[aria-current="true"]').text_content() == "Keluarga"

    check_todo_counts(page, live_server.url, items)
    # Home's to-do list (being built beside this work) shows at least one item here.
    assert items, "no to-do item on the pendamping's home"


def test_a_korkab_at_a_1280px_desk(live_server, desk_page, screenshot_dir):
    make_user("rahmat", Role.KORKAB, KEC_A[:4], first_name="Rahmat")
    pendamping = make_user("siti", Role.PENDAMPING, KEC_A)
    make_family(region_code=DESA_A, pendamping=pendamping)
    make_family(region_code=DESA_A)  # no pendamping yet: on the korkab's to-do
    page = desk_page
    sign_in(page, live_server.url, "rahmat")

    check_layout(page, 1280, screenshot_dir / "korkab-1280-home.png")
    items = todo_items(page)

    # On a desk the groups are a bar, no Menu button to press first.
    assert not page.locator(".menu > summary").is_visible()
    page.click(".groups summary >> text=Keluarga")
    assert page.locator(".groups a >> text=Penugasan pendamping").is_visible()
    assert check_targets(page) >= 11  # 7 summaries and the 4 Keluarga links of a korkab
    page.screenshot(path=str(screenshot_dir / "korkab-1280-menu.png"))

    page.click(".groups a >> text=Daftar KPM")
    check_layout(page, 1280, screenshot_dir / "korkab-1280-families.png")

    check_todo_counts(page, live_server.url, items)
    assert items, "no to-do item on the korkab's home"
