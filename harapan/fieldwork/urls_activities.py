from django.urls import path

from . import views_activities as views

urlpatterns = [
    path("kegiatan/", views.activity_list, name="activity_list"),
    path("kegiatan/baru/", views.activity_new, name="activity_new"),
    path("kegiatan/<int:pk>/hapus/", views.activity_delete, name="activity_delete"),
]
