"""When the summary rows are refreshed: every night (the job re-enqueues itself), after each
import or computation for the kabupaten it changed, and by `harapan refresh_summaries`."""

import tempfile
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Stage
from harapan.compliance.importing import import_verification
from harapan.testing import (
    DESA_A,
    PersonaTestCase,
    make_approved_exit,
    make_family,
    make_member,
    queued_run_times,
    run_due_tasks,
    run_queued_here,
)  # fmt: skip

from ..models import DesaMonth, SummaryRun
from ..tasks import refresh_regions, refresh_summaries_nightly

WIB = ZoneInfo("Asia/Jakarta")
NIGHTLY = "harapan.reports.tasks.refresh_summaries_nightly"
REFRESH = refresh_regions.module_path
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=WIB)


def queued_refreshes() -> list:
    """The region codes of each queued `refresh_regions` run."""
    rows = DBTaskResult.objects.filter(task_path=REFRESH, status=TaskResultStatus.READY)
    return [row.args_kwargs["args"][0] for row in rows.order_by("enqueued_at")]


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_refreshes_every_kabupaten_and_queues_its_next_night():
    make_family(region_code=DESA_A)
    make_family(region_code="1872011001")
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime(2026, 12, 2, 2, 59, tzinfo=WIB)
        call_command("schedule", verbosity=0)
        assert queued_run_times(refresh_summaries_nightly) == [
            datetime(2026, 12, 2, 3, 0, tzinfo=WIB)
        ]
        now.return_value = datetime(2026, 12, 2, 3, 0, 30, tzinfo=WIB)
        run_due_tasks()
    run = DBTaskResult.objects.get(task_path=NIGHTLY, status=TaskResultStatus.SUCCESSFUL)
    assert run.return_value["kabupaten"] == 2  # Tanggamus and Metro
    assert set(SummaryRun.objects.values_list("kabupaten_code", flat=True)) == {"1806", "1872"}
    # December 2026's row of each desa: one family in PKH.
    assert set(
        DesaMonth.objects.filter(month=date(2026, 12, 1)).values_list("region_code", "kpm_aktif")
    ) == {(DESA_A, 1), ("1872011001", 1)}
    assert queued_run_times(refresh_summaries_nightly) == [datetime(2026, 12, 3, 3, 0, tzinfo=WIB)]


class ChangesQueueARefresh(PersonaTestCase):
    def test_a_verification_import_queues_its_kabupaten_and_the_refresh_counts_it(self):
        pupil = make_member(self.family_a, birth_date=date(2015, 3, 1), school_level="sd")
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "verifikasi.csv"
        path.write_text(f"nik,bulan,komitmen,hasil,persen_kehadiran,alasan\n"
                        f"{pupil.nik},2026-01,sd,patuh,,\n", encoding="utf-8")  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            result = import_verification(path, acting_user=self.operator, scope_user=self.operator)
        assert result.imported
        assert queued_refreshes() == [["1806"]]  # the operator's kabupaten
        assert run_queued_here() == 1
        row = DesaMonth.objects.get(region_code=DESA_A, month=date(2026, 1, 1))
        assert (row.wajib_verifikasi, row.terverifikasi, row.patuh) == (1, 1, 1)

    def test_a_rejected_import_queues_nothing(self):
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "verifikasi.csv"
        path.write_text("nik,bulan,komitmen,hasil,persen_kehadiran,alasan\n"
                        "1234,2026-01,sd,patuh,,\n", encoding="utf-8")  # fmt: skip
        with self.captureOnCommitCallbacks(execute=True):
            result = import_verification(path, acting_user=self.operator, scope_user=self.operator)
        assert not result.imported
        assert queued_refreshes() == []

    def test_computing_a_kabupatens_entitlements_queues_it(self):
        stage = Stage.objects.get(year_id=2026, number=4)
        with self.captureOnCommitCallbacks(execute=True):
            compute_entitlements(stage, region="18.06")
        assert queued_refreshes() == [["1806"]]

    def test_exits_taking_effect_queue_the_kabupaten_of_the_families_that_left(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_approved_exit(timezone.localdate())
        assert queued_refreshes() == [["1806"]]

    def test_a_province_refreshes_each_of_its_kabupaten_with_families(self):
        refresh_regions.enqueue(["18"])
        run_queued_here()
        assert set(SummaryRun.objects.values_list("kabupaten_code", flat=True)) == {
            "1806", "1872"}  # fmt: skip


class RefreshCommandTest(PersonaTestCase):
    def test_it_refreshes_the_kabupaten_of_a_region_from_a_month_with_progress(self):
        out = StringIO()
        with mock.patch("django.utils.timezone.now", return_value=NOW):
            call_command("refresh_summaries", "--region", "18.06.01", "--from", "2026-11",
                         stdout=out)  # fmt: skip
        assert out.getvalue() == (
            "Menghitung ringkasan 1 kabupaten/kota…\n"
            "[1/1] 18.06: 2 bulan, 4 baris desa-bulan, 0 desa-tahap, 2 desa-tahun\n"
            "Ringkasan 1 kabupaten/kota diperbarui.\n"
        )  # November and December 2026 of Desa A and B; this year's families of A and B
        assert list(SummaryRun.objects.values_list("kabupaten_code", "first_month")) == [
            ("1806", date(2026, 11, 1))
        ]

    def test_a_bad_month_is_refused_in_indonesian(self):
        with pytest.raises(Exception, match="Bulan tidak sah"):
            call_command("refresh_summaries", "--from", "2026-13")
