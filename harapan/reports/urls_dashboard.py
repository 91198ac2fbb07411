from django.urls import path

from . import views_dashboard as views

urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/grafik/<int:number>.svg", views.dashboard_chart, name="dashboard_chart"),
    path("dasbor/ekspor.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dasbor/ekspor.csv", views.dashboard_csv, name="dashboard_csv"),
    path("riwayat/", views.history, name="history"),
    path("riwayat/ekspor.xlsx", views.history_xlsx, name="history_xlsx"),
    path("riwayat/ekspor.csv", views.history_csv, name="history_csv"),
]
