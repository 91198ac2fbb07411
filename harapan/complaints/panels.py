"""The complaints section of the registry's family page: the family's complaints the user
sees (`visible_to`: the accused pendamping never sees a complaint about their conduct)."""

from django.template.loader import render_to_string

from .models import Complaint


def complaints_panel(request, family) -> str:
    complaints = list(Complaint.objects.visible_to(request.user).filter(family=family))
    if not complaints:
        return ""
    return render_to_string(
        "complaints/family_panel.html", {"complaints": complaints}, request=request
    )
