from django.contrib import admin

from harapan.audit.admin import AuditedModelAdmin

from .models import Complaint, ComplaintNote


class ComplaintNoteInline(admin.TabularInline):
    model = ComplaintNote
    extra = 0
    fields = ["created_at", "author", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(AuditedModelAdmin):
    """Read only: every step of a complaint is an action with its checks and audit row
    (actions.py), which an admin form would bypass. The PIN's hash is not shown."""

    list_display = ["kode", "kategori", "status", "tingkat", "handler", "region_code",
                    "received_at"]  # fmt: skip
    list_filter = ["status", "kategori", "tingkat", "saluran"]
    search_fields = ["kode", "region_code"]
    date_hierarchy = "received_at"
    exclude = ["pin_hash"]
    inlines = [ComplaintNoteInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "pin_hash"]

    def get_queryset(self, request):
        # The admin is scoped like every other door: the accused never sees it here either.
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
