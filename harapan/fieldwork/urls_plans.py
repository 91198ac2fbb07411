"""The monthly work plan pages under /kerja/rencana/ (views_plans.py)."""

from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("rencana/", views.plan, name="plan"),
    path("rencana/salin/", views.plan_copy, name="plan_copy"),
    path("rencana/tinjau/", views.plan_review_list, name="plan_review_list"),
    path("rencana/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("rencana/<int:pk>/tinjau/", views.plan_review, name="plan_review"),
]
