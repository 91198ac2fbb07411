from django.urls import path

from . import views_proposals as views

urlpatterns = [
    path("usulan/", views.proposal_list, name="proposal_list"),
    path("usulan/baru/", views.propose, name="propose"),
    path("usulan/<int:pk>/hasil/", views.proposal_outcome, name="proposal_outcome"),
]
