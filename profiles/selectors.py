from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Case, Count, F, FloatField, Max, Q, Sum, Value, When
from django.db.models.functions import Cast, ExtractDay, Ln, Lower, Now, Power
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language

from intranet.governance import permissions
from intranet.governance.models import Membership, Space
from profiles import expertise
from profiles.models import (
    CohortEvaluation,
    Endorsement,
    Evidence,
    FieldVisibility,
    Invitation,
    MentoringCohort,
    MentoringOffer,
    MentoringPair,
    MentoringRole,
    MentoringSession,
    Skill,
)

User = get_user_model()


def pending_invitation(*, email: str | None = None, token: str | None = None) -> Invitation | None:
    invitations = Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())
    if token is not None:
        invitations = invitations.filter(token=token)
    if email is not None:
        invitations = invitations.filter(email__iexact=email)
    return invitations.first()


# --- People (issue 5) ----------------------------------------------------------------------------

DIRECTORY_PAGE = 24
EXPERTS_LIMIT = 20


def people_visible_to(viewer):
    """Active people the viewer may look up. Guests see only themselves and the people they
    share a space with; everyone else sees every active colleague."""
    people = User.objects.filter(is_active=True)
    if not permissions.is_active(viewer):
        return people.none()
    if permissions.is_guest(viewer):
        shared = Membership.objects.filter(
            space_id__in=Membership.objects.filter(user_id=viewer.pk).values("space_id")
        ).values("user_id")
        return people.filter(Q(pk=viewer.pk) | Q(pk__in=shared))
    return people


def listed_people_visible_to(viewer):
    """`people_visible_to` as lists show them: without service accounts (an integration's own
    page stays reachable from what it posted, but it is not found, ranked or suggested)."""
    return people_visible_to(viewer).filter(service_account__isnull=True)


def person_for(*, viewer, user_id: int):
    """The person's profile if the viewer may see it, else None (the page answers 404)."""
    return (
        people_visible_to(viewer)
        # The service account (if any) in the same query: the page says an integration is one;
        # so is an ambassadorship (gamification), for the marker beside the name.
        .select_related(
            "department",
            "manager",
            "department__manager",
            "service_account__owner",
            "ambassadorship",
        )
        .filter(pk=user_id)
        .first()
    )


def may_see_detail(*, viewer, person, visibility: str) -> bool:
    """Phone and location follow the person's own choice."""
    if viewer.pk == person.pk or permissions.is_administrator(viewer):
        return True
    if permissions.is_guest(viewer) or visibility == FieldVisibility.ONLY_ME:
        return False
    if visibility == FieldVisibility.DEPARTMENT:
        return person.department_id is not None and person.department_id == viewer.department_id
    return True


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    department: int | None = None
    skill: str = ""
    location: str = ""

    @classmethod
    def from_params(cls, params) -> DirectoryQuery:
        department = params.get("department") or ""
        return cls(
            q=" ".join((params.get("q") or "").split())[:100],
            department=int(department) if department.isdecimal() else None,
            skill=slugify(params.get("skill") or "")[:60],
            location=(params.get("location") or "").strip()[:120],
        )


def directory(*, viewer, query: DirectoryQuery):
    """People matching the query, best name matches first (typo tolerant: trigram word
    similarity on "first last"), else alphabetical."""
    people = listed_people_visible_to(viewer).select_related("department")
    if query.department:
        people = people.filter(department_id=query.department)
    if query.skill:
        people = people.filter(skills__slug=query.skill)
    if query.location:
        # Only people who show their location to every colleague are found by it (as the cards
        # and the list of locations show it): a location kept to oneself or one's department
        # is not revealed by filtering on it. Guests see nobody's location.
        if permissions.is_guest(viewer):
            people = people.none()
        else:
            people = people.filter(
                location__iexact=query.location, location_visibility=FieldVisibility.COLLEAGUES
            )
    if query.q:
        needle = query.q.lower()
        if len(needle) < 3:
            # Too short for trigrams: names or surnames that start with it.
            match = Q(search_name__startswith=needle) | Q(search_name__contains=f" {needle}")
        else:
            # Word similarity through the trigram index: "jansn" finds Jansen. (An OR with a
            # LIKE here would make PostgreSQL scan every row.)
            match = Q(search_name__trigram_word_similar=needle)
        people = (
            people.filter(match)
            .annotate(match=TrigramWordSimilarity(needle, "search_name"))
            .order_by("-match", "first_name", "last_name", "pk")
        )
    else:
        people = people.order_by("first_name", "last_name", "pk")
    # The card's "Ambassador" marker (gamification) in the same query, whatever the page size.
    return people.only(*CARD_FIELDS).annotate(ambassador_since=F("ambassadorship__appointed_at"))


