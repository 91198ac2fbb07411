"""The verification upload page: stores the file on a run; a task imports it (`tasks.py`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import may_change_family_data
from harapan.jobs.models import RunKind
from harapan.uploads import DryRunUploadForm, TableFileField, upload_page

from .tasks import import_verification_upload


class UploadForm(DryRunUploadForm):
    file = TableFileField(label=_("Berkas verifikasi (.csv UTF-8 atau .xlsx)"))


@login_required
def verification_upload(request):
    if not may_change_family_data(request.user):
        raise PermissionDenied
    return upload_page(
        request, kind=RunKind.VERIFICATION_IMPORT, task=import_verification_upload,
        form_class=UploadForm, template="compliance/verification_upload.html",
    )  # fmt: skip


urlpatterns = [
    path("impor/", verification_upload, name="verification_upload"),
]
