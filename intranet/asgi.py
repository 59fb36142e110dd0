"""ASGI entry point: WebSockets under /ws/ (and, in `make run`, the pages too)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings")
# Sync views run in short-lived threads under ASGI: use psycopg's connection pool here.
os.environ.setdefault("PLEIN_DB_POOL", "1")

from django.core.asgi import get_asgi_application

# Django must be set up before the consumers (and the models they import) are imported.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from intranet.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
