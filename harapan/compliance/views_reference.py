"""Schools and health facilities pages, and a family's links to them: thin over reference.py.

Operators (and admin pusat) keep the reference data of their region; every
other role reads that of its own region. Saving goes through
`actions.save_reference` and `actions.link_service`.
"""

from dataclasses import dataclass
from operator import attrgetter, methodcaller

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from harapan import downloads
from harapan.accounts.roles import may_change_family_data, sees_full_nik
from harapan.display import formats
from harapan.downloads import Column, Table
from harapan.jobs.models import RunKind
from harapan.paging import paginate
from harapan.regions.models import Region
from harapan.registry.actions import record_nik_view
from harapan.registry.models import Family
from harapan.registry.naming import family_label, name_families
from harapan.uploads import accepted, recent_runs, start_import

from . import actions, calendar, reference
from .forms_reference import (
    FacilityForm,
    MemberServiceForm,
    ReferenceFilterForm,
    ReferenceUploadForm,
    SchoolForm,
    service_rows,
)
from .reference import ReferenceKind
from .tasks import import_reference_upload

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    kind: ReferenceKind
    form: type
    code_field: str
    title: str
    columns_help: str
    run_kind: str


PAGES = {
    "sekolah": Page(
        reference.SCHOOLS, SchoolForm, "npsn", gettext_lazy("Sekolah"),
        gettext_lazy("Kolom: npsn (8 angka), nama, jenjang (SD, SMP atau SMA), kode_desa. "
                     "Sekolah diperbarui menurut NPSN."),
        RunKind.SCHOOLS_IMPORT,
    ),
    "faskes": Page(
        reference.FACILITIES, FacilityForm, "code", gettext_lazy("Fasilitas kesehatan"),
        gettext_lazy("Kolom: kode_desa, nama, jenis (posyandu, puskesmas, pustu, polindes, "
                     "klinik atau rumah_sakit), kode_faskes (boleh kosong). Faskes diperbarui "
                     "menurut desa dan nama."),
        RunKind.FACILITIES_IMPORT,
    ),
}  # fmt: skip
KIND = "(?P<kind>sekolah|faskes)"


def _scope(request: HttpRequest) -> str:
    scope = reference.reference_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("Peran Anda tidak dapat melihat data sekolah dan faskes."))
    return scope


def _editor_scope(request: HttpRequest) -> str:
    scope = _scope(request)
    if not reference.may_edit_reference(request.user):
        raise PermissionDenied(_("Hanya operator yang dapat mengubah data sekolah dan faskes."))
    return scope


def _name_desa(rows) -> None:
    names = dict(
        Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", "name")
    )
    for row in rows:
        row.desa_name = names.get(row.region_code, "")


_DESA = (
    Column(gettext_lazy("Desa/kelurahan"), attrgetter("desa_name")),
    Column(gettext_lazy("Kode desa"), lambda row: formats.region(row.region_code)),
    Column(gettext_lazy("Status"), lambda row: _("Aktif") if row.active else _("Tidak aktif")),
)
TABLES = {
    "sekolah": Table("sekolah", gettext_lazy("Sekolah"), (
        Column(gettext_lazy("NPSN"), attrgetter("npsn")),
        Column(gettext_lazy("Nama"), attrgetter("name")),
        Column(gettext_lazy("Jenjang"), methodcaller("get_level_display")),
        *_DESA,
    ), prepare=_name_desa),
    "faskes": Table("faskes", gettext_lazy("Fasilitas kesehatan"), (
        Column(gettext_lazy("Nama"), attrgetter("name")),
        Column(gettext_lazy("Jenis"), methodcaller("get_kind_display")),
        Column(gettext_lazy("Kode faskes"), attrgetter("code")),
        *_DESA,
    ), prepare=_name_desa),
}  # fmt: skip


