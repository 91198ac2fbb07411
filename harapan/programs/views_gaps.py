"""The gap lists on pages (DESIGN §9, issue 17): a summary per pendamping, desa or
kecamatan, the list of one gap with its filters, and its download (CSV, XLSX).

Thin over `gaps.py`; members and families are read through `visible_to(user)`. Every
role with a region reads them (the auditor too: nothing here writes).
"""

from datetime import date
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _t

from harapan.accounts.models import User
from harapan.accounts.roles import Role, sees_full_nik
from harapan.audit import trail
from harapan.exports import (
    Counted,
    audit_export,
    count_line,
    streaming_csv_response,
    xlsx_response,
)
from harapan.lib import regioncode
from harapan.lib.nik import shown_nik
from harapan.paging import paginate
from harapan.registry import eligibility
from harapan.registry.models import Family, Member
from harapan.registry.naming import family_label, name_families
from harapan.reporting import bound_form, region_names, require_role, scope_heading

from .catalogue import Gap
from .forms_gaps import NO, NO_PENDAMPING, PER_CHOICES, YES, GapListForm, SummaryForm, today_text
from .gaps import (
    KECAMATAN,
    PENDAMPING,
    family_gap,
    gap_counts_by,
    member_gap,
    with_proposal_date,
)

PAGE_SIZE = 50


def list_defaults() -> dict:
    return {"celah": Gap.PIP, "tanggal": today_text()}


def _list_form(request: HttpRequest) -> GapListForm:
    data = {**list_defaults(), **{k: v for k, v in request.GET.items()}}
    form = GapListForm(data, user=request.user)
    form.is_valid()
    return form


def gap_rows_of(user, gap: str, day: date, region: str = "", pendamping: str = "",
                proposed: str = ""):  # fmt: skip
    """The rows of gap `gap` on `day` that `user` sees, with the list's filters."""
    if gap == Gap.BPNT:
        families = Family.objects.visible_to(user)
        rows, family = family_gap(day, families), ""
    else:
        rows, family = member_gap(gap, day, Member.objects.visible_to(user)), "family__"
    if region:
        rows = rows.filter(region_code__startswith=region)
    if pendamping == NO_PENDAMPING:
        rows = rows.filter(**{f"{family}pendamping__isnull": True})
    elif pendamping:
        rows = rows.filter(**{f"{family}pendamping_id": pendamping})
    if proposed:
        rows = rows.filter(pending=proposed == YES)
    return rows


def _filtered(user, form: GapListForm):
    data = form.cleaned_data
    gap, day = data["celah"], data["tanggal"]
    rows = gap_rows_of(user, gap, day, data["desa"], data["pendamping"], data["diusulkan"])
    if gap == Gap.BPNT:
        return rows.order_by("region_code", "registry_id")
    return rows.select_related("family").order_by("region_code", "family__registry_id", "nik")


def _present(gap: str, day: date, rows: list, full: bool) -> list:
    """Each row as the page and the download show it: its family (named), its member."""
    families = rows if gap == Gap.BPNT else [member.family for member in rows]
    name_families(families)
    for row, family in zip(rows, families, strict=True):
        row.gap_family = family
        row.member_name = "" if gap == Gap.BPNT else row.name
        row.shown_nik = "" if gap == Gap.BPNT else shown_nik(row.nik, full)
        row.component_label = (
            "" if gap in (Gap.BPNT, Gap.PBI) else eligibility.LABELS.get(row.component, "")
        )
    return rows


@login_required
def gap_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    form = _list_form(request)
    context = {"form": form, "scope": scope_heading(request.user)}
    if not form.is_valid():
        return render(request, "programs/gap_list.html", context, status=400)
    gap, day = form.cleaned_data["celah"], form.cleaned_data["tanggal"]
    rows = with_proposal_date(gap, day, _filtered(request.user, form))
    page, pager = paginate(request, rows, PAGE_SIZE)
    full = sees_full_nik(request.user)
    shown = _present(gap, day, list(page.object_list), full)
    if full and gap != Gap.BPNT and shown:
        # Full NIKs shown are logged (DESIGN §11), once per page rather than per row.
        trail.record(request.user, "programs.gaps.view_nik", region_code=request.user.region_id
                     or "", details={"count": len(shown), "celah": gap})  # fmt: skip
    context.update(
        gap=gap, gap_label=Gap(gap).label, day=day, rows=shown, pager=pager,
        total=pager.total, member_gap=gap != Gap.BPNT,
        downloads={fmt: f"{reverse(f'programs:gap_list_{fmt}')}?{request.GET.urlencode()}"
                   for fmt in ("csv", "xlsx")},
    )  # fmt: skip
    return render(request, "programs/gap_list.html", context)