def with_skills(people) -> list:
    """Attach each person's skills (`person.skill_list`) in one light query: plain rows, not
    model instances, as a directory page shows 24 to 50 people with a few skills each."""
    people = list(people)
    skills: dict[int, list[dict]] = {}
    rows = User.skills.through.objects.filter(user_id__in=[p.pk for p in people]).values_list(
        "user_id", "skill__name", "skill__slug"
    )
    for user_id, name, slug in rows.order_by("skill__name"):
        skills.setdefault(user_id, []).append({"name": name, "slug": slug})
    for person in people:
        person.skill_list = skills.get(person.pk, [])
    return people


CARD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "job_title",
    "photo",
    "location",
    "location_visibility",
    "department_id",
    "department__name",
    "department__slug",
)


def directory_facets(*, viewer) -> dict:
    """Departments and locations to filter on (two queries whatever the number of people)."""
    from intranet.governance.models import Department

    locations = []
    if not permissions.is_guest(viewer):
        # The same for every colleague and slow to change: kept five minutes.
        locations = cache.get_or_set(
            "people:locations",
            lambda: list(
                User.objects.listed()
                .filter(location_visibility=FieldVisibility.COLLEAGUES)
                .exclude(location="")
                .order_by("location")
                .values_list("location", flat=True)
                .distinct()[:200]
            ),
            timeout=300,
        )
    return {
        "departments": list(Department.objects.order_by("name").only("name")),
        "locations": locations,
    }


PEOPLE_GENERATION = "people:generation"


def people_changed() -> None:
    """A profile, a department or who is in it changed: rendered directory pages expire."""
    try:
        cache.incr(PEOPLE_GENERATION)
    except ValueError:
        cache.add(PEOPLE_GENERATION, time.time_ns(), timeout=None)


def directory_cache_key(*, viewer, params) -> str | None:
    """Where a rendered directory page is kept, or None for guests (their view is their own).
    The key holds the language, the full query string and the people generation."""
    if permissions.is_guest(viewer):
        return None
    generation = cache.get(PEOPLE_GENERATION)
    if generation is None:
        cache.add(PEOPLE_GENERATION, time.time_ns(), timeout=None)
        generation = cache.get(PEOPLE_GENERATION)
    raw = f"{get_language()}|{generation}|{sorted(params.lists())}"
    return "people:page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


class DirectoryPaginator(Paginator):
    """Counting 10,000 colleagues for "Page 3 of 419" costs more than the page itself, and a
    count a minute old is good enough: kept per query (and per guest, whose view differs)."""

    def __init__(self, object_list, per_page, *, viewer, query: DirectoryQuery):
        super().__init__(object_list, per_page)
        scope = viewer.pk if permissions.is_guest(viewer) else "all"
        self._count_key = (
            "people:count:" + hashlib.sha256(repr((scope, query)).encode()).hexdigest()[:32]
        )

    @cached_property
    def count(self) -> int:
        return cache.get_or_set(self._count_key, lambda: self.object_list.count(), timeout=60)


