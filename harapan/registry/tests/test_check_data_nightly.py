"""The nightly data check: findings stored per kabupaten, replaced at each run (DESIGN §11, §12).

The nightly job's clock is Django's (`timezone.now`), moved by hand; the tasks run
through the real database backend and worker (`harapan db_worker --batch`), in this
process, as in graduation's test_apply_exits_daily.py.
"""

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from harapan.audit.models import AuditEntry
from harapan.jobs.scheduling import ensure_scheduled
from harapan.registry import checks
from harapan.registry.batch import store_findings
from harapan.registry.models import DataCheck, DataCheckRun, DataFinding, FamilyStatus
from harapan.registry.tasks import check_data_nightly
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    METRO_DESA,
    make_family,
    make_nik,
    queued_run_times,
    run_due_tasks,
)

WIB = ZoneInfo("Asia/Jakarta")
ON = date(2026, 12, 1)
NIGHTLY = "harapan.registry.tasks.check_data_nightly"
PER_KABUPATEN = "harapan.registry.tasks.check_kabupaten"
TWO_HEADS = [{"relation": "kepala_keluarga"}, {"relation": "kepala_keluarga"}]


def family_with_a_wrong_birth_date(region_code: str = DESA_A):
    """A head whose NIK says 01-01-80 but who was born on 17-05-1985: NIK_TGL_LAHIR."""
    nik = make_nik(region_code[:6], date(1980, 1, 1), "L")
    head = {"relation": "kepala_keluarga", "birth_date": date(1985, 5, 17), "nik": nik}
    return make_family([head], region_code=region_code), nik


def stored(prefix: str) -> set[tuple]:
    rows = DataFinding.objects.filter(region_code__startswith=prefix)
    return set(rows.values_list("code", "family__registry_id", "nik", "message", "region_code"))


class StoreFindingsTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.wrong_date, cls.nik = family_with_a_wrong_birth_date()
        cls.two_heads = make_family(TWO_HEADS, region_code=DESA_B)
        cls.headless_metro = make_family([{"relation": "anak"}], region_code=METRO_DESA)
        # An exited family is not checked (checks.py): its missing head is not a finding.
        make_family([{"relation": "anak"}], region_code=DESA_A, status=FamilyStatus.EXITED)

    def test_every_check_has_a_label(self):
        self.assertEqual(set(DataCheck.values), set(checks.CHECKS))

    def test_it_stores_the_findings_of_the_kabupaten(self):
        counts = store_findings("18.06", ON)
        self.assertEqual(
            stored("1806"),
            {
                ("NIK_TGL_LAHIR", self.wrong_date.registry_id, self.nik,
                 "NIK menyatakan 01-01-80, tanggal lahir 17-05-1985", DESA_A),
                ("KEPALA_KELUARGA", self.two_heads.registry_id, "",
                 "Keluarga memiliki 2 kepala keluarga (seharusnya 1)", DESA_B),
            },
        )  # fmt: skip
        self.assertEqual(counts["NIK_TGL_LAHIR"], 1)
        self.assertEqual(counts["KEPALA_KELUARGA"], 1)
        self.assertEqual(sum(counts.values()), 2)
        run = DataCheckRun.objects.get(kabupaten_code="1806")
        self.assertEqual(run.checked_on, ON)
        self.assertEqual(run.findings.count(), 2)
        # Another kabupaten is not checked by this run.
        self.assertEqual(stored("1872"), set())
        entry = AuditEntry.objects.get(action="registry.check_data.store")
        self.assertEqual((entry.region_code, entry.details["total"]), ("1806", 2))

    def test_a_new_run_replaces_the_previous_findings_and_leaves_other_kabupaten_alone(self):
        store_findings("1806", ON)
        store_findings("1872", ON)
        metro = stored("1872")
        self.assertEqual(
            metro,
            {("KEPALA_KELUARGA", self.headless_metro.registry_id, "",
              "Keluarga tidak memiliki kepala keluarga", METRO_DESA)},
        )  # fmt: skip
        # The birth date is corrected and the second head is made a child.
        self.wrong_date.members.update(birth_date=date(1980, 1, 1))
        second_head = self.two_heads.members.order_by("pk").last()
        second_head.relation = "anak"
        second_head.save()
        nothing_left = store_findings("1806", date(2026, 12, 2))
        self.assertEqual(stored("1806"), set())
        self.assertEqual(sum(nothing_left.values()), 0)
        run = DataCheckRun.objects.get(kabupaten_code="1806")
        self.assertEqual(run.checked_on, date(2026, 12, 2))
        self.assertEqual(DataCheckRun.objects.count(), 2)
        self.assertEqual(stored("1872"), metro)

    def test_a_run_adds_the_new_findings(self):
        store_findings("1806", ON)
        later, nik = family_with_a_wrong_birth_date(DESA_B)
        store_findings("1806", ON)
        self.assertEqual(DataFinding.objects.filter(region_code__startswith="1806").count(), 3)
        self.assertTrue(DataFinding.objects.filter(family=later, nik=nik).exists())

    def test_it_refuses_a_code_that_is_not_a_kabupaten(self):
        with self.assertRaisesMessage(ValueError, "Kode kabupaten/kota harus 4 angka"):
            store_findings(KEC_A, ON)


