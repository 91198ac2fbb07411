from django.urls import path

from .views_annual import annual

urlpatterns = [path("tahunan/", annual, name="annual")]
