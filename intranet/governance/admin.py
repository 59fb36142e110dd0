"""Django's admin shows governance data read-only: every change goes through the governance
pages, whose services check rights and write the audit log."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.db import transaction

from intranet.governance import services
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


# allauth.mfa registers its authenticators in Django's admin, where deleting one bypassed the
# signals that write the audit log (governance.handlers). The admin may still remove someone's
# lost authenticator (that is what support needs) but not edit a secret, and every removal is
# audited with the administrator who did it.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuditedAuthenticatorAdmin(AuthenticatorAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self.delete_queryset(request, Authenticator.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        removed = list(queryset.select_related("user"))
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            for authenticator in removed:
                services.record_mfa_change(
                    actor=request.user, user=authenticator.user, change="removed",
                    kind=authenticator.type,
                )  # fmt: skip
