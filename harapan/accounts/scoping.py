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

from .roles import Role, reads_audit_trail

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
