from collections.abc import Iterable
from datetime import date

import holidays
from django.db import transaction

from harapan.audit import trail

from .models import CollectiveLeave


def published_collective_leave(years: Iterable[int]) -> dict[date, str]:
    """The cuti bersama of the SKB as the `holidays` package lists them (its government
    category), with their Indonesian names."""
    return dict(
        holidays.Indonesia(years=list(years), categories=(holidays.GOVERNMENT,), language="id")
    )


@transaction.atomic
def load_collective_leave(years: Iterable[int], *, acting_user=None) -> list[CollectiveLeave]:
    """Enters the published cuti bersama of `years` that are not entered yet.

    A day already there keeps what the admin wrote; one the admin deleted comes back, so
    this starts a year, and the admin corrects it when the SKB is revised.
    """
    years = list(years)
    entered = set(
        CollectiveLeave.objects.filter(date__year__in=years).values_list("date", flat=True)
    )
    added = []
    for day, name in sorted(published_collective_leave(years).items()):
        if day not in entered:
            leave = CollectiveLeave.objects.create(date=day, description=name[:120])
            trail.record(acting_user, "workdays.collective_leave.load", leave)
            added.append(leave)
    return added
