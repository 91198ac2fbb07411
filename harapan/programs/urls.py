from . import urls_gaps, urls_import, urls_proposals

app_name = "programs"
urlpatterns = [
    *urls_gaps.urlpatterns,
    *urls_proposals.urlpatterns,
    *urls_import.urlpatterns,
]
