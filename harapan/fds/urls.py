from . import views_groups, views_meetings, views_reports

app_name = "fds"
urlpatterns = views_groups.urlpatterns + views_meetings.urlpatterns + views_reports.urlpatterns
