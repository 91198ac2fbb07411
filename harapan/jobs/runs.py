"""Long web work as a task with a run row the page reads (DESIGN §11, STYLE.md "Tasks").

A view calls `start(task, ...)`: it stores the run (and the uploaded file,
after the form's size and type checks) and enqueues `task(run_id)`; the
request returns at once and the user lands on the run's page. The task is a
thin wrapper that calls `execute(run_id, body)`: `body(run, progress)` calls
the same engine a command calls and returns an `Outcome`.

`execute` claims the run once (a conditional update, so a run picked twice is
done once) and records how it ended. The engines are all or nothing, so a
failure leaves the database as it was; the run says so in plain Indonesian.
A worker killed midway cannot say anything: `reap_orphans` finds its runs by
their dead process (or their silence) and marks them failed.
"""

import copy
import json
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from harapan.audit import trail
from harapan.lib.tabular import FileProblem

from .claims import ClaimRefused, holder_alive, holder_id
from .models import Claim, Run, RunFile, RunOutput, RunStatus

logger = logging.getLogger(__name__)

STORED_ERRORS = 20000  # error lines kept on a run; the page shows the first ERRORS_ON_PAGE
PROGRESS_EVERY = 1.0  # seconds between two progress writes
FAILED_MESSAGE = gettext_noop(
    "Pekerjaan gagal karena galat sistem; tidak ada data yang berubah. Ulangi, dan bila "
    "gagal lagi, hubungi admin dengan nomor pekerjaan ini."
)
KILLED_MESSAGE = gettext_noop(
    "Pekerjaan terhenti di tengah jalan (pekerja dimatikan atau mati); tidak ada data yang "
    "berubah. Silakan ulangi."
)


@dataclass
class Outcome:
    """How a run ended: done, or rejected with its errors (nothing written)."""

    rejected: bool = False
    figures: list[tuple[str, int]] = field(default_factory=list)  # (label msgid, number)
    errors: list[list] = field(default_factory=list)  # [line, column, value, message]
    error_total: int = 0
    message: str = ""
    result_url: str = ""
    output: tuple[str, str, bytes] | None = None  # (file name, content type, content) made


def start(task, *, kind: str, user, title: str, region_code: str = "", params=None, upload=None):
    """Store the run (and its file) and enqueue `task(run_id)`; the run."""
    run = Run.objects.create(
        kind=kind, title=title[:200], region_code=region_code, params=params or {},
        started_by=user if user is not None and user.is_authenticated else None,
    )  # fmt: skip
    if upload is not None:
        RunFile.objects.create(run=run, name=upload.name, content=b"".join(upload.chunks()))
    result = task.enqueue(run.pk)
    Run.objects.filter(pk=run.pk).update(task_id=str(result.id))
    trail.record(user, "jobs.run.start", run, region_code=region_code,
                 details={"kind": kind, "title": run.title})  # fmt: skip
    return run


@contextmanager
def stored_file(run: Run) -> Iterator[Path]:
    """The run's uploaded file on local disk, with its own suffix (how the reader tells XLSX)."""
    upload = run.file
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as copy_:
        copy_.write(upload.content)
        copy_.flush()
        yield Path(copy_.name)


