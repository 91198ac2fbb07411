from . import urls_activities, urls_coaching, urls_ethics, urls_meetings, urls_plans

app_name = "fieldwork"
urlpatterns = [
    *urls_plans.urlpatterns,
    *urls_activities.urlpatterns,
    *urls_meetings.urlpatterns,
    *urls_coaching.urlpatterns,
    *urls_ethics.urlpatterns,
]
