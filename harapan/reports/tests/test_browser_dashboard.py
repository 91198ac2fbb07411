"""The dashboards on a 360-px phone, in Chromium (issue 18): a korkab drills from their
kabupaten to a kecamatan, a desa and one of its families, comes back to a dashboard and
downloads its XLSX, which holds the rows the page shows; no page is wider than the phone."""

import io

import pytest
from openpyxl import load_workbook

from harapan.accounts.roles import Role
from harapan.reports import summary
from harapan.testing import DESA_A, DESA_B, make_family, make_user, sign_in
from harapan.tests.test_browser_roles import check_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def table_rows(page) -> list[list[str]]:
    """The children table's body: region name and KPM aktif of each row."""
    rows = page.locator("table.children tbody tr")
    return [[rows.nth(i).locator("td").nth(0).inner_text().strip(),
             rows.nth(i).locator("td").nth(1).inner_text().strip()]
            for i in range(rows.count())]  # fmt: skip


def test_a_korkab_drills_down_to_a_family_and_downloads_the_table(live_server, phone_page,
                                                                  screenshot_dir):  # fmt: skip
    make_user("korkab", Role.KORKAB, "1806")
    rudi = make_family(region_code=DESA_A,
                       members=[{"relation": "kepala_keluarga", "name": "Rudi Maulana"}])  # fmt: skip
    make_family(region_code=DESA_A, members=[{"relation": "kepala_keluarga", "name": "Ani"}])
    make_family(region_code=DESA_B, members=[{"relation": "kepala_keluarga", "name": "Budi"}])
    summary.refresh("1806")
    page = phone_page
    sign_in(page, live_server.url, "korkab")

    page.goto(f"{live_server.url}/laporan/dasbor/")
    assert page.locator("h1").inner_text() == "Dasbor: KAB. TANGGAMUS"
    assert "Angka per " in page.locator("p.freshness").inner_text()
    check_layout(page, 360, screenshot_dir / "dashboard-360-kabupaten.png")
    assert table_rows(page) == [["Kota Agung", "2"], ["Talang Padang", "1"]]

    page.click("table.children a >> text=Kota Agung")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Dasbor: Kota Agung"
    check_layout(page, 360, screenshot_dir / "dashboard-360-kecamatan.png")

    page.click("table.children a >> text=Kuripan")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Dasbor: Kuripan"
    check_layout(page, 360, screenshot_dir / "dashboard-360-desa.png")

    page.click("text=Lihat KPM aktif desa ini")
    page.wait_for_load_state()
    assert page.locator("[data-total]").first.get_attribute("data-total") == "2"
    page.click(f'a[href="/kpm/{rudi.pk}/"]')
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/kpm/{rudi.pk}/"
    assert page.locator("text=Rudi Maulana").count() >= 1
    check_layout(page, 360, screenshot_dir / "dashboard-360-family.png")

    # Back to the kecamatan's dashboard through the desa's breadcrumb.
    page.go_back()
    page.go_back()
    page.wait_for_load_state()
    page.click("ol.crumbs a >> text=Kota Agung")
    page.wait_for_load_state()
    shown = table_rows(page)
    assert shown == [["Kuripan", "2"]]
    with page.expect_download() as download:
        page.click("text=Unduh XLSX")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()))["wilayah"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [[row[1], str(row[2])] for row in rows[1:-1]] == shown
    assert rows[-1][1:3] == ["Jumlah", 2]

    page.goto(f"{live_server.url}/laporan/riwayat/")
    check_layout(page, 360, screenshot_dir / "dashboard-360-history.png")
