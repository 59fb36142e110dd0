from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: signed deliveries of events to subscribed addresses."""

    name = "intranet.webhooks"
    label = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from intranet.webhooks import handlers

        handlers.register()
