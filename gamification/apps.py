from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = _("Recognition and success stories")

    def ready(self) -> None:
        from gamification import registrations

        registrations.register()
