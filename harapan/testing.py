"""Test helpers: named personas (STYLE.md) and plain `make_*` factories."""

import os
import re
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from datetime import date, datetime, time
from functools import cache
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils.timezone import localtime

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.jobs.scheduling import queued_runs
from harapan.lib import nik, regioncode
from harapan.regions.models import Region
from harapan.registry.models import Family, Member

_serial = count(1)
PASSWORD = "rahasia-uji-123"
ROOT = Path(__file__).resolve().parent.parent
WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)

REGION_NAMES = {
    "18": "LAMPUNG",
    "1806": "KAB. TANGGAMUS",
    "180601": "Kota Agung",
    "180602": "Talang Padang",
    "1806012001": "Kuripan",
    "1806022001": "Sinar Semendo",
    "1872": "KOTA METRO",
    "187201": "Metro Pusat",
    "1872011001": "Metro",
}
KEC_A, KEC_B, DESA_A, DESA_B = "180601", "180602", "1806012001", "1806022001"
METRO_DESA = "1872011001"


def make_region(code: str, name: str | None = None) -> Region:
    """The region and all its ancestors, created when missing."""
    region = None
    for part in regioncode.ancestors(code):
        region, _ = Region.objects.get_or_create(
            code=part,
            defaults={
                "name": name
                if part == code and name
                else REGION_NAMES.get(part, f"Wilayah {part}"),
                "level": regioncode.level(part),
                "parent_code": regioncode.parent(part) or "",
            },
        )
    return region


@cache
def password_hash() -> str:
    """PASSWORD hashed once per test process by the project's real hasher: a hash costs
    half a second of CPU (PBKDF2, a million rounds) and a PersonaTestCase makes nine users.
    Signing in still checks the password against it the production way."""
    return make_password(PASSWORD)


def make_user(username: str, role: Role | str = "", region: str | None = None, **kwargs) -> User:
    if region:
        make_region(region)
    kwargs.setdefault("first_name", username.replace("_", " ").title())
    return User.objects.create(
        username=username, password=password_hash(), role=role, region_id=region, **kwargs
    )


def make_nik(kecamatan: str = KEC_A, birth: date = date(1985, 5, 17), sex: str = "L") -> str:
    return nik.make_nik(kecamatan, birth, sex, next(_serial) % 9999 + 1)


def make_family(members: list[dict] | None = None, **kwargs) -> Family:
    """A family with a head of household (or the members given, as Member kwargs)."""
    n = next(_serial)
    kwargs.setdefault("registry_id", f"KPM{n:07d}")
    kwargs.setdefault("region_code", DESA_A)
    kwargs.setdefault("kk_number", f"{kwargs['region_code'][:6]}0101{n % 1000000:06d}")
    make_region(kwargs["region_code"])
    family = Family.objects.create(**kwargs)
    if members is None:
        members = [{"relation": "kepala_keluarga"}]
    for spec in members:
        make_member(family, **spec)
    return family


def make_member(family: Family, **kwargs) -> Member:
    kwargs.setdefault("sex", "L")
    kwargs.setdefault("birth_date", date(1985, 5, 17))
    kwargs.setdefault("relation", "anak")
    kwargs.setdefault("nik", make_nik(family.region_code[:6], kwargs["birth_date"], kwargs["sex"]))
    kwargs.setdefault("name", f"Warga {next(_serial)}")
    return Member.objects.create(family=family, region_code=family.region_code, **kwargs)


class _TodoReader(HTMLParser):
    """The home page's to-do items and a list page's totals, as the markup contract
    of issue 13 writes them (`section.todo` … `span.count[data-count]`, `[data-total]`)."""

    def __init__(self):
        super().__init__()
        self.items: list[list] = []  # [href, count, label]
        self.totals: list[int] = []
        self.in_todo = self.in_link = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "section" and "todo" in classes:
            self.in_todo = True
        elif self.in_todo and tag == "a":
            self.in_link = True
            self.items.append([attrs["href"], None, ""])
        elif self.in_link and tag == "span" and "count" in classes:
            self.items[-1][1] = int(attrs["data-count"])
        if "data-total" in attrs:
            self.totals.append(int(attrs["data-total"]))

    def handle_endtag(self, tag):
        if tag == "section":
            self.in_todo = False
        elif tag == "a":
            self.in_link = False

    def handle_data(self, data):
        if self.in_link:
            self.items[-1][2] += data


def read_page(response) -> _TodoReader:
    reader = _TodoReader()
    reader.feed(response.content.decode())
    return reader


