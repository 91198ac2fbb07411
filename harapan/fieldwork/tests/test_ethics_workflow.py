"""A code-of-ethics case from report to decision (DESIGN §9): each step audited, the
decision told on the pendamping's home page until they open it; the refusals change
nothing; a conduct complaint opens a case about the pendamping it accuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from harapan.audit.models import AuditEntry
from harapan.complaints.actions import submit_complaint
from harapan.testing import DESA_A, METRO_DESA, PersonaTestCase, make_user

from ..actions_ethics import decide_case, open_case_from_complaint, report_case
from ..models import EthicsCase
from .base import investigated, reported


def trail_codes() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="fieldwork.ethics")
        .order_by("pk")
        .values_list("action", flat=True)
    )


class EthicsWorkflowTest(PersonaTestCase):
    def test_the_korkab_reports_investigates_and_decides_through_the_pages(self):
        self.client.force_login(self.korkab)
        answer = self.client.post(reverse("fieldwork:ethics_new"), {
            "pendamping": self.pendamping_a.pk, "kind": "gratifikasi",
            "description": "Menerima kambing dari KPM.",
        })  # fmt: skip
        case = EthicsCase.objects.get()
        assert answer.url == reverse("fieldwork:ethics_detail", args=[case.pk])
        assert (case.status, case.kind, case.reported_by, case.region_code) == (
            "dilaporkan", "gratifikasi", self.korkab, "180601",
        )  # fmt: skip
        self.client.post(reverse("fieldwork:ethics_investigate", args=[case.pk]),
                         {"note": "KPM membenarkan."})  # fmt: skip
        self.client.post(reverse("fieldwork:ethics_decide", args=[case.pk]),
                         {"decision": "penundaan_honor", "text": "Honor Januari ditunda."})  # fmt: skip
        case.refresh_from_db()
        assert (case.status, case.investigation_note, case.decision, case.decision_text) == (
            "diputus", "KPM membenarkan.", "penundaan_honor", "Honor Januari ditunda.",
        )  # fmt: skip
        assert (case.investigated_by, case.decided_by) == (self.korkab, self.korkab)
        assert trail_codes() == [
            "fieldwork.ethics.report", "fieldwork.ethics.investigate", "fieldwork.ethics.decide",
        ]  # fmt: skip
        page = self.client.get(reverse("fieldwork:ethics_detail", args=[case.pk]))
        for shown in ("Gratifikasi", "Penundaan honorarium", "Diputus", "Belum dibaca pendamping"):
            self.assertContains(page, shown)

    def test_the_decision_is_on_the_pendamping_home_until_they_open_it(self):
        case = investigated(self.pendamping_a, self.korkab)
        decide_case(case, decision="teguran", text="Teguran lisan.", acting_user=self.korkab)
        self.client.force_login(self.pendamping_a)
        url = reverse("fieldwork:ethics_decision", args=[case.pk])
        self.assertContains(self.client.get(reverse("home")), f'href="{url}"', count=1)
        self.assertContains(self.client.get(url), "Teguran lisan.")
        self.assertNotContains(self.client.get(reverse("home")), url)
        self.client.get(url)  # opened again: read once, recorded once
        assert trail_codes()[-1:] == ["fieldwork.ethics.decision_seen"]
        assert trail_codes().count("fieldwork.ethics.decision_seen") == 1

    def test_a_conduct_complaint_opens_a_case_about_the_accused_once(self):
        complaint, _pin = submit_complaint(
            kategori="pungli", saluran="web", uraian="Dipotong Rp 50.000 saat pencairan.",
            region_code=DESA_A, accused=self.pendamping_a,
        )  # fmt: skip
        self.client.force_login(self.korkab)
        self.client.post(reverse("fieldwork:ethics_new"), {"complaint_kode": complaint.kode})
        case = EthicsCase.objects.get()
        assert (case.pendamping, case.kind, case.complaint, case.description) == (
            self.pendamping_a, "pungli", complaint, "Dipotong Rp 50.000 saat pencairan.",
        )  # fmt: skip
        page = self.client.get(reverse("fieldwork:ethics_detail", args=[case.pk]))
        self.assertContains(page, reverse("complaints:detail", args=[complaint.kode]))
        with pytest.raises(ValidationError):
            open_case_from_complaint(complaint, acting_user=self.korkab)
        assert EthicsCase.objects.count() == 1

    def test_only_a_conduct_complaint_with_an_accused_opens_a_case(self):
        payment, _pin = submit_complaint(
            kategori="pembayaran", saluran="web", uraian="Belum cair.", region_code=DESA_A
        )
        unnamed, _pin = submit_complaint(
            kategori="perilaku_pendamping", saluran="web", uraian="Pendamping kasar.",
            region_code=DESA_A, accused_name="Pak Joko",
        )  # fmt: skip
        for complaint in (payment, unnamed):
            with pytest.raises(ValidationError):
                open_case_from_complaint(complaint, acting_user=self.korkab)
        named, _pin = submit_complaint(
            kategori="perilaku_pendamping", saluran="web", uraian="Pendamping kasar.",
            region_code=DESA_A, accused=self.pendamping_a,
        )  # fmt: skip
        with pytest.raises(PermissionDenied):  # the korcam sees it but opens no case
            open_case_from_complaint(named, acting_user=self.korcam_a)
        assert EthicsCase.objects.count() == 0
        assert trail_codes() == []


class EthicsRefusalsTest(PersonaTestCase):
    """Each refusal leaves the cases and their trail as they were (signing in is audited)."""

    def assert_unchanged(self, before):
        assert list(EthicsCase.objects.order_by("pk").values()) == before[0]
        assert trail_codes() == before[1]

    def state(self):
        return list(EthicsCase.objects.order_by("pk").values()), trail_codes()

    def test_a_korcam_cannot_report_a_case(self):
        before = self.state()
        with pytest.raises(PermissionDenied):
            report_case(
                self.pendamping_a, kind="pungli", description="x", acting_user=self.korcam_a
            )
        self.client.force_login(self.korcam_a)
        answer = self.client.post(reverse("fieldwork:ethics_new"), {
            "pendamping": self.pendamping_a.pk, "kind": "pungli", "description": "x",
        })  # fmt: skip
        assert answer.status_code == 404
        self.assert_unchanged(before)

    def test_a_korkab_cannot_report_a_pendamping_of_another_kabupaten(self):
        metro = make_user("pendamping_metro", "pendamping", METRO_DESA[:6])
        before = self.state()
        with pytest.raises(PermissionDenied):
            report_case(metro, kind="pungli", description="x", acting_user=self.korkab)
        self.assert_unchanged(before)

    def test_a_case_is_not_decided_before_it_is_investigated(self):
        case = reported(self.pendamping_a, self.korkab)
        before = self.state()
        with pytest.raises(ValidationError, match="setelah diperiksa"):
            decide_case(case, decision="teguran", text="Teguran.", acting_user=self.korkab)
        self.client.force_login(self.korkab)
        self.client.post(reverse("fieldwork:ethics_decide", args=[case.pk]),
                         {"decision": "teguran", "text": "Teguran."})  # fmt: skip
        self.assert_unchanged(before)

    def test_the_auditor_reads_but_does_not_decide(self):
        case = investigated(self.pendamping_a, self.korkab)
        before = self.state()
        self.client.force_login(self.auditor)
        assert (
            self.client.get(reverse("fieldwork:ethics_detail", args=[case.pk])).status_code == 200
        )
        answer = self.client.post(reverse("fieldwork:ethics_decide", args=[case.pk]),
                                  {"decision": "teguran", "text": "Teguran."})  # fmt: skip
        assert answer.status_code == 403
        self.assert_unchanged(before)

    def test_a_pendamping_cannot_read_a_colleagues_decision(self):
        case = investigated(self.pendamping_a, self.korkab)
        decide_case(case, decision="teguran", text="Teguran.", acting_user=self.korkab)
        before = self.state()
        for colleague in (self.pendamping_a2, self.pendamping_b):
            self.client.force_login(colleague)
            url = reverse("fieldwork:ethics_decision", args=[case.pk])
            assert self.client.get(url).status_code == 404
        self.assert_unchanged(before)


class EthicsListQueriesTest(PersonaTestCase):
    def queries_of_the_list(self) -> int:
        self.client.force_login(self.korkab)
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("fieldwork:ethics_list")).status_code == 200
        return len(queries)

    def test_more_cases_cost_no_more_queries(self):
        reported(self.pendamping_a, self.korkab)
        one = self.queries_of_the_list()
        for pendamping in (self.pendamping_a2, self.pendamping_b, self.pendamping_b):
            reported(pendamping, self.korkab)
        assert self.queries_of_the_list() == one
