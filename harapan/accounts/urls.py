from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("masuk/kode/", views.second_factor_verify, name="second_factor_verify"),
    path("profil/", views.profile, name="profile"),
    path("profil/sandi/", views.password_change, name="password_change"),
    path("profil/dua-langkah/mulai/", views.second_factor_start, name="second_factor_start"),
    path(
        "profil/dua-langkah/konfirmasi/",
        views.second_factor_confirm,
        name="second_factor_confirm",
    ),
    path("profil/dua-langkah/matikan/", views.second_factor_disable, name="second_factor_disable"),
    path("profil/sandi/selesai/", views.password_change_done, name="password_change_done"),
]
