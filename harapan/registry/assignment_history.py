"""Who was a family's pendamping on a past day (DESIGN §9: "families of P on the last day
of M"). Every write that changes `Family.pendamping` first calls `record_handover` with the
families about to change hands, set-based; `pendamping_on` reads it back.
"""

from datetime import date

from django.db import connection
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, QuerySet, Subquery, When
from django.utils import timezone

from harapan.registry.models import PastAssignment


def record_handover(families: QuerySet, day: date | None = None) -> int:
    """`families` (a queryset of Family) get another pendamping on `day` (today): remember
    who had each until then. One INSERT … SELECT, whatever their number."""
    sql, params = (
        families.order_by().values(fid=F("pk"), pid=F("pendamping_id")).query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PastAssignment._meta.db_table} "
            "(family_id, pendamping_id, until, recorded_at) "
            f"SELECT r.fid, r.pid, %s, %s FROM ({sql}) r",
            [day or timezone.localdate(), timezone.now(), *params],
        )
        return cursor.rowcount


def pendamping_on(day: date, family: str = "pk"):
    """An expression: the id of the pendamping of the family at the end of `day` (NULL when
    it had none). `family` is the path from the annotated rows to the family ("pk" when they
    are families).

    The first handover after `day` says who had it then; without one, its pendamping now.
    """
    later = PastAssignment.objects.filter(family=OuterRef(family), until__gt=day)
    first_later = later.order_by("until", "pk").values("pendamping_id")[:1]
    current = "pendamping_id" if family == "pk" else f"{family}__pendamping_id"
    return Case(
        When(Exists(later), then=Subquery(first_later)),
        default=F(current),
        output_field=BigIntegerField(),
    )
