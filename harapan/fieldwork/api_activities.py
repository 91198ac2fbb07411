"""The activity log in the REST API (issue 16), for the offline field app: the activities the
caller sees (a pendamping their own, those above their region's: accounts/scoping
`activity_filter`), and a pendamping logging one of their own with the fields and checks of
the phone form (forms_activities.ActivityForm, the one validation of both). Codes, not labels.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from harapan.accounts.roles import Role
from harapan.api_auth import WriterSessionAuth, WriterTokenAuth
from harapan.api_contract import After, Month, api_month, documented, limit
from harapan.lib.months import month_start

from . import actions_activities as actions
from .forms_activities import ActivityForm
from .kinds import ActivityType
from .models import Activity

router = Router(tags=["kegiatan"])
PageSize = limit(500)
REFUSED = "Hanya pendamping yang mencatat kegiatannya sendiri."


class _OwnWork:
    """A pendamping, or 403 as they sign in, before the body is read (as api_auth.WRITERS):
    the same answer whatever a coordinator sends."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.role != Role.PENDAMPING:
            raise HttpError(403, REFUSED)
        return user


class _PendampingSession(_OwnWork, WriterSessionAuth):
    pass


class _PendampingToken(_OwnWork, WriterTokenAuth):
    pass


PENDAMPING_ONLY = [_PendampingSession(), _PendampingToken()]


class ActivityIn(Schema):
    tanggal: date = Field(description="Tanggal kegiatan: tidak di masa depan, paling lama 60 hari")
    jenis: ActivityType
    id_keluarga: str = Field("", max_length=30, description="KPM dampingan sendiri, boleh kosong")
    sasaran: str = Field("", max_length=200, description="Sasaran atau kelompok")
    catatan: str = Field("", max_length=5000)
    lokasi: str = Field("", max_length=200, description="Nama tempat atau 'lintang,bujur'")


class ActivityOut(Schema):
    id: int
    tanggal: date
    jenis: ActivityType
    pendamping: str = Field(description="Nama pengguna pendamping")
    id_keluarga: str | None
    sasaran: str
    catatan: str
    lokasi: str
    otomatis: bool = Field(description="Tercatat sendiri dari pekerjaan lain di Harapan")


class ActivityPage(Schema):
    items: list[ActivityOut]
    next: int | None


def _out(activity: Activity) -> dict:
    return {
        "id": activity.pk, "tanggal": activity.on, "jenis": activity.kind,
        "pendamping": activity.pendamping.username,
        "id_keluarga": activity.family.registry_id if activity.family_id else None,
        "sasaran": activity.subject, "catatan": activity.note, "lokasi": activity.location,
        "otomatis": bool(activity.source),
    }  # fmt: skip


@router.get("/activities", response=documented(ActivityPage), summary="Kegiatan yang terlihat")
def list_activities(
    request,
    bulan: Month | None = None,
    jenis: ActivityType | None = None,
    after: After = 0,
    limit: PageSize = 100,
):
    """`bulan` as YYYY-MM, this month when left out. Keyset pagination: pass `next` back as
    `after`."""
    month = api_month(bulan) if bulan else month_start(timezone.localdate())
    rows = (
        Activity.objects.visible_to(request.user).of_month(month).filter(pk__gt=after)
        .select_related("pendamping", "family").order_by("pk")
    )  # fmt: skip
    if jenis is not None:
        rows = rows.filter(kind=jenis)
    found = list(rows[: limit + 1])
    return {
        "items": [_out(a) for a in found[:limit]],
        "next": found[limit - 1].pk if len(found) > limit else None,
    }


@router.post(
    "/activities",
    auth=PENDAMPING_ONLY,
    response=documented(ActivityOut, 400, 403, status=201),
    summary="Catat kegiatan sendiri (pendamping)",
)
def log_activity(request, payload: ActivityIn):
    """A pendamping's own activity; 403 for any other role, 422 naming the refused field."""
    user = request.user
    form = ActivityForm({
        "on": payload.tanggal, "kind": payload.jenis, "family": payload.id_keluarga,
        "subject": payload.sasaran, "note": payload.catatan, "location": payload.lokasi,
    }, user=user)  # fmt: skip
    if not form.is_valid():
        raise HttpError(422, _problems(form.errors))
    try:
        activity = actions.log_activity(acting_user=user, **form.cleaned_data)
    except ValidationError as error:
        raise HttpError(422, _problems(error.message_dict)) from None
    return Answer(201, _out(activity))


# The form's fields by their names in the API.
API_NAMES = {"on": "tanggal", "kind": "jenis", "family": "id_keluarga", "subject": "sasaran",
             "note": "catatan", "location": "lokasi"}  # fmt: skip


def _problems(errors) -> str:
    return "; ".join(
        f"{API_NAMES.get(field, field)}: {' '.join(messages)}" for field, messages in errors.items()
    )
