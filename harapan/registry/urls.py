from .views import assignments, changes, families, findings, imports

app_name = "registry"
urlpatterns = (
    families.urlpatterns
    + changes.urlpatterns
    + imports.urlpatterns
    + assignments.urlpatterns
    + findings.urlpatterns
)
