"""WebSocket routes. Feature apps add theirs in later issues (activity feed, boards, threads)."""

from django.urls import path

from intranet.activity.consumers import FeedConsumer
from intranet.core.consumers import PingConsumer

websocket_urlpatterns = [
    path("ws/ping/", PingConsumer.as_asgi()),
    path("ws/feed/", FeedConsumer.as_asgi()),
]
