"""Project-level pages that draw on several apps (the home dashboard)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from harapan.accounts.roles import Role
from harapan.registry.models import Family


@login_required
def home(request):
    user = request.user
    families = Family.objects.visible_to(user)
    context = {
        "role_label": Role(user.role).label if user.role else "",
        "family_count": families.count(),
        "active_count": families.active().count(),
    }
    return render(request, "home.html", context)
