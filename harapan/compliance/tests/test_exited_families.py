"""A family that has left PKH has no sanction in force after its exit (DESIGN §7)."""

from datetime import date, timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from harapan.compliance import calendar
from harapan.compliance.models import Sanction, SanctionKind
from harapan.compliance.panels import compliance_panel
from harapan.registry.models import Family
from harapan.testing import PersonaTestCase, make_family, make_member


def sanction(member, kind: str, year: int, stage: int) -> Sanction:
    return Sanction.objects.create(
        member=member, region_code=member.region_code, component="sd", kind=kind,
        year=year, stage=stage, reason="Tidak patuh", computed=True,
    )  # fmt: skip


class ExitedFamilySanctions(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stage = calendar.stage_of(timezone.localdate())
        ordinal = calendar.ordinal(*cls.stage)
        cls.before = calendar.from_ordinal(ordinal - 2)
        # Left on the last day of the previous stage.
        cls.exit_date = calendar.stage_start(*cls.stage) - timedelta(days=1)
        cls.exited = make_family(pendamping=cls.pendamping_a, status="keluar",
                                 exit_reason="sejahtera_mandiri", exit_date=cls.exit_date)  # fmt: skip
        pupil = make_member(cls.exited, birth_date=date(2016, 3, 1), school_level="sd")
        cls.suspended = sanction(pupil, SanctionKind.SUSPENSION, *cls.stage)
        cls.terminated = sanction(pupil, SanctionKind.TERMINATION, *cls.before)
        active_pupil = make_member(cls.family_a, birth_date=date(2016, 3, 1), school_level="sd")
        cls.active_suspended = sanction(active_pupil, SanctionKind.SUSPENSION, *cls.stage)

    def listed(self, year: int, stage: int) -> set[int]:
        self.client.force_login(self.korkab)
        page = self.client.get(reverse("compliance:sanction_list"), {"tahun": year, "tahap": stage})
        return {s.pk for s in page.context["rows"]}

    def test_the_sanction_list_of_the_current_stage_leaves_out_an_exited_family(self):
        assert self.listed(*self.stage) == {self.active_suspended.pk}

    def test_a_stage_before_the_exit_still_shows_its_sanctions(self):
        assert self.listed(*self.before) == {self.terminated.pk}

    def test_sanctions_stop_being_in_force_from_the_stage_of_the_exit(self):
        in_force = Sanction.objects.in_force
        assert list(in_force(*self.stage)) == [self.active_suspended]
        # The termination held in its own stage, which ended before the exit date…
        assert self.terminated in in_force(*self.before)
        # …and not in the stage whose last day is the exit date.
        previous = calendar.from_ordinal(calendar.ordinal(*self.stage) - 1)
        assert self.terminated not in in_force(*previous)

    def test_the_family_page_shows_no_sanction_of_an_exited_family_as_in_force(self):
        request = RequestFactory().get("/")
        request.user = self.korkab
        html = compliance_panel(request, Family.objects.get(pk=self.exited.pk))
        assert "Tidak patuh" in html  # the history is there
        assert ">berlaku<" not in html
        request.user = self.pendamping_a
        assert ">berlaku<" in compliance_panel(request, Family.objects.get(pk=self.family_a.pk))
