from django.template.loader import render_to_string
from django.test import TestCase

from harapan.registry.models import ChangeRequest, Family
from harapan.registry.naming import family_label, name_families, name_families_of
from harapan.testing import DESA_A, DESA_B, make_family, make_member, make_user


class NamingFamiliesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.siti = make_family(
            registry_id="KPM0000001", region_code=DESA_A,
            members=[{"relation": "kepala_keluarga", "name": "Siti Aminah"},
                     {"relation": "anak", "name": "Budi"}],
        )  # fmt: skip
        cls.joko = make_family(
            registry_id="KPM0000002", region_code=DESA_B,
            members=[{"relation": "kepala_keluarga", "name": "Joko Susilo"}],
        )  # fmt: skip
        cls.headless = make_family(registry_id="KPM0000003", members=[{"relation": "anak"}])

    def test_it_names_each_family_by_its_head_and_desa_in_two_queries(self):
        with self.assertNumQueries(3):  # the families, their heads, their desa
            families = name_families(Family.objects.order_by("registry_id"))
        self.assertEqual(
            [(f.head_name, f.desa_name) for f in families],
            [("Siti Aminah", "Kuripan"), ("Joko Susilo", "Sinar Semendo"), ("", "Kuripan")],
        )

    def test_the_first_recorded_head_wins_when_a_family_has_two(self):
        make_member(self.siti, relation="kepala_keluarga", name="Kepala Kedua")
        [family] = name_families([Family.objects.get(pk=self.siti.pk)])
        self.assertEqual(family.head_name, "Siti Aminah")

    def test_it_names_the_families_of_other_rows(self):
        user = make_user("pendamping_x")
        for family in (self.siti, self.joko):
            ChangeRequest.objects.create(
                family=family, region_code=family.region_code, kind="desil", requested_by=user
            )
        with self.assertNumQueries(3):
            rows = name_families_of(ChangeRequest.objects.select_related("family"))
        self.assertEqual(
            sorted(row.family.head_name for row in rows), ["Joko Susilo", "Siti Aminah"]
        )

    def test_the_include_shows_head_desa_and_the_id_muted(self):
        [siti, headless] = name_families([self.siti, self.headless])
        html = render_to_string("registry/family_name.html", {"family": siti})
        self.assertInHTML(
            '<span class="family-name">Siti Aminah · Kuripan</span>'
            ' <span class="muted nowrap">KPM0000001</span>',
            html,
        )
        self.assertIn("(tanpa kepala keluarga) · Kuripan", render_to_string(
            "registry/family_name.html", {"family": headless}
        ))  # fmt: skip

    def test_the_label_is_the_same_name_as_plain_text(self):
        [siti, headless] = name_families([self.siti, self.headless])
        self.assertEqual(family_label(siti), "Siti Aminah · Kuripan (KPM0000001)")
        self.assertEqual(family_label(headless), "(tanpa kepala keluarga) · Kuripan (KPM0000003)")
