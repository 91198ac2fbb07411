"""Who handles a new complaint (DESIGN §8).

- A normal complaint starts at level pendamping, with the pendamping of the
  family it names; with none named (or a family without a pendamping), with
  the pendamping of the desa: the one with most active families there (the
  lowest id on a tie, so the same complaint always goes to the same person).
  A desa without one goes to the korcam of its kecamatan.
- `perilaku_pendamping` and `pungli` start at the korcam of the accused
  pendamping's kecamatan, never with a pendamping; when the complainant only
  wrote the accused's name (the public form lists no staff), at the korcam of
  the desa's kecamatan, who finds the pendamping.
- A level without an active user passes the complaint up (korcam → korkab →
  korwil); with nobody at all it waits at its level with no handler, listed
  for the region.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from harapan.accounts.models import User
from harapan.lib import regioncode
from harapan.registry.models import Family, FamilyStatus

from .models import LEVEL_ORDER, LEVEL_ROLES, Level, rank

# The region each coordinating level covers, as the length of its code.
_LEVEL_REGION = {
    Level.KORCAM: regioncode.KECAMATAN,
    Level.KORKAB: regioncode.KABUPATEN,
    Level.KORWIL: regioncode.PROVINCE,
}


@dataclass(frozen=True)
class Route:
    tingkat: Level
    handler: User | None


def desa_pendamping(desa_code: str) -> User | None:
    """The active pendamping with most active families in the desa, None when none has one."""
    families_here = Q(caseload__region_code=desa_code, caseload__status=FamilyStatus.ACTIVE)
    return (
        User.objects.pendamping_of(desa_code[:6])
        .filter(is_active=True)
        .annotate(families_here=Count("caseload", filter=families_here))
        .filter(families_here__gt=0)
        .order_by("-families_here", "pk")
        .first()
    )


def coordinator(level: Level, region_code: str) -> Route:
    """The coordinator of `region_code` at `level`, or the first level above with one."""
    for each in LEVEL_ORDER[rank(level) :]:
        region = region_code[: regioncode.LENGTH_BY_LEVEL[_LEVEL_REGION[each]]]
        found = (
            User.objects.filter(role=LEVEL_ROLES[each], region_id=region, is_active=True)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return Route(each, found)
    return Route(level, None)


def route(
    *, region_code: str, family: Family | None = None, accused: User | None = None,
    conduct: bool = False,
) -> Route:  # fmt: skip
    """Where a new complaint starts. `accused` is given for conduct complaints only;
    `conduct` says it is one even when the accused is not known as a user."""
    if accused is not None:
        return coordinator(Level.KORCAM, accused.region_id)
    if conduct:
        return coordinator(Level.KORCAM, region_code)
    if family is not None and family.pendamping_id and family.pendamping.is_active:
        return Route(Level.PENDAMPING, family.pendamping)
    pendamping = desa_pendamping(region_code)
    if pendamping is not None:
        return Route(Level.PENDAMPING, pendamping)
    return coordinator(Level.KORCAM, region_code)


def back_to(level: str, complaint) -> Route:
    """Where a reopened complaint goes when whoever resolved it has left: the user who
    would receive it new at that level (or above)."""
    if level == Level.PENDAMPING and complaint.accused_id is None:
        return route(region_code=complaint.region_code, family=complaint.family)
    region = complaint.accused.region_id if complaint.accused_id else complaint.region_code
    return coordinator(Level(level), region)
