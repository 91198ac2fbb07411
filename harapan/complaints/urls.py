from . import urls_public, urls_statistics

app_name = "complaints"
urlpatterns = [*urls_statistics.urlpatterns, *urls_public.urlpatterns]
