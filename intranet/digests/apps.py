from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "intranet.digests"
    label = "digests"
    verbose_name = _("Digests")

    def ready(self) -> None:
        from intranet.digests import registrations

        registrations.register()
