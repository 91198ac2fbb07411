from . import urls_gaps

app_name = "programs"
urlpatterns = [*urls_gaps.urlpatterns]