@pytest.mark.django_db(transaction=True)
def test_the_nightly_job_checks_each_kabupaten_with_active_families_and_queues_the_next_night():
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime(2026, 12, 13, 10, 0, tzinfo=WIB)
        wrong_date, nik = family_with_a_wrong_birth_date()
        make_family([{"relation": "anak"}], region_code=METRO_DESA)
        # A kabupaten whose only family has exited gets no task.
        make_family(region_code="1801012001", status=FamilyStatus.EXITED)
        ensure_scheduled()
        assert queued_run_times(check_data_nightly) == [datetime(2026, 12, 14, 2, 0, tzinfo=WIB)]

        # At 01:59 the exits run (01:00), the data check does not yet.
        now.return_value = datetime(2026, 12, 14, 1, 59, tzinfo=WIB)
        run_due_tasks()
        assert not DBTaskResult.objects.filter(task_path=PER_KABUPATEN).exists()
        assert not DataFinding.objects.exists()

        now.return_value = datetime(2026, 12, 14, 2, 0, 30, tzinfo=WIB)
        run_due_tasks()
        nightly = DBTaskResult.objects.get(task_path=NIGHTLY, status=TaskResultStatus.SUCCESSFUL)
        assert nightly.return_value == {"kabupaten": 2}
        per_kabupaten = DBTaskResult.objects.filter(task_path=PER_KABUPATEN)
        assert sorted(row.args_kwargs["args"] for row in per_kabupaten) == [["1806"], ["1872"]]
        assert {row.status for row in per_kabupaten} == {TaskResultStatus.SUCCESSFUL}
        assert queued_run_times(check_data_nightly) == [datetime(2026, 12, 15, 2, 0, tzinfo=WIB)]
        assert set(DataFinding.objects.values_list("code", "region_code", "nik")) == {
            ("NIK_TGL_LAHIR", DESA_A, nik),
            ("KEPALA_KELUARGA", METRO_DESA, ""),
        }
        assert set(DataCheckRun.objects.values_list("kabupaten_code", "checked_on")) == {
            ("1806", date(2026, 12, 14)),
            ("1872", date(2026, 12, 14)),
        }

        # The next night the corrected family is no longer listed.
        wrong_date.members.update(birth_date=date(1980, 1, 1))
        now.return_value = datetime(2026, 12, 15, 2, 0, 30, tzinfo=WIB)
        run_due_tasks()
        assert set(DataFinding.objects.values_list("code", "region_code", "nik")) == {
            ("KEPALA_KELUARGA", METRO_DESA, ""),
        }
        assert DBTaskResult.objects.filter(task_path=PER_KABUPATEN).count() == 4
        assert queued_run_times(check_data_nightly) == [datetime(2026, 12, 16, 2, 0, tzinfo=WIB)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_night_still_queues_the_next_one():
    with mock.patch("django.utils.timezone.now") as now:
        now.return_value = datetime(2026, 12, 13, 10, 0, tzinfo=WIB)
        ensure_scheduled()
        now.return_value = datetime(2026, 12, 14, 2, 0, 30, tzinfo=WIB)
        with mock.patch(
            "harapan.registry.batch.kabupaten_with_active_families",
            side_effect=RuntimeError("disk full"),
        ):
            run_due_tasks()
        failed = DBTaskResult.objects.get(task_path=NIGHTLY, status=TaskResultStatus.FAILED)
        assert "disk full" in failed.traceback
        assert queued_run_times(check_data_nightly) == [datetime(2026, 12, 15, 2, 0, tzinfo=WIB)]
