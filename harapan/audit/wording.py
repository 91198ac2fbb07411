"""An audit entry in words: who did what, when (DESIGN §11).

    Nur Aini mengoreksi data keluarga: Alamat 'Dusun I' → 'Dusun II' · 1 Des 2026 14.05

Fields are named by their model's verbose name, values by their label: a
choice by its display text, a boolean Ya/Tidak, a region code dotted, a date
as `1 Des 2026`, a related row (a pendamping) by its name. Used by the
family history and the audit trail view and export.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from harapan.display import formats
from harapan.lib.kk import shown_kk, shown_kks
from harapan.lib.nik import shown_nik

from .labels import UNKNOWN, Action, action_for
from .models import AuditEntry

# Values that say nothing to a reader: the hash of a password, a row's timestamps.
HIDDEN_VALUE = "***"
# The numbers that identify a person or a family, as the viewer's role may see them
# (whole only where the page says so: a family's own history, for FULL_NIK_ROLES).
MASKED = {"nik": shown_nik, "kk_number": shown_kk, "kks_number": shown_kks}

# Actions recorded on one row whose changes name the fields of another model.
CHANGED_MODEL = {"compliance.service.link": "compliance.memberservice"}

# Changes that are no field of a model: their label and how a value is written.
COMPUTED = {"total": (_lazy("Jumlah bantuan"), formats.money)}


@dataclass
class Change:
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label} {self.old} → {self.new}"


@dataclass
class Sentence:
    entry: AuditEntry
    actor: str
    action: Action
    subject: str = ""  # what it was done to, when the page does not already say
    changes: list[Change] = field(default_factory=list)

    @property
    def known(self) -> bool:
        return self.action is not UNKNOWN

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def phrase(self) -> str:
        return str(self.action.phrase)

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def object_type(self) -> str:
        return object_type_label(self.entry.object_type)

    @property
    def changes_text(self) -> str:
        return "; ".join(str(change) for change in self.changes)

    def __str__(self) -> str:
        text = f"{self.actor} {self.phrase}"
        if self.subject:
            text += f" {self.subject}"
        if self.changes:
            text += f": {self.changes_text}"
        return f"{text} · {formats.moment(self.at)}"


def actor_name(entry: AuditEntry) -> str:
    """The user's name (full name, else username); "Sistem" for a command or job.

    Read `entry.actor` through select_related("actor") to keep it to one query.
    """
    if entry.actor_id and entry.actor is not None:
        return str(entry.actor)
    return entry.actor_name or entry.details.get("username") or _("Sistem")


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def object_type_label(object_type: str) -> str:
    """ "Keluarga (KPM)" for "registry.family"; "—" when the entry has no object."""
    model = model_of(object_type)
    if model is None:
        return formats.EMPTY
    return _capital(str(model._meta.verbose_name))


def describe(
    entries, *, full_nik: bool = False, subjects: dict[tuple[str, str], str] | None = None
) -> list[Sentence]:
    """The sentences of `entries`, in their order.

    Each entry names its object by its stored text; `subjects`, when given, names
    them by (object_type, object_id) instead, and leaves the others unnamed (a
    page about one family names its members, not the family again).
    A related row in the changes (a pendamping) costs one query per model.
    """
    entries = list(entries)
    names = _related_names(entries)
    sentences = []
    for entry in entries:
        model = _changed_model(entry)
        changes = [
            _change(model, name, *entry.changes[name], full_nik, names)
            for name in _in_field_order(model, entry.changes)
            if not _is_noise(model, name)
        ]
        key = (entry.object_type, entry.object_id)
        subject = entry.object_repr if subjects is None else subjects.get(key, "")
        sentences.append(
            Sentence(entry, actor_name(entry), action_for(entry.action), subject, changes)
        )
    return sentences


def _changed_model(entry: AuditEntry) -> type[models.Model] | None:
    return model_of(CHANGED_MODEL.get(entry.action, entry.object_type))


def _field(model, name: str) -> models.Field | None:
    if model is None:
        return None
    for each in model._meta.concrete_fields:
        if name in (each.name, each.attname):
            return each
    return None


def _in_field_order(model, changes: dict) -> list[str]:
    """The changed names in the model's field order (a JSON column keeps no order on
    PostgreSQL), names that are no field last."""
    order = {}
    for index, each in enumerate(model._meta.concrete_fields if model is not None else []):
        order[each.name] = order[each.attname] = index
    return sorted(changes, key=lambda name: (order.get(name, len(order)), name))


def _is_noise(model, name: str) -> bool:
    each = _field(model, name)
    return bool(each is not None and getattr(each, "auto_now", False))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _related_names(entries) -> dict[tuple[type, str], str]:
    """{(model, pk as text): name} of the related rows named in the entries' changes."""
    wanted: dict[type, set] = {}
    for entry in entries:
        model = _changed_model(entry)
        for name, values in entry.changes.items():
            each = _field(model, name)
            if each is not None and each.many_to_one:
                wanted.setdefault(each.related_model, set()).update(v for v in values if v)
    return {
        (related, str(pk)): str(obj)
        for related, pks in wanted.items()
        for pk, obj in related._default_manager.in_bulk(pks).items()
    }


def _change(model, name: str, old, new, full_nik: bool, names) -> Change:
    each = _field(model, name)
    if each is None and name in COMPUTED:
        label, written = COMPUTED[name]
        return Change(str(label), written(old), written(new))
    label = (
        _capital(str(each.verbose_name)) if each is not None else _capital(name.replace("_", " "))
    )
    return Change(
        label,
        _value(each, name, old, full_nik, names),
        _value(each, name, new, full_nik, names),
    )


def _value(each, name: str, value, full_nik: bool, names) -> str:
    if value is None or value == "":
        return formats.EMPTY
    if value == HIDDEN_VALUE:
        return _("(disembunyikan)")
    if isinstance(value, bool) or isinstance(each, models.BooleanField):
        return formats.yes_no(bool(value))
    if name in MASKED:
        return MASKED[name](str(value), full_nik)
    if name.endswith("region_code") or name == "region_id":
        return formats.region(value)
    if each is None:
        return str(value)
    if each.many_to_one:
        return names.get((each.related_model, str(value)), formats.EMPTY)
    if each.choices:
        return str(dict(each.flatchoices).get(value, value))
    if isinstance(each, models.DateTimeField) and isinstance(value, str):
        return formats.moment(datetime.fromisoformat(value))
    if isinstance(each, models.DateField) and isinstance(value, str):
        return formats.day(date.fromisoformat(value))
    if isinstance(each, models.DecimalField):
        return formats.number(value, each.decimal_places)
    if isinstance(each, models.CharField | models.TextField):
        return f"'{value}'"
    return str(value)
