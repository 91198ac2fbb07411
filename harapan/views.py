"""Project-level pages that draw on several apps (the home dashboard, the error page)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils import timezone

from harapan.accounts.roles import Role, follows_data_checks, may_assign_pendamping
from harapan.graduation.targets import home_progress
from harapan.jobs.access import runs_to_follow
from harapan.registry.models import DataFinding, Family


@login_required
def home(request):
    user = request.user
    families = Family.objects.visible_to(user)
    context = {
        "role_label": Role(user.role).label if user.role else "",
        "family_count": families.count(),
        "active_count": families.active().count(),
        # The GSM target is on every dashboard (DESIGN §7).
        "gsm": home_progress(user, timezone.localdate().year),
    }
    if may_assign_pendamping(user):
        # A family without a pendamping is on nobody's list: the coordinator's to-do (§11).
        context["unassigned_count"] = families.active().filter(pendamping__isnull=True).count()
    if follows_data_checks(user):
        # The nightly data check's findings wait for someone to correct the data (§12).
        context["finding_count"] = DataFinding.objects.visible_to(user).count()
    # An upload or recompute under way, or one to correct and repeat (§11).
    context["runs"] = runs_to_follow(user)[:5]
    return render(request, "home.html", context)


def server_error(request):
    """The 500 page in the app's layout and the user's language (handler500).

    Django's own handler renders 500.html without the request, so the layout could not
    draw the menu; this one passes it. If even that fails (the database being what broke),
    the answer is still a plain 500.
    """
    try:
        return render(request, "500.html", status=500)
    except Exception:
        return HttpResponseServerError(
            '<!doctype html><html lang="id"><title>Harapan</title>'
            '<h1>Terjadi kesalahan (500)</h1><p><a href="/">Beranda</a></p></html>'
        )
