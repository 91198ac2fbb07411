from . import urls_intake

app_name = "complaints"
urlpatterns = [*urls_intake.urlpatterns]
