"""Two computations of one stage at once: exactly one writes, the other is told why (issue 12).

The first computation runs in a thread of its own (its own connection) and is
held after its claims were committed and before its transaction begins (on
SQLite a transaction holds the write lock from its BEGIN: harapan/settings.py),
until the second one has been tried.
"""

import socket
import subprocess
import sys
import threading
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from harapan.audit import trail
from harapan.audit.models import AuditEntry
from harapan.benefits import batch
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Entitlement, Stage
from harapan.benefits.seed import ensure_years
from harapan.benefits.tasks import compute_stage_entitlements
from harapan.jobs import runs
from harapan.jobs.claims import ClaimRefused
from harapan.jobs.models import Claim, Run, RunKind, RunStatus
from harapan.testing import (
    DESA_A,
    DESA_B,
    METRO_DESA,
    harapan_process,
    make_family,
    make_user,
    run_due_tasks,
)

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 60  # seconds; only reached when something is broken


@pytest.fixture
def stage() -> Stage:
    """Stage 3 of 2025 with two families in Kab. Tanggamus (18.06) and one in Kota Metro."""
    ensure_years(2025)
    make_family(region_code=DESA_A)
    make_family(region_code=DESA_B)
    make_family(region_code=METRO_DESA)
    return Stage.objects.select_related("year").get(year_id=2025, number=3)


class HeldComputation:
    """`compute_entitlements(stage, region=...)` (or `work()`) in a thread, held inside it.

    It is held where the computation's transaction would begin: by then its
    claims are committed. With `at_end`, it is held once it has written
    everything, at its audit row, before its transaction commits.
    """

    def __init__(self, stage: Stage | None = None, region: str = "", work=None, at_end=False):
        self.inside, self.release = threading.Event(), threading.Event()
        self.result = self.error = None
        self.work = work or (lambda: compute_entitlements(stage, region=region))
        self.thread = threading.Thread(target=self._compute)

        def hold():
            if threading.current_thread() is self.thread:
                self.inside.set()
                self.release.wait(WAIT)

        if at_end:
            record = trail.record

            def held(actor, action, *args, **kwargs):
                entry = record(actor, action, *args, **kwargs)
                if action == "benefits.entitlements.compute":
                    hold()
                return entry

            self.patch = mock.patch.object(trail, "record", held)
        else:
            compute = batch._compute_entitlements

            def held(*args, **kwargs):
                hold()
                return compute(*args, **kwargs)

            self.patch = mock.patch.object(batch, "_compute_entitlements", held)

    def _compute(self):
        try:
            self.result = self.work()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connection.close()

    def __enter__(self):
        self.patch.start()
        self.thread.start()
        assert self.inside.wait(WAIT), "the first computation never took its claims"
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(WAIT)
        self.patch.stop()
        assert not self.thread.is_alive(), "the first computation did not finish"
        assert self.error is None, self.error


def computations() -> int:
    return AuditEntry.objects.filter(action="benefits.entitlements.compute").count()


def test_two_computations_of_one_stage_at_once_only_one_writes_and_the_other_is_told(stage):
    with HeldComputation(stage, "18.06") as first:
        with pytest.raises(CommandError) as refused:
            call_command("compute_entitlements", year=2025, stage=3, region="1806")
        assert Entitlement.objects.count() == 0  # the second wrote nothing
    assert str(refused.value).startswith(
        "Penetapan 2025 tahap 3 untuk wilayah 18.06 sedang dikerjakan oleh sistem sejak "
    )
    assert "Tidak ada yang diubah" in str(refused.value)
    assert first.result.families == 2  # Tanggamus: DESA_A and DESA_B, once each
    assert Entitlement.objects.count() == 2
    assert computations() == 1
    assert not Claim.objects.exists()  # both claims released


