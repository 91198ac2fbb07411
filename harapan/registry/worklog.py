"""The one way work done elsewhere in Harapan reaches the pendamping's activity log
(issue 16, DESIGN §9: "nobody types the same work twice").

The activity log lives in `fieldwork`, which sits on the registry beside fds, compliance,
graduation, complaints and benefits (DESIGN §11): those apps may not import it. So they
report their work here, one layer down, and fieldwork listens (its AppConfig connects the
receiver that writes the Activity rows):

    worklog.record([worklog.Work(worklog.P2K2_MEETING, pendamping_id=user.pk, on=day,
                                 subject=group.name, source=f"fds.meeting:{meeting.pk}")])

Rules every sender keeps:
- Only a pendamping's own work is reported: the sender passes the acting user through
  `by_pendamping(user)` (or checks `is_pendamping`), so a korcam, an operator or an
  administrator acting on the same record adds nothing to anybody's log.
- `source` names the record the work stands for ("fds.meeting:17"); the log keeps one
  activity per kind and source, so reporting the same work again (a meeting's attendance
  saved twice, a verification month corrected) counts once.
- Call it inside the transaction that does the work: the rows are written in the same
  database transaction and roll back with it.
- A batch (an import) reports all its work in one call: the receiver writes it with one
  INSERT, not a query per row.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.dispatch import Signal
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.lib.months import add_months

# The kinds senders report, as codes of fieldwork's ActivityType (a test keeps them equal).
P2K2_MEETING = "pertemuan_p2k2"
VERIFICATION = "verifikasi"
DATA_UPDATE = "pemutakhiran"
GRADUATION_ASSESSMENT = "penilaian_graduasi"
COMPLAINT_FOLLOW_UP = "tindak_lanjut_pengaduan"
KKS_CHECK = "pemeriksaan_kks"
KINDS = {P2K2_MEETING, VERIFICATION, DATA_UPDATE, GRADUATION_ASSESSMENT, COMPLAINT_FOLLOW_UP,
         KKS_CHECK}  # fmt: skip


@dataclass(frozen=True)
class Work:
    """One piece of a pendamping's work done in Harapan, as its activity."""

    kind: str
    pendamping_id: int
    on: date
    source: str
    family_id: int | None = None
    subject: str = ""
    region_code: str = ""


# Sent with `works` (a list of Work); the receivers write them. Nothing listens below
# fieldwork, so without it installed the work is simply not logged.
work_done = Signal()


def is_pendamping(user) -> bool:
    """The acting user's work counts in a log: an active pendamping, not a coordinator
    acting on the same record (a korcam's action is not the pendamping's work)."""
    return bool(user is not None and user.is_authenticated and user.role == Role.PENDAMPING)


def record(works: list[Work]) -> None:
    """Report `works` to the activity log; an empty list does nothing."""
    works = list(works)
    if works:
        unknown = {w.kind for w in works} - KINDS
        if unknown:
            raise ValueError(f"unknown activity kinds: {sorted(unknown)}")
        work_done.send(sender=Work, works=works)


def record_one(user, kind: str, *, on: date, source: str, family=None, subject: str = "",
               region_code: str = "") -> None:  # fmt: skip
    """Report one piece of `user`'s work, if `user` is a pendamping (see the rules above);
    the family, when given, names the desa too."""
    if not is_pendamping(user):
        return
    record([Work(
        kind, pendamping_id=user.pk, on=on, source=source,
        family_id=family.pk if family is not None else None, subject=subject[:200],
        region_code=region_code or (family.region_code if family is not None else ""),
    )])  # fmt: skip


def verification_month(user, month: date, desa_codes) -> None:
    """`user` recorded the verification of `month` for members of `desa_codes`: one
    activity per desa, dated the day it was recorded, or the month's last day when a past
    month is recorded (it is that month's work). Correcting the month again counts once."""
    if not is_pendamping(user):
        return
    on = min(timezone.localdate(), add_months(month, 1) - timedelta(days=1))
    record([
        Work(VERIFICATION, pendamping_id=user.pk, on=on, region_code=desa,
             source=f"compliance.month:{user.pk}:{month:%Y-%m}:{desa}")
        for desa in sorted(set(desa_codes))
    ])  # fmt: skip
