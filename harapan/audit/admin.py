"""Admin pages write through here, so the admin is audited like every other door."""

from django.contrib import admin

from . import trail
from .models import AuditEntry


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes land in the audit trail with their diffs."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = trail.snapshot(old) if old is not None else {}
        super().save_model(request, obj, form, change)
        label = obj._meta.label_lower
        if change:
            changes = trail.diff(before, obj) if before else {}
            if "password" in changes:  # a changed hash is worth knowing, not worth keeping
                changes["password"] = ["***", "***"]
            trail.record(request.user, f"{label}.change", obj, changes=changes)
        else:
            trail.record(request.user, f"{label}.add", obj, details={"via": "admin"})

    def save_formset(self, request, form, formset, change):
        initial = {f.instance.pk: f.initial for f in formset.initial_forms}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            trail.record(
                request.user, f"{obj._meta.label_lower}.add", obj, details={"via": "admin"}
            )
        for obj, fields in formset.changed_objects:
            old = initial.get(obj.pk, {})
            changes = {name: [old.get(name), getattr(obj, name, None)] for name in fields}
            trail.record(request.user, f"{obj._meta.label_lower}.change", obj, changes=changes)
        for obj in formset.deleted_objects:
            trail.record(request.user, f"{obj._meta.label_lower}.delete", obj)

    def delete_model(self, request, obj):
        trail.record(
            request.user, f"{obj._meta.label_lower}.delete", obj, details=trail.snapshot(obj)
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_repr", "region_code"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_id", "object_repr", "region_code"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
