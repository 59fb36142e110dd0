from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    """Inbound email: a reply to a notification becomes an answer or a comment."""

    name = "intranet.inbound"
    label = "inbound"
    verbose_name = _("Replies by email")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from intranet.inbound import registrations

        registrations.register()
