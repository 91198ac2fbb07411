from .views import assignments, changes, families, imports

app_name = "registry"
urlpatterns = (
    families.urlpatterns + changes.urlpatterns + imports.urlpatterns + assignments.urlpatterns
)
