from . import urls_statistics

app_name = "complaints"
urlpatterns = [*urls_statistics.urlpatterns]
