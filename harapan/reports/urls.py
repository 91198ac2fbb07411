from . import urls_annual

app_name = "reports"
urlpatterns = [*urls_annual.urlpatterns]