def skill_suggestions(*, prefix: str, limit: int = 10) -> list[str]:
    """Skill names for autocomplete: starting with the text first, then similar ones."""
    prefix = " ".join((prefix or "").split()).lower()[:60]
    if len(prefix) < 1:
        return []
    skills = (
        Skill.objects.annotate(lname=Lower("name"))
        .filter(Q(lname__startswith=prefix) | Q(lname__trigram_similar=prefix))
        .annotate(similar=TrigramSimilarity("lname", prefix))
        .order_by(Case(When(lname__startswith=prefix, then=0), default=1), "-similar", "name")
    )
    return list(skills.values_list("name", flat=True)[:limit])


def person_page(*, viewer, person) -> dict:
    """What the person page shows besides the feed, in a fixed number of queries."""
    from intranet.activity import selectors as activity

    endorsements = dict(
        Endorsement.objects.filter(person=person)
        .values("skill_id")
        .annotate(n=Count("pk"))
        .values_list("skill_id", "n")
    )
    mine = set(
        Endorsement.objects.filter(person=person, endorser_id=viewer.pk).values_list(
            "skill_id", flat=True
        )
    )
    skills = [
        {"skill": skill, "endorsements": endorsements.get(skill.pk, 0), "mine": skill.pk in mine}
        for skill in person.skills.all()
    ]
    # Only spaces whose members the viewer may see (their members page answers the viewer):
    # open ones, and those the viewer belongs to; a private or secret space's member list is
    # not revealed through a colleague's page.
    spaces = (
        Space.objects.viewable_by(viewer)
        .filter(memberships__user=person)
        .order_by("name")
        .only("name", "slug", "kind", "visibility")
    )
    reports = listed_people_visible_to(viewer).filter(manager=person).only(*CARD_FIELDS[:6])
    pairs = MentoringPair.objects.filter(
        Q(mentor=person) | Q(mentee=person), status=MentoringPair.Status.ACTIVE
    ).select_related("mentor", "mentee", "skill")
    return {
        "skills": skills,
        "ask_me_about": list(person.ask_me_about.all()),
        "spaces": list(spaces[:50]),
        "manager": person.manager
        or (
            person.department.manager
            if person.department and person.department.manager_id != person.pk
            else None
        ),
        "reports": list(reports[:50]),
        "mentoring": list(pairs),
        "following": activity.is_following(follower=viewer, followee=person),
        "show_phone": bool(person.phone)
        and may_see_detail(viewer=viewer, person=person, visibility=person.phone_visibility),
        "show_location": bool(person.location)
        and may_see_detail(viewer=viewer, person=person, visibility=person.location_visibility),
        "may_edit": viewer.has_perm("profiles.change_profile", person),
    }


# --- Expertise -----------------------------------------------------------------------------------


@dataclass
class Expert:
    person: object
    score: float
    reasons: list[str]


def _evidence_readable_by(viewer):
    """Evidence rows `viewer` may learn from: personal ones (a stated skill, an endorsement:
    no space) and those made from content in a space the viewer may read now, with the
    provider's module switched on there. Subqueries, so the finder's query count stays."""
    by_module: dict[str | None, list[str]] = {}
    for source, provider in expertise.providers().items():
        by_module.setdefault(provider.module, []).append(source)
    readable = Q(space__isnull=True)
    for module, sources in by_module.items():
        spaces = Space.objects.viewable_by(viewer, module=module).values("pk")
        readable |= Q(source__in=sources, space__in=spaces)
    return Evidence.objects.filter(readable)


