"""The demo's graduations: this year's exits through the real three-level workflow.

Per pendamping: a few families graduated self-reliant (resignation letter),
one natural exit among those without a component, and one proposal still
waiting for the korcam — so the target, the annual split and the queues
have something to show.
"""

from datetime import date

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.graduation import actions
from harapan.graduation.candidates import without_component
from harapan.graduation.models import ExitProposal
from harapan.registry.models import ExitReason, Family

GSM_PER_PENDAMPING = 4


def _coordinator(role: str, region: str) -> User:
    return User.objects.filter(role=role, region_id=region).order_by("username").first()


def _exit(family: Family, pendamping: User, kind: str, reason: str, on: date, **letter) -> None:
    proposal = actions.propose_exit(family, kind=kind, reason=reason, exit_date=on,
                                    acting_user=pendamping, **letter)  # fmt: skip
    actions.verify_exit(proposal, acting_user=_coordinator(Role.KORCAM, family.region_code[:6]))
    actions.approve_exit(proposal, acting_user=_coordinator(Role.KORKAB, family.region_code[:4]))


def build_graduation(today: date, log=print) -> None:
    """Once: a second demo run adds nothing."""
    if ExitProposal.objects.exists():
        return
    exits = 0
    for pendamping in User.objects.filter(role=Role.PENDAMPING).order_by("username"):
        caseload = Family.objects.filter(pendamping=pendamping, status="aktif").order_by("pk")
        if not caseload.exists() or _coordinator(Role.KORCAM, pendamping.region_id) is None:
            continue
        for n, family in enumerate(caseload[:GSM_PER_PENDAMPING]):
            on = date(today.year, min(today.month, 1 + n * 2), 15)
            _exit(family, pendamping, ExitReason.SEJAHTERA_MANDIRI,
                  "Usaha warung berkembang, penghasilan di atas garis kemiskinan", on,
                  letter_number=f"{n + 1:02d}/KPM/{today.year}", letter_date=on)  # fmt: skip
            exits += 1
        natural = without_component(today, caseload).first()
        if natural is not None:
            _exit(natural, pendamping, ExitReason.ALAMIAH,
                  "Tidak ada lagi anggota yang memenuhi syarat komponen", today)  # fmt: skip
            exits += 1
        waiting = caseload.exclude(pk__in=[f.pk for f in caseload[:GSM_PER_PENDAMPING]])
        if (family := waiting.last()) is not None:
            actions.propose_exit(family, kind=ExitReason.MOVED, reason="Pindah ke luar provinsi",
                                 exit_date=today, acting_user=pendamping)  # fmt: skip
    log(f"  graduasi: {exits} KPM keluar tahun ini melalui tiga tingkat persetujuan")
