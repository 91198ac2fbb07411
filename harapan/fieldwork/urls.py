from . import urls_coaching, urls_ethics

app_name = "fieldwork"
urlpatterns = [*urls_coaching.urlpatterns, *urls_ethics.urlpatterns]
