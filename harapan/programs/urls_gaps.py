from django.urls import path

from . import views_gaps

urlpatterns = [
    path("celah/", views_gaps.gap_summary, name="gaps"),
    path("celah/daftar/", views_gaps.gap_list, name="gap_list"),
    path("celah/daftar.csv", views_gaps.gap_export, {"fmt": "csv"}, name="gap_list_csv"),
    path("celah/daftar.xlsx", views_gaps.gap_export, {"fmt": "xlsx"}, name="gap_list_xlsx"),
]
