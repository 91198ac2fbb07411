from . import views_assessments, views_proposals, views_targets

app_name = "graduation"
urlpatterns = (
    views_proposals.urlpatterns + views_assessments.urlpatterns + views_targets.urlpatterns
)
