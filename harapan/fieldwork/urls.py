from . import urls_activities, urls_coaching, urls_ethics, urls_meetings

app_name = "fieldwork"
urlpatterns = [
    *urls_activities.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_coaching.urlpatterns,
    *urls_ethics.urlpatterns,
]
