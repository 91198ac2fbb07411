"""The project's URLs plus three pages of complaints as a careless view would write them,
for the conduct-complaint walk to catch (test_conduct_never_shown)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from harapan.complaints.models import Complaint
from harapan.urls import *  # noqa: F403 (the error handlers included)
from harapan.urls import urlpatterns as project_urlpatterns


def complaint_kodes(request):
    """The codes of the complaints the user sees."""
    kodes = Complaint.objects.visible_to(request.user).values_list("kode", flat=True)
    return HttpResponse(" ".join(sorted(kodes)), content_type="text/plain")


def complaint_count(request):
    """Only how many, as a to-do line shows it."""
    return HttpResponse(str(Complaint.objects.visible_to(request.user).count()),
                        content_type="text/plain")  # fmt: skip


@login_required
def complaint_shown(request, kode):
    """A staff page of one complaint by its code, looked up without the user's scope."""
    complaint = Complaint.objects.get(kode=kode)
    return HttpResponse(complaint.get_kategori_display(), content_type="text/plain")


urlpatterns = [
    *project_urlpatterns,
    path("uji/pengaduan/", complaint_kodes, name="complaint_kodes"),
    path("uji/pengaduan/jumlah/", complaint_count, name="complaint_count"),
    path("uji/pengaduan/<str:kode>/", complaint_shown, name="complaint_shown"),
]
