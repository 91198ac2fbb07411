from . import urls_intake, urls_public, urls_statistics

app_name = "complaints"
urlpatterns = [*urls_intake.urlpatterns, *urls_statistics.urlpatterns, *urls_public.urlpatterns]
