from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "intranet.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        from intranet.core import images, lookups, navigation  # noqa: F401  (lookups register)

        images.limit_pixels()

        navigation.register(
            navigation.NavItem(key="home", label=_("Home"), url_name="home", icon="home", order=0)
        )
        navigation.register(
            navigation.NavItem(
                key="admin",
                label=_("Administration"),
                url_name="admin:index",
                icon="settings",
                order=1000,
                visible=lambda user: user.has_perm("intranet.view_administration"),
            )
        )
