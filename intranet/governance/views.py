"""Governance pages. Thin: parse input, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.forms import perform, refusal_text
from intranet.governance import permissions, selectors, services
from intranet.governance.constants import Action, Module, OrgRole, SpaceKind, SpaceRole
from intranet.governance.forms import (
    AuditFilterForm,
    DecisionForm,
    DefaultsForm,
    DepartmentForm,
    DirectoryFilterForm,
    InviteForm,
    MatrixForm,
    MfaPolicyForm,
    PageForm,
    PeopleFilterForm,
    PersonForm,
    PilotForm,
    RequestForm,
    RoleForm,
    SectionForm,
    SpaceForm,
    SpaceImageForm,
    SpaceSettingsForm,
)
from intranet.governance.models import Department, MembershipRequest

User = get_user_model()


def _admin_only(request):
    if not request.user.has_perm("governance.administer"):
        raise Http404


# --- Spaces ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def directory(request):
    filters = DirectoryFilterForm(request.GET).values()
    kind, scope = filters["kind"], filters["scope"]
    spaces = selectors.space_directory(user=request.user, kind=kind, scope=scope)
    page = Paginator(spaces, 50).get_page(filters["page"])
    return render(
        request,
        "governance/directory.html",
        {
            "page": page,
            "kind": kind,
            "scope": scope,
            "kinds": SpaceKind.choices,
            "invitations": list(selectors.open_invitations(user=request.user)),
            "may_create": request.user.has_perm("governance.create_space"),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request):
    if not request.user.has_perm("governance.create_space"):
        raise Http404
    form = SpaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        space, refused = perform(
            request,
            lambda: services.create_space(actor=request.user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Space created. Invite colleagues to join."))
            return redirect("governance:space", slug=space.slug)
    return render(
        request, "governance/create.html", {"form": form}, status=400 if form.errors else 200
    )


def home(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=None)
    context = selectors.space_home(access=access, user=request.user)
    context.update(
        access=access,
        space=access.space,
        request_form=RequestForm(),
        modules=[Module(m).label for m in access.space.modules],
    )
    if access.can(Action.VIEW):
        from intranet.activity import selectors as activity
        from intranet.activity.forms import FeedPageForm

        _feed, before = FeedPageForm(request.GET).chosen()
        context.update(
            activity.feed_page(
                user=request.user, feed=activity.Feed("space", access.space.pk), before=before
            ),
            live_feed=f"space:{access.space.pk}",
            composer_spaces=[access.space] if access.can(Action.POST) else [],
        )
    return render(request, "governance/space_home.html", context)


@require_POST
def join(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=None)
    _membership, refused = perform(
        request, lambda: services.join_space(user=request.user, space=access.space)
    )
    if not refused:
        messages.success(request, _("You joined %(space)s.") % {"space": access.space})
    return redirect("governance:space", slug=slug)


@require_POST
def leave(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=None)
    _left, refused = perform(
        request, lambda: services.leave_space(user=request.user, space=access.space)
    )
    if not refused:
        messages.success(request, _("You left %(space)s.") % {"space": access.space})
    return redirect("governance:space", slug=slug)


@require_POST
def request_membership(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=None)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep your message under 1000 characters."))
        return redirect("governance:space", slug=slug)
    _request, refused = perform(
        request,
        lambda: services.request_membership(
            user=request.user, space=access.space, message=form.cleaned_data["message"]
        ),
    )
    if not refused:
        messages.success(request, _("Request sent. The space's managers will answer."))
    return redirect("governance:space", slug=slug)


@require_POST
def decide(request, request_id: int):
    pending = selectors.access_membership_request(user=request.user, request_id=request_id)
    accept = DecisionForm(request.POST).accepted()
    space = pending.space
    _decided, refused = perform(
        request,
        lambda: services.decide_request(actor=request.user, request_id=pending.pk, accept=accept),
    )
    if not refused:
        messages.success(request, _("Accepted.") if accept else _("Declined."))
    if pending.user_id == request.user.pk and pending.kind == MembershipRequest.Kind.INVITATION:
        return (
            redirect("governance:space", slug=space.slug)
            if accept
            else redirect("governance:directory")
        )
    return redirect("governance:members", slug=space.slug)


def members(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=Action.VIEW)
    return _render_members(request, access, invite_form=InviteForm())


def _render_members(request, access, *, invite_form, status: int = 200):
    context = selectors.space_members(access=access, page=PageForm(request.GET).number())
    context.update(
        access=access, space=access.space, invite_form=invite_form, roles=SpaceRole.choices
    )
    return render(request, "governance/members.html", context, status=status)


@require_POST
def invite(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=Action.INVITE)
    form = InviteForm(request.POST)
    if form.is_valid():
        _invitation, refused = perform(
            request,
            lambda: services.invite_to_space(
                actor=request.user,
                space=access.space,
                invitee=form.cleaned_data["invitee"],
                message=form.cleaned_data["message"],
            ),
            form=form,
        )
        if not refused:
            messages.success(request, _("Invitation sent."))
            return redirect("governance:members", slug=slug)
    return _render_members(request, access, invite_form=form, status=400)


@require_POST
def member_role(request, slug: str, user_id: int):
    access = selectors.access_space(user=request.user, slug=slug, action=Action.MANAGE_MEMBERS)
    member = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose owner, moderator, member or reader."))
        return redirect("governance:members", slug=slug)
    _membership, refused = perform(
        request,
        lambda: services.change_member_role(
            actor=request.user, space=access.space, user=member, role=form.cleaned_data["role"]
        ),
    )
    if not refused:
        messages.success(request, _("Role of %(name)s changed.") % {"name": member})
    return redirect("governance:members", slug=slug)


@require_POST
def member_remove(request, slug: str, user_id: int):
    access = selectors.access_space(user=request.user, slug=slug, action=Action.MANAGE_MEMBERS)
    member = get_object_or_404(User, pk=user_id)
    _removed, refused = perform(
        request, lambda: services.remove_member(actor=request.user, space=access.space, user=member)
    )
    if not refused:
        messages.success(request, _("%(name)s removed from the space.") % {"name": member})
    return redirect("governance:members", slug=slug)


def _matrix_rows(space, access, *, editable: bool):
    defaults = permissions.kind_matrix(space.kind)
    current = permissions.effective_matrix(space)
    rows = []
    for action in Action:
        cells = []
        for role, label in SpaceRole.choices:
            allowed_by_default = role in defaults[action]
            cells.append(
                {
                    "role": role,
                    "label": label,
                    "checked": role in current[action],
                    # Owners' rights come from the defaults; a right the editor lacks stays put.
                    "editable": editable
                    and allowed_by_default
                    and role != SpaceRole.OWNER
                    and (access.can(action) or role in current[action]),
                }
            )
        rows.append({"action": action.value, "label": action.label, "cells": cells})
    return rows


@require_http_methods(["GET", "POST"])
def space_settings(request, slug: str):
    access = selectors.access_space(user=request.user, slug=slug, action=Action.CHANGE_SETTINGS)
    space = access.space
    form_kwargs = {
        "allowed_modules": permissions.allowed_modules(space.kind),
        "department_space": space.kind == SpaceKind.DEPARTMENT,
    }
    initial = {
        "name": space.name,
        "description": space.description,
        "visibility": space.visibility,
        "closed_reason": space.closed_reason,
        "modules": list(space.modules),
    }
    form = SpaceSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, **form_kwargs
    )
    matrix_error = image_error = None
    section = SectionForm(request.POST).chosen() if request.method == "POST" else None
    if section in ("image", "matrix"):
        form = SpaceSettingsForm(initial=initial, **form_kwargs)
    if section == "image":
        upload = SpaceImageForm(request.POST, request.FILES)
        image = upload.cleaned_data["image"] if upload.is_valid() else None
        _space, refused = perform(
            request,
            lambda: services.set_space_image(actor=request.user, space=space, upload=image),
            quiet=True,
        )
        if not refused:
            messages.success(request, _("Image saved."))
            return redirect("governance:settings", slug=slug)
        image_error = refusal_text(refused)
    elif section == "matrix":
        matrix = MatrixForm(request.POST).matrix()
        _space, refused = perform(
            request,
            lambda: services.set_space_matrix(actor=request.user, space=space, matrix=matrix),
            quiet=True,
        )
        if not refused:
            messages.success(request, _("Permissions saved."))
            return redirect("governance:settings", slug=slug)
        matrix_error = refusal_text(refused)
    elif request.method == "POST" and form.is_valid():
        _space, refused = perform(
            request,
            lambda: services.update_space(actor=request.user, space=space, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(request, _("Settings saved."))
            return redirect("governance:settings", slug=slug)
    space.refresh_from_db()
    status = 400 if (form.errors or matrix_error or image_error) else 200
    return render(
        request,
        "governance/settings.html",
        {
            "access": access,
            "space": space,
            "form": form,
            "matrix_error": matrix_error,
            "image_error": image_error,
            "roles": SpaceRole.choices,
            "rows": _matrix_rows(space, access, editable=True),
        },
        status=status,
    )


def space_image(request, slug: str):
    """Space images are served through the same visibility check as the space itself."""
    access = selectors.access_space(user=request.user, slug=slug, action=None)
    if not access.space.image:
        raise Http404
    response = FileResponse(access.space.image.open("rb"), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


# --- Organisation ------------------------------------------------------------------------------


def org_chart(request):
    # Guests are outsiders: they see their own spaces, not how the organisation is built.
    if permissions.is_guest(request.user):
        raise Http404
    return render(
        request,
        "governance/org_chart.html",
        {
            "tree": selectors.org_chart(),
            "may_edit": request.user.has_perm("governance.administer"),
        },
    )


@require_http_methods(["GET", "POST"])
def department_edit(request, department_id: int | None = None):
    _admin_only(request)
    department = get_object_or_404(Department, pk=department_id) if department_id else None
    initial = (
        {"name": department.name, "parent": department.parent, "manager": department.manager}
        if department
        else {}
    )
    form = DepartmentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        _department, refused = perform(
            request,
            lambda: services.save_department(
                actor=request.user, department=department, **form.cleaned_data
            ),
            form=form,
        )
        if not refused:
            messages.success(request, _("Department saved."))
            return redirect("governance:org_chart")
    return render(
        request,
        "governance/department_form.html",
        {"form": form, "department": department},
        status=400 if form.errors else 200,
    )


# --- Administration ----------------------------------------------------------------------------


def admin_overview(request):
    if not request.user.has_perm("governance.view_report"):
        raise Http404
    return render(
        request,
        "governance/admin_overview.html",
        {
            "report": selectors.openness_report(),
            "is_admin": request.user.has_perm("governance.administer"),
        },
    )


@require_http_methods(["GET", "POST"])
def admin_roles(request):
    """People: their organisation role and department, changed one row at a time."""
    _admin_only(request)
    if request.method == "POST":
        form = PersonForm(request.POST)
        valid = form.is_valid()
        # The person first: one that does not exist is 404, whatever else was sent.
        person = get_object_or_404(User, pk=form.cleaned_data.get("user_id") or 0)
        if not valid:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(request.get_full_path())
        _person, refused = perform(
            request,
            lambda: services.update_person(
                actor=request.user,
                user=person,
                role=form.cleaned_data["role"],
                department=form.cleaned_data["department"],
            ),
        )
        if not refused:
            messages.success(request, _("%(name)s saved.") % {"name": person})
        return redirect(request.get_full_path())
    filters = PeopleFilterForm(request.GET).values()
    query, role = filters["q"], filters["role"]
    people = selectors.people_with_roles(query=query, role=role)
    page = Paginator(people, 50).get_page(filters["page"])
    return render(
        request,
        "governance/admin_roles.html",
        {
            "page": page,
            "q": query,
            "role": role,
            "roles": OrgRole.choices,
            "departments": selectors.departments(),
        },
    )


@require_http_methods(["GET", "POST"])
def admin_defaults(request, kind: str = SpaceKind.TEAM):
    _admin_only(request)
    if kind not in SpaceKind.values:
        raise Http404
    error = None
    if request.method == "POST":
        form = DefaultsForm(request.POST)
        modules = form.cleaned_data["modules"] if form.is_valid() else []
        _done, refused = perform(
            request,
            lambda: services.set_kind_defaults(
                actor=request.user, kind=kind, matrix=form.matrix(), allowed_modules=modules
            ),
            quiet=True,
        )
        if not refused:
            messages.success(request, _("Defaults saved."))
            return redirect("governance:admin_defaults", kind=kind)
        error = refusal_text(refused)
    matrix = permissions.kind_matrix(kind)
    rows = [
        {
            "action": a.value,
            "label": a.label,
            "cells": [
                {"role": r, "label": label, "checked": r in matrix[a], "editable": True}
                for r, label in SpaceRole.choices
            ],
        }
        for a in Action
    ]
    return render(
        request,
        "governance/admin_defaults.html",
        {
            "kind": kind,
            "kinds": SpaceKind.choices,
            "rows": rows,
            "roles": SpaceRole.choices,
            "modules": [
                (m, label, m in permissions.allowed_modules(kind)) for m, label in Module.choices
            ],
            "error": error,
        },
        status=400 if error else 200,
    )


def admin_audit(request):
    _admin_only(request)
    filters = AuditFilterForm(request.GET).values()
    number = filters.pop("page")
    entries = selectors.audit_log(**filters)
    page = Paginator(entries, 50).get_page(number)
    return render(request, "governance/admin_audit.html", {"page": page, **filters})


@require_http_methods(["GET", "POST"])
def admin_pilot(request):
    _admin_only(request)
    org = services.organisation()
    form = PilotForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": org.pilot_enabled, "departments": org.pilot_departments.all()},
    )
    if request.method == "POST" and form.is_valid():
        _org, refused = perform(
            request,
            lambda: services.set_pilot(
                actor=request.user,
                enabled=form.cleaned_data["enabled"],
                departments=list(form.cleaned_data["departments"]),
            ),
            form=form,
        )
        if not refused:
            messages.success(request, _("Roll-out saved."))
            return redirect("governance:admin_pilot")
    return render(
        request, "governance/admin_pilot.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def admin_security(request):
    """Two-step verification: always for administrators, for everyone if chosen here."""
    _admin_only(request)
    form = MfaPolicyForm(
        request.POST if request.method == "POST" else None,
        initial={"required": services.organisation().mfa_required_for_everyone},
    )
    if request.method == "POST" and form.is_valid():
        _org, refused = perform(
            request,
            lambda: services.set_mfa_for_everyone(
                actor=request.user, required=form.cleaned_data["required"]
            ),
            form=form,
        )
        if not refused:
            messages.success(request, _("Security settings saved."))
            return redirect("governance:admin_security")
    return render(
        request,
        "governance/admin_security.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def pilot_closed(request):
    return render(request, "governance/pilot_closed.html", status=403)
