from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    """Signals from the floor for any content, and every space's idea box."""

    name = "intranet.signals"
    label = "signals"
    verbose_name = _("Signals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from intranet.signals import registrations

        registrations.register()
