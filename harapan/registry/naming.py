"""How a family is named on a page: its head of family and desa, with its ID beside it (DESIGN §11).

    families = name_families(page.object_list)        # Family rows
    rows = name_families_of(change_requests)          # rows with a `.family`
    {% include "registry/family_name.html" with family=row.family %}

Each call costs two queries however many families it names (one for the heads,
one for the desa names). The families given were already read through the
caller's scope (`visible_to`); naming reads only the heads of those families.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from harapan.display.formats import region
from harapan.regions.models import Region

from .models import Family, Member, Relation


def name_families(families: Iterable[Family]) -> list[Family]:
    """`families` as a list, each carrying `head_name` and `desa_name` ('' when unknown)."""
    families = list(families)
    ids = {family.pk for family in families}
    codes = {family.region_code for family in families}
    heads = Member.objects.filter(family_id__in=ids, relation=Relation.HEAD)
    # Should a family carry two heads (a data error), the first recorded wins:
    # the dict keeps the last pair it is given, so read the heads newest first.
    head_of = dict(heads.order_by("family_id", "-pk").values_list("family_id", "name"))
    desa_of = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for family in families:
        family.head_name = head_of.get(family.pk, "")
        family.desa_name = desa_of.get(family.region_code, "")
    return families


def name_families_of(rows: Iterable, attr: str = "family") -> list:
    """`rows` as a list, the family each holds in `attr` named as by `name_families`.

    Fetch the rows with `select_related(attr)` so that reading the families costs nothing.
    """
    rows = list(rows)
    name_families(getattr(row, attr) for row in rows)
    return rows


def family_label(family: Family) -> str:
    """A named family as plain text (select options, spreadsheets, messages):
    'Siti Aminah · Kuripan (KPM0000001)'."""
    head = family.head_name or _("(tanpa kepala keluarga)")
    desa = family.desa_name or region(family.region_code)
    return f"{head} · {desa} ({family.registry_id})"


__all__ = ["name_families", "name_families_of", "family_label"]
