from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from harapan.audit.admin import AuditedModelAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "region", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "region__code", "region__name"]
    autocomplete_fields = ["region"]
    fieldsets = DjangoUserAdmin.fieldsets + (("Tugas", {"fields": ("role", "region", "phone")}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("Tugas", {"fields": ("first_name", "last_name", "role", "region")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedModelAdmin):
    list_display = ["name", "user", "created_at", "last_used_at"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]
