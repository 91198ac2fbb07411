from . import urls_meetings

app_name = "fieldwork"
urlpatterns = [*urls_meetings.urlpatterns]
