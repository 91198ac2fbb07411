from . import views_disbursement, views_kks

app_name = "benefits"
urlpatterns = views_disbursement.urlpatterns + views_kks.urlpatterns
