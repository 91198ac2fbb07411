from django.urls import path

from . import views_scorecard as views

urlpatterns = [
    path("kinerja/", views.scorecard_page, name="scorecard"),
    path("kinerja/ekspor.xlsx", views.scorecard_xlsx, name="scorecard_xlsx"),
    path("kinerja/ekspor.csv", views.scorecard_csv, name="scorecard_csv"),
    path("kinerja/target/", views.scorecard_targets, name="scorecard_targets"),
]
