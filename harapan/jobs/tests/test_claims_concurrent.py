"""A claim is refused at once, naming its holder, while the holder is busy writing."""

import pytest

from harapan.accounts.roles import Role
from harapan.jobs import claims
from harapan.jobs.models import Claim
from harapan.testing import make_user, writing_elsewhere

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_second_run_is_refused_by_name_while_the_first_holds_the_write_lock():
    budi = make_user("budi", Role.OPERATOR, "1806")
    claim = claims.take("stage:1", "1806", what="Penetapan", user=budi)
    # A write in another transaction: on SQLite the database's one write lock is held.
    with writing_elsewhere(
        lambda: Claim.objects.create(scope="other", region_code="", holder="x:1")
    ):
        with pytest.raises(claims.ClaimRefused) as refused:
            claims.take("stage:1", "1806", what="Penetapan")
        assert "sedang dikerjakan oleh budi" in str(refused.value)
    claim.delete()
    assert list(Claim.objects.values_list("scope", flat=True)) == ["other"]
