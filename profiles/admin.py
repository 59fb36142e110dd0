from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from profiles.models import Invitation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "department", "org_role", "is_active"]
    list_select_related = ["department"]
    list_filter = ["org_role", "is_active", "department"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Person"),
            {"fields": ["first_name", "last_name", "job_title", "department", "language"]},
        ),
        (_("Permissions"), {"fields": ["is_active", "org_role", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    # Department and organisation role change through the governance pages, which audit them.
    readonly_fields = [
        "department",
        "org_role",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        # Deactivating goes through the service: it audits, and closes the person's sockets.
        active = obj.is_active
        if change and "is_active" in form.changed_data:
            obj.is_active = not active
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            from intranet.governance.services import set_account_active

            set_account_active(actor=request.user, user=obj, active=active)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["invited_by"]
    readonly_fields = ["token", "accepted_at", "accepted_by"]
    search_fields = ["email"]
