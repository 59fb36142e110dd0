from urllib.parse import urlencode

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = _("People")

    def ready(self) -> None:
        from intranet.core import navigation
        from intranet.governance import permissions
        from intranet.search import registry as search
        from profiles import demo, expertise, handlers, rules, selectors  # noqa: F401  (rules register on import)

        expertise.register_defaults()
        search.register(
            search.Source(
                key="people",
                label=_("People"),
                order=10,
                search=selectors.search_people,
                more_url=lambda q: f"{reverse('profiles:directory')}?{urlencode({'q': q})}",
            )
        )
        handlers.register()
        demo.register()
        navigation.register(
            navigation.NavItem(
                key="people",
                label=_("People"),
                url_name="profiles:directory",
                icon="people",
                order=25,
            )
        )
        navigation.register(
            navigation.NavItem(
                key="expertise",
                label=_("Who knows?"),
                url_name="profiles:expertise",
                icon="search",
                order=26,
                visible=lambda user: not permissions.is_guest(user),
            )
        )