def todo_of(response) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the home page's to-do; the label without its count."""
    found = {}
    for href, number, text in read_page(response).items:
        label = re.sub(r"\s+", " ", text).strip().split(" ", 1)[1]
        found[label] = (number, href)
    return found


def list_total(response) -> int:
    """The `data-total` of a list page (`list_total.html`): there must be exactly one."""
    [total] = read_page(response).totals
    return total


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form, in a browser test (Playwright page)."""
    page.goto(f"{base_url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Keluar", state="attached")  # in the menu, closed on a phone


class PersonaTestCase(TestCase):
    """Kabupaten Tanggamus with Kecamatan A and B, and Kota Metro next door.

    pendamping_a and pendamping_a2 work in Kecamatan A, pendamping_b in B;
    each has one family. korcam_a coordinates A, korkab the kabupaten, korwil
    the province; operator is the Dinas Sosial of Tanggamus; admin_pusat and
    auditor are national. metro_family sits in another kabupaten.
    """

    @classmethod
    def setUpTestData(cls):
        cls.pendamping_a = make_user("pendamping_a", Role.PENDAMPING, KEC_A)
        cls.pendamping_a2 = make_user("pendamping_a2", Role.PENDAMPING, KEC_A)
        cls.pendamping_b = make_user("pendamping_b", Role.PENDAMPING, KEC_B)
        cls.korcam_a = make_user("korcam_a", Role.KORCAM, KEC_A)
        cls.korkab = make_user("korkab", Role.KORKAB, "1806")
        cls.korwil = make_user("korwil", Role.KORWIL, "18")
        cls.operator = make_user("operator", Role.OPERATOR, "1806")
        cls.admin_pusat = make_user(
            "admin_pusat", Role.ADMIN_PUSAT, is_staff=True, is_superuser=True
        )
        cls.auditor = make_user("auditor", Role.AUDITOR)
        cls.family_a = make_family(region_code=DESA_A, pendamping=cls.pendamping_a)
        cls.family_a2 = make_family(region_code=DESA_A, pendamping=cls.pendamping_a2)
        cls.family_b = make_family(region_code=DESA_B, pendamping=cls.pendamping_b)
        cls.metro_family = make_family(region_code=METRO_DESA)


def make_approved_exit(exit_date: date, *, approved_on: date | None = None) -> Family:
    """A family of Kecamatan A whose exit dated `exit_date` is proposed, verified and
    approved (on `approved_on`, default today: an exit already due takes effect then)."""
    from django.utils import timezone

    from harapan.graduation import actions

    pendamping = make_user(f"pendamping_{next(_serial)}", Role.PENDAMPING, KEC_A)
    korcam = make_user(f"korcam_{next(_serial)}", Role.KORCAM, KEC_A)
    korkab = make_user(f"korkab_{next(_serial)}", Role.KORKAB, KEC_A[:4])
    family = make_family(region_code=DESA_A, pendamping=pendamping)
    clock = (
        timezone.now()
        if approved_on is None
        else datetime.combine(approved_on, time(12), tzinfo=timezone.get_current_timezone())
    )
    with mock.patch("django.utils.timezone.now", return_value=clock):
        proposal = actions.propose_exit(
            family, kind="sejahtera_mandiri", reason="Usaha warung berjalan",
            exit_date=exit_date, letter_number="07/PKH/XII", letter_date=exit_date,
            acting_user=pendamping,
        )  # fmt: skip
        actions.verify_exit(proposal, acting_user=korcam)
        actions.approve_exit(proposal, acting_user=korkab)
    family.refresh_from_db()
    return family


def queued_run_times(task) -> list[datetime]:
    """When the queued (not yet run) runs of `task` are due, in local time."""
    return [localtime(row.run_after) for row in queued_runs(task)]


def run_due_tasks() -> None:
    """Run every task that is due, in this process, through the real database worker.

    `harapan db_worker --batch` claims and runs due tasks until none is left, then
    returns. It closes connections the way a worker does, so call it from a
    transactional test (`django_db(transaction=True)`), not inside a TestCase.
    """
    handlers = {sig: signal.getsignal(sig) for sig in WORKER_SIGNALS}
    try:
        call_command(
            "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)


def run_queued_here() -> int:
    """Run the tasks due now in this process, inside the test's transaction; how many.

    For a TestCase, where `run_due_tasks` (a real worker, which closes the
    connection) cannot go: each task is claimed and run by the database
    backend's own Worker.run_task, so it succeeds or fails as a worker would
    record it. Tests of the worker process itself use `run_due_tasks` or
    `start_worker`.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    count = 0
    while (task := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        task.claim(worker.worker_id)
        worker.run_task(task)
        count += 1
    return count


def database_url() -> str:
    """The test database, as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def harapan_process(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`harapan <args>` in a process of its own on the test database, as an operator runs it.

    Its SQLite busy timeout is 5 s, so a command stuck behind a lock fails fast.
    """
    env = {**os.environ, "DATABASE_URL": database_url(), "HARAPAN_SQLITE_BUSY_TIMEOUT": "5"}
    return subprocess.run([sys.executable, "-m", "harapan", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def start_worker() -> subprocess.Popen:
    """A real `harapan db_worker` process on the test database (on SQLite a file:
    harapan/conftest.py), started the way `make run` starts it.

    Returns once the worker says it is running: its SIGTERM handler is set by
    then, so that stopping it early still stops it gracefully (exit code 0).
    """
    env = {**os.environ, "DATABASE_URL": database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "harapan", "db_worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    started = []
    for line in worker.stdout:
        started.append(line)
        if "Starting worker" in line:
            return worker
    worker.wait()
    raise RuntimeError(f"the worker exited ({worker.returncode}):\n{''.join(started)}")


def stop_worker(worker: subprocess.Popen) -> str:
    """Stop it the way Ctrl+C in `make run` and systemd do; its output."""
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=30)
    return output


@contextmanager
def running_workers(count: int):
    """`count` worker processes for the duration of the block; each must exit cleanly."""
    workers = [start_worker() for _ in range(count)]
    try:
        yield workers
    finally:
        outputs = [stop_worker(worker) for worker in workers]
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output


def queued_run(test: TestCase, response):
    """The run an upload POST started: the request redirected to its page and only queued it."""
    from django.urls import resolve
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from harapan.jobs.models import Run, RunStatus

    test.assertEqual(response.status_code, 302, getattr(response, "context", None))
    page = resolve(response.url)
    test.assertEqual(page.view_name, "jobs:run_detail")
    run = Run.objects.get(pk=page.kwargs["pk"])
    test.assertEqual(run.status, RunStatus.QUEUED)
    task = DBTaskResult.objects.get(id=run.task_id)
    test.assertEqual(task.status, TaskResultStatus.READY)
    test.assertEqual(task.args_kwargs["args"], [run.pk])
    return run


def csv_upload(text: str, name: str) -> SimpleUploadedFile:
    """`text` as an uploaded UTF-8 CSV file named `name`."""
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class QueuedUploadMixin:
    """For the tests of an upload page that queues a run and leaves the file to a task
    (verification, programme participations): `upload_url`, the page; `saved`, the model
    the task writes (nothing of it may be written in the request); `file_name`, the
    default name of the uploaded file."""

    upload_url: str
    saved: type
    file_name: str

    def uploaded(self, user, text: str, name: str = "", **data):
        """Upload as `user`: the request only queues the run; then the task runs it."""
        self.client.force_login(user)
        upload = csv_upload(text, name or self.file_name)
        run = queued_run(self, self.client.post(self.upload_url, {"file": upload, **data}))
        self.assertFalse(self.saved.objects.exists())  # nothing read in the request
        self.assertEqual(run_queued_here(), 1)
        run.refresh_from_db()
        return run

    def run_page(self, run):
        return self.client.get(reverse("jobs:run_detail", args=[run.pk]))


def csv_rows(content: bytes) -> list[list[str]]:
    """The rows of a CSV file or download as the app writes them (UTF-8, BOM or none)."""
    import csv
    import io

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# -- hostile upload files ------------------------------------------------------------------


def refusal_on_record(user, kind: str, file_name: str) -> str:
    """The reason on the audit row of an upload refused at the door (`uploads.accepted`)."""
    from harapan.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="upload.refuse", details__file=file_name)
    assert (entry.actor, entry.details["kind"]) == (user, kind)
    return entry.details["reason"]


_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
_WORKBOOK_PARTS = {
    "[Content_Types].xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
        b'.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        b'"xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        b'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets>'
        b"</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        b'"worksheets/sheet1.xml"/></Relationships>'
    ),
}


def xlsx_bomb(unpacked_mb: int, header: tuple[str, ...] = ("nik",)) -> bytes:
    """A valid XLSX whose one sheet, under a `header` row, unpacks to `unpacked_mb` MB of
    identical rows.

    Deflating hundreds of MB takes the test seconds, so one MB of rows is
    deflated once, ending on a full flush (a block that refers to nothing
    before it), and that block is repeated: the stream inflates to the whole
    sheet, and the file is a few hundred KB.
    """
    import struct
    import zlib

    row = b'<row><c t="inlineStr"><is><t>bom zip bom zip bom zip</t></is></c></row>'
    chunk = row * (1024 * 1024 // len(row))

    def block(data: bytes, mode: int) -> bytes:
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        return deflate.compress(data) + deflate.flush(mode)

    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in header)
    head = _SHEET_HEAD + f"<row>{cells}</row>".encode()
    tail = b"</sheetData></worksheet>"
    repeated = block(chunk, zlib.Z_FULL_FLUSH)
    sheet_deflated = (block(head, zlib.Z_FULL_FLUSH) + repeated * unpacked_mb
                      + block(tail, zlib.Z_FINISH))  # fmt: skip
    crc = zlib.crc32(head)
    for _ in range(unpacked_mb):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    sheet_size = len(head) + len(chunk) * unpacked_mb + len(tail)
    entries = [(name, block(data, zlib.Z_FINISH), zlib.crc32(data), len(data))
               for name, data in _WORKBOOK_PARTS.items()]  # fmt: skip
    entries.append(("xl/worksheets/sheet1.xml", sheet_deflated, crc, sheet_size))
    body, directory = b"", b""
    for name, data, checksum, size in entries:
        encoded = name.encode()
        # version 2.0, no flags, deflated, 1 Jan 2026 00:00, then crc and sizes
        fields = (20, 0, 8, 0, (46 << 9) | (1 << 5) | 1, checksum, len(data), size)
        local = struct.pack("<4s5H3I2H", b"PK\x03\x04", *fields, len(encoded), 0)
        central = struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, *fields,
                              len(encoded), 0, 0, 0, 0, 0, len(body))  # fmt: skip
        directory += central + encoded
        body += local + encoded + data
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                      len(directory), len(body), 0)  # fmt: skip
    return body + directory + end


