"""Reads of points, levels, leaderboards, badges, stories, ambassadors and challenges.

Privacy is decided here, once: `shown(user)` and `visible_q()` are what every page and the API
ask. Nobody gets a view of a person's points that colleagues do not have (a manager included):
there is no "team member's points" page at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gamification import services
from gamification.models import (
    Ambassador,
    AmbassadorActivity,
    AmbassadorActivityKind,
    Badge,
    BadgeAward,
    Challenge,
    ChallengeEntry,
    Deed,
    DeedKind,
    InvitationStatus,
    LeadershipInvitation,
    LedgerEntry,
    Period,
    PointTally,
    Privacy,
    Reuse,
    Story,
)
from gamification.services import ALL_TIME, game_settings, period_starts
from intranet.governance import permissions

# Departments with fewer people on the leaderboard than this are not shown on the department
# board: a sum over two people tells each what the other earned.
MIN_GROUP = 3


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    floor: int
    next_floor: int | None


LEVELS = [
    (0, _("Newcomer")),
    (25, _("Participant")),
    (100, _("Contributor")),
    (250, _("Regular")),
    (600, _("Expert")),
    (1500, _("Champion")),
]


def level_for(total: int) -> Level:
    number = 1
    for index, (floor, _name) in enumerate(LEVELS):
        if total >= floor:
            number = index + 1
    floor, name = LEVELS[number - 1]
    next_floor = LEVELS[number][0] if number < len(LEVELS) else None
    return Level(number=number, name=str(name), floor=floor, next_floor=next_floor)


# --- Privacy ------------------------------------------------------------------------------------


def visible_q(prefix: str = "", *, default: bool | None = None) -> Q:
    """People who show their points to colleagues: their own choice, else the organisation's
    default. Inactive accounts and guests never appear."""
    if default is None:
        default = game_settings().visible_by_default
    choice = Q(**{f"{prefix}game_privacy__visible": True})
    if default:
        choice |= Q(**{f"{prefix}game_privacy__isnull": True})
    return choice & permissions.colleague_filter(prefix)


def chooses_visible(user) -> bool:
    """Once per request (kept on the user object)."""
    if "_game_visible" not in user.__dict__:
        stored = Privacy.objects.filter(user=user).values_list("visible", flat=True).first()
        user.__dict__["_game_visible"] = (
            game_settings().visible_by_default if stored is None else stored
        )
    return user.__dict__["_game_visible"]


def shown(*, person, viewer) -> bool:
    """May `viewer` see `person`'s points, level and badges? Everyone sees their own (while
    points are on); colleagues only when the person shows them."""
    if not game_settings().points_on or not permissions.is_active(viewer):
        return False
    return person.pk == viewer.pk or (permissions.is_colleague(person) and chooses_visible(person))


def leaderboards_open(viewer) -> bool:
    found = game_settings()
    return (
        found.points_on
        and found.leaderboards_on
        and permissions.is_active(viewer)
        and not permissions.is_guest(viewer)
    )


# --- Points -------------------------------------------------------------------------------------


def total_of(*, user_id: int) -> int:
    return (
        PointTally.objects.filter(user_id=user_id, space=None, period=Period.ALL, start=ALL_TIME)
        .values_list("total", flat=True)
        .first()
        or 0
    )


def my_points(*, user, limit: int = 50) -> dict:
    """The total, level and latest entries, each with its rule. Two queries."""
    total = total_of(user_id=user.pk)
    history = list(LedgerEntry.objects.filter(user=user).select_related("rule")[:limit])
    return {"total": total, "level": level_for(total), "history": history}


def profile_panel(*, person, viewer) -> dict | None:
    """What a profile shows of someone's points and badges, or None when it shows nothing."""
    if not shown(person=person, viewer=viewer):
        return None
    total = total_of(user_id=person.pk)
    badges = list(
        BadgeAward.objects.filter(user=person, badge__in=Badge.objects.readable_by(viewer))
        .select_related("badge")
        .order_by("-tier", "-pk")[:8]
    )
    return {
        "total": total,
        "level": level_for(total),
        "badges": badges,
        "own": person.pk == viewer.pk,
        "ambassador": Ambassador.objects.filter(user=person).select_related("department").first(),
    }


