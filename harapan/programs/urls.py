from . import urls_import

app_name = "programs"
urlpatterns: list = [*urls_import.urlpatterns]
