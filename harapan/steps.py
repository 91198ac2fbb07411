"""One step posted from a page: the form's and the action's refusals become messages on the
page it returns to, and nothing changes; success says so. Shared by the pages whose POSTs run
one action each (complaints, ethics cases, work plans, graduation proposals)."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _


def report_refusal(request: HttpRequest, error: Exception) -> None:
    """Each message of a refusal (ValidationError or PermissionDenied) as an error message."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error) or _("Anda tidak dapat melakukan langkah ini."))


def take_step(request: HttpRequest, form: forms.Form | None, run: Callable, done: str) -> None:
    """Validate `form` (if any), then `run(cleaned_data)`; a refusal of either is reported,
    success is the message `done`."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return
    try:
        run(form.cleaned_data if form is not None else {})
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error)
    else:
        messages.success(request, done)
