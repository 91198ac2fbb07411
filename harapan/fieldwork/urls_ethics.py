from django.urls import path

from . import views_ethics as views

urlpatterns = [
    path("kode-etik/", views.ethics_list, name="ethics_list"),
    path("kode-etik/baru/", views.ethics_new, name="ethics_new"),
    path("kode-etik/<int:pk>/", views.ethics_detail, name="ethics_detail"),
    path("kode-etik/<int:pk>/periksa/", views.ethics_investigate, name="ethics_investigate"),
    path("kode-etik/<int:pk>/putuskan/", views.ethics_decide, name="ethics_decide"),
    path("keputusan-etik/<int:pk>/", views.ethics_decision, name="ethics_decision"),
]
