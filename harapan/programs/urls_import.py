from django.urls import path

from .views_import import import_upload

urlpatterns = [
    path("impor/", import_upload, name="import_upload"),
]
