from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import FdsRules, Module, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Module)
class ModuleAdmin(AuditedModelAdmin):
    """The curriculum is data: admin pusat edits sessions and adds a module (e.g. stunting)."""

    list_display = ["number", "title", "active"]
    inlines = [SessionInline]


@admin.register(FdsRules)
class FdsRulesAdmin(AuditedModelAdmin):
    list_display = ["min_group_size", "max_group_size", "absence_flag"]