def _part_expression():
    """One source's share of a person's score on a topic, its rows summed over the spaces the
    reader may read: weight(source) · ln(1 + Σ count) · ½^(years since the latest evidence)."""
    weights = expertise.providers()
    weight = Case(
        *[When(source=source, then=Value(p.weight)) for source, p in weights.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    age_days = ExtractDay(Now() - Max("last_at"))  # whole days since the latest evidence
    decay = Power(Value(0.5), Cast(age_days, FloatField()) / Value(float(expertise.HALF_LIFE_DAYS)))
    return weight * Ln(Value(1.0) + Cast(Sum("count"), FloatField())) * decay


def _scores(evidence, *, by: tuple[str, ...], limit: int | None = None) -> list[dict]:
    """[{by..., "score"}]: the parts per (by, source), summed per `by`, best first, in one
    query. (Per source first: evidence split over spaces counts as much as in one.)"""
    parts = evidence.values(*by, "source").annotate(part=_part_expression()).values(*by, "part")
    sql, params = parts.query.sql_with_params()
    columns = ", ".join(f"parts.{column}" for column in by)  # our own field names
    order = ", ".join([*(f"parts.{c}" for c in by[:-1]), "score DESC", f"parts.{by[-1]}"])
    query = (
        f"SELECT {columns}, SUM(parts.part) AS score FROM ({sql}) AS parts "  # noqa: S608
        f"GROUP BY {columns} HAVING SUM(parts.part) > 0 ORDER BY {order}"
    )
    if limit is not None:
        query += " LIMIT %s"
        params = (*params, limit)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        names = [*by, "score"]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def topic_of(text: str) -> tuple[str, str]:
    """(slug, display name) for what someone typed: a known skill's own name when it exists."""
    slug = slugify(text or "")[:60]
    skill = Skill.objects.filter(slug=slug).only("name").first() if slug else None
    return slug, (skill.name if skill else " ".join((text or "").split())[:60])


def experts(
    *, viewer, topic: str, topic_name: str = "", limit: int = EXPERTS_LIMIT, exclude=()
) -> list[Expert]:
    """People ranked by evidence on one topic, each with the reasons why. Three queries."""
    if not topic:
        return []
    visible = listed_people_visible_to(viewer).exclude(pk__in=list(exclude))
    readable = _evidence_readable_by(viewer)
    ranked = _scores(
        readable.filter(topic=topic, person__in=visible), by=("person_id",), limit=limit
    )
    if not ranked:
        return []
    ids = [row["person_id"] for row in ranked]
    people = User.objects.select_related("department").in_bulk(ids)
    # Per person and source: the counts and examples of the spaces the reader may read only.
    found: dict[int, dict[str, dict]] = {}
    for row in readable.filter(topic=topic, person_id__in=ids).order_by("-last_at", "pk"):
        part = found.setdefault(row.person_id, {}).setdefault(
            row.source, {"count": 0, "examples": []}
        )
        part["count"] += row.count
        part["examples"] += [e for e in row.examples if e not in part["examples"]]
    weights = {source: p.weight for source, p in expertise.providers().items()}
    result = []
    for item in ranked:
        parts = sorted(
            found.get(item["person_id"], {}).items(),
            key=lambda kv: -weights.get(kv[0], 0) * kv[1]["count"],
        )
        reasons = [
            expertise.describe(
                source=source,
                count=part["count"],
                examples=part["examples"][:3],
                topic=topic_name or topic,
            )
            for source, part in parts
        ]
        result.append(Expert(people[item["person_id"]], item["score"], [r for r in reasons if r]))
    return result


# --- Mentoring -----------------------------------------------------------------------------------


def mentoring_overview(*, user) -> dict:
    """My offers with suggested matches, and my proposals and pairs."""
    offers = list(MentoringOffer.objects.filter(person=user).select_related("skill"))
    open_pairs = MentoringPair.objects.filter(
        Q(mentor=user) | Q(mentee=user),
        status__in=[MentoringPair.Status.PROPOSED, MentoringPair.Status.ACTIVE],
    ).select_related(
        "mentor", "mentee", "skill", "mentor__department", "mentee__department", "cohort"
    )
    open_pairs = list(open_pairs)
    paired = {(p.mentor_id, p.mentee_id, p.skill_id) for p in open_pairs}
    candidates = list(
        MentoringOffer.objects.filter(
            permissions.people_filter("person__"), skill_id__in=[o.skill_id for o in offers]
        )
        .exclude(person=user)
        .select_related("person", "person__department", "skill")
    )
    for offer in offers:
        matches = []
        for other in candidates:
            if other.skill_id != offer.skill_id or other.role == offer.role:
                continue
            mentor, mentee = (
                (user.pk, other.person_id)
                if offer.role == MentoringRole.MENTOR
                else (other.person_id, user.pk)
            )
            if (mentor, mentee, offer.skill_id) in paired:
                continue
            matches.append(other)
        # Another department first: mentoring is also how departments get to know each other.
        matches.sort(
            key=lambda o: (
                o.person.department_id == user.department_id,
                o.person.first_name,
                o.person.last_name,
            )
        )
        offer.matches = matches[:5]
    return {
        "offers": offers,
        "incoming": [p for p in open_pairs if p.status == "proposed" and not _answered(p, user)],
        "outgoing": [p for p in open_pairs if p.status == "proposed" and _answered(p, user)],
        "active": [p for p in open_pairs if p.status == "active"],
    }


def _answered(pair, user) -> bool:
    """Whether `user` has had their say on a proposed pair: they proposed it, or (a cohort
    pair, which both people accept) they accepted it already."""
    if pair.cohort_id is not None:
        return pair.mentor_accepted if pair.mentor_id == user.pk else pair.mentee_accepted
    return pair.proposed_by_id == user.pk


# --- Privacy -------------------------------------------------------------------------------------


def export_data(*, user) -> dict:
    """Everything Plein keeps on a person's profile, as they could take it elsewhere (GDPR
    art. 15 and 20)."""
    from intranet.activity.models import Follow, NotificationPreference, Post

    person = User.objects.select_related("department", "manager").get(pk=user.pk)
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": person.job_title,
            "department": person.department.name if person.department else None,
            "manager": person.manager.email if person.manager else None,
            "location": person.location,
            "location_visibility": person.location_visibility,
            "phone": person.phone,
            "phone_visibility": person.phone_visibility,
            "languages": person.languages,
            "bio": person.bio,
            "working_hours": person.working_hours,
            "language": person.language,
            "organisation_role": person.org_role,
            "date_joined": person.date_joined.isoformat(),
            "has_photo": bool(person.photo),
        },
        "skills": list(person.skills.values_list("name", flat=True)),
        "ask_me_about": list(person.ask_me_about.values_list("name", flat=True)),
        "endorsements_received": [
            {"skill": s, "by": e, "at": at.isoformat()}
            for s, e, at in Endorsement.objects.filter(person=person).values_list(
                "skill__name", "endorser__email", "created_at"
            )
        ],
        "endorsements_given": [
            {"skill": s, "to": e, "at": at.isoformat()}
            for s, e, at in Endorsement.objects.filter(endorser=person).values_list(
                "skill__name", "person__email", "created_at"
            )
        ],
        "mentoring_offers": [
            {"skill": s, "role": r, "reverse": rev, "note": n}
            for s, r, rev, n in MentoringOffer.objects.filter(person=person).values_list(
                "skill__name", "role", "reverse", "note"
            )
        ],
        "mentoring": [
            {"mentor": m, "mentee": e, "skill": s, "status": st, "reverse": rev}
            for m, e, s, st, rev in MentoringPair.objects.filter(
                Q(mentor=person) | Q(mentee=person)
            ).values_list("mentor__email", "mentee__email", "skill__name", "status", "reverse")
        ],
        "mentoring_sessions": [
            {"cohort": c, "held_on": held.isoformat(), "notes": notes}
            for c, held, notes in MentoringSession.objects.filter(
                Q(pair__mentor=person) | Q(pair__mentee=person)
            ).values_list("pair__cohort__name", "held_on", "notes")
        ],
        "cohort_evaluations": [
            {"cohort": c, "rating": r, "what_learned": w, "would_recommend": rec, "shared": sh}
            for c, r, w, rec, sh in CohortEvaluation.objects.filter(person=person).values_list(
                "cohort__name", "rating", "what_learned", "would_recommend", "share_learning"
            )
        ],
        "following": list(
            Follow.objects.filter(follower=person).values_list("followee__email", flat=True)
        ),
        "spaces": list(Membership.objects.filter(user=person).values("space__name", "role")),
        "posts": [
            {"space": s, "body": b, "at": at.isoformat()}
            for s, b, at in Post.objects.filter(author=person).values_list(
                "space__name", "body", "created_at"
            )
        ],
        "notification_preferences": dict(
            NotificationPreference.objects.filter(user=person).values_list("kind", "channel")
        ),
    }


