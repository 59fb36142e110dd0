from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.forms import perform
from profiles import selectors, services
from profiles.adapters import INVITATION_SESSION_KEY
from profiles.forms import InvitationForm, LanguageForm


def _safe_next(request, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home") if request.user.is_authenticated else reverse("account_login")


@login_not_required
@require_POST
def set_language(request):
    """Switch the interface language: saved on the account when signed in, and in a cookie so
    the login page follows too."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose Dutch or English."))
        return HttpResponseRedirect(_safe_next(request, form.cleaned_data.get("next", "")))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        services.set_language_preference(user=request.user, language=language)
    response = HttpResponseRedirect(_safe_next(request, form.cleaned_data["next"]))
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@require_http_methods(["GET", "POST"])
def invite(request):
    if not request.user.has_perm("profiles.invite_user"):
        raise Http404
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        invitation, refused = perform(
            request,
            lambda: services.invite_user(invited_by=request.user, email=form.cleaned_data["email"]),
            form=form,
        )
        if not refused:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("invite")
    return render(
        request, "profiles/invite.html", {"form": form}, status=400 if form.errors else 200
    )


@login_not_required
def invitation_accept(request, token: str):
    invitation = selectors.pending_invitation(token=token)
    if invitation is None:
        return render(request, "profiles/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return redirect("home")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    # Prefills the sign-up form with the invited address.
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")
