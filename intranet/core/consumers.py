"""A minimal authenticated WebSocket: lets clients (and /healthz users) check that the ASGI
side, the session and the channel layer work end to end before the feed consumers exist."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

# 4401: application-defined close code ("not signed in"), mirrors HTTP 401.
CLOSE_NOT_SIGNED_IN = 4401


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.group = f"user.{user.pk}.ping"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Round trip through the channel layer (Redis), not only through this process.
        await self.channel_layer.group_send(
            self.group, {"type": "ping.reply", "echo": content.get("echo", "")}
        )

    async def ping_reply(self, event):
        await self.send_json({"type": "pong", "echo": event["echo"]})
