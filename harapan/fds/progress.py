"""Where families and groups stand in the curriculum, and who keeps missing meetings (§6).

All set-based: each function is a fixed number of queries whatever the
number of families or groups.

- A family has completed a session when someone attended (hadir) a held
  meeting that taught it. An excused absence (izin) completes nothing but
  is no fault either.
- A group's position is the set of sessions its held meetings taught; its
  next session is the first active one, in curriculum order, not yet taught.
- A family is flagged when its last `absence_flag` (default 3) meetings,
  among the held meetings it was marked at, were all unexcused absences: a
  present or excused meeting resets the count.
"""

from datetime import date

from django.db.models import Count, DateField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from harapan.registry.models import Family

from .models import Attendance, FdsRules, MeetingStatus, Presence, Session

HELD = Q(meeting__status=MeetingStatus.HELD)
# Before any meeting: "absent since never having come".
_EPOCH = Value(date(1900, 1, 1), output_field=DateField())


def completed_sessions(families: QuerySet) -> dict[int, set[int]]:
    """{family id: {session number, …}} for the families given (one query)."""
    rows = (
        Attendance.objects.filter(HELD, family__in=families, presence=Presence.PRESENT)
        .exclude(meeting__session=None)
        .values_list("family_id", "meeting__session__number")
        .distinct()
    )
    done: dict[int, set[int]] = {}
    for family_id, number in rows:
        done.setdefault(family_id, set()).add(number)
    return done


def taught_sessions(groups: QuerySet) -> dict[int, set[int]]:
    """{group id: {session number taught, …}} (one query)."""
    rows = (
        Session.objects.filter(meetings__group__in=groups, meetings__status=MeetingStatus.HELD)
        .values_list("meetings__group_id", "number")
        .distinct()
    )
    taught: dict[int, set[int]] = {}
    for group_id, number in rows:
        taught.setdefault(group_id, set()).add(number)
    return taught


def curriculum() -> list[Session]:
    return list(Session.objects.filter(active=True, module__active=True).select_related("module"))


def next_session(taught: set[int], sessions: list[Session]) -> Session | None:
    return next((s for s in sessions if s.number not in taught), None)


def flagged(families: QuerySet, rules: FdsRules | None = None) -> QuerySet:
    """The families whose last `absence_flag` marks at held meetings are all absences.

    Annotated `absences` (the unexcused absences since the family last came
    or sent word) and `last_absence` (the date of the latest).
    """
    rules = rules or FdsRules.current()
    last_good = (
        Attendance.objects.filter(HELD, family_id=OuterRef("family_id"))
        .exclude(presence=Presence.ABSENT)
        .order_by()
        .values("family_id")
        .annotate(last=Max("meeting__held_on"))
        .values("last")
    )
    streak = (
        Attendance.objects.filter(HELD, family_id=OuterRef("pk"), presence=Presence.ABSENT)
        .filter(meeting__held_on__gt=Coalesce(Subquery(last_good), _EPOCH))
        .order_by()
        .values("family_id")
    )
    return families.annotate(
        absences=Coalesce(Subquery(streak.annotate(n=Count("id")).values("n")), 0),
        last_absence=Subquery(streak.annotate(d=Max("meeting__held_on")).values("d")),
    ).filter(absences__gte=rules.absence_flag)


def flagged_in_scope(user, rules: FdsRules | None = None) -> QuerySet:
    """The active families `user` may see that are flagged: the "perlu perhatian" list."""
    return flagged(Family.objects.visible_to(user).active(), rules)