# --- Leaderboards -------------------------------------------------------------------------------


def _tallies(*, period: str, space=None):
    start = period_starts()[period]
    tallies = PointTally.objects.filter(period=period, start=start, total__gt=0)
    return tallies.filter(space=space) if space is not None else tallies.filter(space=None)


def leaderboard(*, viewer, period: str = Period.MONTH, space=None, department=None,
                limit: int = 20) -> dict:  # fmt: skip
    """The top people of the organisation, a department or a space, in a period; and the
    viewer's own place when they appear. Two queries whatever the ledger holds: tallies are
    maintained per period, so this reads at most `limit` + 1 rows from an index."""
    if period not in Period.values:
        period = Period.MONTH
    tallies = _tallies(period=period, space=space).filter(visible_q("user__"))
    if department is not None:
        tallies = tallies.filter(user__department=department)
    top = tallies.select_related("user", "user__department").only(
        "total",
        "user__first_name",
        "user__last_name",
        "user__email",
        "user__photo",
        "user__job_title",
        "user__department__name",
    )
    key = services.boards.key(
        0, "people", period, period_starts()[period], getattr(space, "pk", ""),
        getattr(department, "pk", ""), limit,
    )  # fmt: skip
    rows = cache.get(key)
    if rows is None:
        rows = list(top.order_by("-total", "user_id")[:limit])
        cache.set(key, rows, timeout=services.BOARD_SECONDS)
    ranked = []
    for index, tally in enumerate(rows):
        rank = index + 1
        if index and tally.total == rows[index - 1].total:
            rank = ranked[-1]["rank"]
        ranked.append({"rank": rank, "person": tally.user, "total": tally.total})
    mine = None
    if viewer.pk not in {row["person"].pk for row in ranked} and chooses_visible(viewer):
        own = tallies.filter(user=viewer).values_list("total", flat=True).first()
        if own:
            mine = {"rank": tallies.filter(total__gt=own).count() + 1, "total": own}
    return {"rows": ranked, "mine": mine, "period": period}


def department_board(*, period: str = Period.MONTH) -> list[dict]:
    """Teams, not only people: each department's points (of the people on the leaderboard)
    as a sum and per head. Departments with fewer than MIN_GROUP such people are left out.
    Three queries, whatever the ledger holds, and then cached for a minute: the same for all."""

    if period not in Period.values:
        period = Period.MONTH
    key = services.boards.key(0, "departments", period, period_starts()[period])
    rows = cache.get(key)
    if rows is None:
        rows = _department_rows(period=period)
        cache.set(key, rows, timeout=services.BOARD_SECONDS)
    return rows


def _department_rows(*, period: str) -> list[dict]:
    from intranet.governance.models import Department

    default = game_settings().visible_by_default
    heads = dict(
        get_user_model()
        .objects.filter(visible_q(default=default), department__isnull=False)
        .values("department")
        .annotate(n=Count("pk"))
        .values_list("department", "n")
    )
    sums = dict(
        _tallies(period=period)
        .filter(visible_q("user__", default=default), user__department__isnull=False)
        .values("user__department")
        .annotate(points=Sum("total"))
        .values_list("user__department", "points")
    )
    names = dict(
        Department.objects.filter(pk__in=[pk for pk, n in heads.items() if n >= MIN_GROUP])
        .values_list("pk", "name")
    )  # fmt: skip
    rows = [
        {
            "department_id": pk,
            "name": name,
            "people": heads[pk],
            "points": sums.get(pk, 0),
            "per_head": round(sums.get(pk, 0) / heads[pk], 1),
        }
        for pk, name in names.items()
    ]
    return sorted(rows, key=lambda row: (-row["per_head"], row["name"]))


# --- Badges -------------------------------------------------------------------------------------


def badges_overview(*, user) -> list[Badge]:
    """Every active badge the user may see with how many people hold it (any tier). One
    query."""
    return list(
        Badge.objects.readable_by(user)
        .filter(active=True)
        .select_related("space")
        .annotate(holders=Count("awards__user", distinct=True))
        .order_by("name")
    )


