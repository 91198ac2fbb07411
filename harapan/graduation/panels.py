"""The graduation section of the registry's family page.

One query for an active family (its open proposal), two for one that has
left (the approved proposal with its people, the follow-up visits).
"""

from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone

from harapan.accounts.roles import Role, may_change_family_data

from .actions import FOLLOW_UP_DAYS
from .forms_proposals import FollowUpForm
from .models import ExitProposal, FollowUpVisit, ProposalStatus
from .views_proposals import steps

VISITING_ROLES = {Role.PENDAMPING, Role.KORCAM}


def graduation_panel(request, family) -> str:
    user = request.user
    proposals = ExitProposal.objects.visible_to(user).filter(family=family)
    context = {"family": family}
    if family.is_active:
        context["open_proposal"] = proposals.open().first()
        context["may_propose"] = (
            context["open_proposal"] is None
            and user.role == Role.PENDAMPING
            and family.pendamping_id == user.pk
        )
        return render_to_string("graduation/family_panel.html", context, request=request)
    approved = (
        proposals.filter(status=ProposalStatus.APPROVED)
        .select_related("proposed_by", "verified_by", "approved_by")
        .first()
    )
    visits = list(
        FollowUpVisit.objects.visible_to(user).filter(family=family).select_related("visited_by")
    )
    today = timezone.localdate()
    until = family.exit_date + timedelta(days=FOLLOW_UP_DAYS) if family.exit_date else None
    may_visit = (
        until is not None
        and family.exit_date <= today <= until
        and may_change_family_data(user)
        and (user.is_superuser or user.role in VISITING_ROLES)
    )
    context.update(
        approved=approved,
        steps=steps(approved) if approved else [],
        visits=visits,
        follow_up_until=until,
        follow_up_form=FollowUpForm(initial={"visited_on": today}) if may_visit else None,
    )
    return render_to_string("graduation/family_panel.html", context, request=request)
