from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import Family, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ["nik", "name", "sex", "birth_date", "relation", "school_level", "alive"]


@admin.register(Family)
class FamilyAdmin(AuditedModelAdmin):
    list_display = ["registry_id", "kk_number", "region_code", "status", "pendamping"]
    list_filter = ["status"]
    search_fields = ["registry_id", "kk_number", "region_code"]
    raw_id_fields = ["pendamping"]
    inlines = [MemberInline]

    def get_queryset(self, request):
        # The admin is scoped like every other door to family data.
        return super().get_queryset(request).visible_to(request.user)
