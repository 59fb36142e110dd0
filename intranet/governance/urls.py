from django.urls import path

from intranet.governance import views

app_name = "governance"

urlpatterns = [
    path("spaces/", views.directory, name="directory"),
    path("spaces/new/", views.create, name="create"),
    path("spaces/requests/<int:request_id>/", views.decide, name="decide"),
    path("spaces/<slug:slug>/", views.home, name="space"),
    path("spaces/<slug:slug>/join/", views.join, name="join"),
    path("spaces/<slug:slug>/leave/", views.leave, name="leave"),
    path("spaces/<slug:slug>/request/", views.request_membership, name="request"),
    path("spaces/<slug:slug>/members/", views.members, name="members"),
    path("spaces/<slug:slug>/members/invite/", views.invite, name="invite"),
    path("spaces/<slug:slug>/members/<int:user_id>/role/", views.member_role, name="member_role"),
    path(
        "spaces/<slug:slug>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("spaces/<slug:slug>/settings/", views.space_settings, name="settings"),
    path("spaces/<slug:slug>/image/", views.space_image, name="image"),
    path("organisation/", views.org_chart, name="org_chart"),
    path("organisation/departments/new/", views.department_edit, name="department_new"),
    path(
        "organisation/departments/<int:department_id>/",
        views.department_edit,
        name="department_edit",
    ),
    path("governance/", views.admin_overview, name="admin_overview"),
    path("governance/roles/", views.admin_roles, name="admin_roles"),
    path("governance/defaults/", views.admin_defaults, name="admin_defaults_index"),
    path("governance/defaults/<str:kind>/", views.admin_defaults, name="admin_defaults"),
    path("governance/audit/", views.admin_audit, name="admin_audit"),
    path("governance/roll-out/", views.admin_pilot, name="admin_pilot"),
    path("governance/security/", views.admin_security, name="admin_security"),
]
