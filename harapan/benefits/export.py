"""The entitlement export of DESIGN §12, as CSV rows; shared by the command and the page."""

from collections.abc import Iterator

from django.db.models import QuerySet

from .models import EntitlementLine, Stage

HEADER = ["id_keluarga", "tahun", "tahap", "komponen", "jumlah"]


def entitlement_rows(stage: Stage, entitlements: QuerySet) -> Iterator[list]:
    """One row per family with at least one paid component, ordered by id_keluarga.

    `komponen` is the paid components joined by ';' in the order they took
    the family's slots (highest annual value, then the older member, then the
    lower NIK: `batch.SLOT_ORDER`, stored as the line's rank) and
    `jumlah` the total in whole rupiah. Streams: one query, read in chunks.
    """
    lines = (
        EntitlementLine.objects.filter(entitlement__in=entitlements.filter(stage=stage))
        .order_by("entitlement__family__registry_id", "rank")
        .values_list("entitlement__family__registry_id", "component", "amount")
    )
    current, components, total = None, [], 0
    for registry_id, component, amount in lines.iterator(chunk_size=5000):
        if registry_id != current:
            if current is not None:
                yield [current, stage.year_id, stage.number, ";".join(components), total]
            current, components, total = registry_id, [], 0
        components.append(component)
        total += amount
    if current is not None:
        yield [current, stage.year_id, stage.number, ";".join(components), total]
