from django.urls import path

from . import views_coaching as views

urlpatterns = [
    path("pembinaan/", views.coaching_list, name="coaching_list"),
    path("pembinaan/baru/", views.coaching_new, name="coaching_new"),
    path("pembinaan/<int:pk>/", views.coaching_detail, name="coaching_detail"),
    path(
        "pembinaan/<int:pk>/tindak-lanjut/", views.coaching_follow_up, name="coaching_follow_up"
    ),  # fmt: skip
]
