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
    path("pekerjaan/", include("harapan.jobs.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
