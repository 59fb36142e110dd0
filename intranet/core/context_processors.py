from django.conf import settings

from intranet.core import navigation


def plein(request):
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_items": navigation.items_for(user) if signed_in else [],
        "websocket_url": settings.WEBSOCKET_URL,
        "plein_languages": settings.LANGUAGES,
    }
