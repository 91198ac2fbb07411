"""The user's own profile: who they are, the language they read, their password, their
second factor; and the pages of signing in that Django does not draw."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, second_factor
from .forms import LanguageForm, SecondFactorCodeForm
from .throttling import lockout_ends


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
    return _profile_page(request, form)


def _profile_page(request, form, code_form=None, status=200) -> HttpResponse:
    user = request.user
    context = {"form": form}
    if second_factor.offered_to(user):
        device = second_factor.confirmed_device(user)
        pending = None if device else second_factor.unconfirmed_device(user)
        context["second_factor"] = {
            "device": device,
            "pending": pending,
            "qr": second_factor.qr_svg(pending) if pending else "",
            "key": second_factor.typed_key(pending) if pending else "",
            "form": code_form or SecondFactorCodeForm(),
        }
    return render(request, "accounts/profile.html", context, status=status)


def _offered_or_403(view):
    """A POST of the second factor's forms, by a role it is offered to."""

    @login_required
    @require_POST
    def wrapped(request, *args, **kwargs):
        if not second_factor.offered_to(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@_offered_or_403
def second_factor_start(request: HttpRequest) -> HttpResponse:
    if second_factor.confirmed_device(request.user) is None:
        actions.start_second_factor(request.user)
    return redirect(f"{reverse('profile')}#dua-langkah")


@_offered_or_403
def second_factor_confirm(request: HttpRequest) -> HttpResponse:
    return _with_code(
        request,
        second_factor.unconfirmed_device(request.user),
        actions.confirm_second_factor,
        _("Verifikasi dua langkah aktif. Mulai masuk berikutnya, Anda akan diminta kode."),
    )


@_offered_or_403
def second_factor_disable(request: HttpRequest) -> HttpResponse:
    return _with_code(
        request,
        second_factor.confirmed_device(request.user),
        actions.disable_second_factor,
        _("Verifikasi dua langkah dimatikan."),
    )


def _with_code(request, device, action, done: str) -> HttpResponse:
    """Runs `action` on the device with the code posted; the profile again on a wrong one."""
    if device is None:
        return redirect("profile")
    code_form = SecondFactorCodeForm(request.POST)
    if code_form.is_valid():
        if action(request.user, device, code_form.cleaned_data["code"].strip()):
            messages.success(request, done)
            return redirect(f"{reverse('profile')}#dua-langkah")
        code_form.refuse()
    return _profile_page(request, LanguageForm(instance=request.user), code_form, status=400)


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The code asked after the password (SecondFactorMiddleware sends the user here)."""
    user = request.user
    device = second_factor.confirmed_device(user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if device is None or not request.session.get(second_factor.PENDING):
        request.session.pop(second_factor.PENDING, None)
        return redirect(next_url or "home")
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.check_second_factor(user, device, form.cleaned_data["code"].strip()):
            request.session.pop(second_factor.PENDING)
            return redirect(next_url or "home")
        form.refuse()
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url})


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


def locked_out(request: HttpRequest, response, credentials: dict | None) -> HttpResponse:
    """The page of a sign-in refused by the lock-out (django-axes' AXES_LOCKOUT_CALLABLE)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ends = lockout_ends(username, request.axes_ip_address)
    context = {"username": username, "ends": ends, "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=429)