# --- Search --------------------------------------------------------------------------------------


def search_people(*, user, q: str, limit: int):
    """The people source of the top bar search: the directory's typo-tolerant name search,
    with the same visibility rules (guests find only the people they share a space with)."""
    from intranet.search.registry import Result

    people = list(directory(viewer=user, query=DirectoryQuery(q=q))[:limit])
    return [
        Result(
            title=person.display_name,
            url=person.get_absolute_url(),
            meta=" · ".join(
                part
                for part in (person.job_title, person.department.name if person.department else "")
                if part
            ),
        )
        for person in people
    ]


def experts_by_topic(*, viewer, topics: list[str], per_topic: int = 5) -> dict[str, list]:
    """For many topics at once (the unanswered queue): {topic: [(person_id, score), ...]},
    best first, in one query whatever the number of topics."""
    topics = sorted({t for t in topics if t})
    if not topics:
        return {}
    rows = _scores(
        _evidence_readable_by(viewer).filter(
            topic__in=topics, person__in=listed_people_visible_to(viewer)
        ),
        by=("topic", "person_id"),
    )
    ranked: dict[str, list] = {}
    for row in rows:
        found = ranked.setdefault(row["topic"], [])
        if len(found) < per_topic:
            found.append((row["person_id"], row["score"]))
    return ranked


