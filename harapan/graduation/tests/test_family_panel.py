from datetime import timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from harapan.graduation import actions
from harapan.graduation.models import FollowUpVisit
from harapan.graduation.panels import graduation_panel
from harapan.registry.models import Family, FamilyStatus
from harapan.testing import PersonaTestCase, make_user

# Dates are written one way on every page: '1 Des 2026' (harapan/display/formats.py).
SHORT_MONTHS = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()


def written(day) -> str:
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def panel(user, family) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return graduation_panel(request, Family.objects.get(pk=family.pk))


def follow_up(family):
    return reverse("graduation:follow_up_create", args=[family.pk])


class GraduationSetup(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.exit_day = cls.today - timedelta(days=30)
        proposal = actions.propose_exit(
            cls.family_a, kind="sejahtera_mandiri", reason="Usaha maju",
            exit_date=cls.exit_day, letter_number="7/2025", letter_date=cls.exit_day,
            acting_user=cls.pendamping_a,
        )  # fmt: skip
        actions.verify_exit(proposal, acting_user=cls.korcam_a)
        cls.approved = actions.approve_exit(proposal, acting_user=cls.korkab)
        cls.open_proposal = actions.propose_exit(
            cls.family_a2, kind="pindah", reason="Pindah ke Jawa",
            exit_date=cls.today, acting_user=cls.pendamping_a2,
        )  # fmt: skip


class FamilyPanelTest(GraduationSetup):
    def test_its_pendamping_may_propose_an_active_family(self):
        html = panel(self.pendamping_b, self.family_b)
        assert "Usulkan graduasi" in html
        assert reverse("graduation:proposal_create", args=[self.family_b.pk]) in html
        assert "Usulkan graduasi" not in panel(self.korkab, self.family_b)

    def test_an_open_proposal_is_linked_instead(self):
        html = panel(self.pendamping_a2, self.family_a2)
        assert reverse("graduation:proposal_detail", args=[self.open_proposal.pk]) in html
        assert "Usulkan graduasi" not in html
        assert "Pindah" in panel(self.korcam_a, self.family_a2)

    def test_an_approved_exit_still_to_come_is_shown_with_its_date(self):
        later = self.today + timedelta(days=40)
        proposal = actions.propose_exit(
            self.family_b, kind="sejahtera_mandiri", reason="Usaha maju", exit_date=later,
            letter_number="8/2026", letter_date=self.today, acting_user=self.pendamping_b,
        )  # fmt: skip
        actions.verify_exit(proposal, acting_user=make_user("korcam_b", "korcam", "180602"))
        actions.approve_exit(proposal, acting_user=self.korkab)
        html = panel(self.pendamping_b, self.family_b)
        assert f"KPM tetap aktif sampai keluar pada {written(later)}" in html
        assert "Usulkan graduasi" not in html

    def test_an_exited_family_shows_its_exit_steps_and_visit_form(self):
        FollowUpVisit.objects.create(
            family=self.family_a, region_code=self.family_a.region_code,
            visited_on=self.today, visited_by=self.pendamping_a, notes="Warung tetap buka",
        )  # fmt: skip
        html = panel(self.pendamping_a, self.family_a)
        assert "Graduasi sejahtera mandiri" in html
        assert written(self.exit_day) in html
        for label in ("Diusulkan", "Diverifikasi korcam", "Disetujui korkab"):
            assert label in html
        assert "Warung tetap buka" in html
        assert follow_up(self.family_a) in html
        assert follow_up(self.family_a) in panel(self.korcam_a, self.family_a)

    def test_read_only_and_other_roles_get_no_visit_form(self):
        for user in (self.korwil, self.auditor, self.korkab):
            html = panel(user, self.family_a)
            assert "Disetujui korkab" in html
            assert follow_up(self.family_a) not in html

    def test_the_visit_form_closes_twelve_months_after_exit(self):
        Family.objects.filter(pk=self.family_b.pk).update(
            status=FamilyStatus.EXITED, exit_reason="pindah",
            exit_date=self.today - timedelta(days=400),
        )  # fmt: skip
        html = panel(self.pendamping_b, self.family_b)
        assert follow_up(self.family_b) not in html
        assert "Masa kunjungan pasca-graduasi sampai" in html

    def test_another_kecamatan_sees_nothing_of_the_proposals(self):
        # The family page itself is 404 for them; the panel is scoped all the same.
        assert reverse("graduation:proposal_detail", args=[self.approved.pk]) not in panel(
            self.pendamping_b, self.family_a
        )

    def test_the_panel_costs_a_fixed_number_of_queries(self):
        for n in range(3):
            FollowUpVisit.objects.create(
                family=self.family_a, region_code=self.family_a.region_code,
                visited_on=self.today, visited_by=self.pendamping_a, notes=f"Kunjungan {n}",
            )  # fmt: skip
        family_a = Family.objects.get(pk=self.family_a.pk)
        family_a2 = Family.objects.get(pk=self.family_a2.pk)
        request = RequestFactory().get("/")
        request.user = self.korcam_a
        with self.assertNumQueries(1):  # the open proposal
            graduation_panel(request, family_a2)
        with self.assertNumQueries(2):  # the approved proposal with its people, the visits
            graduation_panel(request, family_a)


class FollowUpVisitTest(GraduationSetup):
    def post(self, user, family, day, notes="Usaha masih berjalan"):
        self.client.force_login(user)
        data = {"kunjungan-visited_on": day.isoformat() if day else "", "kunjungan-notes": notes}
        return self.client.post(follow_up(family), data, follow=True)

    def test_the_pendamping_logs_a_visit(self):
        response = self.post(self.pendamping_a, self.family_a, self.today)
        self.assertRedirects(
            response, reverse("registry:family_detail", args=[self.family_a.pk]) + "#graduasi"
        )
        visit = FollowUpVisit.objects.get()
        assert (visit.visited_by, visit.visited_on, visit.notes) == (
            self.pendamping_a, self.today, "Usaha masih berjalan",
        )  # fmt: skip

    def test_a_visit_outside_the_window_or_bad_input_is_refused(self):
        cases = [
            (self.exit_day - timedelta(days=1), "x", "12 bulan"),
            (self.today + timedelta(days=1), "x", "belum tiba"),
            (None, "x", "Tanggal kunjungan wajib diisi."),
            (self.today, " ", "Catatan kunjungan wajib diisi."),
        ]
        for day, notes, message in cases:
            response = self.post(self.pendamping_a, self.family_a, day, notes)
            shown = [str(m) for m in response.context["messages"]]
            assert any(message in m for m in shown), (day, shown)
        assert not FollowUpVisit.objects.exists()

    def test_an_active_family_gets_no_visit(self):
        response = self.post(self.pendamping_a2, self.family_a2, self.today)
        assert "sudah keluar" in " ".join(str(m) for m in response.context["messages"])
        assert not FollowUpVisit.objects.exists()

    def test_who_may_log_a_visit(self):
        for user in (self.korwil, self.auditor, self.korkab):
            assert self.post(user, self.family_a, self.today).status_code == 403, user
        for user in (self.pendamping_b, self.pendamping_a2):
            assert self.post(user, self.family_a, self.today).status_code == 404, user
        assert not FollowUpVisit.objects.exists()
        self.post(self.korcam_a, self.family_a, self.today)
        assert FollowUpVisit.objects.get().visited_by == self.korcam_a
