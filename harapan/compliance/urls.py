from . import views_import, views_monitoring, views_month, views_reference

app_name = "compliance"
urlpatterns = (
    views_month.urlpatterns
    + views_reference.urlpatterns
    + views_monitoring.urlpatterns
    + views_import.urlpatterns
)
