from . import urls_handling, urls_intake, urls_public, urls_statistics

app_name = "complaints"
# Fixed paths first (kelola/catat/, kelola/statistik/); a complaint's pages match its code only.
urlpatterns = [
    *urls_intake.urlpatterns,
    *urls_statistics.urlpatterns,
    *urls_handling.urlpatterns,
    *urls_public.urlpatterns,
]
