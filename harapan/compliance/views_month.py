"""Placeholder until this module is written (issue #5)."""

urlpatterns = []
