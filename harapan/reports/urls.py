from . import urls_scorecard

app_name = "reports"
urlpatterns = [*urls_scorecard.urlpatterns]
