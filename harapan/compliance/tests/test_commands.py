from datetime import date

import pytest
from django.core.management import CommandError, call_command

from harapan.compliance import actions
from harapan.compliance.actions import Entry
from harapan.compliance.models import Sanction
from harapan.testing import PersonaTestCase, make_member


class ComputeSanctionsCommand(PersonaTestCase):
    def test_it_computes_a_stage_for_a_region_and_reports(self):
        pupil = make_member(self.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        actions.record_month([Entry(member=pupil, commitment="sd", result="tidak_patuh")],
                             date(2025, 4, 1), acting_user=self.pendamping_a)  # fmt: skip
        call_command("compute_sanctions", year=2025, stage=3, region="18.06.02")
        assert not Sanction.objects.exists()  # Kecamatan B: not the pupil's
        call_command("compute_sanctions", year=2025, stage=3, region="18.06.01")
        assert Sanction.objects.get().member == pupil

    def test_an_unknown_region_is_refused(self):
        with pytest.raises(CommandError, match="tidak ditemukan"):
            call_command("compute_sanctions", year=2025, stage=3, region="99.99")
        with pytest.raises(CommandError, match="tidak sah"):
            call_command("compute_sanctions", year=2025, stage=3, region="abc")
