from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation

from harapan.display import formats


class NumbersTests(SimpleTestCase):
    def test_whole_numbers_group_by_dots(self):
        self.assertEqual(formats.number(20805), "20.805")
        self.assertEqual(formats.number(1234567), "1.234.567")
        self.assertEqual(formats.number(999), "999")
        self.assertEqual(formats.number(0), "0")
        self.assertEqual(formats.number(-4500), "-4.500")

    def test_decimals_use_a_comma(self):
        self.assertEqual(formats.number(12.345, 1), "12,3")
        self.assertEqual(formats.number(Decimal("1234.5"), 2), "1.234,50")
        self.assertEqual(formats.number(0.05, 1), "0,1")

    def test_missing_is_a_dash(self):
        self.assertEqual(formats.number(None), "—")
        self.assertEqual(formats.money(None), "—")

    def test_money_in_rupiah(self):
        self.assertEqual(formats.money(2850000), "Rp 2.850.000")
        self.assertEqual(formats.money(Decimal("750000.00")), "Rp 750.000")
        self.assertEqual(formats.money(-225000), "-Rp 225.000")

    def test_percent(self):
        self.assertEqual(formats.percent(87.25), "87,3%")
        self.assertEqual(formats.percent(100, 0), "100%")

    def test_english_pages_keep_indonesian_separators(self):
        with translation.override("en"):
            self.assertEqual(formats.number(20805), "20.805")
            self.assertEqual(formats.money(2850000), "Rp 2.850.000")


class DatesTests(SimpleTestCase):
    def test_day_month_and_year(self):
        with translation.override("id"):
            self.assertEqual(formats.day(date(2026, 12, 1)), "1 Des 2026")
            self.assertEqual(formats.day(date(2026, 8, 17)), "17 Agu 2026")
        with translation.override("en"):
            self.assertEqual(formats.day(date(2026, 12, 1)), "1 Dec 2026")

    def test_a_moment_in_local_time(self):
        # 23:30 UTC is 06:30 the next morning in Jakarta (TIME_ZONE).
        utc = datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
        with translation.override("id"):
            self.assertEqual(formats.moment(utc), "1 Des 2026 06.30")
            self.assertEqual(formats.day(utc), "1 Des 2026")

    def test_months(self):
        with translation.override("id"):
            self.assertEqual(formats.month(date(2026, 11, 1)), "November 2026")
            self.assertEqual(formats.month(date(2026, 2, 17)), "Februari 2026")
            self.assertEqual(formats.month("2026-08"), "Agustus 2026")


class RegionAndYesNoTests(SimpleTestCase):
    def test_region_codes_are_dotted(self):
        self.assertEqual(formats.region("187201"), "18.72.01")
        self.assertEqual(formats.region("1872011001"), "18.72.01.1001")
        self.assertEqual(formats.region("18"), "18")
        self.assertEqual(formats.region("bukan"), "bukan")

    def test_yes_no(self):
        with translation.override("id"):
            self.assertEqual(formats.yes_no(True), "Ya")
            self.assertEqual(formats.yes_no(False), "Tidak")
            self.assertEqual(formats.yes_no(None), "—")


class FiltersTests(SimpleTestCase):
    def test_filters_need_no_load(self):
        page = Template(
            "{{ n|number }} {{ m|money }} {{ d|day }} {{ b|month }} {{ r|region }} {{ y|yes_no }}"
            " {{ p|percent }} {{ f|number:1 }}"
        )
        context = Context(
            {"n": 20805, "m": 2850000, "d": date(2026, 12, 1), "b": date(2026, 11, 1),
             "r": "187201", "y": False, "p": 50, "f": 2.25}
        )  # fmt: skip
        with translation.override("id"):
            self.assertEqual(
                page.render(context),
                "20.805 Rp 2.850.000 1 Des 2026 November 2026 18.72.01 Tidak 50,0% 2,3",
            )
