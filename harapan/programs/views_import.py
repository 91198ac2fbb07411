"""The participations upload page: stores the file on a run; a task imports it (`tasks.py`)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import may_change_family_data
from harapan.jobs.models import RunKind
from harapan.uploads import DryRunUploadForm, TableFileField, upload_page

from .catalogue import Programme, is_member_level
from .tasks import import_programs_upload

# The codes the file's `program` column takes, each with its label and level.
PROGRAMMES = [
    {"code": p.value, "label": p.label, "member_level": is_member_level(p)} for p in Programme
]


class UploadForm(DryRunUploadForm):
    file = TableFileField(label=_("Berkas kepesertaan program (.csv UTF-8 atau .xlsx)"))


@login_required
def import_upload(request):
    if not may_change_family_data(request.user):
        raise PermissionDenied
    return upload_page(
        request, kind=RunKind.PROGRAMS_IMPORT, task=import_programs_upload,
        form_class=UploadForm, template="programs/import_upload.html", programmes=PROGRAMMES,
    )  # fmt: skip
