"""A registry upload end to end: the page stores the file, a real worker process imports
it, and the run's page shows the result (issue 12's acceptance)."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from harapan.accounts.roles import Role
from harapan.jobs.models import Run, RunStatus
from harapan.registry.models import Family, Member
from harapan.registry.tests.test_import import BROKEN_FAMILIES, GOOD_FAMILIES, HEADER
from harapan.testing import make_region, make_user, sign_in, start_worker, stop_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def regions():
    make_region("1806012001", "Kuripan")
    make_region("1806022001", "Sinar Semendo")


def upload(lines) -> SimpleUploadedFile:
    return SimpleUploadedFile("registri.csv", ("\n".join([HEADER, *lines]) + "\n").encode())


def wait_for(run: Run, worker, seconds=60) -> Run:
    deadline = time.monotonic() + seconds
    while not run.finished and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    return run


def stop(worker) -> str:
    output = stop_worker(worker)
    assert worker.returncode == 0, output
    return output


def test_the_request_returns_at_once_and_a_worker_imports_the_file():
    client = Client()
    client.force_login(make_user("operator", Role.OPERATOR, "1806"))
    response = client.post(reverse("registry:import_upload"), {"file": upload(GOOD_FAMILIES)})
    run = Run.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:run_detail", args=[run.pk])
    # No worker yet: the request itself imported nothing.
    assert run.status == RunStatus.QUEUED and not Family.objects.exists()
    worker = start_worker()
    try:
        run = wait_for(run, worker)
    finally:
        output = stop(worker)
    assert run.status == RunStatus.DONE, (run.message, output)
    assert set(Family.objects.values_list("registry_id", flat=True)) == {"KPM-1", "KPM-2"}
    assert Member.objects.count() == 5
    page = client.get(response.url)
    assert "Data telah disimpan" in page.content.decode()


def test_a_bad_file_lists_its_errors_and_changes_nothing():
    client = Client()
    client.force_login(make_user("operator", Role.OPERATOR, "1806"))
    lines = GOOD_FAMILIES + BROKEN_FAMILIES
    response = client.post(reverse("registry:import_upload"), {"file": upload(lines)})
    worker = start_worker()
    try:
        run = wait_for(Run.objects.get(), worker)
    finally:
        stop(worker)
    assert run.status == RunStatus.REJECTED
    assert not Family.objects.exists() and not Member.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Berkas ditolak: tidak ada yang diimpor" in page
    assert "NIK harus 16 angka" in page
    # Fourteen errors in BROKEN_FAMILIES (test_import.py lists them), all in the CSV.
    download = client.get(reverse("jobs:run_errors", args=[run.pk]))
    assert download.content.decode("utf-8-sig").count("\n") == 1 + 14


@pytest.mark.browser
def test_an_upload_through_the_browser_completes(live_server, phone_page, task_worker, tmp_path):
    make_user("operator", Role.OPERATOR, "1806")
    data = tmp_path / "registri.csv"
    data.write_text("\n".join([HEADER, *GOOD_FAMILIES]) + "\n", encoding="utf-8")
    page = phone_page
    sign_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}{reverse('registry:import_upload')}")
    page.set_input_files("#id_file", str(data))
    page.click("button[type=submit].primary")
    # The run page reloads itself until the worker is done.
    page.wait_for_selector("text=Data telah disimpan", timeout=60_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Family.objects.count() == 2
