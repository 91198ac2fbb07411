"""The verification section of the registry's family page: recent months and sanctions.

Five queries whatever the family's size: members, the year's rules (two),
the window's records and the sanctions.
"""

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harapan.registry import eligibility
from harapan.registry.models import Member

from . import calendar
from .actions import LIFTING_ROLES
from .models import Result, Sanction, SanctionKind, Verification

PANEL_MONTHS = 6
MISSING = "belum"

# Short marks keep six months on a phone's width; each has a title and a legend.
MARKS = {
    Result.COMPLIANT: ("✓", Result.COMPLIANT.label),
    Result.NON_COMPLIANT: ("✗", Result.NON_COMPLIANT.label),
    Result.EXCUSED: ("D", Result.EXCUSED.label),
    MISSING: ("?", _("Belum diverifikasi")),
}


@dataclass
class Cell:
    month: date
    result: str  # a Result, MISSING, or "" when nothing was owed
    record: Verification | None = None

    @property
    def mark(self) -> str:
        return MARKS[self.result][0] if self.result else ""

    @property
    def title(self) -> str:
        return str(MARKS[self.result][1]) if self.result else ""


def _months(this_month: date) -> list[date]:
    # Newest first: on a phone the table scrolls sideways and the recent months
    # are the ones a pendamping looks for.
    return [calendar.add_months(this_month, -n) for n in range(PANEL_MONTHS)]


def _grid(user, family, months: list[date]) -> list[dict]:
    """Per member who owed or has a record: one cell per month, newest first."""
    members = list(Member.objects.visible_to(user).filter(family=family))
    records = Verification.objects.visible_to(user).filter(
        member__family=family, month__gte=months[-1]
    )
    found = {(r.member_id, r.month): r for r in records}
    # The current year's rules stand in for the window's earlier months: they
    # only decide whether an empty cell reads "not verified yet" or blank.
    rules = eligibility.rules_for(months[0].year)
    rows = []
    for member in members:
        member.family = family  # component_for reads the family's status
        cells = []
        for month in months:
            record = found.get((member.pk, month))
            if record:
                cells.append(Cell(month, record.result, record))
            elif eligibility.component_for(member, month, rules):
                cells.append(Cell(month, MISSING))
            else:
                cells.append(Cell(month, ""))
        if any(cell.result for cell in cells):
            component = eligibility.component_for(member, months[0], rules)
            rows.append({"member": member, "label": eligibility.LABELS.get(component, ""),
                         "cells": cells})  # fmt: skip
    return rows


def _sanctions(user, family, today: date) -> list[Sanction]:
    current = calendar.ordinal(*calendar.stage_of(today))
    sanctions = list(
        Sanction.objects.visible_to(user)
        .filter(member__family=family)
        .select_related("member", "lifted_by")
    )
    for sanction in sanctions:
        sanction.component_label = eligibility.LABELS.get(sanction.component, sanction.component)
        # A suspension holds for its own stage only; once past, it is history.
        sanction.in_force = (
            family.is_active
            and sanction.lifted_at is None
            and (sanction.kind == SanctionKind.TERMINATION or sanction.stage_ordinal >= current)
        )
    return sanctions


def compliance_panel(request, family) -> str:
    user = request.user
    today = timezone.localdate()
    this_month = calendar.month_start(today)
    months = _months(this_month)
    context = {
        "family": family,
        "months": [(m, calendar.month_label(m)) for m in months],
        "grid": _grid(user, family, months),
        "sanctions": _sanctions(user, family, today),
        "may_lift": user.is_superuser or user.role in LIFTING_ROLES,
        "legend": [(mark, title) for mark, title in MARKS.values()],
    }
    return render_to_string("compliance/family_panel.html", context, request=request)
