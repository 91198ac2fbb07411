"""The audit trail for the auditor, admin pusat and korkab: filter, page, export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from harapan import downloads, paging
from harapan.accounts.roles import reads_audit_trail
from harapan.accounts.scoping import audit_filter
from harapan.display import formats
from harapan.exports import audit_export, xlsx_response
from harapan.reporting import scope_heading

from .forms import TrailFilterForm
from .models import AuditEntry
from .wording import MASKED, describe, object_type_label

PAGE_SIZE = 50
# An export is a file someone opens: past this many rows, narrow the filters.
EXPORT_LIMIT = 100_000
EXPORT_HEADER = [
    "waktu", "nama_pengguna", "pengguna", "tindakan", "jenis_objek", "id_objek", "objek",
    "wilayah", "perubahan", "rincian",
]  # fmt: skip


def visible_entries(user) -> QuerySet:
    """The audit entries `user` may read; 403 for a role that reads no trail."""
    if not reads_audit_trail(user):
        raise PermissionDenied(_("Jejak audit hanya untuk auditor, admin pusat dan korkab."))
    return AuditEntry.objects.filter(audit_filter(user))


def _number(text) -> int:
    return int(text) if text and str(text).isdigit() else 0


def keyset_page(entries: QuerySet, query: QueryDict, total: int) -> tuple[list, paging.Pager]:
    """One page of `entries`, newest first, by (at, id) from the entry named in the query.

    `after=<id>` gives the entries older than that one, `before=<id>` the newer
    ones, so previous and next skip nothing with OFFSET however deep the page. A
    numbered page (`?halaman=N`, no cursor) is read with OFFSET, as
    `paging.keyset_page` explains; the links are the shared pager's.
    """
    after, before = _number(query.get(paging.AFTER)), _number(query.get(paging.BEFORE))
    anchor = None
    if after or before:
        anchor = AuditEntry.objects.filter(pk=after or before).values("at", "id").first()
    num_pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    number = min(paging.requested_number(query), num_pages)
    if anchor and before:
        newer = Q(at__gt=anchor["at"]) | Q(at=anchor["at"], id__gt=anchor["id"])
        rows = list(entries.filter(newer).order_by("at", "id")[: PAGE_SIZE + 1])
        has_previous, has_next = len(rows) > PAGE_SIZE, True
        rows = rows[:PAGE_SIZE][::-1]
    else:
        newest_first = entries.order_by("-at", "-id")
        if anchor:
            older = Q(at__lt=anchor["at"]) | Q(at=anchor["at"], id__lt=anchor["id"])
            rows = list(newest_first.filter(older)[: PAGE_SIZE + 1])
        else:
            rows = list(newest_first[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
        has_previous, has_next = anchor is not None or number > 1, len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
    first, last = (rows[0].pk, rows[-1].pk) if rows else (None, None)
    links = paging.cursor_pager(
        query, number, num_pages, total, has_previous, has_next, first, last
    )
    return rows, links


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    entries = visible_entries(request.user)
    form = TrailFilterForm(request.GET)
    context = {"form": form, "heading": scope_heading(request.user), "lines": [], "total": 0}
    if not form.is_valid():
        return render(request, "audit/trail.html", context, status=400)
    matching = form.filter(entries)
    total = matching.count()
    rows, pager = keyset_page(matching.select_related("actor"), request.GET, total)
    context.update(
        total=total,
        pager=pager,
        lines=describe(rows),
        downloads=downloads.links(request, reverse("audit:trail_export")),
    )
    return render(request, "audit/trail.html", context)


def _details_text(details: dict) -> str:
    return "; ".join(
        f"{key}: {MASKED[key](str(value), False) if key in MASKED and value else value}"
        for key, value in details.items()
    )


@login_required
def trail_xlsx(request: HttpRequest) -> HttpResponse:
    """The trail with the page's filters as XLSX, or as CSV (`?unduh=csv`)."""
    user = request.user
    entries = visible_entries(user)
    form = TrailFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/trail.html", {"form": form, "total": 0}, status=400)
    rows = form.filter(entries).select_related("actor").order_by("-at", "-id")[:EXPORT_LIMIT]
    lines = [EXPORT_HEADER] + [
        [formats.moment(line.at), line.actor, line.entry.actor_name, line.label,
         object_type_label(line.entry.object_type), line.entry.object_id,
         line.entry.object_repr, formats.region(line.entry.region_code), line.changes_text,
         _details_text(line.entry.details)]
        for line in describe(rows)
    ]  # fmt: skip
    if downloads.requested(request) == downloads.CSV:
        return downloads.respond(request, downloads.CSV, "jejak-audit", _("Jejak audit"), lines,
                                 len(lines) - 1, form.described())  # fmt: skip
    about = [
        ["isi", _("Jejak audit, terbaru dahulu")],
        ["cakupan", scope_heading(user)],
        *form.described(),
        ["baris", formats.number(len(lines) - 1)],
        ["batas_baris", formats.number(EXPORT_LIMIT)],
    ]
    response = xlsx_response("jejak-audit.xlsx", "jejak audit", lines, about, request.user)
    audit_export(user, "audit.trail.export", rows=len(lines) - 1,
                 filter=paging.query_with(request.GET))  # fmt: skip
    return response
