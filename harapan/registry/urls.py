from .views import changes, families, imports

app_name = "registry"
urlpatterns = families.urlpatterns + changes.urlpatterns + imports.urlpatterns
