from django.urls import path

from . import views_intake

urlpatterns = [path("kelola/catat/", views_intake.intake, name="intake")]