# --- Reverse-mentoring cohorts (issue 22) --------------------------------------------------------

SUGGESTED_PAIRS = 30
# Candidates the suggestion weighs: the first seniors (highest in the tree, longest tenure) and
# the newest juniors, so a cohort for the whole organisation costs what a department's does.
SUGGESTION_SENIORS = 100
SUGGESTION_JUNIORS = 400
# Ratings and recommendations are shown to the organiser from this many evaluations on, so no
# one's answer can be singled out (as insights shows groups, not people).
MIN_EVALUATIONS = 3


@dataclass(frozen=True)
class PairSuggestion:
    senior: object
    junior: object
    topic: str  # slug of the topic the junior teaches
    topic_name: str
    score: int  # evidence the junior has on topics the senior has none on


def suggest_cohort_pairs(*, viewer, cohort, limit: int = SUGGESTED_PAIRS) -> list[PairSuggestion]:
    """Suggested (senior, junior) pairs for a cohort, best first; deterministic. Seven queries.

    Who: active colleagues (no guests, no service accounts) of the cohort's department and
    the departments below it (the whole organisation without one), not yet in the cohort.

    Seniors are leaders: people who manage a department or have someone reporting to them.
    They come highest in the department tree first (a department's manager above the managers
    of the units below it; someone with reports only, after every department manager), then
    by tenure (who joined first), then by id.

    Juniors are everyone else, newest first (who joined last), then by id.

    What the junior teaches: topics on which the junior has expertise evidence and the senior
    has none (reverse mentoring: the new colleague brings what the leader lacks), only the
    cohort's themes when it has them. Evidence is what the organiser may read (stated skills,
    endorsements, and content in spaces they read): a suggestion reveals nothing of a space
    closed to them. The junior's score is the sum of their evidence on those topics; the topic
    named is the one with the most evidence (then alphabetical).

    Matching is greedy: each senior in turn takes the remaining junior with the highest score
    (ties: the newest junior). A senior without a junior who scores above zero gets no
    suggestion; each person appears at most once."""
    from intranet.governance.models import Department

    people = User.objects.filter(permissions.colleague_filter())
    if cohort.department_id:
        from profiles.rules import department_subtree

        people = people.filter(department_id__in=department_subtree([cohort.department_id]))
    taken = MentoringPair.objects.filter(cohort_id=cohort.pk).exclude(
        status=MentoringPair.Status.DECLINED
    )
    people = people.exclude(pk__in=taken.values("mentor_id")).exclude(
        pk__in=taken.values("mentee_id")
    )
    departments = {
        pk: (parent, manager)
        for pk, parent, manager in Department.objects.values_list("pk", "parent_id", "manager_id")
    }

    def depth(pk) -> int:
        seen, level = set(), 0
        while departments.get(pk, (None,))[0] is not None and pk not in seen:
            seen.add(pk)
            pk, level = departments[pk][0], level + 1
        return level

    heads: dict[int, int] = {}
    for pk, (_parent, manager_id) in departments.items():
        if manager_id is not None:
            heads[manager_id] = min(heads.get(manager_id, 10**6), depth(pk))
    with_reports = set(
        User.objects.filter(is_active=True, manager_id__isnull=False)
        .values_list("manager_id", flat=True)
        .distinct()
    )
    leaders = set(heads) | with_reports
    people = people.select_related("department")
    seniors = sorted(
        people.filter(pk__in=leaders),
        key=lambda p: (heads.get(p.pk, 10**6), p.date_joined, p.pk),
    )[:SUGGESTION_SENIORS]
    juniors = list(
        people.exclude(pk__in=leaders).order_by("-date_joined", "pk")[:SUGGESTION_JUNIORS]
    )
    if not seniors or not juniors:
        return []
    evidence = _evidence_readable_by(viewer).filter(person_id__in=[p.pk for p in seniors + juniors])
    if cohort.themes:
        evidence = evidence.filter(topic__in=cohort.themes)
    known: dict[int, dict[str, int]] = {}
    for person_id, topic, count in (
        evidence.values("person_id", "topic")
        .annotate(n=Sum("count"))
        .values_list("person_id", "topic", "n")
    ):
        known.setdefault(person_id, {})[topic] = count
    suggestions: list[tuple] = []
    free = list(juniors)
    for senior in seniors:
        if len(suggestions) >= limit:
            break
        lacks = known.get(senior.pk, {})
        best = None
        for rank, junior in enumerate(free):
            teaches = {t: n for t, n in known.get(junior.pk, {}).items() if t not in lacks}
            score = sum(teaches.values())
            if score > 0 and (best is None or score > best[0]):
                topic = min(teaches, key=lambda t: (-teaches[t], t))
                best = (score, rank, junior, topic)
        if best is None:
            continue
        score, rank, junior, topic = best
        free.pop(rank)
        suggestions.append((senior, junior, topic, score))
    names = dict(
        Skill.objects.filter(slug__in=[t for *_p, t, _s in suggestions]).values_list("slug", "name")
    )
    return [
        PairSuggestion(senior, junior, topic, names.get(topic, topic.replace("-", " ")), score)
        for senior, junior, topic, score in suggestions
    ]


