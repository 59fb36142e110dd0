"""Token pages: one's own tokens (from the account menu) and administrators' service accounts.
A new token is shown once, in the answer to the POST that made it (never in a URL, a message or
the session), and that answer is not cached."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intranet.core.forms import perform
from intranet.governance import permissions
from intranet.tokens import selectors, services
from intranet.tokens.forms import ServiceAccountForm, TokenForm


def _private(response):
    response["Cache-Control"] = "no-store"
    return response


def _token_form_page(request, *, user, template: str, context: dict):
    """GET: the form; POST: make a token for `user` and show it once."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if request.method == "POST" and form.is_valid():
        result, refused = perform(
            request,
            lambda: services.create_token(actor=request.user, user=user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            created = result[1]
            form = TokenForm()
    context = {
        **context,
        "form": form,
        "created": created,
        "tokens": selectors.tokens_of(user=user),
    }
    status = 400 if form.errors else (201 if created else 200)
    return _private(render(request, template, context, status=status))


@require_http_methods(["GET", "POST"])
def my_tokens(request):
    return _token_form_page(request, user=request.user, template="tokens/mine.html", context={})


@require_POST
def revoke(request, token_id: int):
    token, refused = perform(
        request, lambda: services.revoke_token(actor=request.user, token_id=token_id)
    )
    if not refused:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        account = getattr(token.user, "service_account", None)
        if account is not None and token.user_id != request.user.pk:
            return redirect("tokens:service_account", account_id=account.pk)
    return redirect("tokens:mine")


def _administrator(request) -> None:
    if not permissions.is_administrator(request.user):
        raise Http404


@require_http_methods(["GET", "POST"])
def service_accounts(request):
    _administrator(request)
    form = ServiceAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        account, refused = perform(
            request,
            lambda: services.create_service_account(actor=request.user, **form.cleaned_data),
            form=form,
        )
        if not refused:
            messages.success(
                request,
                _("Service account “%(name)s” made; now give it a token.")
                % {"name": account.user.display_name},
            )
            return redirect("tokens:service_account", account_id=account.pk)
    return render(
        request,
        "tokens/service_accounts.html",
        {"form": form, "accounts": selectors.service_accounts()},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def service_account(request, account_id: int):
    _administrator(request)
    account = selectors.service_account(account_id=account_id)
    if account is None:
        raise Http404
    return _token_form_page(
        request,
        user=account.user,
        template="tokens/service_account.html",
        context={"account": account},
    )


@require_POST
def deactivate(request, account_id: int):
    _administrator(request)
    account, refused = perform(
        request,
        lambda: services.deactivate_service_account(actor=request.user, account_id=account_id),
    )
    if not refused:
        messages.success(
            request,
            _("Service account “%(name)s” switched off; its tokens no longer work.")
            % {"name": account.user.display_name},
        )
    return redirect("tokens:service_accounts")
