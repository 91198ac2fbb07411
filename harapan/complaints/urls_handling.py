"""The staff handling pages under /pengaduan/kelola/ (views_handling.py). A complaint's
pages match its code's own pattern, so kelola/catat/ and kelola/statistik/ stay free."""

from django.urls import path, re_path

from . import views_handling as views
from .models import KODE_PATTERN

KODE = rf"(?P<kode>{KODE_PATTERN})"

urlpatterns = [
    path("kelola/", views.complaint_list, name="list"),
    path("kelola/duplikat/", views.close_duplicates, name="close_duplicates"),
    path("kelola/pemberitahuan/dibaca/", views.notice_seen, name="notice_seen"),
    re_path(rf"^kelola/{KODE}/$", views.complaint_detail, name="detail"),
    re_path(rf"^kelola/{KODE}/triase/$", views.complaint_triage, name="triage"),
    re_path(rf"^kelola/{KODE}/tanggapi/$", views.complaint_respond, name="respond"),
    re_path(rf"^kelola/{KODE}/selesaikan/$", views.complaint_resolve, name="resolve"),
    re_path(rf"^kelola/{KODE}/catatan/$", views.complaint_note, name="note"),
    re_path(rf"^kelola/{KODE}/kpm/$", views.complaint_link_family, name="link_family"),
    re_path(rf"^kelola/{KODE}/alihkan/$", views.complaint_reassign, name="reassign"),
    re_path(
        rf"^kelola/{KODE}/terlapor/$", views.complaint_identify_accused, name="identify_accused"
    ),
]
