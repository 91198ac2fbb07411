from . import urls_plans

app_name = "fieldwork"
urlpatterns = [*urls_plans.urlpatterns]
