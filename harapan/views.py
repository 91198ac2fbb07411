"""Project-level pages that draw on several apps (the home page)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from harapan.accounts.roles import Role
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
        "family_count": counts["families"],
        "active_count": counts["active"],
        # The GSM target is on every dashboard (DESIGN §7).
        "gsm": home_progress(user, today.year),
    }
    return render(request, "home.html", context)
