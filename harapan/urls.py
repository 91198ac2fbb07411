from django.contrib import admin
from django.urls import include, path

from harapan import views
from harapan.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("harapan.accounts.urls")),
    path("kpm/", include("harapan.registry.urls")),
    path("bantuan/", include("harapan.benefits.urls")),
    path("verifikasi/", include("harapan.compliance.urls")),
    path("p2k2/", include("harapan.fds.urls")),
    path("graduasi/", include("harapan.graduation.urls")),
    path("pengaduan/", include("harapan.complaints.urls")),
    path("kerja/", include("harapan.fieldwork.urls")),
    path("program/", include("harapan.programs.urls")),
    path("laporan/", include("harapan.reports.urls")),
    path("pekerjaan/", include("harapan.jobs.urls")),
    path("audit/", include("harapan.audit.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# The app's own 500 page; 403 and 404 are Django's handlers with the app's 403.html/404.html.
handler500 = views.server_error
