from . import urls_proposals

app_name = "programs"
urlpatterns = [*urls_proposals.urlpatterns]
