"""What follows from people's actions: colleagues hear about endorsements and mentoring."""

from django.urls import reverse

from intranet import events
from intranet.activity import services as activity
from intranet.activity.models import NotificationKind
from profiles import events as ev
from profiles import selectors


def on_endorsed(event: ev.SkillEndorsed) -> None:
    activity.notify(
        recipient_id=event.person_id,
        kind=NotificationKind.ENDORSEMENT,
        group_key=f"endorsement:{event.person_id}:{event.skill}",
        actor_id=event.endorser_id,
        url=reverse("profiles:person", args=[event.person_id]),
        params={"skill": event.skill},
    )


def on_mentoring_proposed(event: ev.MentoringProposed) -> None:
    activity.notify(
        recipient_id=event.recipient_id,
        kind=NotificationKind.MENTORING,
        group_key=f"mentoring:{event.pair_id}:proposed",
        actor_id=event.proposed_by_id,
        url=reverse("profiles:mentoring"),
        params={
            "skill": event.skill,
            "state": "proposed",
            **({"cohort": event.cohort} if event.cohort else {}),
        },
    )


def on_mentoring_decided(event: ev.MentoringDecided) -> None:
    activity.notify(
        recipient_id=event.proposed_by_id,
        kind=NotificationKind.MENTORING,
        group_key=f"mentoring:{event.pair_id}:decided",
        actor_id=event.actor_id,
        url=reverse("profiles:mentoring"),
        params={"skill": event.skill, "state": "accepted" if event.accepted else "declined"},
    )


def on_cohort_ended(event: ev.CohortEnded) -> None:
    """Everyone who took part is asked for their evaluation (the organiser is not told of
    their own action)."""
    url = reverse("profiles:cohort_evaluation", args=[event.cohort_id])
    for person_id in event.participant_ids:
        activity.notify(
            recipient_id=person_id,
            kind=NotificationKind.MENTORING,
            group_key=f"cohort:{event.cohort_id}:ended",
            actor_id=event.actor_id,
            url=url,
            params={"state": "cohort_ended", "cohort": event.name},
        )


def on_people_changed(event) -> None:
    selectors.people_changed()


def register() -> None:
    from intranet.governance import events as gov

    for event_type in (ev.ProfileUpdated, gov.PersonMovedDepartment, gov.DepartmentChanged):
        events.subscribe(event_type, on_people_changed)
    events.subscribe(ev.SkillEndorsed, on_endorsed)
    events.subscribe(ev.MentoringProposed, on_mentoring_proposed)
    events.subscribe(ev.MentoringDecided, on_mentoring_decided)
    events.subscribe(ev.CohortEnded, on_cohort_ended)
