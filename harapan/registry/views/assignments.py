"""Assigning families to pendamping, in bulk by desa or one by one (DESIGN §12).

Coordinators see the active families of their region, filtered like the
family list plus "without a pendamping", and give the ticked ones, or all
the unassigned ones of a desa, to a pendamping of that kecamatan.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from harapan.accounts.roles import may_assign_pendamping

from .. import actions
from ..forms_assign import AssignForm, AssignmentFilterForm, pendamping_in
from ..models import Family
from .families import desa_in, list_page


def _pendamping_prefix(user, desa: str) -> str:
    """Where the pendamping offered work: the chosen desa's kecamatan, else the user's region."""
    return desa[:6] if len(desa) >= 6 else desa or user.region_prefix


@login_required
def assignments(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_assign_pendamping(user):
        raise PermissionDenied(_("Hanya koordinator yang menugaskan pendamping."))
    visible = Family.objects.visible_to(user).active()
    if request.method == "POST":
        form = AssignForm(
            request.POST, pendamping=pendamping_in(user.region_prefix), families=visible
        )
        if form.is_valid():
            pendamping = form.cleaned_data["pendamping"]
            try:
                count = actions.assign_pendamping(
                    form.cleaned_data["targets"], pendamping, acting_user=user
                )
            except ValidationError as problem:
                messages.error(request, " ".join(problem.messages))
            else:
                messages.success(
                    request,
                    _("%(count)s keluarga ditugaskan ke %(pendamping)s.")
                    % {"count": count, "pendamping": pendamping},
                )
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(request.get_full_path())
    desa, desa_choices = desa_in(visible)
    search = AssignmentFilterForm(request.GET, desa_choices=desa_choices)
    context = list_page(request, search, visible, desa, desa_choices is not None)
    chosen = search.cleaned_data.get("desa", "") if search.is_valid() else ""
    prefix = _pendamping_prefix(user, chosen)
    # Nationally there are tens of thousands of pendamping: a desa narrows the choice first.
    assign = None
    if prefix:
        assign = AssignForm(
            initial={"desa": chosen}, pendamping=pendamping_in(prefix), families=visible
        )
    context.update(assign=assign, desa_chosen=len(chosen) == 10)
    return render(request, "registry/assignments.html", context)


urlpatterns = [path("penugasan/", assignments, name="assignments")]
