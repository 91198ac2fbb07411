"""KKS card custody: who holds each family's card, its history, and the cards to chase.

DESIGN §10: a KKS card is held by the KPM, held by someone else, lost,
blocked or replaced. The newest `KksCustody` entry (by `since`, then id) is
the card's status now. A family with no entry at all is taken to hold its
own card: the history only starts when a pendamping first records something.
"""

import re
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import may_change_family_data
from harapan.audit import trail
from harapan.display import formats
from harapan.registry import changes, worklog
from harapan.registry.models import ChangeKind, Family

from .models import KksCustody, KksHolder, KksStatus

AWAY_STATUSES = [s for s in KksStatus.values if s != KksStatus.HELD_BY_KPM]
VIOLATION_HOLDERS = (KksHolder.PENDAMPING, KksHolder.GROUP_LEADER)
# Holders not identified by their role alone: the page must say who they are.
NAMED_HOLDERS = (KksHolder.RELATIVE, KksHolder.VILLAGE_OFFICIAL, KksHolder.OTHER)
_CARD_SEPARATORS = re.compile(r"[\s\-]")
_DIGITS = re.compile(r"[0-9]+")  # not \d, which also matches other scripts' digits


def _latest_entry() -> QuerySet:
    """The newest custody entry of the outer family, as a correlated subquery."""
    return KksCustody.objects.filter(family=OuterRef("pk")).order_by("-since", "-id")