def test_of_two_runs_started_from_the_page_the_second_fails_with_the_claims_message(stage):
    operator = make_user("operator", "operator", "1806")

    def start():
        return runs.start(compute_stage_entitlements, kind=RunKind.ENTITLEMENTS, user=operator,
                          title="Tahap 3 2025, wilayah 18.06", region_code="1806",
                          params={"stage": stage.pk, "recompute": False})  # fmt: skip

    first = start()
    with HeldComputation(work=lambda: compute_stage_entitlements.call(first.pk)):
        first = runs.live(Run.objects.get(pk=first.pk))  # the page's view of its progress
        assert first.status == RunStatus.RUNNING
        second = start()
        run_due_tasks()  # a worker: skips the first (already running), runs the second
        second.refresh_from_db()
        assert second.status == RunStatus.FAILED
        assert second.message.startswith(
            "Penetapan 2025 tahap 3 untuk wilayah 18.06 sedang dikerjakan oleh operator sejak "
        )
    first.refresh_from_db()
    assert first.status == RunStatus.DONE
    assert first.figures[0] == ["Keluarga ditetapkan", 2]
    assert Entitlement.objects.count() == 2
    assert computations() == 1
    assert Run.objects.count() == 2


def test_a_national_computation_is_refused_while_a_kabupaten_of_the_stage_is_computed(stage):
    with HeldComputation(stage, "1806") as first:
        with pytest.raises(ClaimRefused) as refused:
            compute_entitlements(stage)
    assert str(refused.value).startswith(
        "Penetapan 2025 tahap 3 untuk seluruh Indonesia tidak dapat dimulai: wilayah 18.06 "
        "sedang dikerjakan oleh sistem sejak "
    )
    assert first.result.families == 2
    assert Entitlement.objects.count() == 2  # Kota Metro's family waits for a later run
    assert computations() == 1


def test_computing_only_the_sanctions_is_refused_while_the_stage_is_computed(stage):
    with HeldComputation(stage, "1806"):
        with pytest.raises(
            CommandError,
            match="Sanksi 2025 tahap 3 untuk wilayah 18 tidak dapat dimulai: wilayah 18.06 sedang",
        ):
            call_command("compute_sanctions", year=2025, stage=3, region="18")
    assert computations() == 1


def test_two_different_kabupaten_compute_the_same_stage_at_once(stage):
    with HeldComputation(stage, "1806") as first:
        second = compute_entitlements(stage, region="1872")
        assert second.families == 1  # Kota Metro's one family
    assert first.result.families == 2
    assert Entitlement.objects.count() == 3
    assert computations() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
def test_a_kabupaten_does_not_wait_for_another_kabupaten_to_commit(stage):
    # Fanned out, two workers' kabupaten transactions overlap: the second must
    # write its entitlements and lines while the first, done, has not yet
    # committed (it used to wait for it, at an ANALYZE of the entitlements).
    with HeldComputation(stage, "1806", at_end=True) as first:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        try:
            second = compute_entitlements(stage, region="1872")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        assert second.families == 1  # Kota Metro's one family
        assert first.result is None  # the first is still open
    assert first.result.families == 2
    assert Entitlement.objects.count() == 3
    assert computations() == 2


def test_a_claim_left_by_a_dead_process_does_not_block(stage):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    Claim.objects.create(
        scope=f"benefits.entitlements:{stage.pk}", region_code="1806",
        holder=f"{socket.gethostname()}:{holder.pid}", started_by="operator",
    )  # fmt: skip
    try:
        with pytest.raises(ClaimRefused, match="sedang dikerjakan oleh operator sejak"):
            compute_entitlements(stage, region="1806")
    finally:
        holder.kill()
        holder.wait()
    # Its process is gone: the claim is abandoned, and the computation goes ahead.
    assert compute_entitlements(stage, region="1806").families == 2
    assert not Claim.objects.exists()


def test_a_second_compute_entitlements_on_the_command_line_is_refused_without_a_traceback(stage):
    # The first holds its claims and, having written, the database's write lock.
    with HeldComputation(stage, "1806", at_end=True):
        second = harapan_process("compute_entitlements", "--year", "2025", "--stage", "3",
                                 "--region", "18.06")  # fmt: skip
        assert Entitlement.objects.count() == 0
    assert second.returncode == 1, second.stderr
    assert "Traceback" not in second.stderr, second.stderr
    said = second.stderr.strip().splitlines()[-1]
    assert said.split(": ", 1)[1].startswith(
        "Penetapan 2025 tahap 3 untuk wilayah 18.06 sedang dikerjakan oleh sistem "
    ), said
    assert "Tidak ada yang diubah" in said
    assert Entitlement.objects.count() == 2  # the first's, once
    assert computations() == 1
