from django.test import TestCase

from harapan.regions.lookup import NotADesa, desa_code
from harapan.regions.models import Region


class DesaCodeTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        Region.objects.create(code="1806", name="Tanggamus", level=2)
        Region.objects.create(code="1806012001", name="Kota Agung", level=4)

    def test_a_registered_desa_typed_dotted_or_not_gives_its_undotted_code(self):
        self.assertEqual(desa_code("18.06.01.2001"), "1806012001")
        self.assertEqual(desa_code(" 1806012001 "), "1806012001")

    def test_a_text_that_is_no_desa_code_is_malformed(self):
        for text in ("", None, "1806", "18.06.01", "18060120011", "abc"):
            with self.subTest(text=text), self.assertRaises(NotADesa) as caught:
                desa_code(text)
            self.assertTrue(caught.exception.malformed)

    def test_a_well_formed_code_missing_from_the_list_names_its_code(self):
        with self.assertRaises(NotADesa) as caught:
            desa_code("18.06.01.2999")
        self.assertFalse(caught.exception.malformed)
        self.assertEqual(caught.exception.code, "1806012999")
