"""What insights adds to the platform: the rail entry for leaders, the link for everyone to
their own inclusion and opt-out, and the demo."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from insights import access, demo, selectors
    from intranet import events
    from intranet.core import navigation
    from processes import events as boards

    demo.register()
    # Signals and pain points changed: the follow-up page's cached part is rendered again.
    for event_type in (
        boards.SignalRaised,
        boards.SignalAnswered,
        boards.PainPointFlagged,
        boards.PainPointStatusChanged,
        boards.BoardSharingChanged,
    ):
        events.subscribe(event_type, lambda _event: selectors.follow_up.bump(0))
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
