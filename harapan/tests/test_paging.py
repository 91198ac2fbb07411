"""The one pager of the long lists: which page numbers it offers and where its links go."""

from django.template.loader import render_to_string
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from harapan.compliance.models import School
from harapan.paging import page_window, paginate
from harapan.testing import DESA_A, PersonaTestCase


class WindowTest(SimpleTestCase):
    def test_it_shows_the_ends_and_two_pages_either_side_with_gaps_between(self):
        assert page_window(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]

    def test_a_gap_of_one_page_shows_that_page_rather_than_an_ellipsis(self):
        assert page_window(4, 7) == [1, 2, 3, 4, 5, 6, 7]
        assert page_window(3, 20) == [1, 2, 3, 4, 5, None, 20]

    def test_the_first_and_the_last_page_have_no_window_past_the_end(self):
        assert page_window(1, 20) == [1, 2, 3, None, 20]
        assert page_window(20, 20) == [1, None, 18, 19, 20]
        assert page_window(1, 1) == [1]


class PaginatedListTest(SimpleTestCase):
    def page(self, query: str):
        request = RequestFactory().get(f"/daftar/?{query}")
        # 1,234 rows of 50: 25 pages, the last holding 34.
        page, pager = paginate(request, list(range(1234)), 50)
        return page, pager, render_to_string("pager.html", {"pager": pager})

    def test_the_links_keep_the_filters_and_number_the_pages_around_this_one(self):
        page, pager, html = self.page("status=aktif&halaman=6")
        assert list(page) == list(range(250, 300))
        assert pager.previous_query == "status=aktif&halaman=5"
        assert pager.next_query == "status=aktif&halaman=7"
        assert 'href="?status=aktif&amp;halaman=5" rel="prev"' in html
        assert 'href="?status=aktif&amp;halaman=7" rel="next"' in html
        for number in (4, 5, 7, 8, 25):
            assert f'href="?status=aktif&amp;halaman={number}">{number}</a>' in html
        # Page 1 is the list with its filters and no page parameter.
        assert 'href="?status=aktif">1</a>' in html
        assert '<span class="button current" aria-current="page">6</span>' in html
        assert html.count("…") == 2
        assert "halaman=3" not in html and "halaman=24" not in html
        assert "Halaman 6 dari 25" in html

    def test_it_shows_the_total_of_every_page_by_the_shared_include(self):
        _page, _pager, html = self.page("halaman=25")
        assert '<p class="total muted" data-total="1234">Jumlah: 1.234</p>' in html
        assert 'rel="next"' not in html

    def test_a_page_number_that_is_no_number_gives_the_first_page(self):
        page, pager, html = self.page("halaman=dua")
        assert page.number == 1 and pager.previous_query is None
        assert 'rel="prev"' not in html

    def test_a_single_page_shows_only_the_total(self):
        request = RequestFactory().get("/daftar/")
        _page, pager = paginate(request, [1, 2, 3], 50)
        html = render_to_string("pager.html", {"pager": pager})
        assert 'data-total="3"' in html
        assert "<nav" not in html


class ListsOnThePagerTest(PersonaTestCase):
    """Every Paginator list shows its total by the shared include, even when empty."""

    def test_each_list_shows_its_total_and_numbered_pages(self):
        self.client.force_login(self.korkab)
        empty = [
            reverse("jobs:run_list"),
            reverse("graduation:proposal_list"),
            reverse("compliance:reference_list", args=["sekolah"]),
            reverse("fds:group_list"),
            reverse("registry:change_list"),
            reverse("registry:data_findings"),
        ]
        for url in empty:
            response = self.client.get(url)
            self.assertContains(response, '<p class="total muted" data-total="0">Jumlah: 0</p>')
        # The kabupaten's three persona families earn no component: all leave "now".
        response = self.client.get(reverse("graduation:candidates"), {"tanggal": "2025-06-01"})
        self.assertContains(response, '<p class="total muted" data-total="3">Jumlah: 3</p>')

    def test_a_list_of_two_pages_numbers_them_and_keeps_its_filter(self):
        School.objects.bulk_create(
            School(npsn=f"{10810000 + n}", name=f"SD {n:02d}", level="sd", region_code=DESA_A)
            for n in range(51)
        )
        self.client.force_login(self.operator)
        url = reverse("compliance:reference_list", args=["sekolah"])
        response = self.client.get(url, {"wilayah": "180601"})
        self.assertContains(response, 'href="?wilayah=180601&amp;halaman=2">2</a>')
        self.assertContains(response, 'href="?wilayah=180601&amp;halaman=2" rel="next"')
        self.assertContains(response, '<span class="button current" aria-current="page">1</span>')
        self.assertContains(response, 'data-total="51"')
