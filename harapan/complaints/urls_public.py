"""The public complaint pages (no sign-in) and the staff's attachment download."""

from django.urls import path

from . import views_public

urlpatterns = [
    path("", views_public.public_form, name="public_form"),
    path("wilayah/", views_public.public_regions, name="public_regions"),
    path("lacak/", views_public.track, name="track"),
    path("lacak/buka-kembali/", views_public.public_reopen, name="public_reopen"),
    path("kelola/<str:kode>/lampiran/", views_public.attachment, name="attachment"),
]
