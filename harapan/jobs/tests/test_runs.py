"""Runs: claimed once, ended in plain Indonesian, seen by whom they concern."""

import subprocess
import sys
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from harapan.accounts.roles import Role
from harapan.jobs import runs
from harapan.jobs.models import Claim, Run, RunKind, RunStatus
from harapan.lib.tabular import FileProblem
from harapan.testing import list_total, make_user, run_queued_here, todo_of


def dead_pid() -> int:
    """The pid of a process that has ended (the worker killed midway)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _done(run, progress):
    with runs.stored_file(run) as path:
        lines = path.read_text().splitlines()
    progress(read=len(lines), checked=len(lines), written=len(lines), force=True)
    return runs.Outcome(figures=[("Baris dibaca", len(lines))], result_url="/kpm/")


def _problem(run, progress):
    raise FileProblem("Berkas tidak berisi satu baris data pun")


def _crash(run, progress):
    raise ZeroDivisionError


@task()
def done_task(run_id: int) -> dict:
    return runs.execute(run_id, _done)


@task()
def problem_task(run_id: int) -> dict:
    return runs.execute(run_id, _problem)


@task()
def crash_task(run_id: int) -> dict:
    return runs.execute(run_id, _crash)


class RunTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.operator = make_user("operator", Role.OPERATOR, "1806")

    def start(self, body_task, content=b"a\nb\nc\n"):
        upload = SimpleUploadedFile("data.csv", content)
        return runs.start(body_task, kind=RunKind.REGISTRY_IMPORT, user=self.operator,
                          title="data.csv", region_code="1806", upload=upload)  # fmt: skip

    def test_a_run_waits_with_its_file_then_a_worker_does_it_once(self):
        run = self.start(done_task)
        assert run.status == RunStatus.QUEUED and run.file.content == b"a\nb\nc\n"
        assert run_queued_here() == 1
        run.refresh_from_db()
        assert run.status == RunStatus.DONE
        assert (run.rows_read, run.rows_written, run.figures) == (3, 3, [["Baris dibaca", 3]])
        # The file is deleted once read; a second pick of the same run does nothing.
        assert not hasattr(Run.objects.get(pk=run.pk), "file") or not run.file.pk
        assert runs.execute(run.pk, _crash) == {"run": run.pk, "skipped": True}

    def test_an_unreadable_file_is_rejected_with_its_reason(self):
        run = self.start(problem_task)
        run_queued_here()
        run.refresh_from_db()
        assert run.status == RunStatus.REJECTED
        assert run.message == "Berkas tidak berisi satu baris data pun"
        assert run.errors == [[1, "", "", "Berkas tidak berisi satu baris data pun"]]

    def test_a_crash_fails_the_run_in_plain_indonesian_and_the_task_keeps_the_traceback(self):
        run = self.start(crash_task)
        run_queued_here()
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED
        assert run.message.startswith("Pekerjaan gagal karena galat sistem; tidak ada data")
        from django_tasks_db.models import DBTaskResult

        assert "ZeroDivisionError" in DBTaskResult.objects.get(id=run.task_id).traceback

    def test_a_run_whose_worker_died_is_failed_and_its_claim_freed(self):
        run = self.start(done_task)
        Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING,
                                             worker=f"{_host()}:{dead_pid()}")  # fmt: skip
        Claim.objects.create(scope="x", region_code="1806", run=run, holder=f"{_host()}:1")
        assert runs.reap_orphans() == 1
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED and "terhenti di tengah jalan" in run.message
        assert not Claim.objects.exists()

    def test_a_running_run_of_a_live_worker_is_left_alone(self):
        run = self.start(done_task)
        Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, worker=_me())
        assert runs.reap_orphans() == 0


def _host() -> str:
    import socket

    return socket.gethostname()


def _me() -> str:
    import os

    return f"{_host()}:{os.getpid()}"


class RunPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.operator = make_user("operator", Role.OPERATOR, "1806")
        cls.other_operator = make_user("operator_metro", Role.OPERATOR, "1872")
        cls.pendamping = make_user("pendamping", Role.PENDAMPING, "180601")
        cls.admin = make_user("pusat", Role.ADMIN_PUSAT)
        cls.auditor = make_user("auditor", Role.AUDITOR)
        cls.upload_run = Run.objects.create(
            kind=RunKind.VERIFICATION_IMPORT, started_by=cls.pendamping, region_code="180601",
            status=RunStatus.REJECTED, message="Berkas ditolak",
            errors=[[2, "nik", "1806011505800001", "NIK tidak terdaftar"]], error_total=1,
        )  # fmt: skip

    def page(self, user, name="jobs:run_detail"):
        self.client.force_login(user)
        args = [] if name == "jobs:run_list" else [self.upload_run.pk]
        return self.client.get(reverse(name, args=args))

    def test_the_uploader_the_regions_operator_and_admin_pusat_see_a_run(self):
        for user in (self.pendamping, self.operator, self.admin):
            self.assertContains(self.page(user), "NIK tidak terdaftar")
        assert self.page(self.other_operator).status_code == 404

    def test_a_finished_run_shows_its_label_and_state_and_does_not_reload(self):
        page = self.page(self.pendamping)
        self.assertContains(page, "Impor verifikasi")
        self.assertContains(page, "Ditolak, tidak ada yang berubah")
        self.assertNotContains(page, "verification_import")
        self.assertNotContains(page, 'http-equiv="refresh"')

    def test_the_error_csv_masks_niks_for_a_role_that_does_not_see_them(self):
        Run.objects.filter(pk=self.upload_run.pk).update(started_by=self.auditor)
        text = self.page(self.auditor, "jobs:run_errors").content.decode("utf-8-sig")
        assert "1806011505800001" not in text and "NIK tidak terdaftar" in text
        text = self.page(self.operator, "jobs:run_errors").content.decode("utf-8-sig")
        assert "1806011505800001" in text

    def test_the_task_page_lists_the_queue_for_admin_pusat_only(self):
        from harapan.graduation.tasks import apply_exits_daily

        apply_exits_daily.enqueue()
        page = self.page(self.admin, "jobs:run_list")
        self.assertContains(page, "Antrean tugas")
        self.assertContains(page, "Keluarga keluar pada tanggalnya")
        self.assertNotContains(page, "apply_exits_daily")
        mine = self.page(self.pendamping, "jobs:run_list")
        self.assertNotContains(mine, "Antrean tugas")
        self.assertContains(mine, reverse("jobs:run_detail", args=[self.upload_run.pk]))
        assert self.upload_run.pk not in [
            r.pk for r in self.page(self.other_operator, "jobs:run_list").context["page"]
        ]


class HomeTodoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.operator = make_user("operator", Role.OPERATOR, "1806")
        cls.other = make_user("operator_2", Role.OPERATOR, "1806")

    def test_the_operator_home_counts_the_region_imports_under_way_or_failed_as_its_list(self):
        def run(status, title, user=self.operator, kind=RunKind.REGISTRY_IMPORT):
            return Run.objects.create(kind=kind, started_by=user, region_code="1806",
                                      status=status, title=title)  # fmt: skip

        run(RunStatus.REJECTED, "salah.csv")
        run(RunStatus.RUNNING, "besar.csv")
        run(RunStatus.DONE, "benar.csv")
        run(RunStatus.FAILED, "rekon.csv", kind=RunKind.DISBURSEMENT_IMPORT)
        run(RunStatus.REJECTED, "milik-rekan.csv", user=self.other)
        run(RunStatus.FAILED, "hitung", kind=RunKind.ENTITLEMENTS)  # not an import
        old = run(RunStatus.FAILED, "lama.csv")
        Run.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
        self.client.force_login(self.operator)
        count, link = todo_of(self.client.get(reverse("home")))[
            "impor berjalan, ditolak atau gagal"
        ]
        # salah, besar, rekon and the colleague's file of the same kabupaten.
        assert count == 4
        listed = self.client.get(link)
        assert list_total(listed) == 4
        assert {r.title for r in listed.context["page"]} == {
            "salah.csv", "besar.csv", "rekon.csv", "milik-rekan.csv"}  # fmt: skip

    def test_a_coordinator_home_counts_their_own_runs_to_follow_as_their_run_list(self):
        korcam = make_user("korcam", Role.KORCAM, "180601")
        for status in (RunStatus.REJECTED, RunStatus.QUEUED, RunStatus.DONE):
            Run.objects.create(kind=RunKind.VERIFICATION_IMPORT, started_by=korcam,
                               region_code="180601", status=status)  # fmt: skip
        Run.objects.create(kind=RunKind.VERIFICATION_IMPORT, started_by=self.operator,
                           region_code="180601", status=RunStatus.FAILED)  # fmt: skip
        self.client.force_login(korcam)
        todo = todo_of(self.client.get(reverse("home")))
        count, link = todo["pekerjaan saya berjalan, ditolak atau gagal"]
        assert count == 2
        assert list_total(self.client.get(link)) == 2
