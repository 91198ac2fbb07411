"""The complaint list: what each user sees, its filters (the SLA from a controlled clock)
and its total; closing duplicates from it, all or nothing. Moments counted by hand on
2026's calendar (holidays Mon 17 Aug, Tue 25 Aug; triage 3 working days)."""

from contextlib import contextmanager
from unittest import mock

from django.urls import reverse

from harapan.testing import list_total

from ..actions import resolve_complaint, triage_complaint
from ..models import Decision, Status
from .base import ComplaintTestCase, file_complaint
from .test_handling_steps import messages_of
from .test_sla import FRIDAY, wib

# Thu 20 Aug 2026 12:00 WIB: received
# - Mon 10 Aug: triage due Thu 13 (Tue 11, Wed 12, Thu 13): breached (terlambat);
# - Fri 14 Aug: due Thu 20 23:59:59, under a quarter (18 h) left from 06:00: at risk;
# - Wed 19 Aug: due Mon 24 (Thu 20, Fri 21, Mon 24): on time (tepat).
NOW = wib(2026, 8, 20, 12, 0)
MONDAY, WEDNESDAY = wib(2026, 8, 10, 10, 0), wib(2026, 8, 19, 10, 0)


@contextmanager
def clock(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class ComplaintListTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        with clock(NOW):
            cls.late, cls.at_risk, cls.on_time = (
                file_complaint(family=cls.family_a, saluran="datang", received_at=moment,
                               acting_user=cls.korcam_a, **extra)[0]
                for moment, extra in ((MONDAY, {}), (FRIDAY, {"kategori": "data"}),
                                      (WEDNESDAY, {}))
            )  # fmt: skip
            # pendamping_b's, in Kecamatan B: out of pendamping_a's and korcam_a's sight.
            cls.elsewhere, _pin = file_complaint(family=cls.family_b)

    def listed(self, user, query: str = "") -> tuple[int, list[str]]:
        self.client.force_login(user)
        with clock(NOW):
            page = self.client.get(reverse("complaints:list") + query)
        self.assertEqual(page.status_code, 200)
        return list_total(page), [row.kode for row in page.context["complaints"]]

    def test_each_user_lists_what_they_see(self):
        self.assertEqual(self.listed(self.pendamping_a)[0], 3)
        self.assertEqual(self.listed(self.korcam_a)[0], 3)
        self.assertEqual(self.listed(self.korkab)[0], 4)
        self.assertEqual(self.listed(self.pendamping_b),
                         (1, [self.elsewhere.kode]))  # fmt: skip

    def test_the_sla_filter_is_computed_from_the_clock(self):
        for sla, expected in (("terlambat", self.late), ("berisiko", self.at_risk),
                              ("tepat", self.on_time)):  # fmt: skip
            with self.subTest(sla=sla):
                self.assertEqual(self.listed(self.pendamping_a, f"?sla={sla}"),
                                 (1, [expected.kode]))  # fmt: skip

    def test_a_resolved_complaint_has_no_sla_and_leaves_the_sla_filters(self):
        with clock(NOW):
            resolve_complaint(self.late, decision=Decision.WITHDRAWN, resolution="Dicabut.",
                              acting_user=self.pendamping_a)  # fmt: skip
        self.assertEqual(self.listed(self.pendamping_a, "?sla=terlambat"), (0, []))
        self.assertEqual(self.listed(self.pendamping_a, "?status=selesai"), (1, [self.late.kode]))

    def test_the_status_category_and_mine_filters(self):
        with clock(NOW):
            triage_complaint(self.on_time, acting_user=self.pendamping_a)
        self.assertEqual(self.listed(self.pendamping_a, "?status=ditriase"),
                         (1, [self.on_time.kode]))  # fmt: skip
        self.assertEqual(self.listed(self.pendamping_a, "?kategori=data"),
                         (1, [self.at_risk.kode]))  # fmt: skip
        # The korcam sees Kecamatan A's three but holds none of them.
        self.assertEqual(self.listed(self.korcam_a, "?saya=on"), (0, []))
        self.assertEqual(self.listed(self.pendamping_a, "?saya=on&sla=berisiko"),
                         (1, [self.at_risk.kode]))  # fmt: skip

    def test_the_rows_show_labels_the_desa_and_the_family_by_its_head(self):
        self.client.force_login(self.pendamping_a)
        with clock(NOW):
            page = self.client.get(reverse("complaints:list") + "?sla=berisiko")
        head = self.family_a.members.get().name
        for text in ("Data NIK/KK", "Kuripan", "Diterima", "Pendamping", "Berisiko",
                     "20 Agu 2026 23.59", head, self.family_a.registry_id):  # fmt: skip
            with self.subTest(text=text):
                self.assertContains(page, text)
        self.assertContains(page, 'class="sla sla-berisiko"')

    def test_duplicates_ticked_on_the_list_are_closed_as_repeats_of_the_original(self):
        self.client.force_login(self.pendamping_a)
        with clock(NOW):
            done = self.client.post(
                reverse("complaints:close_duplicates"),
                {"original": self.on_time.kode.removeprefix("ADU-").lower(),
                 "duplicates": [self.late.kode, self.at_risk.kode]},
                follow=True,
            )  # fmt: skip
        self.assertEqual(messages_of(done),
                         [f"2 pengaduan ditutup sebagai sama dengan {self.on_time.kode}."])  # fmt: skip
        for complaint in (self.late, self.at_risk):
            complaint.refresh_from_db()
            self.assertEqual((complaint.status, complaint.decision, complaint.duplicate_of),
                             (Status.RESOLVED, Decision.REFERRED, self.on_time))  # fmt: skip
        self.on_time.refresh_from_db()
        self.assertEqual(self.on_time.status, Status.RECEIVED)

    def test_closing_duplicates_is_all_or_nothing(self):
        with clock(NOW):
            resolve_complaint(self.at_risk, decision=Decision.WITHDRAWN, resolution="Dicabut.",
                              acting_user=self.pendamping_a)  # fmt: skip
        self.client.force_login(self.pendamping_a)
        done = self.client.post(
            reverse("complaints:close_duplicates"),
            {"original": self.on_time.kode, "duplicates": [self.late.kode, self.at_risk.kode]},
            follow=True,
        )  # fmt: skip
        self.assertEqual(messages_of(done),
                         ["Ada pengaduan yang sudah selesai; muat ulang halaman."])  # fmt: skip
        self.late.refresh_from_db()
        self.assertEqual(self.late.status, Status.RECEIVED)

    def test_a_duplicate_out_of_sight_refuses_the_whole_set(self):
        self.client.force_login(self.pendamping_a)
        done = self.client.post(
            reverse("complaints:close_duplicates"),
            {"original": self.on_time.kode, "duplicates": [self.late.kode, self.elsewhere.kode]},
            follow=True,
        )  # fmt: skip
        self.assertEqual(messages_of(done),
                         ["Ada pengaduan yang tidak ditemukan di wilayah Anda."])  # fmt: skip
        self.late.refresh_from_db()
        self.assertEqual(self.late.status, Status.RECEIVED)

    def test_a_complaint_marked_as_a_repeat_from_its_own_page_returns_there(self):
        self.client.force_login(self.pendamping_a)
        detail = reverse("complaints:detail", args=[self.late.kode])
        done = self.client.post(
            reverse("complaints:close_duplicates"),
            {"original": self.on_time.kode, "duplicates": [self.late.kode],
             "kembali": self.late.kode},
        )  # fmt: skip
        self.assertRedirects(done, detail, fetch_redirect_response=False)
        self.late.refresh_from_db()
        self.assertEqual(self.late.duplicate_of, self.on_time)
        # Anything but a code sends back to the list.
        done = self.client.post(reverse("complaints:close_duplicates"),
                                {"original": "", "kembali": "../../admin"})  # fmt: skip
        self.assertRedirects(done, reverse("complaints:list"), fetch_redirect_response=False)
