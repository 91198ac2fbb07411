from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import BenefitIndex, BenefitYear, Stage


class BenefitIndexInline(admin.TabularInline):
    model = BenefitIndex
    extra = 0


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(BenefitYear)
class BenefitYearAdmin(AuditedModelAdmin):
    """Admin pusat edits a year's index, caps, ages and stage dates; every save is audited."""

    list_display = ["year", "lansia_age", "school_min_age", "school_max_age", "max_components"]
    inlines = [BenefitIndexInline, StageInline]


@admin.register(Stage)
class StageAdmin(AuditedModelAdmin):
    list_display = ["year", "number", "period_start", "period_end", "payment_date"]
    list_filter = ["year"]
    list_editable = ["payment_date"]
