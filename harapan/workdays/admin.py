from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import CollectiveLeave


@admin.register(CollectiveLeave)
class CollectiveLeaveAdmin(AuditedModelAdmin):
    list_display = ["date", "description"]
    date_hierarchy = "date"
    search_fields = ["description"]
