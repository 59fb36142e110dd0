from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivityConfig(AppConfig):
    name = "intranet.activity"
    label = "activity"
    verbose_name = _("Activity")

    def ready(self):
        from intranet.activity import handlers

        handlers.register()
