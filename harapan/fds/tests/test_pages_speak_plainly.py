"""P2K2 pages write dates, months and region codes one way (DESIGN §11 "Pages")."""

from datetime import date

from django.urls import reverse

from .test_group_pages import GroupPages, hold, make_group

MARCH = date(2025, 3, 12)


class FdsPagesTest(GroupPages):
    def test_the_group_pages_write_dates_and_the_desa_code_one_way(self):
        hold(self.melati, MARCH, 1)
        self.client.force_login(self.pendamping_a)
        listing = self.client.get(reverse("fds:group_list"))
        self.assertContains(listing, '<td class="nowrap">12 Mar 2025</td>', html=True)
        detail = self.client.get(reverse("fds:group_detail", args=[self.melati.pk]))
        self.assertContains(detail, "(18.06.01.2001)")
        self.assertContains(detail, '<td class="nowrap">10 Jan 2025</td>', html=True)
        for page in (listing, detail):
            self.assertNotContains(page, "12-03-2025")
            self.assertNotContains(page, "10-01-2025")

    def test_the_meeting_list_gives_the_year_of_each_day(self):
        hold(self.melati, MARCH, 1)
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("fds:meeting_list"), {"bulan": "2025-03"})
        self.assertContains(response, "Pertemuan P2K2 Maret 2025")
        self.assertContains(response, ">12 Mar 2025</a>")

    def test_the_reports_name_the_month_and_dot_region_codes(self):
        hold(self.melati, MARCH, 1)
        self.client.force_login(self.korkab)
        meetings = self.client.get(reverse("fds:report_meetings"), {"bulan": "2025-03"})
        self.assertContains(meetings, "Pertemuan P2K2 per pendamping: Maret 2025")
        coverage = self.client.get(reverse("fds:report_coverage"), {"tingkat": "desa"})
        self.assertContains(coverage, '<span class="muted nowrap">18.06.01.2001</span>', html=True)
        self.assertNotContains(coverage, "1806012001")


class FdsPagesNameFamiliesTest(GroupPages):
    """family_a, headed by Siti Aminah of Kuripan, is in Melati."""

    def named(self) -> str:
        return (
            '<span class="family-name">Siti Aminah · Kuripan</span>'
            f' <span class="muted nowrap">{self.family_a.registry_id}</span>'
        )

    def test_the_group_and_meeting_pages_name_the_family(self):
        meeting = hold(self.melati, MARCH, 1)
        for user in (self.pendamping_a, self.korkab):  # the form, then the read-only table
            self.client.force_login(user)
            detail = self.client.get(reverse("fds:group_detail", args=[self.melati.pk]))
            self.assertContains(detail, self.named(), html=True)
            attendance = self.client.get(reverse("fds:meeting_detail", args=[meeting.pk]))
            self.assertContains(attendance, self.named(), html=True)

    def test_the_flagged_list_names_the_family(self):
        for n, day in enumerate((date(2025, 2, 5), date(2025, 3, 5), date(2025, 4, 5)), start=1):
            hold(self.melati, day, n, {self.family_a.pk: "absen"})
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("fds:flagged"))
        self.assertContains(response, self.named(), html=True)

    def test_moving_a_family_says_who_and_when_in_words(self):
        kenanga = make_group("Kenanga", self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            reverse("fds:group_add_family", args=[kenanga.pk]),
            {"family": self.family_a.registry_id, "joined_on": "2025-03-01"},
            follow=True,
        )
        self.assertContains(
            response,
            f"KPM Siti Aminah · Kuripan ({self.family_a.registry_id}) pindah dari Melati "
            "ke Kenanga sejak 1 Mar 2025.",
        )