def _list_page(request, kind: str, *, upload_form=None):
    page_spec = PAGES[kind]
    scope = _scope(request)
    rows = reference.visible_references(request.user, page_spec.kind.model)
    filters = ReferenceFilterForm(request.GET, scope=scope)
    if filters.is_valid():
        rows = filters.filter(rows, page_spec.code_field)
    else:
        rows = rows.none()
    if response := downloads.serve(request, TABLES[kind], rows, filters):
        return response
    page, pager = paginate(request, rows, PAGE_SIZE)
    _name_desa(page)
    may_edit = reference.may_edit_reference(request.user)
    if may_edit and upload_form is None:
        upload_form = ReferenceUploadForm()
    context = {
        "downloads": downloads.links(request),
        "kind": kind,
        "spec": page_spec,
        "filters": filters,
        "page": page,
        "pager": pager,
        "may_edit": may_edit,
        "upload_form": upload_form if may_edit else None,
        "runs": recent_runs(request.user, page_spec.run_kind) if may_edit else [],
    }
    return render(request, "compliance/reference_list.html", context)


@login_required
def reference_list(request: HttpRequest, kind: str) -> HttpResponse:
    return _list_page(request, kind)


@login_required
def reference_upload(request: HttpRequest, kind: str) -> HttpResponse:
    scope = _editor_scope(request)
    if request.method != "POST":
        return redirect("compliance:reference_list", kind=kind)
    form = ReferenceUploadForm(request.POST, request.FILES)
    if not accepted(request, form, kind=PAGES[kind].run_kind):
        return _list_page(request, kind, upload_form=form)
    return start_import(
        request, import_reference_upload, kind=PAGES[kind].run_kind,
        upload=form.cleaned_data["file"], region_code=scope,
    )  # fmt: skip


def _edit(request: HttpRequest, kind: str, instance=None) -> HttpResponse:
    page_spec = PAGES[kind]
    form = page_spec.form(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = actions.save_reference(form.save(commit=False), acting_user=request.user)
        messages.success(request, _("%(name)s disimpan.") % {"name": obj})
        return redirect("compliance:reference_list", kind=kind)
    context = {"kind": kind, "spec": page_spec, "form": form, "object": instance}
    return render(request, "compliance/reference_form.html", context)


@login_required
def reference_new(request: HttpRequest, kind: str) -> HttpResponse:
    _editor_scope(request)
    return _edit(request, kind)


@login_required
def reference_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    _editor_scope(request)
    model = PAGES[kind].kind.model
    instance = get_object_or_404(reference.visible_references(request.user, model), pk=pk)
    return _edit(request, kind, instance)


@login_required
def member_service(request: HttpRequest, family_pk: int) -> HttpResponse:
    """Which school each pupil attends and which facility checks the others."""
    user = request.user
    family = get_object_or_404(Family.objects.visible_to(user), pk=family_pk)
    may_edit = may_change_family_data(user)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Peran Anda hanya dapat membaca data."))
    today = timezone.localdate()
    rows = service_rows(family, user, today)
    form = MemberServiceForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        changed = form.save(acting_user=user)
        messages.success(request, _("%(n)s anggota diperbarui.") % {"n": changed})
        return redirect("compliance:member_service", family_pk=family.pk)
    if sees_full_nik(user):
        record_nik_view(user, family, len(rows))
    context = {
        "family": name_families([family])[0],
        "family_label": family_label(family),
        "form": form,
        "month": calendar.month_label(calendar.month_start(today)),
        "may_edit": may_edit,
        "region": Region.objects.filter(code=family.region_code[:6]).first(),
    }
    return render(request, "compliance/member_service.html", context)


urlpatterns = [
    re_path(rf"^referensi/{KIND}/$", reference_list, name="reference_list"),
    re_path(rf"^referensi/{KIND}/baru/$", reference_new, name="reference_new"),
    re_path(rf"^referensi/{KIND}/(?P<pk>[0-9]+)/ubah/$", reference_edit, name="reference_edit"),
    re_path(rf"^referensi/{KIND}/impor/$", reference_upload, name="reference_upload"),
    path("kpm/<int:family_pk>/layanan/", member_service, name="member_service"),
]
