"""A claim is refused at once, naming its holder, while the holder is busy writing."""

import threading

import pytest
from django.db import connection, transaction

from harapan.accounts.roles import Role
from harapan.jobs import claims
from harapan.jobs.models import Claim
from harapan.testing import make_user

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 60  # seconds; only reached when something is broken


def test_a_second_run_is_refused_by_name_while_the_first_holds_the_write_lock():
    budi = make_user("budi", Role.OPERATOR, "1806")
    writing, release = threading.Event(), threading.Event()

    def first_run():
        try:
            with claims.claimed("stage:1", "1806", what="Penetapan", user=budi):
                with transaction.atomic():
                    # A write: on SQLite the database's one write lock is now held.
                    Claim.objects.create(scope="other", region_code="", holder="x:1")
                    writing.set()
                    release.wait(WAIT)
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert writing.wait(WAIT)
        with pytest.raises(claims.ClaimRefused) as refused:
            claims.take("stage:1", "1806", what="Penetapan")
        assert "sedang dikerjakan oleh budi" in str(refused.value)
    finally:
        release.set()
        thread.join(WAIT)
    assert list(Claim.objects.values_list("scope", flat=True)) == ["other"]
