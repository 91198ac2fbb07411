"""The work plan pages, the home block and the to-do lines (views_plans.py, home_plans.py)."""

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.fieldwork import actions_plans as actions
from harapan.fieldwork.models import PlanStatus, WorkPlan
from harapan.lib.months import add_months, month_start
from harapan.testing import KEC_B, PersonaTestCase, list_total, make_user, todo_of
from harapan.todo import work_plans_due

from .plans import log, make_plan

HOME, P2K2, SOCIAL = "kunjungan_rumah", "pertemuan_p2k2", "sosialisasi"
REVIEW_LABEL = "rencana kerja menunggu tinjauan"


def this_month() -> date:
    return month_start(timezone.localdate())


def cells(response, kind: str) -> tuple[str, ...]:
    """(planned, done, counted) shown in the realisation table's row of `kind`; on the
    home page (planned, counted)."""
    html = response.content.decode()
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', html, re.S).group(1)
    return tuple(re.findall(r'<td class="num \w+">([^<]*)</td>', row))


class ThePendampingsPlanPage(PersonaTestCase):
    def setUp(self):
        self.client.force_login(self.pendamping_a)

    def url(self, month: date) -> str:
        return f"{reverse('fieldwork:plan')}?bulan={month:%Y-%m}"

    def test_they_write_and_submit_this_months_plan(self):
        month = this_month()
        response = self.client.get(self.url(month))
        self.assertContains(response, 'id="id_jumlah_kunjungan_rumah"')
        self.assertContains(response, 'id="id_rincian_kunjungan_rumah"')
        data = {"bulan": f"{month:%Y-%m}", "jumlah_kunjungan_rumah": "12",
                "rincian_kunjungan_rumah": "tgl 5, 12", "jumlah_pertemuan_p2k2": "4",
                "aksi": "ajukan"}  # fmt: skip
        response = self.client.post(reverse("fieldwork:plan"), data, follow=True)
        self.assertContains(response, "Rencana kerja diajukan ke korcam.")
        plan = WorkPlan.objects.get(pendamping=self.pendamping_a, month=month)
        assert plan.status == PlanStatus.SUBMITTED
        assert {line.kind: line.planned for line in plan.lines.all()} == {HOME: 12, P2K2: 4}
        # Submitted: no more form, the lines and the status in words.
        self.assertNotContains(response, 'id="plan-form"')
        self.assertContains(response, '<strong id="plan-status">Diajukan</strong>', html=True)

    def test_a_count_out_of_range_is_refused_in_words(self):
        month = this_month()
        data = {"bulan": f"{month:%Y-%m}", "jumlah_kunjungan_rumah": "501", "aksi": "simpan"}
        response = self.client.post(reverse("fieldwork:plan"), data)
        self.assertContains(response, "Jumlah paling banyak 500.")
        assert not WorkPlan.objects.exists()

    def test_a_past_month_shows_its_figures_but_no_form(self):
        response = self.client.get(self.url(add_months(this_month(), -2)))
        assert response.status_code == 200
        self.assertNotContains(response, 'id="plan-form"')
        self.assertContains(response, 'id="plan-realisation"')

    def test_they_copy_the_previous_month_into_next_months_draft(self):
        p, month = self.pendamping_a, this_month()
        lines = [actions.Line(HOME, 10, "Sukamaju")]
        actions.save_plan(p, month, lines, acting_user=p)
        following = add_months(month, 1)
        response = self.client.get(self.url(following))
        self.assertContains(response, 'id="plan-copy"')
        response = self.client.post(
            reverse("fieldwork:plan_copy"), {"bulan": f"{following:%Y-%m}"}, follow=True
        )
        copy = WorkPlan.objects.get(pendamping=p, month=following)
        assert [(line.kind, line.planned, line.detail) for line in copy.lines.all()] == [
            (HOME, 10, "Sukamaju")
        ]
        self.assertContains(response, 'value="10"')
        self.assertNotContains(response, 'id="plan-copy"')  # it has lines now

    def test_the_page_shows_plan_against_realisation(self):
        month = this_month()
        make_plan(self.pendamping_a, month, {HOME: 3, P2K2: 1}, reviewer=self.korcam_a)
        for _ in range(4):
            log(self.pendamping_a, HOME, month)
        response = self.client.get(self.url(month))
        assert cells(response, HOME) == ("3", "4", "3")
        assert cells(response, P2K2) == ("1", "0", "0")
        self.assertContains(response, 'data-value="4"')  # planned 3 + 1
        self.assertContains(response, 'data-value="3"')  # counted 3 + 0
        self.assertNotContains(response, 'id="plan-not-accepted"')

    def test_only_a_pendamping_has_a_plan_page(self):
        for user in (self.korcam_a, self.korkab, self.admin_pusat):
            self.client.force_login(user)
            assert self.client.get(reverse("fieldwork:plan")).status_code == 403


