"""What the report pages share: who may see them, the scope heading, query-string forms,
and region names (the exports themselves: harapan/exports.py)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _t

from harapan.accounts.roles import Role
from harapan.lib import regioncode
from harapan.regions.models import Region


def require_role(user) -> None:
    """Reports are for staff with a role; a user without one sees nothing."""
    if not (user.is_superuser or user.role):
        raise PermissionDenied


def scope_heading(user) -> str:
    if user.role == Role.PENDAMPING:
        return _t("KPM dampingan saya")
    if user.region_id:
        level = regioncode.LEVEL_NAMES[regioncode.level(user.region_id)]
        return _t("Wilayah %(level)s %(name)s") % {"level": level, "name": user.region.name}
    return _t("Semua wilayah")


def region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def bound_form(form_class, request: HttpRequest, defaults: dict) -> forms.Form:
    """The form of the query string, a missing field taking its default."""
    data = {**defaults, **{k: v for k, v in request.GET.items() if k in form_class.base_fields}}
    form = form_class(data)
    form.is_valid()
    return form


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
