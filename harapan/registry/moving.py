"""A family's move takes its whole record along (DESIGN §3, §11).

Every family-level row copies the family's desa code into `region_code`, so
that scoping is a prefix match on the row itself. When the family moves,
each of those rows must follow it, or the old region keeps seeing them and
the new one never does. The registry sits below the apps that hold most of
those rows (compliance, benefits, graduation, fds...), so it may not import
them: it finds them through Django's app registry instead, as every model
with a `region_code` whose row belongs to a family: a foreign key named
`family`, or `member` (a member of the family). Other keys to a family say
something else (a P2K2 group's `leader` is a family, but the group keeps its
own desa).
"""

from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.dispatch import Signal

from .models import Family, Member

# Sent after a family's rows have moved, with `family` (already in its new desa),
# `old_region_code`, `on` (the day of the move) and `acting_user`. Apps above the
# registry answer what a new desa means for them (a P2K2 group of the old
# kecamatan is left): the registry may not import them.
family_moved = Signal()

OWNERS = {"family": (Family, "family"), "member": (Member, "member__family")}


def _path_to_family(model: type[models.Model]) -> str:
    """The lookup from a row of `model` to the family it belongs to, or ""."""
    for name, (owner, path) in OWNERS.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and field.related_model is owner:
            return path
    return ""


@cache
def rows_that_follow_the_family() -> tuple[tuple[type[models.Model], str], ...]:
    """(model, lookup to the family) of every model that carries the family's desa code."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if model is Family or "region_code" not in names:
            continue
        path = _path_to_family(model)
        if path:
            found.append((model, path))
    return tuple(found)


def move_family_rows(family: Family, region_code: str) -> dict[str, int]:
    """Set `region_code` on every row of `family`: one UPDATE per table.

    Returns the number of rows moved per model (`app.model`), those with
    none left out. Runs in the caller's transaction.
    """
    moved = {}
    for model, path in rows_that_follow_the_family():
        count = (
            model._base_manager.filter(**{path: family.pk})
            .exclude(region_code=region_code)
            .update(region_code=region_code)
        )
        if count:
            moved[model._meta.label_lower] = count
    return moved
