""" "Why this amount": the family page explains each computed stage, member by member."""

from datetime import date

from django.test import RequestFactory
from django.urls import reverse

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.explanation import explain_entitlements
from harapan.benefits.models import Entitlement, Stage
from harapan.benefits.panels import benefits_panel
from harapan.compliance.models import Sanction, SanctionKind
from harapan.registry.models import Member
from harapan.testing import DESA_A, PersonaTestCase, make_family


def stage(year=2025, number=3) -> Stage:
    return Stage.objects.select_related("year").get(year_id=year, number=number)


class WhyThisAmountTest(PersonaTestCase):
    """DESIGN §4's example of a tie between members, stage III 2025 (1 July 2025).

    Sari (1996, pregnant) ibu_hamil, Andi (2022) and Rina (2024) anak_usia_dini,
    Slamet (1981, severe disability) disabilitas_berat, Karto (1951, aged 74)
    lansia; Budi, the head (1994), earns nothing. Four slots: Sari, Andi, Rina
    (3,000,000 a year each), then Karto, older than Slamet, for the last one
    (2,400,000 each): Rp 2,850,000.
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family = make_family(
            region_code=DESA_A,
            pendamping=cls.pendamping_a,
            members=[
                {"name": "Budi", "relation": "kepala_keluarga", "birth_date": date(1994, 2, 10)},
                {"name": "Sari", "relation": "istri", "sex": "P", "pregnant": True,
                 "birth_date": date(1996, 3, 15)},
                {"name": "Andi", "birth_date": date(2022, 4, 20)},
                {"name": "Rina", "sex": "P", "birth_date": date(2024, 1, 5)},
                {"name": "Slamet", "relation": "famili_lain", "severe_disability": True,
                 "birth_date": date(1981, 6, 7)},
                {"name": "Karto", "relation": "orang_tua", "birth_date": date(1951, 3, 1)},
            ],
        )  # fmt: skip

    def member(self, name: str) -> Member:
        return Member.objects.get(family=self.family, name=name)

    def explained(self):
        entitlements = Entitlement.objects.filter(family=self.family).order_by("stage__number")
        return explain_entitlements(self.family, entitlements)

    def panel(self) -> str:
        request = RequestFactory().get("/")
        request.user = self.pendamping_a
        return benefits_panel(request, self.family)

    def test_the_uncle_lost_the_fourth_slot_to_the_older_grandfather(self):
        compute_entitlements(stage())
        (explanation,) = self.explained()
        assert explanation.entitlement.total == 2_850_000
        rows = {row.member.name: row for row in explanation.rows}
        assert [row.member.name for row in explanation.rows] == [
            "Sari", "Andi", "Rina", "Karto", "Slamet", "Budi",
        ]  # fmt: skip
        assert [(rows[n].component, rows[n].annual, rows[n].amount) for n in rows] == [
            ("ibu_hamil", 3_000_000, 750_000),
            ("anak_usia_dini", 3_000_000, 750_000),
            ("anak_usia_dini", 3_000_000, 750_000),
            ("lansia", 2_400_000, 600_000),
            ("disabilitas_berat", 2_400_000, None),
            (None, None, None),
        ]
        assert rows["Slamet"].reason == ("Kalah tempat dari Karto: batas 4 komponen per keluarga")
        assert [rows[n].reason for n in ("Sari", "Andi", "Rina", "Karto", "Budi")] == [""] * 5
        assert not explanation.changed
        html = self.panel()
        assert "Mengapa Rp 2.850.000?" in html
        assert "Kalah tempat dari Karto: batas 4 komponen per keluarga" in html
        assert "Disabilitas berat" in html and "Rp 2.400.000" in html

    def test_a_third_young_child_loses_to_the_two_older_ones_under_the_cap_of_two(self):
        dewi = Member.objects.create(family=self.family, region_code=DESA_A, name="Dewi",
                                     sex="P", relation="anak", birth_date=date(2025, 2, 2),
                                     nik="1806014202250001")  # fmt: skip
        compute_entitlements(stage())
        (explanation,) = self.explained()
        row = next(r for r in explanation.rows if r.member == dewi)
        assert (row.component, row.annual, row.amount) == ("anak_usia_dini", 3_000_000, None)
        assert row.reason == (
            "Kalah tempat dari Andi, Rina: batas 2 komponen Anak usia dini per keluarga"
        )

    def test_a_suspended_component_shows_its_sanction_and_the_uncle_takes_the_slot(self):
        Sanction.objects.create(member=self.member("Karto"), region_code=DESA_A,
                                component="lansia", kind=SanctionKind.SUSPENSION,
                                year=2025, stage=3, reason="Tidak hadir pemeriksaan")  # fmt: skip
        compute_entitlements(stage())
        (explanation,) = self.explained()
        rows = {row.member.name: row for row in explanation.rows}
        assert (rows["Slamet"].component, rows["Slamet"].amount) == ("disabilitas_berat", 600_000)
        assert rows["Slamet"].reason == ""
        assert (rows["Karto"].component, rows["Karto"].amount) == ("lansia", None)
        assert rows["Karto"].reason == ("Sanksi penangguhan tahap 3 2025: Tidak hadir pemeriksaan")
        assert "Sanksi penangguhan tahap 3 2025" in self.panel()

    def test_a_termination_names_the_stage_it_started(self):
        Sanction.objects.create(member=self.member("Karto"), region_code=DESA_A,
                                component="lansia", kind=SanctionKind.TERMINATION,
                                year=2025, stage=2)  # fmt: skip
        compute_entitlements(stage())
        (explanation,) = self.explained()
        karto = next(r for r in explanation.rows if r.member.name == "Karto")
        assert karto.reason == "Sanksi pembatalan sejak tahap 2 2025"

    def test_a_registry_change_after_the_snapshot_is_flagged_not_explained_away(self):
        compute_entitlements(stage())
        Member.objects.filter(family=self.family, name="Karto").update(alive=False)
        (explanation,) = self.explained()
        assert explanation.changed
        assert explanation.entitlement.total == 2_850_000  # the snapshot stands
        slamet = next(r for r in explanation.rows if r.member.name == "Slamet")
        assert slamet.reason == "Data berubah setelah penetapan dihitung"

    def test_every_computed_stage_is_explained_at_a_fixed_query_count(self):
        compute_entitlements(stage(2025, 2))
        # stage, entitlements, lines, payments; the explanation: the year's
        # index, the members, the ranking (one statement for every stage).
        with self.assertNumQueries(7):
            self.panel()
        compute_entitlements(stage(2025, 3))
        compute_entitlements(stage(2026, 1))
        with self.assertNumQueries(7):
            html = self.panel()
        assert html.count("Mengapa Rp") == 3

    def test_the_family_page_shows_it(self):
        compute_entitlements(stage())
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse("registry:family_detail", args=[self.family.pk]))
        self.assertContains(response, "Kalah tempat dari Karto: batas 4 komponen per keluarga")
