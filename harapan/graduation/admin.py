from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import AssessmentRules, Target


@admin.register(AssessmentRules)
class AssessmentRulesAdmin(AuditedModelAdmin):
    """Admin pusat sets the instrument's weights and the readiness threshold."""

    list_display = ["threshold", "w_income", "w_work", "w_business", "w_desil"]


@admin.register(Target)
class TargetAdmin(AuditedModelAdmin):
    """GSM targets per pendamping per year; a region's row overrides the national one."""

    list_display = ["year", "region_code", "per_pendamping"]
    list_filter = ["year"]
