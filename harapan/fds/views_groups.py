"""Placeholder until this module is written (issue #6)."""

urlpatterns = []
