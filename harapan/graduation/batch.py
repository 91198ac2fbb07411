"""Approved exits take effect on their exit date (DESIGN §7), set-based.

Approval does not remove a family: until its exit date it stays active (it
still owes and earns, stays in its P2K2 group and its pendamping's caseload)
and an approved exit is still under way (`ExitProposal.objects.open()`).
`apply_exits(on)` makes every approved exit dated on or before `on` take
effect: the family becomes exited with the proposal's reason and date, one
audit row each; it leaves its P2K2 group as of that date (fds) and its
pending data updates are turned down (registry); its
sanctions stop being in force and it drops out of the lists of current work
because those read the family's status (`Sanction.objects.in_force`,
`Membership.objects.current`, `Family.objects.active`).

The daily job and `harapan apply_exits` call it; approving an exit whose
date has already come calls it for that one proposal, so a family never
lingers past its date. Running it again for the same day finds nothing due
and changes nothing. A few statements per reason and exit date, whatever the number of exits.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.audit import trail
from harapan.fds import actions as fds_actions
from harapan.jobs import changed_regions
from harapan.jobs.claims import claimed
from harapan.registry import changes
from harapan.registry.models import Family, FamilyStatus

from .models import ExitProposal


@dataclass
class ApplyResult:
    exits: int = 0  # families that left PKH in this run
    memberships: int = 0  # P2K2 memberships ended
    changes: int = 0  # pending data updates turned down

    @property
    def anything(self) -> bool:
        return bool(self.exits or self.memberships or self.changes)


def apply_due_exits(on: date, *, acting_user=None) -> ApplyResult:
    """`apply_exits(on)` for every family, claimed: the command and the nightly task.

    Raises ClaimRefused while another run applies them.
    """
    with claimed("graduation.exits", "", what=_("Graduasi yang jatuh tempo"), user=acting_user):
        return apply_exits(on, acting_user=acting_user)


@transaction.atomic
def apply_exits(on: date, *, proposals: QuerySet | None = None, acting_user=None) -> ApplyResult:
    """Make the approved exits dated on or before `on` take effect (of `proposals`, or all)."""
    due = (ExitProposal.objects.all() if proposals is None else proposals).due(on).order_by()
    of_family = due.filter(family_id=OuterRef("pk"))
    leaving = Family.objects.filter(Exists(of_family))
    result = ApplyResult()
    # The audit rows first: once exited, the families are no longer due. One
    # statement per reason and date, so each row says both; a day has few.
    for kind, exit_date in due.values_list("kind", "exit_date").distinct():
        result.exits += trail.record_queryset(
            acting_user, "registry.family.exit",
            leaving.filter(Exists(of_family.filter(kind=kind, exit_date=exit_date))),
            label="registry_id",
            details={"alasan": kind, "tanggal_keluar": exit_date, "diproses_untuk": on},
        )  # fmt: skip
    if result.exits:
        changed_regions.regions_changed(
            leaving.order_by().values_list(Substr("region_code", 1, 4), flat=True).distinct()
        )
        leaving.update(
            status=FamilyStatus.EXITED,
            exit_reason=Subquery(of_family.values("kind")[:1]),
            exit_date=Subquery(of_family.values("exit_date")[:1]),
            updated_at=timezone.now(),
        )
    # Also families that left before exits waited for their date: a run leaves
    # no exited family in a group or waiting in an approver's list.
    families = (
        Family.objects.all()
        if proposals is None
        else Family.objects.filter(pk__in=proposals.values("family_id"))
    ).filter(exit_date__lte=on)
    result.memberships = fds_actions.leave_groups_on_exit(families, acting_user=acting_user)
    result.changes = changes.close_pending_of_exited(families, acting_user=acting_user)
    return result