class ReviewPages(PersonaTestCase):
    """Submitted this month: pendamping_a's and pendamping_a2's plans (Kecamatan A) and
    pendamping_b's (B); pendamping_a2's draft of next month is not submitted. korcam_a
    reviews 2, the korkab 3."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        month = this_month()
        cls.plan_a = make_plan(cls.pendamping_a, month, {HOME: 12}, today=timezone.localdate())
        make_plan(cls.pendamping_a2, month, {HOME: 8}, today=timezone.localdate())
        cls.plan_b = make_plan(cls.pendamping_b, month, {HOME: 5}, today=timezone.localdate())
        p = cls.pendamping_a2
        actions.save_plan(p, add_months(month, 1), [actions.Line(HOME, 2)], acting_user=p)
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)

    def test_the_korcam_to_do_count_equals_the_review_list_total(self):
        for user, expected in ((self.korcam_a, 2), (self.korcam_b, 1)):
            self.client.force_login(user)
            todo = todo_of(self.client.get(reverse("home")))
            count, link = todo[REVIEW_LABEL]
            listed = self.client.get(link)
            assert (count, list_total(listed)) == (expected, expected), user
        self.client.force_login(self.korkab)
        assert list_total(self.client.get(reverse("fieldwork:plan_review_list"))) == 3

    def test_the_korcam_accepts_a_plan_from_its_page(self):
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("fieldwork:plan_detail", args=[self.plan_a.pk]))
        self.assertContains(page, 'id="plan-review-form"')
        url = reverse("fieldwork:plan_review", args=[self.plan_a.pk])
        response = self.client.post(url, {"keputusan": "terima"}, follow=True)
        self.assertContains(response, "Rencana kerja diterima.")
        self.plan_a.refresh_from_db()
        assert self.plan_a.status == PlanStatus.ACCEPTED
        assert list_total(response) == 1  # back on the list: pendamping_a2's plan is left

    def test_returning_without_a_note_is_refused_and_with_one_it_reaches_the_pendamping(self):
        self.client.force_login(self.korcam_a)
        url = reverse("fieldwork:plan_review", args=[self.plan_a.pk])
        response = self.client.post(url, {"keputusan": "kembalikan"}, follow=True)
        self.assertContains(response, "Tulis catatan: apa yang perlu diperbaiki pendamping.")
        self.plan_a.refresh_from_db()
        assert self.plan_a.status == PlanStatus.SUBMITTED
        self.client.post(url, {"keputusan": "kembalikan", "catatan": "Tambah P2K2"})
        self.plan_a.refresh_from_db()
        assert (self.plan_a.status, self.plan_a.review_note) == (PlanStatus.RETURNED, "Tambah P2K2")
        # The pendamping's home says so and links to the plan, where the note and the
        # form are back.
        self.client.force_login(self.pendamping_a)
        todo = todo_of(self.client.get(reverse("home")))
        [label] = [label for label in todo if "dikembalikan" in label]
        count, link = todo[label]
        assert count == 1
        page = self.client.get(link)
        self.assertContains(page, "Tambah P2K2")
        self.assertContains(page, 'id="plan-form"')

    def test_a_pendamping_cannot_review_even_their_own_plan(self):
        self.client.force_login(self.pendamping_a)
        url = reverse("fieldwork:plan_review", args=[self.plan_a.pk])
        assert self.client.post(url, {"keputusan": "terima"}).status_code == 403
        page = self.client.get(reverse("fieldwork:plan_detail", args=[self.plan_a.pk]))
        self.assertNotContains(page, 'id="plan-review-form"')
        assert self.client.get(reverse("fieldwork:plan_review_list")).status_code == 403
        self.plan_a.refresh_from_db()
        assert self.plan_a.status == PlanStatus.SUBMITTED

    def test_the_korcam_of_another_kecamatan_finds_no_such_plan(self):
        self.client.force_login(self.korcam_b)
        url = reverse("fieldwork:plan_review", args=[self.plan_a.pk])
        assert self.client.post(url, {"keputusan": "terima"}).status_code == 404
        detail = reverse("fieldwork:plan_detail", args=[self.plan_a.pk])
        assert self.client.get(detail).status_code == 404
        self.plan_a.refresh_from_db()
        assert self.plan_a.status == PlanStatus.SUBMITTED


class HomeBlockAndReminder(PersonaTestCase):
    def test_the_pendaming_home_shows_this_months_plan_against_realisation(self):
        month = this_month()
        make_plan(self.pendamping_a, month, {HOME: 2, SOCIAL: 1}, reviewer=self.korcam_a)
        for _ in range(3):
            log(self.pendamping_a, HOME, month)
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'id="home-plan"')
        assert cells(response, HOME) == ("2", "2")
        assert cells(response, SOCIAL) == ("1", "0")
        self.client.force_login(self.korcam_a)
        self.assertNotContains(self.client.get(reverse("home")), 'id="home-plan"')

    def test_the_next_months_plan_is_asked_for_in_the_last_seven_days_of_a_month(self):
        p = self.pendamping_a
        december_24, december_25 = date(2026, 12, 24), date(2026, 12, 25)
        assert work_plans_due(p, december_24) == []  # 8 days before January
        [item] = work_plans_due(p, december_25)
        assert item.label == "rencana bulan depan (Januari 2027) belum diajukan"
        assert (item.count, item.url) == (1, reverse("fieldwork:plan") + "?bulan=2027-01")
        # A draft still asks; once submitted it does not.
        january = date(2027, 1, 1)
        actions.save_plan(p, january, [actions.Line(HOME, 3)], acting_user=p, today=december_25)
        assert len(work_plans_due(p, december_25 + timedelta(days=6))) == 1
        plan = WorkPlan.objects.get(pendamping=p, month=january)
        actions.submit_plan(plan, acting_user=p, today=december_25)
        assert work_plans_due(p, december_25) == []
