"""Natural exit (graduasi alamiah): who has no component left, and who soon won't (§7, §12).

`without_component(day)` is set-based: active families none of whose members
earns a component on `day`, by the registry's one rule.

The forecast gives, for each other active family, the first date after
`day` on which no member earns anything any more, when that falls within
12 months of `day` to the day. Each living member covers, for each
component, the span of dates the registry's rule gives
(`eligibility.component_spans`, ages from the year's index): early
childhood from birth to the sixth birthday when not at school; a pupil
(sd/smp/sma) from the sixth to the twenty-second birthday; the elderly from
the seventieth birthday on; a pregnancy or a severe disability with no end
the registry can know (such a family is never forecast). 29 February
birthdays come on 1 March in common years. The family's date is the first
end of a span that no other span covers. It is one SQL query over the
region, sorted and paged by the database; no query per family.

`CandidateList` is DESIGN §12's list, those without a component first:
countable and sliceable for a paginated page, iterable for a full download.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet

from harapan.display import formats
from harapan.lib.months import add_months
from harapan.registry import eligibility
from harapan.registry.models import Family, FamilyStatus, Member

FORECAST_MONTHS = 12
NO_COMPONENT = "Tidak ada anggota yang memenuhi syarat komponen"


@dataclass(frozen=True)
class Candidate:
    family_id: int
    registry_id: str
    region_code: str
    reason: str
    exit_on: date | None  # None: already without a component on the day


def without_component(day: date, families: QuerySet | None = None) -> QuerySet:
    """Active families with no member earning a component on `day`."""
    families = Family.objects.all() if families is None else families
    earning = (
        Member.objects.filter(family_id=OuterRef("pk"))
        .annotate(component=eligibility.component_expression(day, eligibility.rules_for(day.year)))
        .exclude(component=None)
    )
    return families.filter(status=FamilyStatus.ACTIVE).exclude(Exists(earning))


class Forecast:
    """Active families earning on `day` whose last component ends within `months`, in SQL."""

    def __init__(self, day: date, families: QuerySet | None = None, months: int = FORECAST_MONTHS):
        families = Family.objects.all() if families is None else families
        rules = eligibility.rules_for(day.year)
        horizon = add_months(day, months)
        self.spans = eligibility.component_spans(rules)
        bounds = {}
        for n, span in enumerate(self.spans):
            bounds[f"starts{n}"], bounds[f"ends{n}"] = span.starts, span.ends
        # Only a family with a span ending within the horizon can be a candidate,
        # and only one still earning on the day (the others are due now).
        ending = Member.objects.filter(
            eligibility.spans_ending_between(day, horizon, rules), alive=True
        ).values("family_id")
        earning = (
            Member.objects.filter(family_id=OuterRef("pk"))
            .annotate(component=eligibility.component_expression(day, rules))
            .exclude(component=None)
        )
        candidates = families.filter(status=FamilyStatus.ACTIVE, pk__in=ending).filter(
            Exists(earning)
        )
        members = (
            Member.objects.filter(family__in=candidates, alive=True)
            .order_by()
            .values("id", "family_id", "birth_date")
            .annotate(**bounds)
        )
        members_sql, members_params = members.query.sql_with_params()
        # One row per member and component they can earn; n is the component's index.
        spans_sql = " UNION ALL ".join(
            f"SELECT family_id, id AS member_id, birth_date, {n} AS component, "
            f"starts{n} AS starts, ends{n} AS ends FROM m WHERE starts{n} IS NOT NULL"
            for n in range(len(self.spans))
        )
        # An end no other span covers is a day the family earns nothing; the first
        # one within the horizon is the family's date, told with the oldest member
        # whose span ends then.
        self.sql = f"""
            WITH m AS ({members_sql}),
            spans AS ({spans_sql}),
            ending AS (
                SELECT e.family_id, e.member_id, e.component, e.ends,
                       ROW_NUMBER() OVER (PARTITION BY e.family_id
                           ORDER BY e.ends, e.birth_date, e.member_id, e.component) AS n
                FROM spans e
                WHERE e.ends > %s AND e.ends <= %s
                  AND NOT EXISTS (
                      SELECT 1 FROM spans c
                      WHERE c.family_id = e.family_id AND c.starts <= e.ends
                        AND (c.ends IS NULL OR c.ends > e.ends)))"""
        adapt = connection.ops.adapt_datefield_value
        self.params = [*members_params, adapt(day), adapt(horizon)]

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"{self.sql} SELECT COUNT(*) FROM ending WHERE n = 1", self.params)
            return cursor.fetchone()[0]

    def rows(self, offset: int = 0, limit: int | None = None) -> Iterator[Candidate]:
        """The families by date then registry ID; with `limit`, that many from `offset`."""
        sql = f"""{self.sql}
            SELECT f.id, f.registry_id, f.region_code, x.ends, x.component, p.name
            FROM ending x
            JOIN {Family._meta.db_table} f ON f.id = x.family_id
            JOIN {Member._meta.db_table} p ON p.id = x.member_id
            WHERE x.n = 1
            ORDER BY x.ends, f.registry_id"""
        params = list(self.params)
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(2000):
                for family_id, registry_id, region_code, ends, component, name in chunk:
                    yield self._candidate(
                        family_id, registry_id, region_code, ends, component, name
                    )

    def _candidate(self, family_id, registry_id, region_code, ends, component, name) -> Candidate:
        end = ends if isinstance(ends, date) else date.fromisoformat(ends)
        code = self.spans[component].component
        label = eligibility.LABELS.get(code, code)
        reason = f"Komponen terakhir ({label}, {name}) berakhir {formats.day(end)}"
        return Candidate(family_id, registry_id, region_code, reason, end)


class CandidateList:
    """DESIGN §12's list: exits due on `day`, then those forecast within 12 months.

    Counted and sliced by the database (what `Paginator` asks of it), or
    iterated whole for a download; never loaded whole to show one page.
    """

    def __init__(self, day: date, families: QuerySet | None = None):
        self.now = without_component(day, families).order_by("registry_id")
        self.soon = Forecast(day, families)
        self._counts = None

    def counts(self) -> tuple[int, int]:
        """(without a component now, forecast to lose the last one)."""
        if self._counts is None:
            self._counts = (self.now.count(), self.soon.count())
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Candidate]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("CandidateList takes slices only")
        now_count = self.counts()[0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        rows = []
        if start < now_count:
            rows += map(_without, self.now.only(*_FIELDS)[start : min(stop, now_count)])
        if stop > now_count:
            offset = max(start - now_count, 0)
            rows += self.soon.rows(offset, stop - now_count - offset)
        return rows

    def __iter__(self) -> Iterator[Candidate]:
        yield from (_without(f) for f in self.now.only(*_FIELDS).iterator(chunk_size=2000))
        yield from self.soon.rows()


_FIELDS = ("pk", "registry_id", "region_code")


def _without(family: Family) -> Candidate:
    return Candidate(family.pk, family.registry_id, family.region_code, NO_COMPONENT, None)
