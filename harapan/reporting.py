"""What the report pages share: who may see them, the scope heading, query-string forms,
region names, audited exports and the XLSX download."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _t
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.display import formats
from harapan.lib import regioncode
from harapan.regions.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def audit_export(user, action: str, **details) -> None:
    trail.record(user, action, region_code=user.region_id or "", details=details)


def bound_form(form_class, request: HttpRequest, defaults: dict) -> forms.Form:
    """The form of the query string, a missing field taking its default."""
    data = {**defaults, **{k: v for k, v in request.GET.items() if k in form_class.base_fields}}
    form = form_class(data)
    form.is_valid()
    return form


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# A text starting with one of these is a formula to a spreadsheet (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(sheet, value):
    """`value` as a cell; a text that looks like a formula stays text, even once edited."""
    if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.quotePrefix = True  # and Excel would parse it again when the cell is edited
    return cell


def xlsx_response(filename: str, sheet_name: str, lines: list[list], about: list[list]):
    """A workbook of `lines` (header first) and a `keterangan` sheet saying what it holds.

    Every text that a spreadsheet would read as a formula is written as text.
    """
    workbook = Workbook(write_only=True)
    for name, rows in (
        (sheet_name, lines),
        ("keterangan", [*about, ["dibuat", formats.moment(timezone.now())]]),
    ):
        sheet = workbook.create_sheet(name)
        for line in rows:
            sheet.append([_cell(sheet, value) for value in line])
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    workbook.save(response)
    return response
