"""Reads for the webhook pages and the API: who manages which webhooks, in a fixed number of
queries per page.

Webhooks are managed by administrators (every space, and the organisation-wide ones) and by
the owners of a space (that space's). Someone who may not manage a webhook gets 404 for it,
exactly as for one that does not exist."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from intranet.governance import permissions
from intranet.governance.access import object_id
from intranet.governance.constants import SpaceRole
from intranet.governance.models import Membership, Space
from intranet.webhooks.models import Delivery, Subscription

LIST_LIMIT = 200
LOG_LIMIT = 100


def may_use_webhooks(user) -> bool:
    """Guests never; of the others, administrators and people who own a space."""
    return permissions.is_active(user) and not permissions.is_guest(user)


def manageable_spaces(*, user) -> QuerySet[Space]:
    if not may_use_webhooks(user):
        return Space.objects.none()
    if permissions.is_administrator(user):
        return Space.objects.order_by("name")
    owned = Membership.objects.filter(user_id=user.pk, role=SpaceRole.OWNER).values("space_id")
    return Space.objects.filter(pk__in=owned).order_by("name")


def manages(*, user, space_id: int | None) -> bool:
    """May `user` manage webhooks of this space (None: organisation-wide ones)?"""
    if not may_use_webhooks(user):
        return False
    if permissions.is_administrator(user):
        return True
    if space_id is None:
        return False
    return Membership.objects.filter(
        user_id=user.pk, space_id=space_id, role=SpaceRole.OWNER
    ).exists()


def _manageable_filter(user) -> Q:
    if not may_use_webhooks(user):
        return Q(pk__in=[])
    if permissions.is_administrator(user):
        return Q()
    return Q(space__in=manageable_spaces(user=user))


def subscriptions(*, user, space_slug: str = "") -> list[Subscription]:
    rows = Subscription.objects.filter(_manageable_filter(user)).select_related("space", "owner")
    if space_slug:
        rows = rows.filter(space__slug=space_slug)
    return list(rows.order_by("-created_at", "-id")[:LIST_LIMIT])


def subscriptions_query(*, user) -> QuerySet[Subscription]:
    """The same, as a queryset the API pages through."""
    return (
        Subscription.objects.filter(_manageable_filter(user))
        .select_related("space", "owner")
        .order_by("-created_at", "-id")
    )


def access_subscription(*, user, subscription_id, lock: bool = False) -> Subscription:
    """One webhook its manager may see; PermissionDenied (404) for missing, forbidden and
    malformed ids alike."""
    try:
        pk = object_id(subscription_id)
    except Http404 as error:
        raise PermissionDenied from error
    rows = Subscription.objects.select_related("space", "owner")
    if lock:
        rows = rows.select_for_update(of=("self",))
    subscription = rows.filter(_manageable_filter(user), pk=pk).first()
    if subscription is None:
        raise PermissionDenied
    return subscription


def deliveries(*, subscription: Subscription, limit: int = LOG_LIMIT) -> list[Delivery]:
    return list(Delivery.objects.filter(subscription=subscription).order_by("-id")[:limit])


def deliveries_query(*, subscription: Subscription) -> QuerySet[Delivery]:
    return Delivery.objects.filter(subscription=subscription).order_by("-id")
