"""The scorecard pages: scope per role, links to the records, colours, downloads, targets."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from harapan.audit.models import AuditEntry
from harapan.reports.models import FigureTarget
from harapan.testing import csv_rows

from .base import ScorecardFixture

JUNE = {"tahun": "2025", "bulan": "6", "per": "pendamping"}
ROW = re.compile(r"<tr( class=\"below-target-row\")?>\s*<th scope=\"row\">(.*?)</th>", re.S)


def shown_rows(response) -> list[tuple[bool, str]]:
    """(highlighted, first cell text) of each body row."""
    html = response.content.decode()
    return [(bool(mark), re.sub(r"<[^>]+>", " ", cell)) for mark, cell in ROW.findall(html)]


class ScorecardPageTest(ScorecardFixture):
    def page(self, user, **params):
        self.client.force_login(user)
        return self.client.get(reverse("reports:scorecard"), {**JUNE, **params})

    def test_a_pendamping_sees_only_their_own_row(self):
        rows = shown_rows(self.page(self.pendamping_a))
        assert len(rows) == 1 and "pendamping_a" in rows[0][1]
        assert not rows[0][0]  # highlighting is for the supervisor

    def test_a_korcam_sees_their_kecamatan_and_a_korkab_their_kabupaten(self):
        assert len(shown_rows(self.page(self.korcam_a))) == 2  # pendamping_a and a2
        assert len(shown_rows(self.page(self.korkab))) == 3
        rows = shown_rows(self.page(self.korkab, per="kecamatan"))
        assert [("Kota Agung" in text, "Talang Padang" in text) for _, text in rows] == [
            (True, False), (False, True)]  # fmt: skip

    def test_a_pendamping_row_names_them_and_links_every_figure_to_its_records(self):
        response = self.page(self.korcam_a)
        html = response.content.decode()
        assert "Pendamping A" in html and "pendamping_a" in html
        a = self.pendamping_a.pk
        for link in [
            f"{reverse('registry:family_list')}?status=aktif&amp;pendamping={a}",
            f"{reverse('compliance:monitoring')}?bulan=2025-06&amp;per=pendamping",
            f"{reverse('fds:report_meetings')}?bulan=2025-06",
            f"{reverse('graduation:proposal_list')}?kind=sejahtera_mandiri",
            f"{reverse('complaints:list')}?status=selesai",
            reverse("registry:change_list"),
            reverse("benefits:kks_not_held"),
            reverse("fieldwork:plan_detail", args=[self.pendamping_a.work_plans.get().pk]),
        ]:
            assert f'href="{link}"' in html, link

    def test_the_family_link_lists_the_families_of_that_pendamping(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(
            reverse("registry:family_list"),
            {"status": "aktif", "pendamping": self.pendamping_a2.pk},
        )
        html = response.content.decode()
        assert self.family_a2.registry_id in html
        assert self.family_a.registry_id not in html

    def test_a_figure_below_target_is_marked_in_words_and_the_row_highlighted(self):
        response = self.page(self.korcam_a)
        html = response.content.decode()
        # pendamping_a: verification 1 of 2 (50 %) against 100 %.
        assert '<td class="nowrap below-target"><a href="' in html
        assert "1 / 2 (50,0%)" in html
        assert "▼ di bawah target 100,0%" in html
        # a2: no GSM exit; half of the year's 4 is due by the end of June.
        assert '0 / 4</a><br><small class="marker">▼ di bawah target 2,0 s.d. akhir periode' in html
        rows = shown_rows(response)
        assert [highlighted for highlighted, _ in rows] == [True, True]  # a2: GSM 0 of 2 due
        assert "2 pendamping di bawah target" in html

    def test_a_figure_on_target_is_coloured_as_such(self):
        FigureTarget.objects.create(figure="kehadiran", year=2025, region_code="", percent=60)
        html = self.page(self.korcam_a).content.decode()
        assert "66,7%" in html
        assert html.count('class="nowrap on-target"') >= 1

    def test_a_month_not_yet_begun_is_refused_with_a_message(self):
        response = self.page(self.korkab, tahun="2999")
        assert response.status_code == 400
        assert "belum dimulai" in response.content.decode()

    def test_the_xlsx_opens_and_holds_the_rows_shown_and_is_audited(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse("reports:scorecard_xlsx"), JUNE)
        book = load_workbook(io.BytesIO(response.content))
        lines = list(book["kinerja"].iter_rows(values_only=True))
        assert lines[0][:3] == ("wilayah", "nama", "pendamping")
        assert [line[2] for line in lines[1:]] == ["pendamping_a", "pendamping_a2"]
        assert lines[1][3:] == (4, 2, 1, 1, "66.7", 1, 4, 1, 2, 1, 2, 1, 5, 4)
        assert "keterangan" in book.sheetnames
        entry = AuditEntry.objects.get(action="reports.scorecard.export")
        assert entry.details["rows"] == 2 and entry.details["format"] == "xlsx"

    def test_the_csv_holds_the_same_rows(self):
        self.client.force_login(self.korkab)
        response = self.client.get(reverse("reports:scorecard_csv"), {**JUNE, "per": "kabupaten"})
        rows = csv_rows(response.content)
        assert rows[1] == ["1806", "KAB. TANGGAMUS", "", "6", "2", "1", "1", "66.7", "1", "10",
                           "1", "2", "1", "2", "1", "5", "4"]  # fmt: skip


class TargetPageTest(ScorecardFixture):
    def post(self, user, **data):
        self.client.force_login(user)
        return self.client.post(reverse("reports:scorecard_targets"), data)

    def test_a_korkab_sets_a_target_for_their_kabupaten_and_it_is_audited(self):
        response = self.post(self.korkab, figure="kehadiran", year="2025", region_code="18.06",
                             percent="70")  # fmt: skip
        assert response.status_code == 302
        target = FigureTarget.objects.get()
        assert (target.region_code, target.percent) == ("1806", 70)
        assert AuditEntry.objects.filter(action="reports.target.save").count() == 1

    def test_a_korkab_may_not_set_a_national_or_another_kabupatens_target(self):
        for code in ("", "1872"):
            response = self.post(self.korkab, figure="kehadiran", year="2025",
                                 region_code=code, percent="10")  # fmt: skip
            assert response.status_code == 400
            assert "wilayah Anda sendiri" in response.content.decode()
        assert not FigureTarget.objects.exists()

    def test_a_korcam_reads_the_targets_but_may_not_change_them(self):
        self.client.force_login(self.korcam_a)
        page = self.client.get(reverse("reports:scorecard_targets"))
        assert page.status_code == 200 and "Tetapkan target" not in page.content.decode()
        assert self.post(self.korcam_a, figure="kehadiran", year="2025", region_code="180601",
                         percent="70").status_code == 403  # fmt: skip

    def test_admin_pusat_sets_the_national_target(self):
        self.post(self.admin_pusat, figure="realisasi", year="2025", region_code="", percent="90")
        assert FigureTarget.objects.get().region_code == ""