def cohort_form_choices(*, user) -> dict:
    """The departments `user` may organise a cohort for (CohortForm's keyword arguments):
    every one for HR, a leader's own subtree for a leader."""
    from intranet.governance.models import Department
    from profiles.rules import organising_scope

    scope = organising_scope(user)
    departments = Department.objects.order_by("name").only("name")
    if not scope.everyone:
        departments = departments.filter(pk__in=scope.departments)
    return {"departments": list(departments), "everyone": scope.everyone}


def evaluation_page(*, user, access) -> dict:
    cohort = access.cohort
    return {
        "cohort": cohort,
        "evaluated": CohortEvaluation.objects.filter(cohort=cohort, person_id=user.pk).exists(),
        "open": cohort.status == MentoringCohort.Status.ENDED and cohort.evaluation_open(),
    }


def cohort_list(*, user) -> dict:
    """The cohorts page: those I organise, those I am (to be) paired in, and whether I may
    start one. Two queries."""
    from profiles import access
    from profiles.rules import organising_scope

    cohorts = list(
        access.cohorts_visible_to(user)
        .select_related("organiser", "department")
        .annotate(
            pair_count=Count(
                "pairs", filter=~Q(pairs__status=MentoringPair.Status.DECLINED), distinct=True
            )
        )
        .order_by("-starts_on", "-pk")[:200]
    )
    return {
        "organised": [c for c in cohorts if c.organiser_id == user.pk],
        "others": [c for c in cohorts if c.organiser_id != user.pk],
        "may_organise": bool(organising_scope(user)),
    }