EXPORT_HEADER = ["celah", "id_keluarga", "keluarga", "nik", "nama", "komponen", "diusulkan",
                 "tanggal_usulan"]  # fmt: skip


def _export_lines(request: HttpRequest, form: GapListForm):
    gap, day = form.cleaned_data["celah"], form.cleaned_data["tanggal"]
    rows = with_proposal_date(gap, day, _filtered(request.user, form))
    full = sees_full_nik(request.user)
    batch: list = []

    def flush():
        for row in _present(gap, day, batch, full):
            yield [gap, row.gap_family.registry_id, family_label(row.gap_family), row.shown_nik,
                   row.member_name, row.component_label, YES if row.pending else NO,
                   row.proposed_on.isoformat() if row.proposed_on else ""]  # fmt: skip
        batch.clear()

    for row in rows.iterator(chunk_size=2000):
        batch.append(row)
        if len(batch) == 2000:
            yield from flush()
    yield from flush()


@login_required
def gap_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require_role(request.user)
    form = _list_form(request)
    if not form.is_valid():
        context = {"form": form, "scope": scope_heading(request.user)}
        return render(request, "programs/gap_list.html", context, status=400)
    data = form.cleaned_data
    gap, day = data["celah"], data["tanggal"]
    name = f"celah-{gap.lower()}-{day.isoformat()}"
    filters = {"celah": gap, "tanggal": day.isoformat(), "desa": data["desa"],
               "pendamping": data["pendamping"], "diusulkan": data["diusulkan"]}  # fmt: skip
    full = sees_full_nik(request.user)
    lines = Counted(EXPORT_HEADER, _export_lines(request, form))
    if fmt == "xlsx":
        about = [[key, value] for key, value in filters.items()]
        about.append(["cakupan", scope_heading(request.user)])
        about = chain(about, count_line("jumlah baris", lines))
        response = xlsx_response(f"{name}.xlsx", "celah", lines, about, request.user)
        audit_export(request.user, "programs.gaps.export", rows=lines.count, full_nik=full,
                     **filters)  # fmt: skip
        return response
    # A streamed CSV is written after the view returns: its audit row says what was asked.
    audit_export(request.user, "programs.gaps.export", full_nik=full, **filters)
    return streaming_csv_response(f"{name}.csv", lines)


# The summary ----------------------------------------------------------------------------


def _default_per(user) -> str:
    return PENDAMPING if user.role in (Role.PENDAMPING, Role.KORCAM) else KECAMATAN


def _group_names(per: str, keys) -> dict:
    if per == PENDAMPING:
        people = User.objects.filter(pk__in=[k for k in keys if k is not None])
        names = {person.pk: str(person) for person in people}
        names[None] = _t("(tanpa pendamping)")
        return names
    return region_names(keys)


def _list_url(**query) -> str:
    return f"{reverse('programs:gap_list')}?{urlencode(query)}"


def _summary_rows(user, day: date, per: str) -> tuple[list, list]:
    counted = gap_counts_by(per, day, Member.objects.visible_to(user),
                            Family.objects.visible_to(user))  # fmt: skip
    names = _group_names(per, counted.keys())
    rows = []
    for key, counts in counted.items():
        if per == PENDAMPING:
            where = {"pendamping": key if key is not None else NO_PENDAMPING}
        else:
            where = {"desa": key}
        cells = [(c, _list_url(celah=c.gap, tanggal=day.isoformat(), **where)) for c in counts]
        label = names.get(key) or regioncode.dotted(key)
        rows.append({"label": label, "code": "" if per == PENDAMPING else key, "cells": cells})
    rows.sort(key=lambda row: (row["code"], row["label"]))
    totals = [
        (sum(r["cells"][i][0].total for r in rows), sum(r["cells"][i][0].pending for r in rows),
         _list_url(celah=gap, tanggal=day.isoformat()))
        for i, gap in enumerate(Gap)
    ]  # fmt: skip
    return rows, totals


@login_required
def gap_summary(request: HttpRequest) -> HttpResponse:
    require_role(request.user)
    defaults = {"tanggal": today_text(), "per": _default_per(request.user)}
    form = bound_form(SummaryForm, request, defaults)
    context = {"form": form, "scope": scope_heading(request.user), "gaps": Gap}
    if not form.is_valid():
        return render(request, "programs/gap_summary.html", context, status=400)
    day, per = form.cleaned_data["tanggal"], form.cleaned_data["per"]
    rows, totals = _summary_rows(request.user, day, per)
    context.update(day=day, per=per, per_label=dict(PER_CHOICES)[per], rows=rows, totals=totals)
    return render(request, "programs/gap_summary.html", context)
