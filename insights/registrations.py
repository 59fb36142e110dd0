"""What insights adds to the platform: the rail entry for leaders, the link for everyone to
their own inclusion and opt-out, and the demo."""

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from insights import access, demo, selectors
    from intranet import events
    from intranet.activity import privacy
    from intranet.core import navigation
    from intranet.signals import events as floor
    from processes import events as boards

    demo.register()
    # An announcement's reach is reported to its author only for groups at least this large.
    privacy.use_smallest_group(lambda: selectors.insight_settings().min_group)
    # Signals and pain points changed: the follow-up page's cached part is rendered again.
    for event_type in (
        floor.SignalRaised,
        floor.SignalAnswered,
        floor.SignalAssigned,
        boards.PainPointFlagged,
        boards.PainPointStatusChanged,
        boards.BoardSharingChanged,
    ):
        events.subscribe(event_type, lambda _event: selectors.follow_up.bump(0))
    # What Plein returned per month: a reuse, an answer, an accepted suggestion or an adopted
    # signal adds to it; hiding content or closing a space takes from it.
    from forums import events as forums
    from gamification import events as stories
    from insights import sources
    from intranet.governance import events as governance
    from intranet.moderation import events as moderation
    from knowledge import events as knowledge

    for event_type in (
        stories.StoryReused,
        forums.AnswerPosted,
        knowledge.SuggestionAccepted,
        moderation.ContentHidden,
        moderation.ContentRestored,
        governance.SpaceSettingsChanged,
        governance.SpacePermissionsChanged,
        governance.PersonMovedDepartment,
        *sources.adopted_signal_events(),
    ):
        events.subscribe(event_type, _value_changed)
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


def _value_changed(_event) -> None:
    from insights import selectors

    selectors.value.bump(0)
