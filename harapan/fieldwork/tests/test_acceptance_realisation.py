"""Acceptance of issue 16: plan against realisation, end to end through the real actions.

A P2K2 meeting held (the fds attendance page) and a verification month recorded (the
compliance action of the monthly verification page) appear as activities with nobody
typing them; the home visits typed in the activity log count too; and the realisation
counts at most the planned number per type, the same on the plan page.
"""

import re
from datetime import date

from django.urls import reverse
from django.utils import timezone

from harapan.compliance import actions as compliance_actions
from harapan.compliance.actions import Entry
from harapan.fds import actions as fds_actions
from harapan.fds.tests.test_meeting_pages import attendance_post, make_group
from harapan.fieldwork.actions_activities import log_activity
from harapan.fieldwork.models import Activity
from harapan.fieldwork.realisation import realisation_of
from harapan.fieldwork.tests.plans import make_plan
from harapan.testing import PersonaTestCase, make_member

P2K2, VERIFICATION, HOME = "pertemuan_p2k2", "verifikasi", "kunjungan_rumah"


def page_figures(html: str) -> dict[str, tuple[int, int, int]]:
    """(planned, done, counted) per row of the page's #plan-realisation table."""
    table = re.search(r'<table id="plan-realisation".*?</table>', html, re.S)[0]
    figures = {}
    for kind, row in re.findall(r'<tr data-kind="([a-z_0-9]+)">(.*?)</tr>', table, re.S):
        cells = {
            name: int(value.replace(".", ""))
            for name, value in re.findall(
                r'class="num (planned|done|counted)"[^>]*>\s*([\d.]+)', row
            )
        }
        figures[kind] = (cells["planned"], cells["done"], cells["counted"])
    return figures


class PlanAgainstRealisationEndToEnd(PersonaTestCase):
    def test_work_done_elsewhere_and_typed_counts_up_to_the_plan(self):
        p, today = self.pendamping_a, timezone.localdate()
        month = today.replace(day=1)
        make_plan(p, month, {P2K2: 2, VERIFICATION: 1, HOME: 1}, reviewer=self.korcam_a,
                  today=today)  # fmt: skip

        # A P2K2 meeting held: its attendance saved on the fds page, by the pendamping.
        group = make_group(p, 3)
        [meeting] = fds_actions.plan_meetings(group, [today], acting_user=p)
        self.client.force_login(p)
        response = self.client.post(
            reverse("fds:meeting_detail", args=[meeting.pk]), attendance_post(meeting, today)
        )
        assert response.status_code == 302
        # The month's verification recorded, as the monthly verification page saves it.
        toddler = make_member(self.family_a, birth_date=date(2024, 2, 1))
        compliance_actions.record_month(
            [Entry(member=toddler, commitment="anak_usia_dini", result="patuh")], month,
            acting_user=p,
        )  # fmt: skip
        # Two home visits, typed in the activity log.
        for _visit in range(2):
            log_activity(on=today, kind=HOME, family=self.family_a, note="Cek KKS.",
                         acting_user=p)  # fmt: skip

        # Nobody typed the meeting or the verification: they came from their apps.
        typed = Activity.objects.filter(pendamping=p, source="")
        assert sorted(typed.values_list("kind", flat=True)) == [HOME, HOME]
        assert sorted(
            Activity.objects.filter(pendamping=p).exclude(source="").values_list("kind", flat=True)
        ) == [P2K2, VERIFICATION]

        realisation = realisation_of(p, month)
        by_hand = {P2K2: (2, 1, 1), VERIFICATION: (1, 1, 1), HOME: (1, 2, 1)}
        assert {r.kind: (r.planned, r.done, r.counted) for r in realisation.rows} == by_hand
        # rencana 2 + 1 + 1 = 4; realisasi 1 + 1 + 1 = 3 (the second home visit is over plan).
        assert (realisation.rencana, realisation.realisasi) == (4, 3)

        response = self.client.get(reverse("fieldwork:plan"))
        assert page_figures(response.content.decode()) == by_hand
