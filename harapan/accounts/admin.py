from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from harapan.audit.admin import AuditedModelAdmin

from .models import ApiToken, SecondFactorDevice, User


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


@admin.register(SecondFactorDevice)
class SecondFactorDeviceAdmin(AuditedModelAdmin):
    """Seen and removed, never made or edited here: the user enrols on their profile. The
    secret is not shown. (django-otp's own admin, which shows it, is unregistered: apps.py.)"""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        obj.key = "***"  # the trail keeps the row's fields, but not its secret
        super().delete_model(request, obj)
