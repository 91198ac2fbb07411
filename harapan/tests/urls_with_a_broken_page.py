"""The project's URLs plus one page that fails, to reach handler500 (test_error_pages)."""

from django.urls import path

from harapan.urls import *  # noqa: F403 (handler500 included)
from harapan.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a page that fails")


urlpatterns = [*project_urlpatterns, path("rusak/", broken)]
