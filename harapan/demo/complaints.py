"""The demo's complaints: one of each kind of work a coordinator or pendamping meets.

Per served kecamatan with a pendamping: a complaint just filed on the web form,
a walk-in received days ago and never triaged (breached, so the escalation run
below moves it up and leaves a notice), a call to 171 in its response step, and
one resolved that the public can follow and reopen; in Kotaagung also a conduct
complaint about a pendamping, which only the korcam and above see. Everything
goes through the real actions. The last resolved complaint's code and PIN are
printed, so a visitor can try the public tracking page.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.complaints import actions
from harapan.complaints.batch import escalate_complaints
from harapan.complaints.models import Complaint
from harapan.registry.models import Family


def _received(today: date, days_ago: int) -> datetime:
    """09.00 on a day before `today`, never later than the clock (staff intake refuses
    a time of receipt still to come)."""
    moment = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(9)))
    return min(moment, timezone.now())


def _coordinator(role: str, region: str) -> User | None:
    return User.objects.filter(role=role, region_id=region).order_by("username").first()


def _complaints_for(pendamping: User, korcam: User, today: date) -> tuple[str, str]:
    families = Family.objects.filter(pendamping=pendamping, status="aktif").order_by("pk")
    first, second, third = families[0], families[1], families[2]
    actions.submit_complaint(
        kategori="pembayaran", saluran="web", family=first, region_code=first.region_code,
        uraian="Bantuan tahap IV belum masuk ke rekening KKS, padahal tetangga sudah menerima.",
    )  # fmt: skip
    actions.submit_complaint(
        kategori="kepesertaan", saluran="datang", region_code=second.region_code,
        uraian="Keluarga lansia di RT 02 belum terdaftar PKH walau sudah diusulkan tahun lalu.",
        name="Sumarni", phone="081234567890", received_at=_received(today, 9),
        acting_user=korcam,
    )  # fmt: skip
    called, _pin = actions.submit_complaint(
        kategori="kks", saluran="telepon", family=second, region_code=second.region_code,
        uraian="Kartu KKS tertelan mesin ATM; penelepon minta kartu pengganti.",
        received_at=_received(today, 2), acting_user=korcam,
    )  # fmt: skip
    actions.triage_complaint(called, acting_user=pendamping)
    actions.respond_to_complaint(
        called, text="Pendamping menghubungi bank penyalur; KPM diminta membawa KTP dan KK.",
        acting_user=pendamping,
    )  # fmt: skip
    resolved, pin = actions.submit_complaint(
        kategori="data", saluran="web", family=third, region_code=third.region_code,
        uraian="Nama anak di data PKH salah tulis sehingga bantuan sekolah tidak cair.",
    )  # fmt: skip
    actions.triage_complaint(resolved, acting_user=pendamping)
    actions.respond_to_complaint(resolved, text="Akta kelahiran sudah difoto.",
                                 acting_user=pendamping)  # fmt: skip
    actions.resolve_complaint(
        resolved, decision="diterima", acting_user=pendamping,
        resolution="Nama anak sudah diperbaiki sesuai akta kelahiran; bantuan tahap berikut cair.",
    )  # fmt: skip
    return resolved.kode, pin


def build_complaints(today: date, log=print) -> None:
    """Once: a second demo run adds nothing."""
    if Complaint.objects.exists():
        return
    tracked = None
    for pendamping in User.objects.filter(role=Role.PENDAMPING).order_by("username"):
        korcam = _coordinator(Role.KORCAM, pendamping.region_id)
        if korcam is None or Family.objects.filter(pendamping=pendamping).count() < 3:
            continue
        tracked = _complaints_for(pendamping, korcam, today)
    accused = User.objects.filter(username="budi.santoso").first()
    korcam = accused and _coordinator(Role.KORCAM, accused.region_id)
    if korcam is not None:
        family = Family.objects.filter(pendamping=accused).order_by("pk").first()
        actions.submit_complaint(
            kategori="pungli", saluran="datang", accused=accused, region_code=family.region_code,
            uraian="KPM diminta menyetor Rp50.000 setiap pencairan kepada pendamping.",
            received_at=_received(today, 1), acting_user=korcam,
        )  # fmt: skip
    moved = escalate_complaints(timezone.now())
    log(f"  pengaduan: {Complaint.objects.count()} tercatat, {moved} dinaikkan satu tingkat")
    if tracked:
        log(f"  lacak pengaduan di /pengaduan/lacak/: kode {tracked[0]}, PIN {tracked[1]}")
