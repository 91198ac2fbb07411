"""The complementary-programmes section of the registry's family page (issue 17): the
family's participations, its gaps today with a link to propose each one not yet proposed,
and its proposals with their outcome.

A fixed number of queries whatever the family's size: participations, proposals, the
year's rules (two), the members' gaps (one), the BPNT gap, and for a coordinator whether
they may propose.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from harapan.registry.models import Family, FamilyStatus, Member

from . import actions, gaps
from .catalogue import CLOSED_BY, MEMBER_GAPS, Gap
from .models import Participation, Proposal


@dataclass(frozen=True)
class GapLine:
    gap: Gap
    programme: str  # the label of the programme that closes it
    member: Member | None
    pending: bool
    propose_url: str


def propose_url(gap: str, family: Family, nik: str = "", back: str = "") -> str:
    """The proposal form of `gap` for `family` (and the member `nik`), back to `back`."""
    query = {"celah": gap, "keluarga": family.registry_id, "nik": nik}
    if back:
        query["next"] = back
    return f"{reverse('programs:propose')}?{urlencode(query)}"


def gap_lines(family: Family, day, back: str = "") -> list[GapLine]:
    """The family's gaps on `day`, list by list, each member's by name."""
    members = list(gaps.member_gaps(day, Member.objects.filter(family=family)).order_by("pk"))
    lines = []
    for gap in Gap:
        label = CLOSED_BY[gap].label
        if gap in MEMBER_GAPS:
            for member in (m for m in members if getattr(m, f"in_{gap}")):
                url = propose_url(gap, family, member.nik, back)
                pending = getattr(member, f"pending_{gap}")
                lines.append(GapLine(gap, label, member, pending, url))
        else:
            for row in gaps.family_gap(day, Family.objects.filter(pk=family.pk)):
                lines.append(
                    GapLine(gap, label, None, row.pending, propose_url(gap, family, "", back))
                )
    return lines


def programs_panel(request, family) -> str:
    user = request.user
    back = reverse("registry:family_detail", args=[family.pk])
    participations = Participation.objects.visible_to(user).filter(family=family)
    proposals = Proposal.objects.visible_to(user).filter(family=family)
    context = {
        "family": family,
        "participations": list(
            participations.select_related("member").order_by("-starts_on", "pk")
        ),
        "gaps": gap_lines(family, timezone.localdate(), back),
        "proposals": list(proposals.select_related("member")),
        "may_propose": family.status != FamilyStatus.EXITED and actions.may_propose(user, family),
        "back": back,
    }
    return render_to_string("programs/family_panel.html", context, request=request)
