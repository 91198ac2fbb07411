"""The programmes API: a family's participations, gaps and proposals, and the gap lists of
the caller's scope, on hand-built families whose gaps are counted by hand."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from harapan.audit.models import AuditEntry
from harapan.lib.nik import mask_nik
from harapan.programs.models import Outcome, Participation, Proposal, Source, Status
from harapan.testing import DESA_B, PersonaTestCase, make_family, make_member

DAY = date(2026, 11, 2)
GAPS = "/api/v1/programs/gaps"


def programs_url(family) -> str:
    return f"/api/v1/families/{family.pk}/programs"


class ProgrammesApiTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        family = cls.family_a
        cls.head = family.members.get()  # born 17 May 1985: no component, PBI and BPNT only
        cls.elder = make_member(family, birth_date=date(1950, 1, 1))  # lansia (76)
        cls.sd = make_member(family, birth_date=date(2014, 3, 3), school_level="sd")
        cls.smp = make_member(family, birth_date=date(2011, 3, 3), school_level="smp")

        def took_part(member, programme, starts_on, ends_on=None, status=Status.RECEIVING,
                      source=Source.IMPORT):  # fmt: skip
            Participation.objects.create(
                family=family, member=member, nik=member.nik if member else "",
                region_code=family.region_code, programme=programme, starts_on=starts_on,
                ends_on=ends_on, status=status, source=source,
            )  # fmt: skip

        took_part(cls.sd, "pip", date(2025, 7, 1))
        took_part(cls.head, "pbi_jkn", date(2024, 1, 1), date(2026, 11, 1))  # ended the day before
        took_part(cls.elder, "pbi_jkn", date(2024, 1, 1))
        took_part(None, "bpnt", date(2023, 1, 1))
        took_part(cls.elder, "atensi", date(2026, 1, 5), date(2026, 2, 1), Status.REJECTED,
                  Source.PENDAMPING)  # fmt: skip
        Proposal.objects.create(
            family=family, member=cls.smp, nik=cls.smp.nik, region_code=family.region_code,
            programme="pip", proposed_on=date(2026, 10, 1), channel="sekolah",
            proposed_by=cls.pendamping_a,
        )  # fmt: skip
        Proposal.objects.create(
            family=family, member=cls.elder, nik=cls.elder.nik, region_code=family.region_code,
            programme="atensi", proposed_on=date(2025, 12, 1), channel="dinas_sosial",
            proposed_by=cls.pendamping_a, outcome=Outcome.REJECTED, outcome_on=date(2026, 1, 5),
        )  # fmt: skip

    def get(self, user, url, **params):
        self.client.force_login(user)
        return self.client.get(url, params)


class FamilyProgrammesTest(ProgrammesApiTest):
    def test_a_family_comes_with_its_participations_gaps_and_proposals(self):
        head, elder, sd, smp = self.head.nik, self.elder.nik, self.sd.nik, self.smp.nik
        response = self.get(self.pendamping_a, programs_url(self.family_a), tanggal="2026-11-02")
        assert response.status_code == 200, response.content
        assert response.json() == {
            "id_keluarga": self.family_a.registry_id,
            "tanggal": "2026-11-02",
            # By programme, then NIK (the elder's 010150 before the head's 170585).
            "kepesertaan": [
                {"program": "atensi", "nik": elder, "mulai": "2026-01-05",
                 "selesai": "2026-02-01", "status": "ditolak", "sumber": "pendamping"},
                {"program": "bpnt", "nik": "", "mulai": "2023-01-01", "selesai": None,
                 "status": "menerima", "sumber": "impor"},
                {"program": "pbi_jkn", "nik": elder, "mulai": "2024-01-01", "selesai": None,
                 "status": "menerima", "sumber": "impor"},
                {"program": "pbi_jkn", "nik": head, "mulai": "2024-01-01",
                 "selesai": "2026-11-01", "status": "menerima", "sumber": "impor"},
                {"program": "pip", "nik": sd, "mulai": "2025-07-01", "selesai": None,
                 "status": "menerima", "sumber": "impor"},
            ],
            # PIP: the smp pupil, proposed; PBI: the head (ended the day before) and both
            # pupils; no BPNT gap; ATENSI: the elder, whose ATENSI was refused.
            "celah": [
                {"celah": "PIP", "nik": smp, "diusulkan": True},
                {"celah": "PBI", "nik": head, "diusulkan": False},
                {"celah": "PBI", "nik": sd, "diusulkan": False},
                {"celah": "PBI", "nik": smp, "diusulkan": False},
                {"celah": "ATENSI", "nik": elder, "diusulkan": False},
            ],
            "usulan": [
                {"program": "atensi", "nik": elder, "tanggal": "2025-12-01",
                 "saluran": "dinas_sosial", "hasil": "ditolak", "tanggal_hasil": "2026-01-05"},
                {"program": "pip", "nik": smp, "tanggal": "2026-10-01", "saluran": "sekolah",
                 "hasil": None, "tanggal_hasil": None},
            ],
        }  # fmt: skip

    def test_the_gaps_are_those_of_the_date_asked(self):
        # On 15 October the head's PBI-JKN still ran, and the smp pupil was already proposed.
        body = self.get(self.pendamping_a, programs_url(self.family_a), tanggal="2026-10-15").json()
        assert body["tanggal"] == "2026-10-15"
        assert [(g["celah"], g["nik"], g["diusulkan"]) for g in body["celah"]] == [
            ("PIP", self.smp.nik, True),
            ("PBI", self.sd.nik, False),
            ("PBI", self.smp.nik, False),
            ("ATENSI", self.elder.nik, False),
        ]

    def test_a_family_without_programmes_has_the_bpnt_gap_and_its_head_the_pbi_gap(self):
        body = self.get(self.pendamping_b, programs_url(self.family_b), tanggal="2026-11-02").json()
        nik = self.family_b.members.get().nik
        assert (body["kepesertaan"], body["usulan"]) == ([], [])
        assert body["celah"] == [
            {"celah": "PBI", "nik": nik, "diusulkan": False},
            {"celah": "BPNT", "nik": "", "diusulkan": False},
        ]

    def test_a_family_outside_the_scope_is_404(self):
        url = programs_url(self.family_a)
        assert self.get(self.pendamping_b, url).status_code == 404
        assert self.get(self.pendamping_a2, url).status_code == 404
        assert self.get(self.korcam_a, programs_url(self.family_b)).status_code == 404
        assert self.get(self.korcam_a, url).status_code == 200
        self.client.logout()
        assert self.client.get(url).status_code == 401

    def test_the_auditor_gets_masked_niks_and_no_view_is_logged(self):
        body = self.get(self.auditor, programs_url(self.family_a), tanggal="2026-11-02").json()
        assert [p["nik"] for p in body["kepesertaan"]] == [
            mask_nik(self.elder.nik), "", mask_nik(self.elder.nik), mask_nik(self.head.nik),
            mask_nik(self.sd.nik),
        ]  # fmt: skip
        assert body["celah"][0]["nik"] == mask_nik(self.smp.nik)
        assert body["usulan"][1]["nik"] == mask_nik(self.smp.nik)
        assert not AuditEntry.objects.filter(action__endswith=".view_nik").exists()

    def test_full_niks_shown_are_logged_like_the_registry_family(self):
        self.get(self.pendamping_a, programs_url(self.family_a), tanggal="2026-11-02")
        entry = AuditEntry.objects.get(action="registry.member.view_nik")
        # The four members' NIKs, each counted once however often it appears.
        assert entry.details == {"count": 4, "via": "api"}
        assert entry.actor == self.pendamping_a

    def test_a_bad_date_is_422(self):
        for tanggal in ("2026-13-01", "kemarin", "1900-01-01"):
            response = self.get(self.pendamping_a, programs_url(self.family_a), tanggal=tanggal)
            assert response.status_code == 422, tanggal
            assert "detail" in response.json()


class GapListTest(ProgrammesApiTest):
    def items(self, user, **params) -> list[tuple]:
        response = self.get(user, GAPS, tanggal="2026-11-02", **params)
        assert response.status_code == 200, response.content
        return [(i["celah"], i["id_keluarga"], i["nik"], i["diusulkan"])
                for i in response.json()["items"]]  # fmt: skip

    def test_a_pendamping_lists_only_their_caseload(self):
        a = self.family_a.registry_id
        # List by list (PIP, PBI, BPNT, ATENSI), each by family then member as created.
        assert self.items(self.pendamping_a) == [
            ("PIP", a, self.smp.nik, True),
            ("PBI", a, self.head.nik, False),
            ("PBI", a, self.sd.nik, False),
            ("PBI", a, self.smp.nik, False),
            ("ATENSI", a, self.elder.nik, False),
        ]
        b = self.family_b.registry_id
        assert self.items(self.pendamping_b) == [
            ("PBI", b, self.family_b.members.get().nik, False),
            ("BPNT", b, "", False),
        ]

    def test_pages_walked_with_the_cursor_give_the_whole_list_once(self):
        a, a2 = self.family_a.registry_id, self.family_a2.registry_id
        head_a2 = self.family_a2.members.get().nik
        whole = [
            ("PIP", a, self.smp.nik, True),
            ("PBI", a, self.head.nik, False),
            ("PBI", a, self.sd.nik, False),
            ("PBI", a, self.smp.nik, False),
            ("PBI", a2, head_a2, False),
            ("BPNT", a2, "", False),
            ("ATENSI", a, self.elder.nik, False),
        ]
        assert self.items(self.korcam_a) == whole
        walked, after, pages = [], "", 0
        while True:
            self.client.force_login(self.korcam_a)
            body = self.client.get(GAPS, {"tanggal": "2026-11-02", "limit": 2, "after": after})
            body = body.json()
            walked += [(i["celah"], i["id_keluarga"], i["nik"], i["diusulkan"])
                       for i in body["items"]]  # fmt: skip
            pages += 1
            if body["next"] is None:
                break
            after = body["next"]
        assert (walked, pages) == (whole, 4)

    def test_filters_by_gap_and_desa(self):
        b = self.family_b.registry_id
        assert self.items(self.korkab, celah="BPNT") == [
            ("BPNT", self.family_a2.registry_id, "", False),
            ("BPNT", b, "", False),
        ]
        assert self.items(self.korkab, desa=DESA_B) == [
            ("PBI", b, self.family_b.members.get().nik, False),
            ("BPNT", b, "", False),
        ]

    def test_the_auditor_gets_masked_niks_and_a_pendamping_view_is_logged_once(self):
        assert self.items(self.auditor, celah="ATENSI") == [
            ("ATENSI", self.family_a.registry_id, mask_nik(self.elder.nik), False)
        ]
        assert not AuditEntry.objects.filter(action__endswith=".view_nik").exists()
        self.items(self.pendamping_a)
        entry = AuditEntry.objects.get(action="programs.gaps.view_nik")
        assert entry.details == {"count": 5, "via": "api"}

    def test_bad_parameters_are_422(self):
        self.client.force_login(self.pendamping_a)
        for params in (
            {"tanggal": "2026-02-30"},
            {"celah": "KIP"},
            {"desa": "desa-saya"},
            {"after": "PIP:KPM1"},
            {"after": "XYZ:KPM1:3"},
            {"after": f"PBI:KPM1:{2**63}"},
            {"after": "PBI:KPM1:²"},
        ):
            response = self.client.get(GAPS, params)
            assert response.status_code == 422, params
            assert "detail" in response.json()

    def test_a_page_costs_the_same_queries_however_many_families(self):
        def queries() -> int:
            self.client.force_login(self.korcam_a)
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get(GAPS, {"tanggal": "2026-11-02"})
            assert response.status_code == 200
            return len(captured)

        few = queries()
        for _ in range(5):
            make_family([{"relation": "kepala_keluarga"}, {"birth_date": date(1950, 1, 1)}])
        assert queries() == few
