from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import ComplianceRules, HealthFacility, School


@admin.register(ComplianceRules)
class ComplianceRulesAdmin(AuditedModelAdmin):
    """Admin pusat sets a year's attendance threshold and ladder lengths; saves are audited."""

    list_display = ["year", "attendance_threshold", "suspension_months", "termination_months"]


@admin.register(School)
class SchoolAdmin(AuditedModelAdmin):
    list_display = ["npsn", "name", "level", "region_code", "active"]
    list_filter = ["level", "active"]
    search_fields = ["npsn", "name", "region_code"]


@admin.register(HealthFacility)
class HealthFacilityAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "code", "region_code", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code", "region_code"]
