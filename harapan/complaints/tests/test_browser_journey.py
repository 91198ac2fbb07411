"""Issue 15's public journey on a 360-px phone (Playwright, Debian's Chromium): a visitor
files a complaint and gets a code and a PIN; the pendamping it went to triages, responds
and resolves it; the visitor reads the resolution, reopens it, and it is back with the
pendamping who resolved it. No page scrolls sideways."""

import re

import pytest

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, KEC_A, make_family, make_user, sign_in

from ..models import Complaint, Level, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESOLUTION = "Dana tahap III sudah masuk ke rekening Ibu pada 28 November."


def shot(page, screenshot_dir, name: str) -> None:
    """A screenshot of the whole page, and no sideways scroll at 360 px."""
    page.screenshot(path=str(screenshot_dir / f"journey-360-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


def answer_the_question(page) -> str:
    """What a person types after reading "Berapa A ditambah B?"."""
    question = page.inner_text("#soal-pengaman")
    first, second = re.fullmatch(r"Berapa (\d+) ditambah (\d+)\?", question.strip()).groups()
    return str(int(first) + int(second))


def test_a_visitor_files_a_complaint_a_pendamping_resolves_it_and_the_visitor_reopens_it(
    live_server, browser, phone_page, screenshot_dir
):
    siti = make_user("siti", Role.PENDAMPING, KEC_A, first_name="Siti")
    make_family(region_code=DESA_A, pendamping=siti)  # Siti is Kuripan's pendamping
    make_user("korcam_a", Role.KORCAM, KEC_A)

    # The visitor, not signed in, files a complaint.
    visitor = phone_page
    visitor.goto(f"{live_server.url}/pengaduan/")
    shot(visitor, screenshot_dir, "form")
    visitor.select_option("#id_kategori", "pembayaran")
    visitor.fill("#id_uraian", "Bantuan tahap III belum masuk ke rekening saya.")
    visitor.select_option("#id_kabupaten", label="KAB. TANGGAMUS")
    # The script fills the next list from /pengaduan/wilayah/ (no "Tampilkan" step).
    visitor.wait_for_selector("#id_kecamatan option[value='180601']", state="attached")
    assert not visitor.is_visible("button.picker-step")
    visitor.select_option("#id_kecamatan", label="Kota Agung")
    visitor.wait_for_selector("#id_desa option[value='1806012001']", state="attached")
    visitor.select_option("#id_desa", label="Kuripan")
    visitor.fill("#id_jawaban", answer_the_question(visitor))
    visitor.click("#kirim-pengaduan")
    kode = visitor.inner_text("#kode-pengaduan").strip()
    pin = visitor.inner_text("#pin-pengaduan").strip()
    shot(visitor, screenshot_dir, "submitted")
    assert re.fullmatch(r"ADU-[0-9A-Z]{8}", kode), kode
    assert re.fullmatch(r"\d{6}", pin), pin
    complaint = Complaint.objects.get(kode=kode)
    assert (complaint.status, complaint.tingkat, complaint.handler) == (
        Status.RECEIVED, Level.PENDAMPING, siti)  # fmt: skip
    assert complaint.region_code == DESA_A

    # Siti, in her own browser, handles it from her list.
    staff_context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="id-ID"
    )
    staff = staff_context.new_page()
    sign_in(staff, live_server.url, "siti")
    staff.goto(f"{live_server.url}/pengaduan/kelola/")
    shot(staff, screenshot_dir, "staff-list")
    staff.click(f"text={kode}")
    staff.click("#triage-button")
    staff.fill("#id_response", "Kami cek ke bank penyalur.")
    staff.click("#respond-button")
    assert staff.inner_text("#complaint-status") == "Ditanggapi"
    staff.select_option("#id_decision", "diterima")
    staff.fill("#id_resolution", RESOLUTION)
    staff.click("#resolve-button")
    assert staff.inner_text("#complaint-status") == "Selesai"
    shot(staff, screenshot_dir, "staff-resolved")

    # Since then Budi has come to Kuripan with more families than Siti: a complaint filed
    # now would go to him, a reopened one still goes back to whoever resolved it.
    budi = make_user("budi", Role.PENDAMPING, KEC_A, first_name="Budi")
    make_family(region_code=DESA_A, pendamping=budi)
    make_family(region_code=DESA_A, pendamping=budi)

    # The visitor follows it with the code and PIN, reads the resolution, reopens it.
    visitor.goto(f"{live_server.url}/pengaduan/lacak/")
    shot(visitor, screenshot_dir, "track-form")
    visitor.fill("#id_kode", kode)
    visitor.fill("#id_pin", pin)
    visitor.click("#lacak-pengaduan")
    assert visitor.inner_text("#status-pengaduan") == "Selesai"
    assert visitor.inner_text("#penyelesaian") == RESOLUTION
    shot(visitor, screenshot_dir, "track-resolved")
    visitor.fill("#id_alasan", "Dana belum masuk; saya sudah cek ke bank.")
    visitor.click("#buka-kembali")
    assert visitor.inner_text("#status-pengaduan") == "Dibuka kembali"
    assert visitor.inner_text(".messages") == (
        "Pengaduan dibuka kembali; petugas akan menanganinya lagi."
    )
    shot(visitor, screenshot_dir, "track-reopened")

    # Back with Siti, at her level, reopened: in the database and on her pages.
    complaint.refresh_from_db()
    assert (complaint.status, complaint.tingkat, complaint.handler) == (
        Status.REOPENED, Level.PENDAMPING, siti)  # fmt: skip
    assert complaint.reopen_reason == "Dana belum masuk; saya sudah cek ke bank."
    staff.goto(f"{live_server.url}/pengaduan/kelola/?saya=on")
    row = staff.locator("tbody tr", has_text=kode)
    assert row.locator("td").nth(4).inner_text() == "Dibuka kembali"
    assert row.locator("td").nth(5).inner_text() == "Pendamping"
    shot(staff, screenshot_dir, "staff-list-reopened")
    staff.click(f"text={kode}")
    assert staff.inner_text("#complaint-status") == "Dibuka kembali"
    assert "Siti" in staff.locator("dt:text-is('Penangan') + dd").inner_text()
    shot(staff, screenshot_dir, "staff-reopened")
    staff_context.close()
