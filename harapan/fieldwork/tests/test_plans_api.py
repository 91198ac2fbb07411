"""Work plans in the REST API (/api/v1/work-plans): a round trip, the scoping, the refusals."""

from django.utils import timezone

from harapan.fieldwork.actions_plans import review_plan
from harapan.fieldwork.models import PlanStatus, WorkPlan
from harapan.lib.months import add_months, month_start
from harapan.testing import PersonaTestCase

from .plans import log, make_plan

URL = "/api/v1/work-plans"
HOME, P2K2 = "kunjungan_rumah", "pertemuan_p2k2"


class WorkPlanApi(PersonaTestCase):
    def setUp(self):
        self.month = month_start(timezone.localdate())
        self.bulan = f"{self.month:%Y-%m}"

    def post(self, user, body):
        self.client.force_login(user)
        return self.client.post(URL, body, content_type="application/json")

    def get(self, user, url=URL, **params):
        self.client.force_login(user)
        return self.client.get(url, params)

    def test_a_pendamping_saves_submits_and_reads_back_their_plan(self):
        body = {"bulan": self.bulan, "ajukan": True, "baris": [
            {"jenis": HOME, "jumlah": 3, "rincian": "tgl 3, 10, 17"},
            {"jenis": P2K2, "jumlah": 0},
        ]}  # fmt: skip
        response = self.post(self.pendamping_a, body)
        assert response.status_code == 201, response.content
        saved = response.json()
        plan = WorkPlan.objects.get(pendamping=self.pendamping_a, month=self.month)
        assert (saved["id"], saved["status"], saved["bulan"]) == (plan.pk, "diajukan", self.bulan)
        assert saved["baris"] == [{"jenis": HOME, "jumlah": 3, "rincian": "tgl 3, 10, 17"}]
        # Four home visits done: three count; not accepted yet, so no §9 rencana.
        for _ in range(4):
            log(self.pendamping_a, HOME, self.month)
        one = self.get(self.pendamping_a, f"{URL}/{plan.pk}").json()
        assert one["realisasi"] == [
            {"jenis": HOME, "direncanakan": 3, "dikerjakan": 4, "dihitung": 3}
        ]
        assert (one["rencana_total"], one["realisasi_total"]) == (0, 0)
        review_plan(plan, accept=True, acting_user=self.korcam_a)
        one = self.get(self.korcam_a, f"{URL}/{plan.pk}").json()
        assert (one["status"], one["rencana_total"], one["realisasi_total"]) == ("diterima", 3, 3)

    def test_a_submitted_plan_is_refused_with_400_and_a_past_month_too(self):
        make_plan(self.pendamping_a, self.month, {HOME: 2}, today=timezone.localdate())
        response = self.post(self.pendamping_a, {"bulan": self.bulan, "baris": []})
        assert response.status_code == 400
        assert "tidak dapat diubah" in response.json()["detail"]
        past = f"{add_months(self.month, -1):%Y-%m}"
        response = self.post(self.pendamping_a, {"bulan": past, "baris": []})
        assert response.status_code == 400

    def test_only_a_pendamping_writes_a_plan(self):
        for user in (self.korcam_a, self.korkab, self.auditor):
            response = self.post(user, {"bulan": self.bulan, "baris": []})
            assert response.status_code == 403, user
        assert not WorkPlan.objects.exists()

    def test_the_list_is_scoped_and_filtered_by_month(self):
        today = timezone.localdate()
        plan_a = make_plan(self.pendamping_a, self.month, {HOME: 2}, today=today)
        plan_b = make_plan(self.pendamping_b, self.month, {HOME: 1}, today=today)
        following = add_months(self.month, 1)
        plan_a_next = make_plan(self.pendamping_a, following, {HOME: 2}, today=today)

        def ids(user, **params):
            return [item["id"] for item in self.get(user, **params).json()["items"]]

        assert ids(self.pendamping_a) == [plan_a.pk, plan_a_next.pk]
        assert ids(self.pendamping_a, month=self.bulan) == [plan_a.pk]
        assert ids(self.korcam_a) == [plan_a.pk, plan_a_next.pk]
        assert ids(self.korkab, month=self.bulan) == [plan_a.pk, plan_b.pk]
        assert ids(self.operator) == []
        assert self.get(self.pendamping_b, f"{URL}/{plan_a.pk}").status_code == 404
        assert self.get(self.korcam_a, f"{URL}/{plan_b.pk}").status_code == 404
        assert ids(self.korkab, status=PlanStatus.ACCEPTED.value) == []
