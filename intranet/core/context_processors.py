from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from intranet.activity.selectors import unread_count
from intranet.core import navigation
from intranet.governance.selectors import spaces_of


def chrome_stamp(user) -> str:
    """Changes whenever the rail or the user menu would: the user's own details, and the
    access counters that memberships, roles and space settings bump (activity.feed_cache)."""
    from intranet.activity import feed_cache

    counters = feed_cache.access_stamps(user_id=user.pk)
    return "-".join(
        str(part)
        for part in (
            *counters,
            user.org_role,
            user.is_superuser,
            user.display_name,
            user.photo.name if "photo" not in user.get_deferred_fields() else "",
        )
    )


def plein(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        # Lazy: the rail is cached, and deciding what it shows asks for permissions.
        "nav_items": SimpleLazyObject(lambda: navigation.items_for(user)) if signed_in else [],
        # Lazy: only pages that render the rail pay for the query.
        "my_spaces": SimpleLazyObject(lambda: spaces_of(user=user)) if signed_in else [],
        # What the cached rail and user menu depend on besides the user and the language.
        "chrome_stamp": SimpleLazyObject(lambda: chrome_stamp(user)) if signed_in else "",
        "websocket_url": settings.WEBSOCKET_URL or "/ws/",
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))
        if signed_in
        else 0,
        # Each language in its own name ("Nederlands", "English"): findable by whoever needs it.
        "plein_languages": [
            (code, get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
        ],
    }
