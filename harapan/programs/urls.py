from . import urls_gaps, urls_import

app_name = "programs"
urlpatterns = [
    *urls_gaps.urlpatterns,
    *urls_import.urlpatterns,
]
