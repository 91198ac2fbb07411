"""Project-level pages that draw on several apps (the home dashboard, the error page)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils import timezone

from harapan.accounts.roles import Role
from harapan.complaints.views_handling import notices_for
from harapan.fieldwork.home import notices_for as fieldwork_notices_for
from harapan.fieldwork.home_plans import home_plan
from harapan.graduation.targets import home_progress
from harapan.registry.models import Family, FamilyStatus
from harapan.todo import todo_for


@login_required
def home(request):
    """The role's to-do first, then its figures (DESIGN §11)."""
    user = request.user
    today = timezone.localdate()
    counts = Family.objects.visible_to(user).aggregate(
        families=Count("pk"), active=Count("pk", filter=Q(status=FamilyStatus.ACTIVE))
    )
    context = {
        "role_label": Role(user.role).label if user.role else "",
        "todo": todo_for(user, today),
        # Complaints escalated to the user, until they dismiss the notice (DESIGN §8).
        "complaint_notices": notices_for(user),
        # Ethics decisions not yet read and new coaching notes about the user (DESIGN §9).
        "fieldwork_notices": fieldwork_notices_for(user, today),
        "family_count": counts["families"],
        "active_count": counts["active"],
        # The GSM target is on every dashboard (DESIGN §7).
        "gsm": home_progress(user, today.year),
        # The pendamping's plan of this month against its realisation (DESIGN §9).
        "work_plan": home_plan(user, today),
    }
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
