"""Claims: overlapping regions of the same work refuse each other; others do not."""

import pytest
from django.test import TestCase

from harapan.accounts.roles import Role
from harapan.jobs import claims
from harapan.jobs.models import Claim
from harapan.jobs.tests.test_runs import dead_pid
from harapan.testing import make_user

WHAT = "Penetapan 2026 tahap 1 untuk wilayah 18.06"


class ClaimTests(TestCase):
    def test_a_second_claim_on_the_same_region_is_refused_with_who_and_since(self):
        budi = make_user("budi", Role.OPERATOR, "1806")
        claims.take("stage:1", "1806", what=WHAT, user=budi)
        with pytest.raises(claims.ClaimRefused) as refused:
            claims.take("stage:1", "1806", what=WHAT)
        message = str(refused.value)
        assert message.startswith(f"{WHAT} sedang dikerjakan oleh budi sejak ")
        assert "Tidak ada yang diubah" in message
        assert Claim.objects.count() == 1

    def test_a_national_run_overlaps_every_region_and_a_kecamatan_its_kabupaten(self):
        claims.take("stage:1", "180601", what=WHAT)
        for region in ("", "1806", "18060101"):
            with pytest.raises(claims.ClaimRefused):
                claims.take("stage:1", region, what=WHAT)

    def test_other_regions_and_other_work_are_not_refused(self):
        claims.take("stage:1", "1806", what=WHAT)
        claims.take("stage:1", "1872", what=WHAT)
        claims.take("stage:2", "1806", what=WHAT)
        assert Claim.objects.count() == 3

    def test_a_claim_is_released_however_the_work_ends(self):
        with pytest.raises(RuntimeError):
            with claims.claimed("stage:1", "1806", what=WHAT):
                raise RuntimeError("the work failed")
        assert not Claim.objects.exists()

    def test_a_claim_left_by_a_dead_process_does_not_block(self):
        host = claims.holder_id().rpartition(":")[0]
        Claim.objects.create(scope="stage:1", region_code="1806", holder=f"{host}:{dead_pid()}")
        claims.take("stage:1", "1806", what=WHAT)
        assert Claim.objects.get().holder == claims.holder_id()
