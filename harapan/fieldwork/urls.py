from . import urls_activities

app_name = "fieldwork"
urlpatterns = [*urls_activities.urlpatterns]
