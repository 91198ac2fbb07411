from . import urls_annual, urls_dashboard, urls_scorecard

app_name = "reports"
urlpatterns = [*urls_scorecard.urlpatterns, *urls_dashboard.urlpatterns, *urls_annual.urlpatterns]
