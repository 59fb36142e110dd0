"""Django's admin shows governance data read-only: every change goes through the governance
pages, whose services check rights and write the audit log."""

from django.contrib import admin

from intranet.governance.models import AuditEntry, Department, Space


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "parent", "manager"]
    list_select_related = ["parent", "manager"]
    search_fields = ["name"]


@admin.register(Space)
class SpaceAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "visibility", "created_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["name", "slug"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "target_name"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_name", "action"]
