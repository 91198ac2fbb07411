from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/galat.csv", views.run_errors, name="run_errors"),
    path("<int:pk>/berkas/", views.run_output, name="run_output"),
]
