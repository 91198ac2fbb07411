from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from harapan.graduation import actions
from harapan.graduation.models import Assessment, ExitProposal, ProposalStatus
from harapan.registry.models import Family, FamilyStatus
from harapan.testing import DESA_A, PersonaTestCase, make_family

EXIT_DAY = date(2025, 6, 30)


def create_url(family):
    return reverse("graduation:proposal_create", args=[family.pk])


def detail(proposal):
    return reverse("graduation:proposal_detail", args=[proposal.pk])


def step(name, proposal):
    return reverse(f"graduation:proposal_{name}", args=[proposal.pk])


LIST = "/graduasi/usulan/"


class ProposalPagesTest(PersonaTestCase):
    def propose(self, family=None, **kwargs):
        family = family or self.family_a
        kwargs.setdefault("kind", "paksa")
        kwargs.setdefault("reason", "Tidak memenuhi komitmen berulang kali")
        kwargs.setdefault("exit_date", EXIT_DAY)
        return actions.propose_exit(family, acting_user=family.pendamping, **kwargs)

    def verified(self):
        return actions.verify_exit(self.propose(), acting_user=self.korcam_a)

    def test_the_full_path_through_the_pages_ends_with_the_family_out(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(create_url(self.family_a))
        assert page.status_code == 200
        assert "surat pengunduran diri" in page.content.decode()
        response = self.client.post(
            create_url(self.family_a),
            {"kind": "paksa", "reason": "Inclusion error", "exit_date": "2025-06-30"},
        )
        proposal = ExitProposal.objects.get(family=self.family_a)
        self.assertRedirects(response, detail(proposal))

        self.client.force_login(self.korcam_a)
        page = self.client.get(detail(proposal))
        assert page.context["may"] == {"verify": True, "approve": False, "reject": True}
        self.client.post(step("verify", proposal))
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.VERIFIED

        self.client.force_login(self.korkab)
        assert self.client.get(detail(proposal)).context["may"]["approve"]
        response = self.client.post(step("approve", proposal), follow=True)
        assert "KPM sudah keluar" in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.APPROVED
        family = Family.objects.get(pk=self.family_a.pk)
        assert (family.status, family.exit_reason, family.exit_date) == (
            FamilyStatus.EXITED, "paksa", EXIT_DAY,
        )  # fmt: skip
        labels = [s["label"] for s in self.client.get(detail(proposal)).context["steps"]]
        assert labels == ["Diusulkan", "Diverifikasi korcam", "Disetujui korkab"]

    def test_a_gsm_proposal_needs_a_letter_or_a_passing_assessment(self):
        self.client.force_login(self.pendamping_a)
        data = {"kind": "sejahtera_mandiri", "reason": "Usaha warung maju",
                "exit_date": "2025-06-30"}  # fmt: skip
        response = self.client.post(create_url(self.family_a), data)
        assert response.status_code == 400
        assert "surat pengunduran diri" in response.content.decode()
        assert not ExitProposal.objects.exists()
        half = self.client.post(create_url(self.family_a), {**data, "letter_number": "12/2025"})
        assert "bersama-sama" in half.content.decode()
        assert not ExitProposal.objects.exists()
        letter = {**data, "letter_number": "12/2025", "letter_date": "2025-05-02"}
        self.client.post(create_url(self.family_a), letter)
        proposal = ExitProposal.objects.get()
        assert (proposal.letter_number, proposal.letter_date) == ("12/2025", date(2025, 5, 2))

    def test_a_passing_assessment_is_enough_for_gsm(self):
        Assessment.objects.create(
            family=self.family_a, region_code=DESA_A, assessed_on=date(2025, 5, 1),
            assessed_by=self.pendamping_a, monthly_income=3_000_000, poverty_line=2_000_000,
            score=85,
        )  # fmt: skip
        self.client.force_login(self.pendamping_a)
        page = self.client.get(create_url(self.family_a))
        assert "skor 85" in page.content.decode()
        self.client.post(create_url(self.family_a), {
            "kind": "sejahtera_mandiri", "reason": "Usaha maju", "exit_date": "2025-06-30",
        })  # fmt: skip
        proposal = ExitProposal.objects.get()
        assert "skor 85" in self.client.get(detail(proposal)).content.decode()

    def test_bad_input_changes_nothing(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            create_url(self.family_a), {"kind": "x", "reason": " ", "exit_date": "kemarin"}
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Alasan usulan wajib diisi." in body
        assert "Masukkan tanggal yang benar" in body
        assert not ExitProposal.objects.exists()

    def test_only_the_familys_pendamping_proposes(self):
        for user in (self.pendamping_a2, self.korcam_a, self.korkab, self.korwil, self.auditor):
            self.client.force_login(user)
            status = self.client.get(create_url(self.family_a)).status_code
            assert status in (403, 404), user
            response = self.client.post(create_url(self.family_a), {
                "kind": "paksa", "reason": "x", "exit_date": "2025-06-30",
            })  # fmt: skip
            assert response.status_code in (403, 404), user
        assert not ExitProposal.objects.exists()

    def test_a_second_open_proposal_is_not_offered(self):
        first = self.propose()
        self.client.force_login(self.pendamping_a)
        page = self.client.get(create_url(self.family_a))
        assert page.context["form"] is None
        assert detail(first) in page.content.decode()

    def test_a_pendamping_cannot_verify_and_the_proposer_cannot_decide(self):
        proposal = self.propose()
        for user in (self.pendamping_a, self.pendamping_a2):
            self.client.force_login(user)
            page = self.client.get(detail(proposal))
            if page.status_code == 200:
                assert not any(page.context["may"].values())
            assert self.client.post(step("verify", proposal)).status_code in (403, 404)
            assert self.client.post(step("reject", proposal), {"reason": "x"}).status_code in (
                403, 404,
            )  # fmt: skip
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED

    def test_a_korcam_cannot_approve_nor_a_korkab_verify(self):
        proposal = self.propose()
        self.client.force_login(self.korkab)
        assert self.client.post(step("verify", proposal)).status_code == 403
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        self.client.force_login(self.korcam_a)
        assert not self.client.get(detail(proposal)).context["may"]["approve"]
        assert self.client.post(step("approve", proposal)).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.VERIFIED
        assert Family.objects.get(pk=self.family_a.pk).status == FamilyStatus.ACTIVE

    def test_approving_before_verification_is_refused(self):
        proposal = self.propose()
        for user in (self.korkab, self.admin_pusat):
            self.client.force_login(user)
            assert not self.client.get(detail(proposal)).context["may"]["approve"]
            response = self.client.post(step("approve", proposal), follow=True)
            assert [m.level_tag for m in response.context["messages"]] == ["error"]
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED
        assert Family.objects.get(pk=self.family_a.pk).status == FamilyStatus.ACTIVE

    def test_the_korcam_rejects_with_a_reason(self):
        proposal = self.propose()
        self.client.force_login(self.korcam_a)
        response = self.client.post(step("reject", proposal), {"reason": "  "})
        assert response.status_code == 400
        assert "Alasan penolakan wajib diisi." in response.content.decode()
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED
        self.client.post(step("reject", proposal), {"reason": "Data belum lengkap"})
        proposal.refresh_from_db()
        assert (proposal.status, proposal.rejected_by, proposal.rejection_reason) == (
            ProposalStatus.REJECTED, self.korcam_a, "Data belum lengkap",
        )  # fmt: skip
        page = self.client.get(detail(proposal))
        assert "Data belum lengkap" in page.content.decode()
        assert not any(page.context["may"].values())

    def test_the_korkab_rejects_a_verified_proposal_with_a_reason(self):
        proposal = self.verified()
        self.client.force_login(self.korcam_a)  # its step is done
        assert self.client.post(step("reject", proposal), {"reason": "x"}).status_code == 403
        self.client.force_login(self.korkab)
        self.client.post(step("reject", proposal), {"reason": "Belum ada bukti"})
        proposal.refresh_from_db()
        assert (proposal.status, proposal.rejected_by) == (ProposalStatus.REJECTED, self.korkab)
        assert Family.objects.get(pk=self.family_a.pk).status == FamilyStatus.ACTIVE

    def test_read_only_roles_see_pages_without_forms_and_get_403_on_post(self):
        proposal = self.propose()
        for user in (self.korwil, self.auditor):
            self.client.force_login(user)
            page = self.client.get(detail(proposal))
            assert page.status_code == 200
            assert '<form method="post"' not in page.content.decode()
            assert self.client.get(LIST).context["page"].object_list[0] == proposal
            assert self.client.post(step("verify", proposal)).status_code == 403
            assert self.client.post(step("reject", proposal), {"reason": "x"}).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.PROPOSED

    def test_pendamping_b_cannot_see_family_as_proposal(self):
        proposal = self.propose()
        self.client.force_login(self.pendamping_b)
        assert self.client.get(detail(proposal)).status_code == 404
        assert list(self.client.get(LIST).context["page"].object_list) == []
        assert self.client.get(create_url(self.family_a)).status_code == 404
        assert self.client.post(step("verify", proposal)).status_code == 404

    def test_the_list_puts_each_coordinators_turn_first_and_filters(self):
        verified = self.verified()
        waiting = self.propose(self.family_a2, kind="pindah")
        # Newest first otherwise: `waiting` was proposed last.
        self.client.force_login(self.korkab)
        assert list(self.client.get(LIST).context["page"].object_list) == [verified, waiting]
        self.client.force_login(self.korcam_a)
        assert list(self.client.get(LIST).context["page"].object_list) == [waiting, verified]
        assert list(self.client.get(LIST, {"kind": "pindah"}).context["page"]) == [waiting]
        filtered = self.client.get(LIST, {"status": "diverifikasi"}).context["page"]
        assert list(filtered) == [verified]
        assert self.client.get(LIST, {"status": "bukan"}).status_code == 200

    def test_the_list_and_detail_cost_a_fixed_number_of_queries(self):
        self.client.force_login(self.korkab)
        proposal = self.propose()
        with CaptureQueriesContext(connection) as few_list:
            self.client.get(LIST)
        with CaptureQueriesContext(connection) as few_detail:
            self.client.get(detail(proposal))
        for _ in range(4):
            family = make_family(pendamping=self.pendamping_a)
            self.propose(family, exit_date=timezone.localdate())
        # session, user, count, the page (with family and proposer), the families' heads, desa
        with self.assertNumQueries(6):
            self.client.get(LIST)
        assert len(few_list) == 6
        # session, user, the proposal with its people, latest assessment, its family's name
        with self.assertNumQueries(len(few_detail)):
            self.client.get(detail(proposal))
        assert len(few_detail) == 6
