from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_info

from intranet.activity.selectors import unread_count
from intranet.core import navigation
from intranet.governance.selectors import spaces_of


def plein(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_items": navigation.items_for(user) if signed_in else [],
        # Lazy: only pages that render the rail pay for the query.
        "my_spaces": SimpleLazyObject(lambda: spaces_of(user=user)) if signed_in else [],
        "websocket_url": settings.WEBSOCKET_URL or "/ws/",
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))
        if signed_in
        else 0,
        # Each language in its own name ("Nederlands", "English"): findable by whoever needs it.
        "plein_languages": [
            (code, get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
        ],
    }
