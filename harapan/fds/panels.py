"""The P2K2 section of the registry's family page: group, curriculum progress, attendance, flag.

Six queries whatever the family's history: memberships, curriculum,
completed sessions, the last meetings' attendance, the rules and the flag.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from harapan.registry.models import Family

from . import progress
from .models import Attendance, FdsRules, MeetingStatus, Membership

RECENT_MEETINGS = 6


def _modules(sessions, done: set[int]) -> list[dict]:
    """Completed sessions out of the curriculum, per module, in curriculum order."""
    modules: dict[int, dict] = {}
    for session in sessions:
        row = modules.setdefault(session.module_id, {"module": session.module, "done": 0,
                                                     "total": 0, "missing": []})  # fmt: skip
        row["total"] += 1
        if session.number in done:
            row["done"] += 1
        else:
            row["missing"].append(session.code)
    return list(modules.values())


def _recent_attendance(user, family) -> list[Attendance]:
    return list(
        Attendance.objects.visible_to(user)
        .filter(family=family, meeting__status=MeetingStatus.HELD)
        .select_related("meeting__session", "meeting__group")
        .order_by("-meeting__held_on", "-meeting_id")[:RECENT_MEETINGS]
    )


def fds_panel(request, family) -> str:
    user = request.user
    memberships = list(
        Membership.objects.visible_to(user).filter(family=family).select_related("group")
    )
    current = next((m for m in memberships if m.left_on is None and family.is_active), None)
    sessions = progress.curriculum()
    one_family = Family.objects.visible_to(user).filter(pk=family.pk)
    done = progress.completed_sessions(one_family).get(family.pk, set())
    rules = FdsRules.current()
    flag = progress.flagged(one_family, rules).values_list("absences", "last_absence").first()
    context = {
        "family": family,
        "current": current,
        "group_url": reverse("fds:group_detail", args=[current.group_id]) if current else None,
        "memberships": memberships,
        "modules": _modules(sessions, done),
        "done_count": len(done & {s.number for s in sessions}),
        "session_total": len(sessions),
        "attendance": _recent_attendance(user, family),
        "flag": {"absences": flag[0], "last_absence": flag[1]} if flag else None,
        "rules": rules,
    }
    return render_to_string("fds/family_panel.html", context, request=request)
