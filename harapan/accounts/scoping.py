"""The one place that decides which families a user may see (DESIGN §11).

Every query of family-level data — families, members, verifications,
complaints, payments… — goes through `visible_to`. Models that hang off a
family name the path to it (`via="family"`); every family-level row carries
the family's desa code in `region_code`, so region scoping is a prefix match
on the row itself and needs no join.

- pendamping: the families assigned to them (their caseload);
- korcam, korkab, korwil, operator: every family in their region;
- admin pusat, superuser: everything;
- auditor: everything, or their region when one is set (read only);
- anyone else, including a user with no role: nothing.
"""

from django.db.models import Q, QuerySet

from .roles import Role, reads_audit_trail, sees_ethics_cases, tiers_below

NOTHING = Q(pk__in=[])


def family_filter(user, via: str = "") -> Q:
    """The filter, for a queryset of family data, of what `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    prefix = f"{via}__" if via else ""
    if user.role == Role.PENDAMPING:
        return Q(**{f"{prefix}pendamping_id": user.pk})
    if user.role in (Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.OPERATOR, Role.AUDITOR):
        if not user.region_id:
            return Q() if user.role == Role.AUDITOR else NOTHING
        # region_code is denormalised onto every family-level row (DESIGN §3).
        return Q(region_code__startswith=user.region_id)
    return NOTHING


def complaint_filter(user) -> Q:
    """The filter, for complaints (DESIGN §8), of what `user` may see.

    - nobody sees a complaint that accuses them (perilaku pendamping, pungli), whatever
      else would show it: their own family named in it, a handler's mistake;
    - pendamping: the complaints they handle and those about the families of their caseload,
      but never one about a pendamping's conduct unless they handle it: those go to the
      korcam and above (DESIGN §8), and a colleague who sees one may tell the accused;
    - korcam, korkab, korwil: every complaint of their region, those they handle, and
      those accusing a pendamping of their region (the desa named may lie outside it);
    - operator: the complaints of their kabupaten, read for reports (the Dinas Sosial
      runs reconciliation and reports, DESIGN §1); not the complainant's identity;
    - admin pusat, superuser: everything; auditor: everything, or their region.
    Who of them sees the complainant's name, phone and NIK: complaints.access.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    not_accused = ~Q(accused=user)
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return not_accused
    if user.role == Role.PENDAMPING:
        from harapan.complaints.models import CONDUCT_CATEGORIES  # it imports this module

        about_conduct = Q(kategori__in=CONDUCT_CATEGORIES)
        return (Q(handler=user) | (Q(family__pendamping=user) & ~about_conduct)) & not_accused
    if not user.region_id:
        return not_accused if user.role == Role.AUDITOR else NOTHING
    in_region = Q(region_code__startswith=user.region_id)
    if user.role in (Role.KORCAM, Role.KORKAB, Role.KORWIL):
        accused_here = Q(accused__region__code__startswith=user.region_id)
        return (in_region | Q(handler=user) | accused_here) & not_accused
    if user.role in (Role.OPERATOR, Role.AUDITOR):
        return in_region & not_accused
    return NOTHING


