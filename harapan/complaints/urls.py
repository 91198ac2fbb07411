from . import urls_public

app_name = "complaints"
urlpatterns = [*urls_public.urlpatterns]
