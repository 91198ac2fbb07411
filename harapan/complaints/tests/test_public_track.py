"""Following a complaint at /pengaduan/lacak/ with its code and PIN, and reopening it:
what the public reads (and never reads), one message for a wrong code or PIN, the limit
of wrong PINs per address and per code, and the 14 days and single reopening of
actions.reopen_complaint. Moments counted by hand from T0 = Mon 2 Nov 2026 09.00."""

from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone

from harapan.testing import make_nik

from .. import actions
from ..models import Complaint
from .base import ComplaintTestCase, file_complaint
from .public import at_second, track_url

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_current_timezone())
RESOLVED = T0 + timedelta(days=3)  # Thu 5 Nov 2026 09.00
REOPEN_URL = "/pengaduan/lacak/buka-kembali/"


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@at_second
class TrackTest(ComplaintTestCase):
    def setUp(self):
        self.nik = make_nik()
        with at(T0):
            self.complaint, self.pin = file_complaint(
                family=self.family_a, name="Siti Aminah", phone="081234567890", nik=self.nik
            )
        self.handle_to_resolution()

    def handle_to_resolution(self, resolved_at=RESOLVED):
        with at(T0 + timedelta(days=1)):
            actions.triage_complaint(self.complaint, acting_user=self.pendamping_a)
        with at(T0 + timedelta(days=2)):
            actions.respond_to_complaint(self.complaint, text="Tanggapan internal: cek bank.",
                                         acting_user=self.pendamping_a)  # fmt: skip
            actions.add_note(self.complaint, text="Catatan rahasia petugas.",
                             acting_user=self.korcam_a)  # fmt: skip
        with at(resolved_at):
            actions.resolve_complaint(self.complaint, decision="sebagian",
                                      resolution="Dana tahap III masuk 4 Nov 2026.",
                                      acting_user=self.pendamping_a)  # fmt: skip

    def track(self, kode=None, pin=None, address="10.0.0.9", when=RESOLVED + timedelta(days=1)):
        data = {"kode": self.complaint.kode if kode is None else kode,
                "pin": self.pin if pin is None else pin}  # fmt: skip
        with at(when):
            return self.client.post(track_url(), data, REMOTE_ADDR=address)

    def reopen(self, when, reason="Dana baru masuk separuh.", address="10.0.0.9", pin=None):
        data = {"kode": self.complaint.kode, "pin": pin or self.pin, "alasan": reason}
        with at(when):
            return self.client.post(REOPEN_URL, data, REMOTE_ADDR=address)

    def wrong_pin(self) -> str:
        return f"{(int(self.pin) + 1) % 10**6:06d}"

    def test_the_page_asks_code_and_pin_by_post(self, _s):
        page = self.client.get(track_url())
        self.assertContains(page, 'method="post" action="/pengaduan/lacak/"')
        self.assertContains(page, 'type="password" name="pin"')

    def test_it_shows_the_steps_decision_and_resolution_and_nothing_internal(self, _s):
        page = self.track(kode=self.complaint.kode.lower().removeprefix("adu-"))
        assert page.status_code == 200
        self.assertContains(page, "Pembayaran/penyaluran")
        self.assertContains(page, '<dd id="status-pengaduan">Selesai</dd>')
        self.assertContains(page, "<dd>2 Nov 2026 09.00</dd>")  # received
        self.assertContains(page, "<dd>3 Nov 2026 09.00</dd>")  # triaged
        self.assertContains(page, "<dd>4 Nov 2026 09.00</dd>")  # responded
        self.assertContains(page, "<dd>5 Nov 2026 09.00</dd>")  # resolved
        self.assertContains(page, "Diterima sebagian")
        self.assertContains(page, "Dana tahap III masuk 4 Nov 2026.")
        for secret in ("Siti Aminah", "081234567890", self.nik, "Tanggapan internal",
                       "Catatan rahasia", "pendamping_a", "Pendamping A", "korcam"):  # fmt: skip
            self.assertNotContains(page, secret)
        assert "no-store" in page["Cache-Control"]

    def test_a_wrong_code_and_a_wrong_pin_get_the_same_message(self, _s):
        wrong_pin = self.track(pin=self.wrong_pin())
        wrong_code = self.track(kode="ADU-22222222")
        for page in (wrong_pin, wrong_code):
            self.assertContains(page, "Kode pengaduan atau PIN salah.")
            self.assertNotContains(page, "Dana tahap III")

    def test_the_sixth_wrong_pin_from_an_address_gets_429_even_with_the_right_pin(self, _s):
        for _ in range(5):
            assert self.track(pin=self.wrong_pin(), kode="ADU-33333333").status_code == 200
        refused = self.track()
        assert refused.status_code == 429
        assert refused["Retry-After"] == "800"  # 100 s into a 900 s window
        self.assertContains(refused, "Coba lagi dalam 14 menit.", status_code=429)
        # Another address, another code: unaffected.
        assert self.track(address="10.0.0.10").status_code == 200

    def test_five_wrong_pins_on_one_code_hold_that_code_from_every_address(self, _s):
        for attempt in range(5):
            self.track(pin=self.wrong_pin(), address=f"10.0.1.{attempt}")
        assert self.track(address="10.0.2.1").status_code == 429
        assert self.reopen(RESOLVED + timedelta(days=1), address="10.0.2.2").status_code == 429
        assert Complaint.objects.get().status == "selesai"

    def test_the_right_pin_is_not_counted(self, _s):
        for _ in range(7):
            assert self.track().status_code == 200

    def test_within_14_days_it_reopens_once_to_whoever_resolved_it(self, _s):
        page = self.track(when=RESOLVED + timedelta(days=14))  # the last moment
        self.assertContains(page, "Buka kembali pengaduan")
        done = self.reopen(RESOLVED + timedelta(days=14))
        self.assertContains(done, "Pengaduan dibuka kembali; petugas akan menanganinya lagi.")
        self.assertContains(done, '<dd id="status-pengaduan">Dibuka kembali</dd>')
        self.assertNotContains(done, "Buka kembali pengaduan")
        self.complaint.refresh_from_db()
        assert (self.complaint.status, self.complaint.handler, self.complaint.reopen_reason) == (
            "dibuka_kembali", self.pendamping_a, "Dana baru masuk separuh.")  # fmt: skip

    def test_a_second_reopening_is_refused_with_the_actions_message(self, _s):
        self.reopen(RESOLVED + timedelta(days=1))
        with at(RESOLVED + timedelta(days=2)):
            actions.resolve_complaint(self.complaint, decision="diterima",
                                      resolution="Sisa dana masuk 7 Nov 2026.",
                                      acting_user=self.pendamping_a)  # fmt: skip
        page = self.track(when=RESOLVED + timedelta(days=3))
        self.assertContains(page, "Sisa dana masuk 7 Nov 2026.")
        self.assertNotContains(page, "Buka kembali pengaduan")  # not offered again
        refused = self.reopen(RESOLVED + timedelta(days=3))
        self.assertContains(refused, "Pengaduan hanya dapat dibuka kembali satu kali.")
        self.assertNotContains(refused, "Buka kembali pengaduan")
        assert Complaint.objects.get().status == "selesai"

    def test_after_14_days_it_is_not_offered_and_refused(self, _s):
        late = RESOLVED + timedelta(days=14, minutes=1)
        self.assertNotContains(self.track(when=late), "Buka kembali pengaduan")
        refused = self.reopen(late)
        self.assertContains(
            refused, "Batas membuka kembali sudah lewat: 14 hari sejak pengaduan diselesaikan."
        )
        self.assertNotContains(refused, "Buka kembali pengaduan")  # no button to try again
        assert Complaint.objects.get().status == "selesai"

    def test_a_reopening_with_a_wrong_pin_is_refused_and_counted(self, _s):
        refused = self.reopen(RESOLVED + timedelta(days=1), pin=self.wrong_pin())
        self.assertContains(refused, "Kode pengaduan atau PIN salah.")
        assert Complaint.objects.get().status == "selesai"
        for _ in range(4):
            self.reopen(RESOLVED + timedelta(days=1), pin=self.wrong_pin())
        assert self.reopen(RESOLVED + timedelta(days=1)).status_code == 429

    def test_an_open_complaint_is_not_offered_for_reopening(self, _s):
        with at(T0):
            other, pin = file_complaint()
        page = self.track(kode=other.kode, pin=pin)
        self.assertContains(page, '<dd id="status-pengaduan">Diterima</dd>')
        self.assertNotContains(page, "Buka kembali pengaduan")
