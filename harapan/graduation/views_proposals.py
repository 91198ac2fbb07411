"""Placeholder until this module is written (issue #7)."""

urlpatterns = []