# A statement that takes the database's write lock (SQLite) or a row lock (PostgreSQL).
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_WANTS_LOCK = re.compile(r"^\s*(BEGIN IMMEDIATE|INSERT|UPDATE|DELETE)\b|\bFOR UPDATE\b", re.I)


@contextmanager
def writing_elsewhere(write, *, wait: float = 60):
    """`write()` in a transaction on another thread (and connection), kept open for the block.

    On SQLite that transaction holds the database's one write lock meanwhile,
    as a long job does. Call it from a transactional test.
    """
    writing, release = threading.Event(), threading.Event()

    def job():
        try:
            with transaction.atomic():
                write()
                writing.set()
                release.wait(wait)
        finally:
            connection.close()

    thread = threading.Thread(target=job)
    thread.start()
    try:
        assert writing.wait(wait), "the other transaction never wrote"
        yield
    finally:
        release.set()
        thread.join(wait)


def collide(first, second, *, wait: float = 60) -> tuple:
    """Run `first` and `second` at once, each on its own thread and database connection,
    so that they meet the way two clicks in the same second do; what each returned.

    `first` stops right after its first write inside a transaction and keeps that
    transaction open; `second` starts then, and `first` goes on (and commits) only
    once `second` asks for the lock `first` holds. An exception either raised is
    returned in place of its result. Call it from a transactional test (a file
    database on SQLite: harapan/conftest.py); `wait` bounds every wait.
    """
    holding, release = threading.Event(), threading.Event()
    outcomes: list = [None, None]

    def hold(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if connection.in_atomic_block and _WRITE.match(sql) and not holding.is_set():
            holding.set()
            release.wait(wait)
        return result

    def let_go(execute, sql, params, many, context):
        if _WANTS_LOCK.search(sql):
            release.set()
        return execute(sql, params, many, context)

    def run(index, work, wrapper):
        try:
            with connection.execute_wrapper(wrapper):
                outcomes[index] = work()
        except Exception as error:  # noqa: BLE001 - handed to the test to assert on
            outcomes[index] = error
        finally:
            holding.set()  # whatever happened, never leave the other waiting
            release.set()
            connection.close()

    threads = [threading.Thread(target=run, args=(0, first, hold))]
    threads[0].start()
    holding.wait(wait)
    threads.append(threading.Thread(target=run, args=(1, second, let_go)))
    threads[1].start()
    for thread in threads:
        thread.join(wait)
    assert not any(thread.is_alive() for thread in threads), "the two runs did not finish"
    return tuple(outcomes)