def activity_filter(user) -> Q:
    """The filter, for a pendamping's activities (issue 16, DESIGN §9), of who sees them.

    - pendamping: their own log;
    - korcam, korkab, korwil: the logs of the pendamping of their region (the pendamping's
      own kecamatan decides, not the desa of one activity): they supervise them;
    - operator: nothing: the Dinas Sosial imports and reconciles, it does not supervise;
    - admin pusat, superuser: everything; auditor: everything, or their region.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    if user.role == Role.PENDAMPING:
        return Q(pendamping=user)
    if user.role in (Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.AUDITOR):
        if not user.region_id:
            return Q() if user.role == Role.AUDITOR else NOTHING
        return Q(pendamping__region__code__startswith=user.region_id)
    return NOTHING


def audit_filter(user) -> Q:
    """The filter, for audit entries, of what `user` may read in the trail.

    An entry carries the desa code of the row it is about, or the region of
    the user who exported, imported or started a job ("" for national work).
    - superuser: every entry;
    - admin pusat, auditor: every entry, or their region's when they have one;
    - korkab: the entries of their kabupaten (its desa codes start with its code);
    - anyone else: nothing (the trail view answers 403 before asking).
    """
    if not reads_audit_trail(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.region_id:
        return Q(region_code__startswith=user.region_id)
    if user.role in (Role.ADMIN_PUSAT, Role.AUDITOR):
        return Q()
    return NOTHING


# Fieldwork (issue 16): coaching notes and code-of-ethics cases ---------------------------


def _staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def coaching_filter(user) -> Q:
    """The filter, for coaching notes (DESIGN §9), of what `user` may see.

    - the person coached and the writer: their notes;
    - korcam, korkab, korwil: the notes about anyone on a lower tier of their region
      (roles.tiers_below), never a colleague's on their own tier;
    - admin pusat, superuser: everything; auditor: everything, or their region;
    - operator, anyone else: nothing but a note about themselves (none is written).
    """
    if not _staff(user):
        return NOTHING
    own = Q(coached=user) | Q(writer=user)
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    if user.role == Role.AUDITOR:
        return Q(region_code__startswith=user.region_id) if user.region_id else Q()
    below = tiers_below(user)
    if below and user.region_id:
        return own | Q(region_code__startswith=user.region_id, coached__role__in=below)
    return own


def ethics_case_filter(user) -> Q:
    """The filter, for code-of-ethics cases (DESIGN §9), of what `user` may see: cases are
    confidential to the korkab and above and the auditor. Korcam, operator and pendamping
    see none, not even their own case (their decision: `ethics_decision_filter`)."""
    if not sees_ethics_cases(user):
        return NOTHING
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    if user.region_id:
        return Q(region_code__startswith=user.region_id)
    return Q() if user.role == Role.AUDITOR else NOTHING


def ethics_decision_filter(user) -> Q:
    """The filter, for code-of-ethics cases, of the decisions `user` reads as the pendamping
    concerned: their own cases once decided, and nothing else of any case."""
    from harapan.fieldwork.models import EthicsStatus  # it imports this module

    if not _staff(user):
        return NOTHING
    return Q(pendamping=user, status=EthicsStatus.DECIDED)


def visible_to(user, queryset: QuerySet, via: str = "") -> QuerySet:
    """`queryset` cut down to the rows `user` may see."""
    return queryset.filter(family_filter(user, via))


class ScopedQuerySet(QuerySet):
    """A queryset of family-level rows that knows its way to the family.

    `scope_via` is the path from a row to its family ("family",
    "member__family"…), or "" for rows that carry a pendamping and a desa
    code of their own, as a family does.
    """

    scope_via = ""

    def visible_to(self, user) -> "ScopedQuerySet":
        return visible_to(user, self, via=self.scope_via)


def scoped_by(via: str) -> type[ScopedQuerySet]:
    """A ScopedQuerySet class for rows reached from their family by `via`."""
    name = "ScopedBy" + "".join(part.title() for part in via.split("__"))
    return type(name, (ScopedQuerySet,), {"scope_via": via})


# Coordination meetings (issue 16) ----------------------------------------------------------


def coordination_meeting_filter(user, via: str = "") -> Q:
    """The filter, for coordination meetings (or rows reached from one by `via`), of what
    `user` may see. A meeting is a kecamatan's (6-digit `region_code`) or a kabupaten's (4).

    - pendamping: the meetings of their kecamatan, which they attend;
    - korcam: those of their kecamatan, which they chair, and those of their kabupaten,
      which they attend;
    - korkab, korwil: every meeting in their region (the kabupaten's and its kecamatan's);
    - admin pusat, superuser: everything; auditor: everything, or their region (read only);
    - operator and anyone else: nothing (the meetings are the pendamping's line, DESIGN §1).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    prefix = f"{via}__" if via else ""
    region = user.region_id or ""
    if user.role == Role.AUDITOR and not region:
        return Q()
    if not region:
        return NOTHING
    if user.role == Role.PENDAMPING:
        return Q(**{f"{prefix}level": "kecamatan", f"{prefix}region_code": region[:6]})
    if user.role == Role.KORCAM:
        return Q(**{f"{prefix}level": "kecamatan", f"{prefix}region_code": region[:6]}) | Q(
            **{f"{prefix}level": "kabupaten", f"{prefix}region_code": region[:4]}
        )
    if user.role in (Role.KORKAB, Role.KORWIL, Role.AUDITOR):
        return Q(**{f"{prefix}region_code__startswith": region})
    return NOTHING


def action_item_filter(user) -> Q:
    """Action items: those of the meetings `user` sees, and their own wherever raised."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    seen = coordination_meeting_filter(user, via="meeting")
    # An empty Q is dropped by `|`: "everything | mine" would read as "mine" alone.
    return seen if seen == Q() else seen | Q(owner=user)


def work_plan_filter(user, via: str = "") -> Q:
    """The filter, for monthly work plans (DESIGN §9), of what `user` may see; `via` is the
    path from the row to its plan ("plan" for plan lines).

    - pendamping: their own plans;
    - korcam, korkab, korwil: the plans of the pendamping of their region (they supervise
      them, DESIGN §1: pembinaan berjenjang);
    - admin pusat, superuser: every plan; auditor: every plan, or their region's;
    - operator and anyone else: nothing (the Dinas Sosial runs imports, reconciliation and
      reports on families, not the pendamping's own work).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    prefix = f"{via}__" if via else ""
    if user.is_superuser or user.role == Role.ADMIN_PUSAT:
        return Q()
    if user.role == Role.PENDAMPING:
        return Q(**{f"{prefix}pendamping_id": user.pk})
    if user.role in (Role.KORCAM, Role.KORKAB, Role.KORWIL, Role.AUDITOR):
        if not user.region_id:
            return Q() if user.role == Role.AUDITOR else NOTHING
        return Q(**{f"{prefix}pendamping__region__code__startswith": user.region_id})
    return NOTHING