def current_custody(families: QuerySet) -> QuerySet:
    """`families` annotated with their card's status now, in the same query.

    Adds `kks_status`, `kks_holder`, `kks_holder_name`, `kks_since` (all None
    when the family has no entry, i.e. the KPM holds the card) and
    `kks_violation`.
    """
    latest = _latest_entry()
    return families.annotate(
        kks_status=Subquery(latest.values("status")[:1]),
        kks_holder=Subquery(latest.values("holder")[:1]),
        kks_holder_name=Subquery(latest.values("holder_name")[:1]),
        kks_since=Subquery(latest.values("since")[:1]),
    ).annotate(
        kks_violation=Case(
            When(
                kks_status=KksStatus.HELD_BY_OTHER,
                kks_holder__in=VIOLATION_HOLDERS,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def not_in_kpm_hands(user) -> QuerySet:
    """Families in `user`'s scope whose card is not held by the KPM now.

    Ordered for grouping by pendamping (families without one last), then
    violations first within each pendamping's group.
    """
    # A family whose latest entry is not "held by the KPM" has at least one such
    # entry: this cheap semi-join spares the correlated subqueries for the
    # thousands of families of a kabupaten that never had a card problem.
    ever_away = KksCustody.objects.exclude(status=KksStatus.HELD_BY_KPM).values("family_id")
    families = Family.objects.visible_to(user).filter(pk__in=ever_away)
    return (
        current_custody(families)
        # `in` rather than "not held by the KPM": it also leaves out families with
        # no entry (NULL), and puts the subquery in the WHERE clause only once.
        .filter(kks_status__in=AWAY_STATUSES)
        .select_related("pendamping")
        .order_by(
            F("pendamping__first_name").asc(nulls_last=True),
            F("pendamping__last_name").asc(nulls_last=True),
            F("pendamping__username").asc(nulls_last=True),
            "pendamping_id",
            "-kks_violation",
            "registry_id",
        )
    )


def not_in_kpm_hands_counts(families: QuerySet) -> dict[str, int]:
    """{"total": …, "violations": …} of a `not_in_kpm_hands` queryset, in one query."""
    return families.order_by().aggregate(
        total=Count("pk"), violations=Count("pk", filter=Q(kks_violation=True))
    )


def latest_entry(family: Family) -> KksCustody | None:
    return family.kks_history.order_by("-since", "-id").first()


def clean_card_number(number: str) -> str:
    """Card numbers are often written in groups of four; only the digits are kept."""
    number = _CARD_SEPARATORS.sub("", number or "")
    if number and not _DIGITS.fullmatch(number):
        raise ValidationError({"kks_number": _("No KKS hanya boleh berisi angka.")})
    return number


def _validate(
    *,
    status: str,
    since: date,
    holder: str,
    holder_name: str,
    kks_number: str,
    previous: KksCustody | None,
) -> None:
    errors: dict[str, str] = {}
    if status not in KksStatus.values:
        errors["status"] = _("Status kartu tidak dikenal.")
    if status == KksStatus.HELD_BY_OTHER:
        if not holder:
            errors["holder"] = _("Pilih siapa yang memegang kartu.")
        elif holder not in KksHolder.values:
            errors["holder"] = _("Pemegang kartu tidak dikenal.")
        elif holder in NAMED_HOLDERS and not holder_name:
            errors["holder_name"] = _("Tuliskan nama pemegang kartu.")
    elif holder or holder_name:
        errors["holder"] = _("Pemegang hanya diisi bila kartu dipegang orang lain.")
    if kks_number and status != KksStatus.REPLACED:
        errors["kks_number"] = _("No KKS baru hanya diisi bila kartu diganti.")
    if since > timezone.localdate():
        errors["since"] = _("Tanggal tidak boleh di masa depan.")
    elif previous is not None and since < previous.since:
        errors["since"] = _("Tanggal tidak boleh sebelum catatan terakhir (%(date)s).") % {
            "date": formats.day(previous.since)
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_kks_status(
    family: Family,
    *,
    status: str,
    since: date,
    holder: str = "",
    holder_name: str = "",
    note: str = "",
    kks_number: str | None = None,
    acting_user,
) -> KksCustody:
    """Append an entry to the family's card history; a replacement may bring a new number.

    Raises PermissionDenied when the user may not change this family's data,
    ValidationError (by field name) when the entry does not make sense.
    """
    if not may_change_family_data(acting_user) or not (
        Family.objects.visible_to(acting_user).filter(pk=family.pk).exists()
    ):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data KPM ini."))
    # Locking the family serialises two recordings for one card, so that "not
    # before the previous entry" still holds when both are written at once.
    family = Family.objects.select_for_update().get(pk=family.pk)
    holder_name = (holder_name or "").strip()
    new_number = clean_card_number(kks_number or "")
    previous = latest_entry(family)
    _validate(
        status=status,
        since=since,
        holder=holder or "",
        holder_name=holder_name,
        kks_number=new_number,
        previous=previous,
    )
    if new_number and new_number != family.kks_number:
        # The number the money goes to changes only on approval (DESIGN §12 data
        # updates): the replacement proposes it, the family keeps the old one till then.
        changes.request_change(
            family,
            ChangeKind.PAYMENT,
            {"bank": family.bank, "kks_number": new_number},
            note=_("Kartu KKS diganti (catatan KKS)."),
            acting_user=acting_user,
        )
    entry = KksCustody.objects.create(
        family=family,
        region_code=family.region_code,
        # The card the entry is about: the new one when it replaces the old.
        kks_number=new_number or family.kks_number,
        status=status,
        holder=holder or "",
        holder_name=holder_name,
        since=since,
        note=(note or "").strip(),
        recorded_by=acting_user,
    )
    details = {
        "family": family.registry_id,
        "status": entry.status,
        "holder": entry.holder,
        "holder_name": entry.holder_name,
        "since": entry.since,
        "kks_number": entry.kks_number,
    }
    trail.record(
        acting_user, "benefits.kks.record", entry, details=details, region_code=family.region_code
    )
    worklog.record_one(acting_user, worklog.KKS_CHECK, on=timezone.localdate(),
                       source=f"benefits.kks:{entry.pk}", family=family)  # fmt: skip
    if entry.is_violation:
        # A separate action name, so supervisors can search the trail for it alone.
        trail.record(
            acting_user,
            "benefits.kks.violation",
            entry,
            details={**details, "pendamping": family.pendamping_id},
            region_code=family.region_code,
        )
    return entry
