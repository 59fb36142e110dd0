"""Loading reverse-mentoring cohorts for one person, checked in one step (DESIGN.md, "Each app
loads and lists its content through its own access module").

A cohort is seen by its organiser, by administrators and by the people paired in it (also
while their pair waits for an answer; not once they declined). Everyone else gets the same
answer as for a cohort that does not exist: MentoringCohort.DoesNotExist, which pages turn into
404. Guests and deactivated accounts see none."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from intranet.governance import permissions
from profiles.models import MentoringCohort, MentoringPair

VIEW = "view"  # the cohort page
MANAGE = "manage"  # pairing, ending, the outcomes: the organiser or an administrator
TAKE_PART = "take_part"  # logging sessions, evaluating: someone in an accepted pair


@dataclass(frozen=True)
class CohortAccess:
    cohort: MentoringCohort
    manages: bool
    involved: bool  # paired in it (accepted or still to answer)
    participates: bool  # in a pair both people accepted


def _people_pairs(user):
    """The cohort pairs `user` is (or is to be) in: declined ones are none of theirs."""
    return MentoringPair.objects.filter(Q(mentor_id=user.pk) | Q(mentee_id=user.pk)).exclude(
        status=MentoringPair.Status.DECLINED
    )


def access_cohort(user, cohort_id: int, action: str = VIEW, *, lock: bool = False):
    """The cohort with what `user` may do in it, if `action` is theirs; else the same error as
    for a cohort that does not exist. Two queries (`lock`: the cohort's row is locked for a
    change in the caller's transaction)."""
    if not permissions.is_colleague(user):
        raise MentoringCohort.DoesNotExist
    cohorts = MentoringCohort.objects.select_related("organiser", "department")
    if lock:
        cohorts = cohorts.select_for_update(of=("self",))
    cohort = cohorts.filter(pk=cohort_id).first()
    if cohort is None:
        raise MentoringCohort.DoesNotExist
    flags = list(
        _people_pairs(user)
        .filter(cohort_id=cohort.pk)
        .values_list("mentor_accepted", "mentee_accepted")
    )
    access = CohortAccess(
        cohort=cohort,
        manages=permissions.is_administrator(user) or cohort.organiser_id == user.pk,
        involved=bool(flags),
        participates=any(mentor and mentee for mentor, mentee in flags),
    )
    allowed = {
        VIEW: access.manages or access.involved,
        MANAGE: access.manages,
        TAKE_PART: access.participates,
    }.get(action, False)
    if not allowed:
        raise MentoringCohort.DoesNotExist
    return access


def cohorts_visible_to(user):
    """The cohorts `user` may open: all for an administrator, else those they organise or are
    paired in."""
    if not permissions.is_colleague(user):
        return MentoringCohort.objects.none()
    if permissions.is_administrator(user):
        return MentoringCohort.objects.all()
    return MentoringCohort.objects.filter(
        Q(organiser_id=user.pk) | Q(pk__in=_people_pairs(user).values("cohort_id"))
    )
