from django.urls import path

from . import views_statistics

urlpatterns = [
    path("kelola/statistik/", views_statistics.statistics, name="statistics"),
    path("kelola/statistik.xlsx", views_statistics.statistics_xlsx, name="statistics_xlsx"),
]
