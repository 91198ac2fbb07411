"""The user's own profile: who they are, the language they read, their password."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from . import actions
from .forms import LanguageForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        actions.choose_language(user, language)
        with translation.override(language):  # said in the language just chosen
            messages.success(request, _("Bahasa tampilan disimpan."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


class PasswordChange(auth_views.PasswordChangeView):
    """Django's own view and form, with the app's page and an audit row."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_change(form.user)
        return response


password_change = PasswordChange.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="accounts/password_change_done.html"
)
