"""How far a month's verification has got, so nothing is left unverified by accident (DESIGN §5).

A member owes a commitment in a month when their component says so
(`commitments.owed`); the month's `Verification` of that member and
commitment, if any, says whether it was kept. The figures are counted in SQL
over the already scoped members, one query per call whatever their number.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Substr

from harapan import bulk

from . import commitments
from .models import Result, Verification

PENDAMPING, DESA, KECAMATAN = "pendamping", "desa", "kecamatan"
GROUPINGS = (PENDAMPING, DESA, KECAMATAN)

# What each grouping groups the owed members by.
_GROUP_KEYS = {
    PENDAMPING: F("family__pendamping_id"),
    DESA: F("region_code"),
    KECAMATAN: Substr("region_code", 1, 6),
}


@dataclass
class Figures:
    """A group's verification figures for the month; `key` is a pendamping id or a region code."""

    key: int | str | None
    owed: int = 0
    verified: int = 0
    compliant: int = 0
    non_compliant: int = 0
    excused: int = 0
    label: str = ""

    @property
    def missing(self) -> int:
        return self.owed - self.verified

    @property
    def share_verified(self) -> float | None:
        """Per cent of owed commitments with a record."""
        return 100 * self.verified / self.owed if self.owed else None

    @property
    def compliance_rate(self) -> float | None:
        """Per cent compliant of the records that judged compliance (excused ones do not)."""
        judged = self.compliant + self.non_compliant
        return 100 * self.compliant / judged if judged else None

    def add(self, other: "Figures") -> None:
        self.owed += other.owed
        self.verified += other.verified
        self.compliant += other.compliant
        self.non_compliant += other.non_compliant
        self.excused += other.excused


def figures_by(month: date, members: QuerySet, grouping) -> list[Figures]:
    """One `Figures` per group of `members` (already scoped) owing a commitment in `month`.

    `grouping` is one of GROUPINGS, or an expression over the members giving the group key
    (the scorecard groups by who was the pendamping on a past day).

    Groups are returned in no particular order, without labels.
    """
    key = _GROUP_KEYS[grouping] if isinstance(grouping, str) else grouping
    owed = (
        commitments.owed(month, members)
        .order_by()
        .values("commitment", member_pk=F("pk"), group_key=key)
    )
    try:
        owed_sql, owed_params = owed.query.sql_with_params()
    except EmptyResultSet:
        return []  # a user whose scope is empty (no region set): nothing to count
    verification = Verification._meta.db_table
    sql = f"""
        SELECT o.group_key, COUNT(*), COUNT(v.id),
               SUM(CASE WHEN v.result = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.result = %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN v.result = %s THEN 1 ELSE 0 END)
        FROM ({owed_sql}) o
        LEFT JOIN {verification} v
          ON v.member_id = o.member_pk AND v.commitment = o.commitment AND v.month = %s
        GROUP BY o.group_key"""
    params = [
        Result.COMPLIANT,
        Result.NON_COMPLIANT,
        Result.EXCUSED,
        *owed_params,
        connection.ops.adapt_datefield_value(month),
    ]
    return [Figures(*row) for row in bulk.rows(sql, params)]


def incomplete(rows: list[Figures]) -> list[Figures]:
    """The groups with a commitment still unrecorded; families without a pendamping are
    left out: they are the coordinator's other to-do, the unassigned families."""
    return [row for row in rows if row.missing and row.key is not None]


def total(rows: list[Figures]) -> Figures:
    whole = Figures(key=None)
    for row in rows:
        whole.add(row)
    return whole


def missing(month: date, members: QuerySet) -> QuerySet:
    """The `members` owing a commitment in `month` with no record of it, annotated `commitment`.

    A missing record is not non-compliance (DESIGN §5); it is listed so the
    pendamping can still verify it.
    """
    recorded = Verification.objects.filter(
        member=OuterRef("pk"), commitment=OuterRef("commitment"), month=month
    )
    return commitments.owed(month, members).filter(~Exists(recorded))
