"""A batch command started while the same work runs is refused: a message and exit 1.

Each command claims its work (harapan/jobs/claims.py) before it writes
anything. Here a run of this test process holds the claim, as a running job
would, and the command is started as an operator starts it, in a process of
its own: it must say who holds the work, exit with code 1, show no traceback
and leave every table as it was.
"""

import pytest
from django.apps import apps
from django.db import connection

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.benefits.seed import ensure_years
from harapan.benefits.stages import stage_for
from harapan.jobs import claims
from harapan.testing import harapan_process, make_user, writing_elsewhere

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.fixture
def a_file(tmp_path):
    """A file the command could read; it is refused before reading it."""
    path = tmp_path / "berkas.csv"
    path.write_text("id_keluarga\nKPM0000001\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("command", "scope", "refusal"),
    [
        (["apply_exits"], "graduation.exits", "Graduasi yang jatuh tempo"),
        (["import_registry", "{file}"], "registry.import", "Impor registri"),
        (["import_verification", "{file}"], "compliance.verification.import", "Impor verifikasi"),
        (["import_schools", "{file}"], "compliance.reference.import:sekolah", "Impor data sekolah"),
        (
            ["import_health_facilities", "{file}"],
            "compliance.reference.import:faskes",
            "Impor data faskes",
        ),
        (
            ["import_disbursement", "{file}", "--year", "2025", "--stage", "3"],
            "benefits.disbursement:{stage}",
            "Impor penyaluran Tahap 3 2025",
        ),
    ],
)
def test_a_batch_command_is_refused_while_another_run_holds_its_work(
    command, scope, refusal, a_file
):
    ensure_years(2025)
    stage = stage_for(2025, 3)
    budi = make_user("budi", Role.OPERATOR, "1806")
    held = claims.take(scope.format(stage=stage.pk), "", what="Pekerjaan lain", user=budi)
    before = row_counts()

    second = harapan_process(*(part.format(file=a_file) for part in command))

    assert second.returncode == 1, second.stdout + second.stderr
    assert "Traceback" not in second.stderr, second.stderr
    said = second.stderr.strip().splitlines()[-1]  # after any progress bar
    assert said.split(": ", 1)[1].startswith(f"{refusal} sedang dikerjakan oleh budi sejak "), said
    assert "Tidak ada yang diubah" in said
    assert row_counts() == before
    held.delete()


def test_a_command_stuck_behind_another_jobs_write_lock_stops_with_a_message(tmp_path):
    # check_data claims nothing (it reads, and writes only its file and an audit
    # row), but that row waits for SQLite's one writer like any other write.
    with writing_elsewhere(lambda: AuditEntry.objects.create(action="uji.pekerjaan_panjang")):
        stuck = harapan_process("check_data", "--out", str(tmp_path / "temuan.csv"))

    if connection.vendor == "postgresql":  # no database-wide lock: it just runs
        assert stuck.returncode == 0, stuck.stderr
        return
    assert stuck.returncode == 1
    assert "Traceback" not in stuck.stderr, stuck.stderr
    assert stuck.stderr.startswith("CommandError: Basis data sedang dipakai pekerjaan lain")
    assert not AuditEntry.objects.filter(action="registry.check_data").exists()
