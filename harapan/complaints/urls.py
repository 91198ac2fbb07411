from . import urls_handling

app_name = "complaints"
urlpatterns = [*urls_handling.urlpatterns]
