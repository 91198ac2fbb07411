"""Proposals to close a gap and their outcome (DESIGN §9, issue 17).

The family's pendamping, or the korcam or korkab of its region, proposes a family or a
member to a complementary programme; the outcome comes later. An accepted proposal adds a
`menerima` participation from the outcome's day (which closes the gap), a rejected one a
`ditolak` participation, so the family's history shows both. Each step is audited.

No activity kind of the pendamping's log (`registry.worklog.KINDS`) is a proposal to
another programme, so proposals are not reported there.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role, may_change_family_data
from harapan.audit import trail
from harapan.registry import actions as registry_actions
from harapan.registry.models import Family, Member

from . import gaps
from .catalogue import Programme, gap_of, is_member_level
from .models import Channel, Outcome, Participation, Proposal, Source, Status

FIRST_DAY = date(2007, 1, 1)  # PKH began in 2007: no proposal is older
# Who proposes besides the family's own pendamping: the coordinators who act in its
# region (the korwil and the auditor only read, DESIGN §1).
COORDINATING_ROLES = {Role.KORCAM, Role.KORKAB}


def may_propose(user, family: Family) -> bool:
    """Whether `user` proposes `family` (and records outcomes): its pendamping, or a korcam
    or korkab whose region holds it."""
    if not (user.is_authenticated and may_change_family_data(user)):
        return False
    if user.role == Role.PENDAMPING:
        return family.pendamping_id == user.pk
    return (
        user.role in COORDINATING_ROLES
        and Family.objects.visible_to(user).filter(pk=family.pk).exists()
    )


def proposes_at_all(user) -> bool:
    """The roles that may propose some family: the menu and the pages' role check."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in COORDINATING_ROLES | {Role.PENDAMPING}
    )


def _check_proposer(user, family: Family) -> None:
    if not may_propose(user, family):
        raise PermissionDenied(
            _("Usulan program diajukan oleh pendamping KPM ini atau korcam/korkab wilayahnya.")
        )


def _check_day(day: date, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("%(label)s belum tiba.") % {"label": label})
    if day < FIRST_DAY:
        raise ValidationError(_("%(label)s tidak mungkin sebelum tahun 2007.") % {"label": label})


def _check_member(family: Family, member: Member | None, programme: str, day: date) -> None:
    label = Programme(programme).label
    if not is_member_level(programme):
        if member is not None:
            raise ValidationError(
                _("%(programme)s adalah program keluarga: jangan pilih anggota.")
                % {"programme": label}
            )
        return
    if member is None or member.family_id != family.pk:
        raise ValidationError(
            _("%(programme)s diusulkan untuk seorang anggota keluarga ini.") % {"programme": label}
        )
    if not member.alive:
        raise ValidationError(_("Anggota ini sudah meninggal."))
    if gaps.receives(programme, day, family=family, member=member):
        raise ValidationError(
            _("%(name)s sudah menerima %(programme)s pada tanggal itu.")
            % {"name": member.name, "programme": label}
        )
    gap = gap_of(programme)
    if not gaps.member_gap(gap, day, Member.objects.filter(pk=member.pk)).exists():
        raise ValidationError(
            _("%(name)s tidak termasuk celah %(programme)s pada tanggal itu.")
            % {"name": member.name, "programme": label}
        )


@transaction.atomic
def propose(
    user, family: Family, member: Member | None, programme: str, proposed_on: date,
    channel: str, note: str = "",
) -> Proposal:  # fmt: skip
    """Propose `member` (or, for a family-level programme, the family) to `programme`."""
    _check_proposer(user, family)
    registry_actions.check_not_exited(family)
    if programme not in Programme.values:
        raise ValidationError(_("Pilih program yang diusulkan."))
    if channel not in Channel.values:
        raise ValidationError(_("Pilih saluran usulan."))
    _check_day(proposed_on, _("Tanggal usulan"))
    _check_member(family, member, programme, proposed_on)
    if not is_member_level(programme) and gaps.receives(programme, proposed_on, family=family):
        raise ValidationError(
            _("Keluarga ini sudah menerima %(programme)s pada tanggal itu.")
            % {"programme": Programme(programme).label}
        )
    nik = member.nik if member else ""
    Family.objects.select_for_update().filter(pk=family.pk).first()  # one proposer at a time
    if Proposal.objects.filter(family=family, nik=nik, programme=programme,
                               outcome=Outcome.PENDING).exists():  # fmt: skip
        raise ValidationError(
            _("Sudah ada usulan %(programme)s yang menunggu hasil untuk %(who)s.")
            % {"programme": Programme(programme).label,
               "who": member.name if member else _("keluarga ini")}
        )  # fmt: skip
    proposal = Proposal.objects.create(
        family=family, member=member, nik=nik, region_code=family.region_code,
        programme=programme, proposed_on=proposed_on, channel=channel, note=note.strip(),
        proposed_by=user,
    )  # fmt: skip
    trail.record(user, "programs.propose", proposal,
                 details={"program": programme, "keluarga": family.registry_id, "nik": nik,
                          "tanggal": proposed_on.isoformat(), "saluran": channel})  # fmt: skip
    return proposal


# The participation each outcome records.
STATUS_OF = {Outcome.ACCEPTED: Status.RECEIVING, Outcome.REJECTED: Status.REJECTED}


@transaction.atomic
def record_outcome(user, proposal: Proposal, outcome: str, outcome_on: date,
                   note: str = "") -> Proposal:  # fmt: skip
    """The programme's answer to `proposal`: accepted or rejected on `outcome_on`, recorded
    as the person's (or family's) participation from that day."""
    proposal = Proposal.objects.select_for_update().select_related("family").get(pk=proposal.pk)
    _check_proposer(user, proposal.family)
    if not proposal.is_open:
        raise ValidationError(_("Hasil usulan ini sudah dicatat."))
    if outcome not in STATUS_OF:
        raise ValidationError(_("Pilih hasil usulan: diterima atau ditolak."))
    _check_day(outcome_on, _("Tanggal hasil"))
    if outcome_on < proposal.proposed_on:
        raise ValidationError(_("Tanggal hasil tidak boleh sebelum tanggal usulan."))
    key = {"family": proposal.family, "nik": proposal.nik, "programme": proposal.programme}
    if Participation.objects.filter(**key, starts_on=outcome_on).exists():
        raise ValidationError(_("Sudah ada kepesertaan program ini yang mulai pada tanggal itu."))
    participation = Participation.objects.create(
        **key, member_id=proposal.member_id, region_code=proposal.region_code,
        starts_on=outcome_on, status=STATUS_OF[outcome], source=Source.PENDAMPING,
        recorded_by=user,
    )  # fmt: skip
    proposal.outcome, proposal.outcome_on = outcome, outcome_on
    proposal.outcome_note, proposal.decided_by = note.strip(), user
    proposal.participation = participation
    proposal.save(update_fields=["outcome", "outcome_on", "outcome_note", "decided_by",
                                 "participation"])  # fmt: skip
    trail.record(user, "programs.outcome", proposal,
                 details={"hasil": outcome, "tanggal": outcome_on.isoformat(),
                          "program": proposal.programme})  # fmt: skip
    return proposal
