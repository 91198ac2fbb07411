from . import views_compute, views_disbursement, views_entitlements, views_kks

app_name = "benefits"
urlpatterns = (
    views_entitlements.urlpatterns
    + views_compute.urlpatterns
    + views_disbursement.urlpatterns
    + views_kks.urlpatterns
)
