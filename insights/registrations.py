"""What insights adds to the platform: the rail entry for leaders, the link for everyone to
their own inclusion and opt-out, and the demo."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from insights import access, demo
    from intranet.core import navigation

    demo.register()
    navigation.register(
        navigation.NavItem(
            key="insights",
            label=_("Insights"),
            url_name="insights:network",
            icon="network",
            order=80,
            visible=access.may_view,
        )
    )