def cohort_page(*, user, access) -> dict:
    """What the cohort page shows `user`, in a fixed number of queries whatever the number of
    pairs: the pairs (names, topic, state, sessions per pair) for everyone who may see the
    cohort; the sessions (with their notes) of the viewer's own pairs only; and, for the
    organiser, the outcomes in aggregate only (never a pair's notes, never who rated what)."""
    cohort = access.cohort
    pairs = list(
        cohort.pairs.select_related("mentor", "mentee", "skill")
        .annotate(session_count=Count("sessions"))
        .order_by("mentee__first_name", "mentee__last_name", "pk")
    )
    mine = [p for p in pairs if user.pk in (p.mentor_id, p.mentee_id)]
    sessions: dict[int, list] = {}
    if mine:
        for session in MentoringSession.objects.filter(
            pair_id__in=[p.pk for p in mine]
        ).select_related("logged_by"):
            sessions.setdefault(session.pair_id, []).append(session)
    for pair in mine:
        pair.session_list = sessions.get(pair.pk, [])
    context = {
        "cohort": cohort,
        "access": access,
        "pairs": [p for p in pairs if p.status != MentoringPair.Status.DECLINED],
        "declined": [p for p in pairs if p.status == MentoringPair.Status.DECLINED],
        "my_pairs": mine,
        "loggable": [p for p in mine if p.status == MentoringPair.Status.ACTIVE]
        if cohort.status != MentoringCohort.Status.ENDED
        else [],
        "evaluated": False,
        "may_evaluate": False,
        "outcomes": None,
    }
    if access.participates:
        context["evaluated"] = CohortEvaluation.objects.filter(
            cohort=cohort, person_id=user.pk
        ).exists()
        context["may_evaluate"] = (
            cohort.status == MentoringCohort.Status.ENDED
            and cohort.evaluation_open()
            and not context["evaluated"]
        )
    if access.manages:
        context["outcomes"] = cohort_outcomes(cohort=cohort, pairs=pairs)
    return context


def cohort_outcomes(*, cohort, pairs) -> dict:
    """The organiser's view of how a cohort went, in aggregate: sessions, pairs that met,
    evaluations, average rating and share who would recommend it (both from MIN_EVALUATIONS
    evaluations on), and what people learned when they agreed to share it, without names and
    in alphabetical order (not the order they wrote it in). Two queries."""
    live = [p for p in pairs if p.status != MentoringPair.Status.DECLINED]
    figures = CohortEvaluation.objects.filter(cohort=cohort).aggregate(
        evaluations=Count("pk"),
        average=Avg("rating"),
        recommend=Count("pk", filter=Q(would_recommend=True)),
    )
    shown = figures["evaluations"] >= MIN_EVALUATIONS
    learnings = list(
        CohortEvaluation.objects.filter(cohort=cohort, share_learning=True)
        .order_by("what_learned", "pk")
        .values_list("what_learned", flat=True)[:100]
    )
    return {
        "pairs": len(live),
        "accepted": sum(1 for p in live if p.mentor_accepted and p.mentee_accepted),
        "sessions": sum(p.session_count for p in live),
        "pairs_met": sum(1 for p in live if p.session_count),
        "evaluations": figures["evaluations"],
        "shown": shown,
        "min_evaluations": MIN_EVALUATIONS,
        "average_rating": round(figures["average"], 1) if shown and figures["average"] else None,
        "recommend_percent": round(100 * figures["recommend"] / figures["evaluations"])
        if shown
        else None,
        # Their authors agreed to share them: shown however few there are.
        "learnings": learnings,
    }
