"""The public complaint pages (DESIGN §8, no sign-in): file a complaint, follow it with its
code and PIN, reopen it; and the staff's download of a complaint's attachment.

The PIN travels only in POST bodies (never in a URL, so never in a log) and the pages
that show it are not cached. Per client address, the form counts the complaints it
accepted and the tracking pages count wrong code/PIN pairs (also per code), in the shared
"throttle" cache (accounts/throttling.py); past the limit the answer is 429.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from harapan.accounts import throttling
from harapan.audit import trail
from harapan.lib import regioncode
from harapan.regions.models import Region

from . import actions
from .forms_public import PublicComplaintForm, ReopenForm, TrackForm, step_initial
from .models import Complaint, Status, normalize_kode

WRONG_PIN = gettext_lazy("Kode pengaduan atau PIN salah.")  # one message: it does not tell which


def _too_many(request, wait: int) -> HttpResponse:
    response = render(request, "complaints/public/too_many.html",
                      {"minutes": -(-wait // 60)}, status=429)  # fmt: skip
    response["Retry-After"] = str(wait)
    return response


def _submission_key(request) -> str:
    return f"complaint-submissions:{throttling.client_ip(request)}"


def _submission_wait(request) -> int:
    window = settings.HARAPAN_COMPLAINT_RATE_WINDOW_SECONDS
    limit = settings.HARAPAN_COMPLAINT_RATE_LIMIT
    return throttling.retry_after(_submission_key(request), limit=limit, seconds=window)


@never_cache
def public_form(request):
    """File a complaint. A POST with `langkah` is a step of the desa picker without
    JavaScript: the form comes back with the next level's list and what was typed."""
    if request.method == "POST" and "langkah" not in request.POST:
        wait = _submission_wait(request)
        if wait:
            return _too_many(request, wait)
        form = PublicComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                complaint, pin = actions.submit_complaint(**form.complaint_fields())
            except ValidationError as problem:
                form.add_action_errors(problem)
            else:
                window = settings.HARAPAN_COMPLAINT_RATE_WINDOW_SECONDS
                throttling.count(_submission_key(request), seconds=window)
                return render(request, "complaints/public/submitted.html",
                              {"complaint": complaint, "pin": pin})  # fmt: skip
        form.renew_challenge()
    elif request.method == "POST":
        form = PublicComplaintForm(initial=step_initial(request.POST))
    else:  # a link may open the picker at a kabupaten or kecamatan
        form = PublicComplaintForm(initial=step_initial(request.GET))
    limit = settings.HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB
    return render(request, "complaints/public/form.html", {"form": form, "attachment_limit": limit})


@require_GET
def public_regions(request):
    """The children of a region (`?induk=18`, `1806`, `180601`), or the provinces: code and
    name, public data, for the desa picker's script."""
    parent = request.GET.get("induk", "")
    try:
        level = regioncode.level(parent) + 1 if parent else regioncode.PROVINCE
    except (regioncode.InvalidRegionCode, KeyError):
        return JsonResponse({"detail": _("Kode wilayah tidak sah.")}, status=400)
    if level > regioncode.DESA:
        return JsonResponse({"detail": _("Desa/kelurahan tidak mempunyai wilayah di bawahnya.")},
                            status=400)  # fmt: skip
    rows = Region.objects.at_level(level).filter(parent_code=parent).order_by("name", "code")
    found = [{"kode": code, "nama": name} for code, name in rows.values_list("code", "name")]
    return JsonResponse({"wilayah": found})


def _pin_keys(request, kode: str) -> list[str]:
    return [f"complaint-pin-failures:{throttling.client_ip(request)}",
            f"complaint-pin-failures:{kode}"]  # fmt: skip


def _find(request, form) -> tuple[Complaint | None, HttpResponse | None]:
    """The complaint of the code and PIN of a valid form, or None (the error is on the form);
    or a 429 once the address or the code has tried too many wrong PINs."""
    kode = normalize_kode(form.cleaned_data["kode"])
    keys, window = _pin_keys(request, kode), settings.HARAPAN_COMPLAINT_PIN_WINDOW_SECONDS
    wait = max(throttling.retry_after(key, limit=settings.HARAPAN_COMPLAINT_PIN_FAILURE_LIMIT,
                                      seconds=window) for key in keys)  # fmt: skip
    if wait:
        return None, _too_many(request, wait)
    complaint = Complaint.objects.filter(kode=kode).first()
    if complaint is None or not complaint.check_pin(form.cleaned_data["pin"]):
        for key in keys:
            throttling.count(key, seconds=window)
        form.add_error(None, WRONG_PIN)
        return None, None
    return complaint, None


def reopen_offered(complaint: Complaint) -> bool:
    """Resolved, never reopened, and within the days the complainant has to reopen it."""
    return bool(
        complaint.status == Status.RESOLVED
        and not complaint.reopened
        and timezone.now() <= complaint.resolved_at + timedelta(days=actions.REOPEN_DAYS)
    )


def _tracked(request, complaint: Complaint, form, *, done: str = "", problem: str = ""):
    reopen_form = None
    if reopen_offered(complaint):
        reopen_form = ReopenForm(initial={"kode": complaint.kode, "pin": form.cleaned_data["pin"]})
    context = {"form": TrackForm(), "complaint": complaint, "reopen_form": reopen_form,
               "reopen_days": actions.REOPEN_DAYS, "done": done, "problem": problem}  # fmt: skip
    return render(request, "complaints/public/track.html", context)


@never_cache
def track(request):
    """Follow a complaint with its code and PIN (a POST: the PIN stays out of URLs)."""
    form = TrackForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        complaint, refused = _find(request, form)
        if refused:
            return refused
        if complaint is not None:
            return _tracked(request, complaint, form)
    return render(request, "complaints/public/track.html", {"form": form})


@never_cache
@require_POST
def public_reopen(request):
    """Reopen a resolved complaint (actions.reopen_complaint: once, within 14 days)."""
    form = ReopenForm(request.POST)
    if not form.is_valid():
        problem = _("Buka pengaduan dengan kode dan PIN-nya, lalu tulis alasannya.")
        return render(request, "complaints/public/track.html",
                      {"form": TrackForm(), "problem": problem})  # fmt: skip
    complaint, refused = _find(request, form)
    if refused:
        return refused
    if complaint is None:
        return render(request, "complaints/public/track.html",
                      {"form": TrackForm(), "problem": WRONG_PIN})  # fmt: skip
    try:
        complaint = actions.reopen_complaint(complaint.kode, form.cleaned_data["pin"],
                                             reason=form.cleaned_data["alasan"])  # fmt: skip
    except ValidationError as refusal:
        return _tracked(request, complaint, form, problem=" ".join(refusal.messages))
    done = _("Pengaduan dibuka kembali; petugas akan menanganinya lagi.")
    return _tracked(request, complaint, form, done=done)


@login_required
def attachment(request, kode: str):
    """A complaint's attachment, for the staff who see the complaint (404 for anyone else),
    as a download the browser does not open in the page; each download is audited."""
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), kode=kode)
    stored = complaint.attachments.order_by("pk").first()
    if stored is None:
        raise Http404(_("Pengaduan ini tidak berlampiran."))
    trail.record(request.user, "complaints.attachment.download", complaint,
                 details={"berkas": stored.name})  # fmt: skip
    response = HttpResponse(bytes(stored.data), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(True, stored.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