def badge_holders(*, badge: Badge, limit: int = 60) -> dict[int, list]:
    """{tier: [award]} of the people who show their badges, highest tier first."""
    awards = (
        BadgeAward.objects.filter(badge=badge)
        .filter(visible_q("user__"))
        .select_related("user")
        .order_by("-tier", "awarded_at")[:limit]
    )
    found: dict[int, list] = {}
    for award_row in awards:
        found.setdefault(award_row.tier, []).append(award_row)
    return found


def badges_of(*, user) -> list[BadgeAward]:
    """One's own badges, as far as one may still read the spaces they were earned in."""
    return list(
        BadgeAward.objects.filter(
            user=user, badge__in=Badge.objects.readable_by(user)
        ).select_related("badge")
    )


def badge_progress(*, user, badges) -> dict[int, int]:
    """How far the user is towards each badge (its count of deeds): one query for every badge
    that counts a kind of deed anywhere and any time, one more for each badge limited to a
    period or a space (administrators make a handful of those)."""
    from gamification.services import _count

    plain = dict(
        Deed.objects.filter(user=user, void=False)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return {
        badge.pk: _count(user_id=user.pk, badge=badge)
        if badge.period_days or badge.space_id
        else plain.get(badge.deed, 0)
        for badge in badges
    }


# --- Stories ------------------------------------------------------------------------------------


def stories_visible_to(*, user):
    """Stories in spaces the user may read, with the stories module on; not hidden."""
    return Story.objects.readable_by(user)


def _listed(stories):
    return stories.select_related("space", "author", "author__department").prefetch_related(
        Prefetch("images"), "teams"
    )


def story_list(*, user, department=None, space=None, limit: int = 50) -> list[Story]:
    stories = stories_visible_to(user=user)
    if department is not None:
        stories = stories.filter(Q(author__department=department) | Q(teams=department)).distinct()
    if space is not None:
        stories = stories.filter(space=space)
    return list(_listed(stories)[:limit])


def featured_stories(*, user, limit: int = 3) -> list[Story]:
    return list(_listed(stories_visible_to(user=user).filter(featured=True))[:limit])


def story_page(*, story: Story, user) -> dict:
    """People, teams, images and reuse of one story; five queries."""
    reuses = list(story.reuses.select_related("department", "user"))
    return {
        "people": list(story.people.filter(is_active=True).select_related("department")),
        "teams": list(story.teams.all()),
        "images": list(story.images.all()),
        "reuses": reuses,
        "reused_by_my_team": any(r.department_id == user.department_id for r in reuses),
    }


def reuse_summary(*, stories) -> dict:
    """Across stories: teams reached and what reuse brought, by kind."""
    by_kind = dict(
        Reuse.objects.filter(story__in=stories).values("kind").annotate(n=Count("pk"))
        .values_list("kind", "n")
    )  # fmt: skip
    return {"by_kind": by_kind, "total": sum(by_kind.values())}


def load_stories(ids: list[int]) -> dict[int, Story]:
    """Feed items about stories (activity.targets): not those of a space whose stories are
    switched off (the feed checked the space itself)."""
    from intranet.governance.constants import Module

    return (
        Story.objects.published()
        .filter(space__modules__contains=[Module.STORIES])
        .only("id", "title", "challenge_html", "result_html", "reuse_count")
        .in_bulk(ids)
    )


def moderation_stories(ids: list[int]) -> dict[int, Story]:
    return Story.objects.select_related("space__department", "author").in_bulk(ids)


def hidden_stories(space_ids: list[int], limit: int) -> list[Story]:
    return list(
        Story.objects.filter(space_id__in=space_ids, hidden_at__isnull=False)
        .select_related("space", "author", "hidden_by")
        .order_by("-hidden_at")[:limit]
    )


def search_source(*, user, q: str, limit: int):
    from django.contrib.postgres.search import SearchQuery, SearchVector

    vector = SearchVector("title", weight="A") + SearchVector("challenge", "result", weight="B")
    stories = (
        stories_visible_to(user=user)
        .annotate(match=vector)
        .filter(Q(match=SearchQuery(q, config="simple")) | Q(title__icontains=q))
        .select_related("space")[:limit]
    )
    from intranet.search.registry import Result

    return [
        Result(title=story.title, url=story.get_absolute_url(), meta=story.space.name)
        for story in stories
    ]


# --- Ambassadors --------------------------------------------------------------------------------


def ambassadors() -> list[Ambassador]:
    return list(
        Ambassador.objects.filter(user__is_active=True).select_related("user", "department")
    )


def is_ambassador(user) -> bool:
    return permissions.is_active(user) and Ambassador.objects.filter(user=user).exists()


def ambassador_space():
    """The ambassadors' own space, once made (None before the first appointment)."""
    from intranet.governance.models import Space

    space_id = services.ambassador_space_id()
    return Space.objects.filter(pk=space_id).first() if space_id else None


def _hours(value) -> Decimal:
    return (value or Decimal(0)).quantize(Decimal("0.1"))


def ambassador_totals(*, today: datetime.date | None = None) -> list[dict]:
    """Every active ambassador with what they logged: sessions given, teams helped (distinct
    teams), hours this month and in all, beside the hours a month they were granted. One
    query, whatever the number of ambassadors or log rows."""
    month = (today or timezone.localdate()).replace(day=1)
    this_month = Q(user__ambassador_activities__date__gte=month)
    rows = (
        Ambassador.objects.filter(user__is_active=True)
        .select_related("user", "department")
        .annotate(
            sessions=Count(
                "user__ambassador_activities",
                filter=Q(user__ambassador_activities__kind=AmbassadorActivityKind.SESSION),
            ),
            teams=Count(
                "user__ambassador_activities__department",
                filter=Q(user__ambassador_activities__kind=AmbassadorActivityKind.TEAM_HELPED),
                distinct=True,
            ),
            month_hours=Sum("user__ambassador_activities__hours", filter=this_month),
            all_hours=Sum("user__ambassador_activities__hours"),
        )
    )
    return [
        {
            "ambassador": row,
            "sessions": row.sessions,
            "teams": row.teams,
            "month_hours": _hours(row.month_hours),
            "all_hours": _hours(row.all_hours),
            "granted": row.hours_granted,
            "over": _hours(row.month_hours) > row.hours_granted > 0,
        }
        for row in rows
    ]


def hours_granted(*, user) -> int:
    return (
        Ambassador.objects.filter(user_id=user.pk).values_list("hours_granted", flat=True).first()
        or 0
    )


def ambassador_log(*, user, limit: int = 100) -> dict:
    """An ambassador's own log, newest first, and their totals (two queries)."""
    entries = list(
        AmbassadorActivity.objects.filter(ambassador=user).select_related("department")[:limit]
    )
    month = timezone.localdate().replace(day=1)
    totals = AmbassadorActivity.objects.filter(ambassador=user).aggregate(
        month_hours=Sum("hours", filter=Q(date__gte=month)),
        all_hours=Sum("hours"),
        sessions=Count("pk", filter=Q(kind=AmbassadorActivityKind.SESSION)),
        teams=Count("department", filter=Q(kind=AmbassadorActivityKind.TEAM_HELPED), distinct=True),
    )
    return {
        "entries": entries,
        "month_hours": _hours(totals["month_hours"]),
        "all_hours": _hours(totals["all_hours"]),
        "sessions": totals["sessions"],
        "teams": totals["teams"],
    }


# --- Invitations (issue 22) ---------------------------------------------------------------------


def invitations_for(*, user) -> list[LeadershipInvitation]:
    """The person's own invitations, waiting ones first. Only what the administrator wrote
    and chose: no figure of the insights is stored with them, so none can show here."""
    from django.db.models import Case, IntegerField, Value, When

    return list(
        LeadershipInvitation.objects.filter(person_id=user.pk)
        .select_related("invited_by", "counterpart")
        .annotate(
            waiting=Case(
                When(status=InvitationStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-created_at", "-pk")[:100]
    )


def invitation_of(*, user, invitation_id: int) -> LeadershipInvitation | None:
    """The person's own invitation, or None (someone else's, or none by that id)."""
    if not permissions.is_active(user):
        return None
    return LeadershipInvitation.objects.filter(pk=invitation_id, person_id=user.pk).first()


def sent_invitations(*, viewer, limit: int = 200) -> list[LeadershipInvitation] | None:
    """Invitations for administrators: every one to those who may invite (the person-level
    views are open to them), their own to an administrator who sent some before the views
    closed (to withdraw them). Anyone else: None (the page does not exist for them)."""
    if not permissions.is_administrator(viewer):
        return None
    found = LeadershipInvitation.objects.select_related("person", "invited_by", "counterpart")
    if not services.may_invite(viewer):
        found = found.filter(invited_by_id=viewer.pk)
    return list(found[:limit])


def not_yet_active(*, viewer, days: int = 90, limit: int = 200) -> dict | None:
    """Colleagues who have not taken part yet (nothing posted, asked, answered or commented in
    the window, or never signed in). Administrators see names, to invite them; ambassadors see
    counts by department only. Everyone else: None."""
    from intranet.activity.models import Activity
    from intranet.governance.models import Department

    admin = permissions.is_administrator(viewer)
    if not admin and not is_ambassador(viewer):
        return None
    since = timezone.now() - datetime.timedelta(days=days)
    quiet = (
        get_user_model()
        .objects.filter(permissions.colleague_filter())
        .exclude(pk__in=Activity.objects.filter(created_at__gte=since).values("actor_id"))
    )
    counts = dict(quiet.values("department").annotate(n=Count("pk")).values_list("department", "n"))
    names = dict(
        Department.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "name")
    )
    by_department = sorted(
        ({"name": names.get(pk) or _("No department"), "count": n} for pk, n in counts.items()),
        key=lambda row: (-row["count"], str(row["name"])),
    )
    people = None
    if admin:
        people = list(
            quiet.select_related("department").order_by("department__name", "first_name")[:limit]
        )
    return {"by_department": by_department, "people": people, "days": days}


# --- Challenges ---------------------------------------------------------------------------------


def profile_complete(*, user_id: int) -> bool:
    """Name, job title, department, photo and at least one skill."""
    person = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(skill_count=Count("skills"))
        .only("first_name", "last_name", "job_title", "department_id", "photo")
        .first()
    )
    return bool(
        person
        and person.first_name
        and person.last_name
        and person.job_title
        and person.department_id
        and person.photo
        and person.skill_count
    )


def challenge_progress(*, challenge: Challenge, user_id: int) -> dict:
    """Per step: done so far (deeds in the challenge's days; a complete profile counts
    whenever it was completed) against what the step asks."""
    start = timezone.make_aware(datetime.datetime.combine(challenge.starts_on, datetime.time()))
    end = timezone.make_aware(
        datetime.datetime.combine(challenge.ends_on + datetime.timedelta(days=1), datetime.time())
    )
    steps = list(challenge.steps.all())
    counts = dict(
        Deed.objects.filter(
            user_id=user_id,
            void=False,
            kind__in=[step.deed for step in steps],
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    if any(step.deed == DeedKind.PROFILE_COMPLETED for step in steps):
        counts[DeedKind.PROFILE_COMPLETED] = int(
            Deed.objects.filter(user_id=user_id, kind=DeedKind.PROFILE_COMPLETED).exists()
        )
    rows = [
        {
            "step": step,
            "label": step.get_deed_display(),
            "done": min(counts.get(step.deed, 0), step.count),
            "count": step.count,
            "complete": counts.get(step.deed, 0) >= step.count,
        }
        for step in steps
    ]
    complete = bool(rows) and all(row["complete"] for row in rows)
    done = sum(row["done"] for row in rows)
    needed = sum(row["count"] for row in rows) or 1
    return {"steps": rows, "complete": complete, "percent": round(100 * done / needed)}


def challenges_for(*, user) -> list[dict]:
    """Running and recent challenges, with the user's entry and progress when they joined."""
    today = timezone.localdate()
    challenges = list(
        Challenge.objects.filter(ends_on__gte=today - datetime.timedelta(days=30))
        .prefetch_related("steps")
        .order_by("ends_on", "pk")
    )
    entries = {
        entry.challenge_id: entry
        for entry in ChallengeEntry.objects.filter(user=user, challenge__in=challenges)
    }
    return [
        {
            "challenge": challenge,
            "entry": entries.get(challenge.pk),
            "running": challenge.starts_on <= today <= challenge.ends_on,
            "ended": challenge.ends_on < today,
            "progress": challenge_progress(challenge=challenge, user_id=user.pk)
            if challenge.pk in entries
            else None,
        }
        for challenge in challenges
    ]
