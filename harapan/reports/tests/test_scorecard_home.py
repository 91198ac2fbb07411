"""The coordinators' home to-do: pendamping below target last month, the rows the scorecard
highlights."""

import re

from django.urls import reverse
from django.utils import timezone

from harapan.graduation.models import Target
from harapan.lib.months import add_months
from harapan.testing import KEC_B, PersonaTestCase, list_total, todo_of

LABEL = "pendamping di bawah target bulan lalu"
LAST_MONTH = add_months(timezone.localdate().replace(day=1), -1)


class BelowTargetTodoTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Kecamatan B expects no GSM graduation: pendamping_b, with nothing else to judge, is
        # on target. pendamping_a and a2 have none against the national 10 a year, of which
        # some is due by the end of last month: below target.
        Target.objects.create(region_code=KEC_B, year=LAST_MONTH.year, per_pendamping=0)

    def follow(self, user) -> tuple[int, int, int]:
        """(the to-do's count, the linked page's total, the page's highlighted rows)."""
        self.client.force_login(user)
        count, url = todo_of(self.client.get(reverse("home")))[LABEL]
        page = self.client.get(url)
        assert page.status_code == 200
        highlighted = len(re.findall(r'<tr class="below-target-row">', page.content.decode()))
        return count, list_total(page), highlighted

    def test_a_korkab_counts_the_highlighted_rows_of_their_kabupaten(self):
        assert self.follow(self.korkab) == (2, 2, 2)

    def test_a_korcam_counts_those_of_their_kecamatan(self):
        assert self.follow(self.korcam_a) == (2, 2, 2)

    def test_the_link_is_last_months_scorecard_per_pendamping(self):
        self.client.force_login(self.korkab)
        _count, url = todo_of(self.client.get(reverse("home")))[LABEL]
        assert f"tahun={LAST_MONTH.year}&bulan={LAST_MONTH.month}&per=pendamping" in url

    def test_no_item_when_every_pendamping_is_on_target(self):
        Target.objects.create(region_code="1806", year=LAST_MONTH.year, per_pendamping=0)
        self.client.force_login(self.korkab)
        assert LABEL not in todo_of(self.client.get(reverse("home")))
