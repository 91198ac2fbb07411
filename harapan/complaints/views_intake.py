"""Staff intake of a complaint (DESIGN §12): a walk-in, a call to 171 or an SP4N-LAPOR!
referral, recorded by a role that writes for a desa of its region. After saving, the page
shows the tracking code and the PIN once, for the staff member to tell the complainant."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from harapan.accounts.roles import may_change_family_data

from .forms_intake import IntakeForm
from .models import Complaint


def complaint_url(complaint: Complaint, user) -> str | None:
    """The complaint's staff page, when the recording user sees it: a pendamping who records
    a complaint about a colleague's conduct hands it to the korcam and does not."""
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        return None
    return reverse("complaints:detail", kwargs={"kode": complaint.kode})


@never_cache  # the answer carries the PIN
@login_required
def intake(request: HttpRequest) -> HttpResponse:
    if not may_change_family_data(request.user):
        raise PermissionDenied(_("Peran Anda tidak mencatat pengaduan."))
    form = IntakeForm(request.POST if request.method == "POST" else None, user=request.user)
    saved = form.save() if form.is_bound else None
    if saved is not None:
        complaint, pin = saved
        context = {
            "complaint": complaint,
            "pin": pin,
            "url": complaint_url(complaint, request.user),
        }
        return render(request, "complaints/intake_done.html", context)
    status = 400 if form.is_bound else 200
    return render(request, "complaints/intake.html", {"form": form}, status=status)
