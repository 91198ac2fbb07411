from django.urls import path

from . import views_meetings as views

urlpatterns = [
    path("rapat/", views.meeting_list, name="meeting_list"),
    path("rapat/baru/", views.meeting_new, name="meeting_new"),
    path("rapat/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("rapat/<int:pk>/catat/", views.meeting_record, name="meeting_record"),
    path("rapat/<int:pk>/tindak-lanjut/", views.action_item_add, name="action_item_add"),
    path("rapat/<int:pk>/perkembangan/", views.follow_up_record, name="follow_up_record"),
    path("tindak-lanjut/", views.action_items, name="action_items"),
    path("tindak-lanjut/<int:pk>/selesai/", views.action_item_close, name="action_item_close"),
]