class Progress:
    """Writes a run's progress where the page can read it while the run's transaction is open.

    PostgreSQL: on the run row, through a connection of its own, so the
    figures show before the import commits. SQLite cannot: a write by another
    connection makes the import's open transaction unable to write at all
    (its snapshot is stale), so the figures go to a small file beside the
    database instead (SQLite means one machine), which `live` reads.
    """

    def __init__(self, run: Run):
        self.run = run
        self._last = 0.0
        self._connection = None

    def __call__(self, *, read=None, checked=None, written=None, phase=None, force=False):
        for name, value in (("rows_read", read), ("rows_checked", checked),
                            ("rows_written", written), ("phase", phase)):  # fmt: skip
            if value is not None:
                setattr(self.run, name, value)
        now = time.monotonic()
        if not force and now - self._last < PROGRESS_EVERY:
            return
        self._last = now
        figures = {name: getattr(self.run, name) for name in LIVE_FIELDS}
        if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
            path = _live_file(self.run.pk)
            path.parent.mkdir(exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_text(json.dumps(figures))
            partial.replace(path)  # a reader sees the old figures or the new, never half
        else:
            self._write_row(figures)

    def _write_row(self, figures: dict) -> None:
        sql = (
            "UPDATE jobs_run SET rows_read = %s, rows_checked = %s, rows_written = %s, "
            "phase = %s, heartbeat_at = %s WHERE id = %s"
        )
        try:
            db = self._db()
            with db.cursor() as cursor:
                heartbeat = db.ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(sql, [*(figures[name] for name in LIVE_FIELDS[:3]),
                                     figures["phase"][:100], heartbeat, self.run.pk])  # fmt: skip
        except DatabaseError:
            logger.warning("progress of run %s not written", self.run.pk, exc_info=True)

    def _db(self):
        if self._connection is None:
            default = connections[DEFAULT_DB_ALIAS]
            params = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
            self._connection = type(default)(params, DEFAULT_DB_ALIAS)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        _live_file(self.run.pk).unlink(missing_ok=True)


LIVE_FIELDS = ("rows_read", "rows_checked", "rows_written", "phase")


def _live_file(run_id: int) -> Path:
    database = Path(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    return database.with_name(database.name + ".progress") / f"{run_id}.json"


def live(run: Run) -> Run:
    """The run with its latest progress figures (from the SQLite side file while it runs)."""
    if run.status == RunStatus.RUNNING and connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        try:
            figures = json.loads(_live_file(run.pk).read_text())
        except (OSError, ValueError):
            return run
        for name in LIVE_FIELDS:
            setattr(run, name, figures.get(name, getattr(run, name)))
    return run


def execute(run_id: int, body: Callable[[Run, Progress], Outcome]) -> dict:
    """Run `body` for the queued run `run_id` once and record how it ended."""
    now = timezone.now()
    claimed = Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, worker=holder_id()
    )
    if not claimed:
        return {"run": run_id, "skipped": True}
    run = Run.objects.select_related("started_by").get(pk=run_id)
    progress = Progress(run)
    try:
        outcome = body(run, progress)
    except ClaimRefused as refused:
        outcome = Outcome(rejected=True, message=str(refused))
        _finish(run, outcome, RunStatus.FAILED)
    except FileProblem as problem:
        outcome = Outcome(rejected=True, message=str(problem),
                          errors=[[1, "", "", str(problem)]], error_total=1)  # fmt: skip
        _finish(run, outcome, RunStatus.REJECTED)
    except BaseException:
        _finish(run, Outcome(rejected=True, message=_(FAILED_MESSAGE)), RunStatus.FAILED)
        raise  # the task's own row keeps the traceback for the admin
    else:
        _finish(run, outcome, RunStatus.REJECTED if outcome.rejected else RunStatus.DONE)
    finally:
        progress.close()
        RunFile.objects.filter(run_id=run_id).delete()  # a registry file is full of NIKs
    return {"run": run_id, "status": run.status}


def _finish(run: Run, outcome: Outcome, status: str) -> None:
    run.status = status
    run.figures = [[label, number] for label, number in outcome.figures]
    run.errors = [list(line) for line in outcome.errors[:STORED_ERRORS]]
    run.error_total = max(outcome.error_total, len(outcome.errors))
    run.message = outcome.message
    run.result_url = outcome.result_url
    run.finished_at = run.heartbeat_at = timezone.now()
    run.save()
    if outcome.output is not None and status == RunStatus.DONE:
        name, content_type, content = outcome.output
        RunOutput.objects.create(run=run, name=name, content_type=content_type, content=content)


def reap_orphans() -> int:
    """Runs whose worker died midway are failed, and their claims freed; how many."""
    stale = timezone.now() - timedelta(hours=getattr(settings, "HARAPAN_CLAIM_STALE_HOURS", 12))
    reaped = 0
    for run in Run.objects.filter(status=RunStatus.RUNNING).only("worker", "heartbeat_at"):
        since = run.heartbeat_at or stale
        if holder_alive(run.worker, since):
            continue
        reaped += Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, message=_(KILLED_MESSAGE), finished_at=timezone.now()
        )
        Claim.objects.filter(run=run).delete()
        RunFile.objects.filter(run=run).delete()
    return reaped
