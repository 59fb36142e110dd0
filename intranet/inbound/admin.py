from django.contrib import admin

from intranet.inbound.models import InboundMessage


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """What arrived by email, posted or refused and why (read only: a record, not a queue)."""

    list_display = ("received_at", "posted", "reason", "user", "kind", "target_id", "size")
    list_filter = ("posted", "reason", "kind")
    readonly_fields = [field.name for field in InboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
