"""Two coordinators deciding the same thing in the same second, on two real connections.

The second must get the app's own answer ("sudah diputuskan", "sudah dicabut" …),
never a 500 "database is locked": on SQLite a transaction takes the write lock
when it begins (`transaction_mode` IMMEDIATE) and waits for it (the busy
timeout), so it reads what the first one wrote (harapan/settings.py).
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.audit.models import AuditEntry
from harapan.benefits.models import KksCustody
from harapan.compliance import calendar
from harapan.compliance.models import Sanction, SanctionKind
from harapan.graduation import actions as graduation
from harapan.graduation.models import ExitProposal, ProposalStatus
from harapan.registry import changes
from harapan.registry.models import ChangeStatus
from harapan.testing import (
    DESA_A,
    KEC_A,
    collide,
    make_family,
    make_member,
    make_user,
    writing_elsewhere,
)

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)  # a crash is a 500, as a browser sees it
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict | None = None):
    return lambda: client.post(url, data or {})


def shown_after(client: Client, response) -> str:
    """The page the decision redirected to, with the message it left."""
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response.url).content.decode()


@pytest.fixture
def people():
    pendamping = make_user("pendamping_a", Role.PENDAMPING, KEC_A)
    return {
        "pendamping": pendamping,
        "korcam": make_user("korcam_a", Role.KORCAM, KEC_A),
        "korcam_2": make_user("korcam_a2", Role.KORCAM, KEC_A),
        "korkab": make_user("korkab", Role.KORKAB, KEC_A[:4]),
        "korkab_2": make_user("korkab_2", Role.KORKAB, KEC_A[:4]),
        "family": make_family(region_code=DESA_A, pendamping=pendamping),
    }


def test_a_data_update_rejected_while_it_is_being_approved_says_it_is_decided(people):
    child = make_member(people["family"], birth_date=TODAY.replace(year=TODAY.year - 11),
                        school_level="sd")  # fmt: skip
    request = changes.request_change(people["family"], "pendidikan", {"school_level": "smp"},
                                     member=child, acting_user=people["pendamping"])  # fmt: skip
    korcam, korkab = signed_in(people["korcam"]), signed_in(people["korkab"])

    approved, rejected = collide(
        post(korcam, reverse("registry:change_approve", args=[request.pk])),
        post(korkab, reverse("registry:change_reject", args=[request.pk]),
             {"reason": "Belum ada surat pindah sekolah"}),
    )  # fmt: skip

    assert "Permohonan disetujui" in shown_after(korcam, approved)
    assert "Permohonan ini sudah diputuskan." in shown_after(korkab, rejected)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ChangeStatus.APPROVED, people["korcam"])
    child.refresh_from_db()
    assert child.school_level == "smp"
    decided = AuditEntry.objects.filter(action__in=["registry.change.approve",
                                                    "registry.change.reject"])  # fmt: skip
    assert list(decided.values_list("action", flat=True)) == ["registry.change.approve"]


def proposal_of(people) -> ExitProposal:
    return graduation.propose_exit(
        people["family"], kind="sejahtera_mandiri", reason="Usaha warung berjalan",
        exit_date=TODAY, letter_number="07/PKH/XII", letter_date=TODAY,
        acting_user=people["pendamping"],
    )  # fmt: skip


def test_a_graduation_proposal_verified_twice_at_once_is_verified_once(people):
    proposal = proposal_of(people)
    first, second = signed_in(people["korcam"]), signed_in(people["korcam_2"])
    url = reverse("graduation:proposal_verify", args=[proposal.pk])

    verified, again = collide(post(first, url), post(second, url))

    assert "Usulan diverifikasi" in shown_after(first, verified)
    assert "Usulan ini sudah diproses orang lain; muat ulang halaman." in shown_after(second, again)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.verified_by) == (ProposalStatus.VERIFIED, people["korcam"])
    assert AuditEntry.objects.filter(action="graduation.verify").count() == 1


def test_a_graduation_proposal_rejected_while_it_is_being_approved_stays_approved(people):
    proposal = proposal_of(people)
    graduation.verify_exit(proposal, acting_user=people["korcam"])
    first, second = signed_in(people["korkab"]), signed_in(people["korkab_2"])

    approved, rejected = collide(
        post(first, reverse("graduation:proposal_approve", args=[proposal.pk])),
        post(second, reverse("graduation:proposal_reject", args=[proposal.pk]),
             {"reason": "Surat pengunduran diri belum ditandatangani"}),
    )  # fmt: skip

    assert "Usulan disetujui; KPM sudah keluar dari PKH." in shown_after(first, approved)
    assert "Usulan ini sudah diproses orang lain; muat ulang halaman." in shown_after(
        second, rejected
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.approved_by) == (ProposalStatus.APPROVED, people["korkab"])
    assert proposal.rejection_reason == ""
    assert not AuditEntry.objects.filter(action="graduation.reject").exists()


def a_sanction(people) -> Sanction:
    pupil = make_member(people["family"], school_level="sd")
    year, stage = calendar.stage_of(TODAY)
    return Sanction.objects.create(
        member=pupil, region_code=pupil.region_code, component="sd", computed=True,
        kind=SanctionKind.SUSPENSION, year=year, stage=stage, reason="Tidak patuh 1 bulan",
    )  # fmt: skip


def test_a_sanction_lifted_twice_at_once_is_lifted_once(people):
    sanction = a_sanction(people)
    first, second = signed_in(people["korcam"]), signed_in(people["korkab"])
    url = reverse("compliance:sanction_lift", args=[sanction.pk])

    lifted, again = collide(
        post(first, url, {"reason": "Anak kembali bersekolah"}),
        post(second, url, {"reason": "Salah catat sekolah"}),
    )

    assert "Sanksi dicabut." in shown_after(first, lifted)
    assert again.status_code == 400
    assert "Sanksi ini sudah dicabut." in again.content.decode()
    sanction.refresh_from_db()
    assert (sanction.lifted_by, sanction.lift_reason) == (
        people["korcam"],
        "Anak kembali bersekolah",
    )
    assert AuditEntry.objects.filter(action="compliance.sanction.lift").count() == 1


def test_a_kks_entry_dated_before_one_recorded_at_the_same_moment_is_refused(people):
    url = reverse("benefits:kks_record", args=[people["family"].pk])
    first, second = signed_in(people["pendamping"]), signed_in(people["korcam"])
    earlier = TODAY - timedelta(days=5)

    lost, held = collide(
        post(first, url, {"status": "hilang", "since": TODAY.isoformat()}),
        post(second, url, {"status": "dipegang_kpm", "since": earlier.isoformat()}),
    )

    assert "Status kartu dicatat." in shown_after(first, lost)
    assert held.status_code == 200  # the form again, with the reason
    assert "Tanggal tidak boleh sebelum catatan terakhir" in held.content.decode()
    assert list(KksCustody.objects.values_list("status", "since")) == [("hilang", TODAY)]
    assert AuditEntry.objects.filter(action="benefits.kks.record").count() == 1


def test_two_corrections_of_one_name_saved_at_once_keep_the_first_and_show_both(people):
    head = people["family"].members.get()
    url = reverse("registry:member_edit", args=[head.pk])
    first, second = signed_in(people["pendamping"]), signed_in(people["korcam"])
    form = {"name": head.name, "version": head.version}  # both opened the form before

    saved, refused = collide(
        post(first, url, {**form, "name": "Siti Aminah"}),
        post(second, url, {**form, "name": "Siti Aminnah"}),
    )

    assert "Data anggota disimpan." in shown_after(first, saved)
    assert refused.status_code == 409
    assert "<td>Nama</td><td>Siti Aminah</td><td>Siti Aminnah</td>" in refused.content.decode()
    head.refresh_from_db()
    assert head.name == "Siti Aminah"
    assert AuditEntry.objects.filter(action="registry.member.update").count() == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL locks rows, not the database")
def test_a_decision_that_waits_out_the_busy_timeout_gets_a_try_again_page_not_a_500(people):
    sanction = a_sanction(people)
    korcam = signed_in(people["korcam"])
    with connection.cursor() as cursor:  # the connection the request runs on
        cursor.execute("PRAGMA busy_timeout = 500")  # gives up after 0.5 s, not 20

    # A large import holds SQLite's one write lock for longer than that.
    with writing_elsewhere(lambda: AuditEntry.objects.create(action="uji.impor_besar")):
        response = korcam.post(
            reverse("compliance:sanction_lift", args=[sanction.pk]), {"reason": "Sudah sekolah"}
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Sedang sibuk" in page
    assert "Yang Anda kirim belum disimpan: coba lagi beberapa saat lagi." in page
    sanction.refresh_from_db()
    assert sanction.lifted_at is None
    assert not AuditEntry.objects.filter(action="compliance.sanction.lift").exists()
