"""Registry pages, one module per area; `registry/urls.py` joins their urlpatterns."""
